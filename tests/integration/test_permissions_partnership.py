"""Who may see and do what in the footprint and with API tokens, read as stories.

Every page of the app is in the matrix. Each write service refuses, by itself, a caller who
may not act: the stories call the services directly with the wrong person and find nothing
saved and nothing in the audit trail."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.api import tokens
from footprint.api.rules import Permission as TokenPermission
from footprint.core.jobs import create_job
from footprint.core.models import ApiToken, AuditEvent, Job
from footprint.core.permissions import OPERATOR, can
from footprint.partnership import importers, services
from footprint.partnership.models import (
    Membership,
    Organisation,
    PartnershipRole,
    PartnershipRoleKind,
    Place,
    Population,
    Role,
)
from footprint.partnership.rules import Permission
from footprint.partnership.tasks import run_import
from tests.conftest import CAST, PARTNERS, assert_may_see, make_user

# (url name, args, query, who may see it). Everyone else: log-in redirect (public) or 403.
PAGES = [
    ("partnership:home", [], "", set(CAST)),
    ("partnership:workspace", [], "", PARTNERS),
    ("partnership:numbers", [], "", PARTNERS),
    ("partnership:organisations", [], "", PARTNERS),
    ("partnership:organisations", [], "?format=csv", PARTNERS),
    ("partnership:organisation", ["RA1"], "", PARTNERS),
    ("partnership:organisation_edit", ["RA1"], "", {"pmo", "editor_a"}),
    ("partnership:organisation_edit", ["RB1"], "", {"pmo", "editor_b"}),
    ("partnership:organisation_edit", ["LA001"], "", {"pmo"}),  # the viewer's own: a viewer
    ("partnership:place", ["northshire"], "", PARTNERS),
    ("partnership:place", ["northshire"], "?year=2025&format=csv", PARTNERS),
    ("partnership:neighbourhood", ["north-one"], "", PARTNERS),
    ("partnership:neighbourhood", ["north-one"], "?year=2025&format=csv", PARTNERS),
    ("partnership:imports", [], "", {"pmo"}),
    ("partnership:setup", [], "", {"pmo"}),
    ("partnership:system_edit", [], "", {"pmo"}),
    ("partnership:places", [], "", PARTNERS),
    ("partnership:place_add", [], "", {"pmo"}),
    ("partnership:place_edit", ["northshire"], "", {"pmo"}),
    ("partnership:neighbourhood_add", [], "", {"pmo"}),
    ("partnership:neighbourhood_edit", ["north-one"], "", {"pmo"}),
    ("partnership:people", [], "", {"pmo"}),  # and organisation leads: see the stories below
    ("partnership:invite", [], "", {"pmo"}),
    ("partnership:roles", [], "", PARTNERS),
    ("tokens:list", [], "", PARTNERS | {"stranger"}),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "query", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, who, name, args, query, allowed):
    assert_may_see(client_for(who), who, reverse(name, args=args) + query, allowed)


@pytest.mark.parametrize(
    ("who", "perm", "target", "expected"),
    [
        ("pmo", Permission.CHANGE_ORGANISATION, "trust_b", True),
        ("editor_a", Permission.CHANGE_ORGANISATION, "trust_a", True),
        ("editor_a", Permission.CHANGE_ORGANISATION, "trust_b", False),
        ("editor_a", Permission.CHANGE_ORGANISATION_STRUCTURE, "trust_a", False),
        ("pmo", Permission.CHANGE_ORGANISATION_STRUCTURE, "trust_a", True),
        ("viewer", Permission.CHANGE_ORGANISATION, "council", False),
        ("stranger", Permission.VIEW_WORKSPACE, None, False),
        ("public", Permission.VIEW_WORKSPACE, None, False),
        ("public", Permission.VIEW_ORGANISATION, "trust_a", True),
        ("editor_a", Permission.IMPORT_DATA, None, False),
        ("pmo", Permission.IMPORT_DATA, None, True),
    ],
)
def test_rules_answer_for_each_role(cast, footprint, who, perm, target, expected):
    user = cast[who] or AnonymousUser()
    assert can(user, perm, footprint[target] if target else None) is expected


# Changing an organisation: on its page ...


def edit(client, ods_code: str, data: dict):
    return client.post(reverse("partnership:organisation_edit", args=[ods_code]), data)


def test_an_editor_changes_their_own_organisation(client_for, footprint):
    response = edit(
        client_for("editor_a"),
        "RA1",
        {"name": "Trust A University Hospitals", "postcode": "NS1 1AA", "website": ""},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A University Hospitals"


def test_an_editor_cannot_change_another_organisation(client_for, footprint):
    response = edit(client_for("editor_a"), "RB1", {"name": "Taken over", "postcode": ""})
    assert response.status_code == 403
    assert "permission" in response.content.decode().lower()
    assert Organisation.objects.get(ods_code="RB1").name == "Trust B Hospitals"


def test_an_editor_is_not_offered_the_structure_and_cannot_change_it(client_for, footprint):
    client = client_for("editor_a")
    form = client.get(reverse("partnership:organisation_edit", args=["RA1"])).content.decode()
    assert 'name="name"' in form and 'name="kind"' not in form
    edit(
        client,
        "RA1",
        {"name": "Trust A", "postcode": "", "website": "", "kind": "voluntary"},
    )
    org = Organisation.objects.get(ods_code="RA1")
    assert org.kind == "acute_trust" and org.has_statutory_board


def test_the_programme_office_changes_the_structure(client_for, footprint):
    north = footprint["north"]
    response = edit(
        client_for("pmo"),
        "RB1",
        {
            "name": "Trust B",
            "kind": "community_trust",
            "places": [north.pk],
            "postcode": "",
            "website": "",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(ods_code="RB1")
    assert org.kind == "community_trust" and not org.has_statutory_board
    assert list(org.places.all()) == [north]
    event = AuditEvent.objects.get(action="update_organisation")
    assert event.details["fields"] == ["has_statutory_board", "kind", "name", "places"]


def test_a_bad_edit_shows_errors_and_saves_nothing(client_for, footprint):
    response = edit(client_for("editor_a"), "RA1", {"name": "", "website": "not a url"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"
    assert not AuditEvent.objects.exists()


def test_edits_leave_history_and_an_audit_record(client_for, footprint):
    edit(client_for("editor_a"), "RA1", {"name": "Renamed", "postcode": "", "website": ""})
    org = Organisation.objects.get(ods_code="RA1")
    assert org.history.first().history_user.username == "editor_a"
    assert AuditEvent.objects.filter(
        action="update_organisation", actor__username="editor_a"
    ).exists()


# ... and in the service itself, whichever door the change comes through.


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_the_service_refuses_anyone_but_an_organisations_editors(cast, who):
    org = Organisation.objects.get(ods_code="RA1")
    with pytest.raises(PermissionDenied, match="Only the editors of Trust A Hospitals"):
        services.update_organisation(organisation=org, changes={"name": "Taken over"}, by=cast[who])
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"has_statutory_board": False},
        {"kind": "voluntary"},
        {"neighbourhood": None},
        {"places": []},
    ],
)
def test_the_service_refuses_an_editor_the_structure_of_their_own(cast, changes):
    org = Organisation.objects.get(ods_code="RA1")
    with pytest.raises(PermissionDenied, match="Only the programme office"):
        services.update_organisation(
            organisation=org, changes={"name": "Trust A", **changes}, by=cast["editor_a"]
        )
    org = Organisation.objects.get(ods_code="RA1")
    assert org.name == "Trust A Hospitals" and org.has_statutory_board
    assert org.kind == "acute_trust" and org.places.count() == 1
    assert not AuditEvent.objects.exists()


def test_the_service_lets_the_programme_office_change_the_structure(cast):
    org = Organisation.objects.get(ods_code="RA1")
    services.update_organisation(
        organisation=org, changes={"has_statutory_board": False}, by=cast["pmo"]
    )
    assert not Organisation.objects.get(ods_code="RA1").has_statutory_board


def test_the_api_patch_is_refused_by_the_same_service(client, cast):
    _, token = tokens.create_token(user=cast["editor_a"], name="t")
    response = client.patch(
        "/api/v1/organisations/RA1",
        json.dumps({"has_statutory_board": False}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Only the programme office changes")
    assert Organisation.objects.get(ods_code="RA1").has_statutory_board


# Imports: the programme office only, whether from the page, a queued job or a script.

ORGS = "ODS code,Name,Kind,Neighbourhood\nA44444,Brook Surgery,GP practice,N2\n"
MYE = (
    "Code,Name,Sex,"
    + ",".join(str(a) for a in range(90))
    + ",90+\nN1,North One,F,"
    + ",".join(["3"] * 91)
    + "\n"
)


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public"])
def test_only_the_programme_office_imports_organisations(cast, who):
    rows = importers.parse_organisations(ORGS, "orgs.csv")
    with pytest.raises(PermissionDenied, match="Only the programme office imports"):
        services.import_organisations(rows=rows, filename="orgs.csv", by=cast[who])
    assert not Organisation.objects.filter(ods_code="A44444").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public"])
def test_only_the_programme_office_imports_population(cast, who):
    records = importers.parse_population_estimates(MYE, "mye.csv", 2023)
    with pytest.raises(PermissionDenied, match="Only the programme office imports"):
        services.import_population(
            records=records, source="estimate", filename="mye.csv", by=cast[who]
        )
    assert not Population.objects.filter(year=2023).exists()
    assert not AuditEvent.objects.exists()


def test_a_queued_import_runs_as_its_uploader_and_is_refused_if_they_may_not(cast):
    """Say the uploader left the programme office while the job waited in the queue."""
    job = create_job(
        kind="import:organisations",
        title="Import orgs.csv",
        user=cast["editor_a"],
        payload={"kind": "organisations", "text": ORGS, "filename": "orgs.csv"},
    )
    run_import.enqueue(job.pk)  # in process, as by default
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.errors == ["Only the programme office imports data."]
    assert not Organisation.objects.filter(ods_code="A44444").exists()


def test_the_operator_at_the_command_line_imports_as_no_user(cast):
    rows = importers.parse_organisations(ORGS, "orgs.csv")
    services.import_organisations(rows=rows, filename="orgs.csv", by=OPERATOR)
    assert Organisation.objects.get(ods_code="A44444").history.first().history_user is None
    assert AuditEvent.objects.get(action="import_organisations").actor is None


# API tokens: anyone logged in makes their own; only the owner revokes one.


def test_tokens_are_made_only_for_someone_logged_in(cast, django_user_model):
    with pytest.raises(PermissionDenied):
        tokens.create_token(user=AnonymousUser(), name="t")
    gone = django_user_model.objects.create_user(username="gone", is_active=False)
    with pytest.raises(PermissionDenied):
        tokens.create_token(user=gone, name="t")
    assert not ApiToken.objects.exists() and not AuditEvent.objects.exists()
    assert can(cast["stranger"], TokenPermission.CREATE_TOKEN)


@pytest.mark.parametrize("who", ["editor_b", "pmo", "public"])
def test_only_a_tokens_owner_revokes_it(cast, who):
    record, _ = tokens.create_token(user=cast["editor_a"], name="notebook")
    with pytest.raises(PermissionDenied, match="Only a token's owner"):
        tokens.revoke_token(record=record, by=cast[who] or AnonymousUser())
    record.refresh_from_db()
    assert record.revoked_at is None
    assert not AuditEvent.objects.filter(action="revoke_api_token").exists()


def test_the_owner_revokes_their_token_on_the_page_and_no_one_else_can(client_for, cast):
    record, _ = tokens.create_token(user=cast["editor_a"], name="notebook")
    revoke = reverse("tokens:revoke", args=[record.pk])
    assert client_for("editor_b").post(revoke).status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None
    client = client_for("editor_a")
    assert client.post(revoke)["Location"] == reverse("tokens:list")
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert "You have no tokens" in client.get(reverse("tokens:list")).content.decode()
    assert AuditEvent.objects.filter(action="revoke_api_token", actor__username="editor_a").exists()


# People: the programme office manages everyone; an organisation lead only their own
# organisation's people, and never a partnership role.

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def lead_a(cast, footprint, django_user_model):
    """An organisation lead of Trust A (and nothing else)."""
    user = make_user(django_user_model, "lead_a")
    Membership.objects.create(
        user=user, organisation=footprint["trust_a"], role=Role.ORGANISATION_LEAD
    )
    return user


def _login(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("whose", ["editor_a", "editor_b"])
def test_a_persons_page_is_for_the_programme_office_and_their_organisations_leads(
    client_for, cast, who, whose
):
    path = reverse("partnership:person", args=[cast[whose].pk])
    assert_may_see(client_for(who), who, path, {"pmo"})


def test_an_organisation_lead_sees_their_own_people_and_no_one_elses(client, cast, lead_a):
    _login(client, lead_a)
    people = client.get(reverse("partnership:people")).content.decode()
    assert "Editor_A" in people and "Editor_B" not in people and "Viewer" not in people
    assert "You manage the people of Trust A Hospitals" in people
    assert client.get(reverse("partnership:person", args=[cast["editor_a"].pk])).status_code == 200
    refused = client.get(reverse("partnership:person", args=[cast["editor_b"].pk]))
    assert refused.status_code == 403
    form = client.get(reverse("partnership:invite")).content.decode()
    assert "Trust A Hospitals" in form and "Trust B Hospitals" not in form
    assert "Programme office" not in form  # no partnership roles to give


def test_an_organisation_lead_may_not_manage_another_organisations_people(cast, footprint, lead_a):
    trust_b = footprint["trust_b"]
    held = Membership.objects.get(user=cast["editor_b"])
    with pytest.raises(PermissionDenied, match="organisation lead of Trust B Hospitals"):
        services.grant_role(
            person=cast["editor_b"], organisation=trust_b, role=Role.FINANCE, by=lead_a
        )
    with pytest.raises(PermissionDenied, match="organisation lead of Trust B Hospitals"):
        services.remove_role(membership=held, by=lead_a)
    with pytest.raises(PermissionDenied, match="organisation lead of Trust B Hospitals"):
        services.remove_from_organisation(person=cast["editor_b"], organisation=trust_b, by=lead_a)
    with pytest.raises(PermissionDenied, match="organisation lead of Trust B Hospitals"):
        services.invite_person(
            email="new@example.org",
            first_name="New",
            last_name="Person",
            organisation=trust_b,
            role=Role.EDITOR,
            by=lead_a,
            now=NOW,
        )
    assert Membership.objects.filter(user=cast["editor_b"]).count() == 1
    assert not django_user_exists("new@example.org")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["lead_a", "editor_a", "viewer", "stranger"])
def test_only_the_programme_office_gives_partnership_roles_and_deactivates(cast, lead_a, who):
    by = lead_a if who == "lead_a" else cast[who]
    target = cast["editor_a"]
    with pytest.raises(PermissionDenied, match="Only the programme office gives partnership"):
        services.grant_partnership_role(
            person=target, role=PartnershipRoleKind.PROGRAMME_OFFICE, by=by
        )
    with pytest.raises(PermissionDenied, match="Only the programme office gives partnership"):
        services.invite_person(
            email="chair@example.org",
            first_name="C",
            last_name="Hair",
            organisation=None,
            role=PartnershipRoleKind.CHAIR,
            by=by,
            now=NOW,
        )
    with pytest.raises(PermissionDenied, match="Only the programme office deactivates"):
        services.deactivate_person(person=target, by=by, now=NOW)
    target.refresh_from_db()
    assert target.is_active and not PartnershipRole.objects.filter(user=target).exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_sets_the_partnership_up(cast, footprint, who):
    by = cast[who] or AnonymousUser()
    with pytest.raises(PermissionDenied, match="Only the programme office"):
        services.save_system(changes={"name": "Taken over"}, by=by, today=dt.date(2026, 11, 30))
    with pytest.raises(PermissionDenied, match="Only the programme office adds places"):
        services.create_place(name="Westshire", code="E10000999", by=by)
    with pytest.raises(PermissionDenied, match="Only the programme office changes places"):
        services.update_place(place=footprint["north"], changes={"code": "X1"}, by=by)
    with pytest.raises(PermissionDenied, match="Only the programme office adds neighbourhoods"):
        services.create_neighbourhood(place=footprint["north"], name="N3", code="N3", by=by)
    with pytest.raises(PermissionDenied, match="Only the programme office changes neighbourhoods"):
        services.update_neighbourhood(hood=footprint["hoods"]["N1"], changes={"code": "X"}, by=by)
    assert Place.objects.get(slug="northshire").code == "E10000901"
    assert not AuditEvent.objects.exists()


def django_user_exists(email: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(email=email).exists()


# The people pages' actions (POST only), walked as each of the cast: only the programme office
# gets through; the rest are sent to log in or refused, and nothing changes.


def _posts(cast, footprint):
    editor_a = cast["editor_a"]
    membership = Membership.objects.get(user=editor_a)
    invitation = services.invite_person(
        email="invitee@example.org",
        first_name="In",
        last_name="Vitee",
        organisation=footprint["trust_a"],
        role=Role.VIEWER,
        by=cast["pmo"],
        now=dt.datetime.now(dt.UTC),
    ).invitation
    AuditEvent.objects.all().delete()
    return [
        (
            "partnership:person_grant_role",
            [editor_a.pk],
            {"organisation": footprint["trust_a"].pk, "role": "finance"},
        ),
        ("partnership:person_remove_role", [editor_a.pk, membership.pk], {}),
        ("partnership:person_leave_organisation", [editor_a.pk, "RA1"], {}),
        ("partnership:person_grant_partnership_role", [editor_a.pk], {"partnership-role": "chair"}),
        ("partnership:person_remove_partnership_role", [cast["pmo"].pk, "programme_office"], {}),
        ("partnership:person_deactivate", [editor_a.pk], {}),
        ("partnership:person_reactivate", [editor_a.pk], {}),
        ("partnership:person_send_password_reset", [editor_a.pk], {}),
        ("partnership:invitation_resend", [invitation.pk], {}),
        ("partnership:invitation_revoke", [invitation.pk], {}),
    ]


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_the_people_actions_refuse_everyone_but_those_who_manage_people(
    client_for, cast, footprint, who
):
    client = client_for(who)
    for name, args, data in _posts(cast, footprint):
        response = client.post(reverse(name, args=args), data)
        if who == "public":
            assert response.status_code == 302 and "/login/" in response["Location"], name
        else:
            assert response.status_code == 403, name
    assert not AuditEvent.objects.exists()
    assert Membership.objects.filter(user=cast["editor_a"]).count() == 1
    assert not [m for m in mail.outbox if "password" in m.subject.lower()]


def test_the_invitation_link_is_open_to_anyone_holding_it(client, footprint):
    """invitation_open and invitation_accept need no account: the link is the permission."""
    response = client.get(reverse("partnership:invitation_open", args=["not-a-token"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("partnership:invitation_accept")
    page = client.get(response["Location"])
    assert page.status_code == 404
    assert "is not a Footprint invitation" in page.content.decode()
