"""Who may see and do what in the footprint and with API tokens, read as stories.

Every page of the app is in the matrix. Each write service refuses, by itself, a caller who
may not act: the stories call the services directly with the wrong person and find nothing
saved and nothing in the audit trail."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.api import tokens
from footprint.api.rules import Permission as TokenPermission
from footprint.core.jobs import create_job
from footprint.core.models import ApiToken, AuditEvent, Job
from footprint.core.permissions import OPERATOR, can
from footprint.partnership import importers, services
from footprint.partnership.models import Organisation, Population
from footprint.partnership.rules import Permission
from footprint.partnership.tasks import run_import
from tests.conftest import CAST, PARTNERS, assert_may_see

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
