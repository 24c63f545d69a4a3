"""A combined community and mental health trust: set to make both sections, its one return a
day carries both, each service has its own OPEL level (told and changed on its own), both are
pillars of the ICS score, and the pages, the calendar and the API show each. Then the demo's
two years of mental-health figures."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from footprint.api.tokens import create_token
from footprint.flow import queries, services
from footprint.flow.models import LevelChange, OnCallContact, OpelLevel
from footprint.partnership.models import Organisation, OrganisationKind

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)
# Community: 90 of 100 beds (90 %: no points), nothing else: score 0, OPEL 1.
# Mental health: 42 of 40 beds (105 %: 3 points), 5 out of area (2), none under section 136
# (0), 1 over 12 hours in ED (1): 6 of 12 points, score 50, OPEL 3.
BOTH = {
    "community_beds_open": "100",
    "community_beds_occupied": "90",
    "mh_beds_open": "40",
    "mh_beds_occupied": "42",
    "out_of_area": "5",
    "section_136": "0",
    "mh_ed_over_12_hours": "1",
}


@pytest.fixture
def combined(cast, footprint):
    org = Organisation.objects.create(
        ods_code="RC1", name="Community and Mental Health", kind=OrganisationKind.COMMUNITY_TRUST
    )
    services.set_expected_returns(
        by=cast["pmo"], organisation=org, kinds=["community", "mental_health"], now=NOW
    )
    return org


def submit(org, figures, by, day=TODAY):
    return services.submit_return(organisation=org, day=day, figures=figures, by=by, now=NOW)


def test_each_service_has_its_level_and_both_are_pillars(
    cast, combined, django_capture_on_commit_callbacks
):
    OnCallContact.objects.create(organisation=combined, name="On call", email="oc@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        saved = submit(combined, BOTH, cast["pmo"])
    levels = {lvl.kind: lvl for lvl in OpelLevel.objects.filter(organisation=combined)}
    assert set(levels) == {"community", "mental_health"}
    assert (levels["community"].score, levels["community"].level) == (0.0, 1)
    mh = levels["mental_health"]
    assert (mh.score, mh.level) == (50.0, 3)
    assert mh.points == {"bed_occupancy": 3, "out_of_area": 2, "section_136": 0, "ed_12_hours": 1}
    # The ICS score: the community pillar at 0 and the mental health pillar at 50: 25, OPEL 2.
    system = queries.opel_level(None, TODAY)
    assert (system.score, system.level) == (25.0, 2)
    assert system.points == {"community": 1, "mental_health": 3}
    # Each service's change is recorded and told, naming the service.
    assert sorted((c.kind, c.to_level) for c in saved.changes if c.organisation) == [
        ("community", 1),
        ("mental_health", 3),
    ]
    subjects = sorted(m.subject for m in mail.outbox)
    assert "OPEL 3: Community and Mental Health (mental health services)" in subjects
    assert "OPEL 1: Community and Mental Health (community services)" in subjects


def test_a_service_changes_level_on_its_own(cast, combined):
    submit(combined, BOTH, cast["pmo"], day=TODAY - dt.timedelta(days=1))
    calmer = {**BOTH, "mh_beds_occupied": "36", "out_of_area": "0", "mh_ed_over_12_hours": "0"}
    saved = submit(combined, calmer, cast["pmo"])
    changed = [(c.kind, c.from_level, c.to_level) for c in saved.changes if c.organisation]
    assert changed == [("mental_health", 3, 1)]  # the community level did not change
    assert LevelChange.objects.filter(organisation=combined, kind="community").count() == 1


def test_a_service_no_longer_provided_keeps_no_level(cast, combined):
    submit(combined, BOTH, cast["pmo"])
    services.set_expected_returns(
        by=cast["pmo"], organisation=combined, kinds=["community"], now=NOW
    )
    submit(combined, {"community_beds_open": "100", "community_beds_occupied": "90"}, cast["pmo"])
    assert list(OpelLevel.objects.filter(organisation=combined).values_list("kind", flat=True)) == [
        "community"
    ]
    assert queries.opel_level(None, TODAY).points == {"community": 1}


def test_the_pages_and_the_api_show_each_service(client, client_for, cast, combined):
    submit(combined, BOTH, cast["pmo"])
    pmo = client_for("pmo")
    index = pmo.get(f"/workspace/flow/?date={TODAY.isoformat()}").content.decode()
    assert "Community services: OPEL 1<br>Mental health services: OPEL 3" in index
    calendar = pmo.get("/workspace/flow/calendar/?month=2026-11").content.decode()
    assert "Community and Mental Health (community services)" in calendar
    assert "Community and Mental Health (mental health services)" in calendar
    token = create_token(user=cast["pmo"], name="t")[1]
    day = client.get(
        f"/api/v1/flow/day?date={TODAY.isoformat()}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    mine = [(x["service"], x["level"]) for x in day["levels"] if x["organisation"] == "RC1"]
    assert mine == [("community", 1), ("mental_health", 3)]
    assert day["levels"][0]["service"] is None  # the system's first
    posted = client.post(
        "/api/v1/flow/returns",
        json.dumps({"organisation": "RC1", "date": TODAY.isoformat(), "figures": BOTH}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert posted["levels"] == {"community": 1, "mental_health": 3}
    # The page says both levels after saving.
    page = pmo.post(
        f"/workspace/flow/submit/?organisation=RC1&date={TODAY.isoformat()}", BOTH, follow=True
    ).content.decode()
    assert "It is at OPEL 1 for community services and OPEL 3 for mental health services." in page


def test_the_escalation_page_names_the_service_of_each_change(client_for, cast, combined):
    submit(combined, BOTH, cast["pmo"])
    page = client_for("viewer").get("/workspace/flow/escalation/").content.decode()
    assert "Community and Mental Health (mental health services)" in page
    assert "Community and Mental Health (community services)" in page
