"""Who may see and do what, read as stories and proved for every role and view."""

import pytest
from django.urls import reverse

from footprint.core.permissions import can
from footprint.partnership.models import Organisation
from tests.conftest import CAST, assert_may_see

# (url name, args, who may see it). Everyone else: log-in redirect (public) or 403.
PAGES = [
    ("partnership:home", [], set(CAST)),
    ("partnership:workspace", [], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("partnership:organisations", [], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("partnership:organisation", ["RA1"], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("partnership:organisation_edit", ["RA1"], {"pmo", "editor_a"}),
    ("partnership:organisation_edit", ["RB1"], {"pmo", "editor_b"}),
    ("partnership:place", ["northshire"], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("partnership:neighbourhood", ["north-one"], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("partnership:imports", [], {"pmo"}),
    ("tokens:list", [], {"pmo", "editor_a", "editor_b", "viewer", "stranger"}),
    # System finance: partners read; plans are changed by the organisation's finance users
    # (none in the cast) and the programme office; the public reads "Our money".
    ("finance:index", [], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("finance:organisation", ["RA1"], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("finance:risk_share", [], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("finance:scenario", [], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("finance:export", ["csv"], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("finance:upload", [], {"pmo"}),
    ("finance:plan_edit", ["RA1", 2026], {"pmo"}),
    ("finance:template", ["RA1"], {"pmo"}),
    ("finance:agreement_new", [], {"pmo"}),
    ("finance:public", [], set(CAST)),
    # Engagement: everyone reads the public consultation pages; partners the workspace; the
    # programme office sets up and moderates.
    ("engagement:consultations", [], set(CAST)),
    ("engagement:index", [], {"pmo", "editor_a", "editor_b", "viewer"}),
    ("engagement:new", [], {"pmo"}),
    ("engagement:moderation", [], {"pmo"}),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, who, name, args, allowed):
    assert_may_see(client_for(who), who, reverse(name, args=args), allowed)


def test_an_editor_changes_their_own_organisation(client_for, footprint):
    response = client_for("editor_a").post(
        reverse("partnership:organisation_edit", args=["RA1"]),
        {"name": "Trust A University Hospitals", "postcode": "NS1 1AA", "website": ""},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A University Hospitals"


def test_an_editor_cannot_change_another_organisation(client_for, footprint):
    response = client_for("editor_a").post(
        reverse("partnership:organisation_edit", args=["RB1"]),
        {"name": "Taken over", "postcode": ""},
    )
    assert response.status_code == 403
    assert Organisation.objects.get(ods_code="RB1").name == "Trust B Hospitals"


def test_an_editor_cannot_change_the_structure_even_of_their_own(client_for, footprint):
    client_for("editor_a").post(
        reverse("partnership:organisation_edit", args=["RA1"]),
        {
            "name": "Trust A",
            "postcode": "",
            "website": "",
            "kind": "voluntary",
            "has_statutory_board": "",
        },
    )
    org = Organisation.objects.get(ods_code="RA1")
    assert org.kind == "acute_trust" and org.has_statutory_board


def test_the_programme_office_changes_the_structure(client_for, footprint):
    north = footprint["north"]
    response = client_for("pmo").post(
        reverse("partnership:organisation_edit", args=["RB1"]),
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


def test_a_bad_edit_shows_errors_and_saves_nothing(client_for, footprint):
    response = client_for("editor_a").post(
        reverse("partnership:organisation_edit", args=["RA1"]), {"name": "", "website": "not a url"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"


def test_edits_leave_history_and_an_audit_record(client_for, footprint):
    from footprint.core.models import AuditEvent

    client_for("editor_a").post(
        reverse("partnership:organisation_edit", args=["RA1"]),
        {"name": "Renamed", "postcode": "", "website": ""},
    )
    org = Organisation.objects.get(ods_code="RA1")
    assert org.history.first().history_user.username == "editor_a"
    assert AuditEvent.objects.filter(
        action="update_organisation", actor__username="editor_a"
    ).exists()


@pytest.mark.parametrize(
    ("who", "perm", "target", "expected"),
    [
        ("pmo", "partnership.change_organisation", "trust_b", True),
        ("editor_a", "partnership.change_organisation", "trust_a", True),
        ("editor_a", "partnership.change_organisation", "trust_b", False),
        ("viewer", "partnership.change_organisation", "council", False),
        ("stranger", "partnership.view_workspace", None, False),
        ("public", "partnership.view_workspace", None, False),
        ("public", "partnership.view_organisation", "trust_a", True),
        ("editor_a", "partnership.import_data", None, False),
        ("pmo", "partnership.import_data", None, True),
    ],
)
def test_rules_answer_for_each_role(cast, footprint, who, perm, target, expected):
    from django.contrib.auth.models import AnonymousUser

    user = cast[who] or AnonymousUser()
    assert can(user, perm, footprint[target] if target else None) is expected


def test_login_is_throttled_after_five_failures(client, cast):
    for _ in range(5):
        client.post("/login/", {"username": "viewer", "password": "wrong"})
    locked = client.post(
        "/login/", {"username": "viewer", "password": "correct-horse-battery-staple"}
    )
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()


def test_pages_carry_a_content_security_policy(client, footprint):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'nonce-" in policy
