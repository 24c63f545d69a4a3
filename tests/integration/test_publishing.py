"""Published means published: the public page and the public API show what the programme
office published, with its date, until it publishes again; partners see later changes as a
draft; a revision says what changed. Money is in pence: 100_000_000 is £1m."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from footprint.api.tokens import create_token
from footprint.core.models import AuditEvent
from footprint.finance import importers, services
from footprint.finance.models import YearPublication
from tests.integration.test_finance import GOOD, M, chart_spec, figures, workbook_bytes

NOV_3 = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
NOV_20 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def plans_2026(footprint, cast, icb):
    """2026/27: trust A plans −£9m against a −£5m control total, trust B +£6m against £0."""
    services.save_plan(
        organisation=footprint["trust_a"], figures=figures(2026, non_pay=59, ct=-5), by=cast["pmo"]
    )
    services.save_plan(
        organisation=footprint["trust_b"], figures=figures(2026, non_pay=44, ct=0), by=cast["pmo"]
    )


def upload_better_plan_for_trust_a(finance_team):
    """Trust A's finance lead uploads 2026/27 at −£6m (spend £116m, not £119m) and 2027/28."""
    workbook = importers.parse_plan_workbook(workbook_bytes(GOOD), "plan.xlsx")
    services.import_plan_workbook(workbook=workbook, filename="plan.xlsx", by=finance_team["a"])


def test_an_upload_after_publishing_does_not_change_the_public_page(
    client, cast, finance_team, plans_2026
):
    # Published: system control total −£5m, plans −£9m (A) and +£6m (B): −£3m, £2m better.
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)
    upload_better_plan_for_trust_a(finance_team)
    public = client.get(reverse("finance:public")).content.decode()
    assert "−£3.0m" in public and "£2.0m better" in public
    assert "£5.0m better" not in public
    summary = client.get("/api/v1/finance/summary/2026").json()
    assert summary["surplus_pence"] == -3 * M and summary["variance_pence"] == 2 * M


def test_publish_change_draft_and_publish_again(client, client_for, cast, finance_team, plans_2026):
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)
    public = client.get(reverse("finance:public")).content.decode()
    assert "Published on 3 November 2026" in public and "Revised" not in public

    upload_better_plan_for_trust_a(finance_team)

    # The public page and the API keep the published figures and their date; nothing of the
    # new plan shows, not even as a total or a share of one.
    public = client.get(reverse("finance:public")).content.decode()
    assert "Published on 3 November 2026" in public
    assert "−£9.0m" in public and "−£6.0m" not in public
    assert 'plans add up to <strong><span class="fp-money">−£3.0m</span></strong>' in public
    assert "2027/28" not in public
    api = client.get("/api/v1/finance/summary/2026").json()
    assert api["published_on"] == "2026-11-03" and api["revised"] is False
    assert api["changes"] == []
    assert {p["ods_code"]: p["surplus_pence"] for p in api["positions"]} == {
        "RA1": -9 * M,
        "RB1": 6 * M,
    }
    assert client.get("/api/v1/finance/summary/2027").status_code == 404

    # Partners see the figures as they stand, marked as a draft, with what would change.
    partner = client_for("editor_b").get(reverse("finance:index"), {"year": 2026}).content.decode()
    assert "Draft: changed since published on 3 November 2026" in partner
    assert "Trust A Hospitals: expenditure: from £119,000,000 to £116,000,000" in partner
    assert "Planned system position: from −£3,000,000 to £0" in partner
    assert "Publish the 2026/27 figures" not in partner  # only the programme office publishes
    for code, changed in (("RA1", True), ("RB1", False)):
        url = reverse("finance:organisation", args=[code])
        page = client_for("editor_b").get(url, {"year": 2026}).content.decode()
        assert ("Draft: changed since published on 3 November 2026" in page) is changed
    assert client_for("editor_b").post(reverse("finance:publish", args=[2026])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.publish_year(year=2026, by=cast["editor_a"], at=NOV_20)
    assert "Publish the 2026/27 figures as they are now" in (
        client_for("pmo").get(reverse("finance:index"), {"year": 2026}).content.decode()
    )

    # Publishing again: the public sees the new figures, revised, with what changed.
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_20)
    public = client.get(reverse("finance:public")).content.decode()
    assert "Revised on 20 November 2026; first published on 3 November 2026" in public
    assert "£5.0m better" in public
    assert "Trust A Hospitals: surplus or deficit: from −£9,000,000 to −£6,000,000" in public
    assert "System against its control total: from £2,000,000 to £5,000,000" in public
    api = client.get("/api/v1/finance/summary/2026").json()
    assert (api["published_on"], api["first_published_on"]) == ("2026-11-20", "2026-11-03")
    assert api["revised"] is True and api["variance_pence"] == 5 * M
    assert {"figure": "Trust A Hospitals: expenditure", "before": 119 * M, "after": 116 * M} in (
        api["changes"]
    )
    partner = client_for("editor_b").get(reverse("finance:index"), {"year": 2026}).content.decode()
    assert "Draft" not in partner and "nothing has changed since" in partner
    assert "Revised on 20 November 2026 by Pmo: 4 figures changed" in partner

    # Every publication is kept, with who published it; the audit trail says what changed.
    first, second = YearPublication.objects.order_by("published_at")
    assert first.summary["surplus_pence"] == -3 * M and first.published_by == cast["pmo"]
    assert second.summary["surplus_pence"] == 0 and len(second.changes) == 4
    event = AuditEvent.objects.filter(action="publish_finance_year").order_by("pk").last()
    assert "Revised the system financial summary for 2026/27: 4 figures changed" in event.summary


def test_the_partner_api_marks_each_position_a_draft_unless_the_public_sees_it(
    client, cast, finance_team, plans_2026
):
    def positions(who):
        _, token = create_token(user=cast[who], name="t")
        response = client.get("/api/v1/finance/positions", HTTP_AUTHORIZATION=f"Bearer {token}")
        return {(p["ods_code"], p["year"]): p for p in response.json()}

    def flags(shown):
        return {key: (p["draft"], p["published_on"]) for key, p in shown.items()}

    # Not published: trust B's own position is a draft, published on no date.
    assert flags(positions("editor_b")) == {("RB1", 2026): (True, None)}
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)
    assert flags(positions("editor_b")) == {
        ("RA1", 2026): (False, "2026-11-03"),
        ("RB1", 2026): (False, "2026-11-03"),
    }
    # Trust A's 2026/27 changes (and it adds 2027/28): the live figure is a draft; the public
    # still sees the published one.
    upload_better_plan_for_trust_a(finance_team)
    shown = positions("pmo")
    assert shown[("RA1", 2026)]["surplus_pence"] == -6 * M
    assert flags(shown) == {
        ("RA1", 2026): (True, "2026-11-03"),
        ("RB1", 2026): (False, "2026-11-03"),
        ("RA1", 2027): (True, None),
    }
    assert client.get("/api/v1/finance/summary/2026").json()["surplus_pence"] == -3 * M
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "draft" in schema["LivePositionOut"]["required"]
    assert "changed since" in schema["LivePositionOut"]["properties"]["draft"]["description"]


def test_publishing_unchanged_figures_adds_no_revision(client, cast, plans_2026):
    first = services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)
    assert services.publish_year(year=2026, by=cast["pmo"], at=NOV_20) == first
    assert YearPublication.objects.count() == 1


def test_a_withdrawn_year_leaves_the_public_and_comes_back_as_published(
    client, cast, finance_team, plans_2026
):
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)
    services.withdraw_year(year=2026, by=cast["pmo"])
    assert "has not published a financial summary yet" in (
        client.get(reverse("finance:public")).content.decode()
    )
    assert client.get("/api/v1/finance/summary/2026").status_code == 404
    assert YearPublication.objects.count() == 1  # kept
    with pytest.raises(PermissionDenied):
        services.withdraw_year(year=2026, by=cast["viewer"])
    upload_better_plan_for_trust_a(finance_team)
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_20)
    api = client.get("/api/v1/finance/summary/2026").json()
    assert api["revised"] is True and api["surplus_pence"] == 0


def test_a_publication_cannot_be_dated_before_the_last(cast, plans_2026):
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_20)
    with pytest.raises(ValidationError, match="last published on 20 November 2026"):
        services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)


def test_the_public_waterfall_is_the_partners_as_published(client, client_for, cast, plans_2026):
    services.publish_year(year=2026, by=cast["pmo"], at=NOV_3)

    def steps(page: str, chart: str) -> list[tuple[str, str]]:
        values = chart_spec(page, chart)["data"]["values"]
        return [(v["step"], v["amount_text"]) for v in values]

    partner = client_for("viewer").get(reverse("finance:index"), {"year": 2026}).content.decode()
    public = client.get(reverse("finance:public")).content.decode()
    shown = steps(public, "public-waterfall")
    assert shown == steps(partner, "system-waterfall")
    assert ("Trust A Hospitals plan", "−£4.0m") in shown


def test_a_year_with_no_plans_cannot_be_published(cast, footprint):
    with pytest.raises(ValidationError, match="No organisation has a plan for 2030/31"):
        services.publish_year(year=2030, by=cast["pmo"], at=NOV_3)


# --- The plan --------------------------------------------------------------------------------

GOAL = "Four in five seen within four hours at Trust A"


def test_the_plan_publish_change_draft_and_publish_again(client, client_for, cast, plan):
    from footprint.plans import services as plans
    from footprint.plans.models import PlanPublication

    assert "has not published its plan yet" in client.get(reverse("plans:public")).content.decode()
    assert client.get("/api/v1/plan").status_code == 404
    overview = client_for("viewer").get(reverse("plans:overview")).content.decode()
    assert "Not published" in overview

    plans.publish_plan(plan=plan["plan"], by=cast["pmo"], at=NOV_3)
    public = client.get(reverse("plans:public")).content.decode()
    assert "Published on 3 November 2026" in public
    assert "The latest figure, for March 2025, is 66.0%." in public

    # Trust A records April's figure and the programme office raises the target.
    plans.record_measurement(
        metric=plan["metric"],
        subject=plan["goal"],
        period=dt.date(2025, 4, 1),
        value=81.0,
        note="",
        by=cast["editor_a"],
        today=NOV_3.date(),
    )
    goal = plan["goal"]
    goal.target_value = 85.0
    goal.save()

    # The public page and the API still show the plan as published, with its date.
    public = client.get(reverse("plans:public")).content.decode()
    assert "Published on 3 November 2026" in public
    assert "aim for 80.0% by March 2026" in public and "85.0" not in public
    assert "is 66.0%" in public and "81.0" not in public
    api = client.get("/api/v1/plan").json()
    assert api["published_on"] == "2026-11-03" and api["revised"] is False
    assert api["goals"][0]["target_value"] == 80.0 and api["goals"][0]["latest_value"] == 66.0
    # Published on 3 November 2026, after its target date of March 2026: missed.
    assert api["goals"][0]["status"] == "missed"

    # Partners see the plan as it stands, marked as a draft, with what would change.
    overview = client_for("viewer").get(reverse("plans:overview")).content.decode()
    assert "Draft: changed since published on 3 November 2026" in overview
    assert f"{GOAL}: target: from 80.0% by March 2026 to 85.0% by March 2026" in overview
    assert f"{GOAL}: latest figure: from 66.0% for March 2025 to 81.0% for April 2025" in overview
    assert "Publish the plan as it is now" not in overview
    assert client_for("editor_a").post(reverse("plans:publish")).status_code == 403
    with pytest.raises(PermissionDenied):
        plans.publish_plan(plan=plan["plan"], by=cast["editor_a"], at=NOV_20)
    pmo_view = client_for("pmo").get(reverse("plans:overview")).content.decode()
    assert "Publish the plan as it is now" in pmo_view

    # Published again: the public sees the revision and what changed.
    plans.publish_plan(plan=plan["plan"], by=cast["pmo"], at=NOV_20)
    public = client.get(reverse("plans:public")).content.decode()
    assert "Revised on 20 November 2026; first published on 3 November 2026" in public
    assert "aim for 85.0% by March 2026" in public and "is 81.0%" in public
    assert f"{GOAL}: target: from 80.0% by March 2026 to 85.0% by March 2026" in public
    api = client.get("/api/v1/plan").json()
    assert (api["published_on"], api["first_published_on"]) == ("2026-11-20", "2026-11-03")
    assert api["revised"] is True and api["goals"][0]["latest_value"] == 81.0
    assert {
        "figure": f"{GOAL}: latest figure",
        "before": "66.0% for March 2025",
        "after": "81.0% for April 2025",
    } in api["changes"]
    overview = client_for("viewer").get(reverse("plans:overview")).content.decode()
    assert "Draft" not in overview and "nothing has changed since" in overview
    first, second = PlanPublication.objects.order_by("published_at")
    assert first.content["priorities"][0]["goals"][0]["target_value"] == 80.0
    assert second.published_by == cast["pmo"] and second.changes
    assert AuditEvent.objects.filter(action="publish_plan").count() == 2


def test_publishing_the_plan_through_the_page(client_for, plan):
    response = client_for("pmo").post(reverse("plans:publish"))
    assert response.status_code == 302
    plan["plan"].refresh_from_db()
    assert plan["plan"].is_published and plan["plan"].publications.count() == 1
    # Publishing again with nothing changed adds no revision.
    client_for("pmo").post(reverse("plans:publish"))
    assert plan["plan"].publications.count() == 1


def test_a_plan_marked_published_without_a_publication_is_not_public(client, plan):
    from footprint.plans.models import Plan

    Plan.objects.update(status=Plan.Status.PUBLISHED)  # as an administrator might
    assert "has not published its plan yet" in client.get(reverse("plans:public")).content.decode()
    assert client.get("/api/v1/plan").status_code == 404


def test_a_goal_that_passes_its_target_date_is_missed_in_the_next_publication(client, cast, plan):
    from footprint.plans import services as plans
    from footprint.plans.models import Goal

    # Due by March 2027, published in November 2026: judged on its trajectory (at risk, its
    # latest point a concern). Its date moved back to March 2026: missed, and the revision
    # says the status changed.
    Goal.objects.update(target_date=dt.date(2027, 3, 1))
    plans.publish_plan(plan=plan["plan"], by=cast["pmo"], at=NOV_3)
    assert client.get("/api/v1/plan").json()["goals"][0]["status"] == "at_risk"
    Goal.objects.update(target_date=dt.date(2026, 3, 1))
    plans.publish_plan(plan=plan["plan"], by=cast["pmo"], at=NOV_20)
    api = client.get("/api/v1/plan").json()
    assert api["goals"][0]["status"] == "missed"
    assert {"figure": f"{GOAL}: status", "before": "At risk", "after": "Missed"} in api["changes"]
    public = client.get(reverse("plans:public")).content.decode()
    assert ">Missed</strong>" in public
    assert "The target date has passed and the latest value, from before it, does not meet" in (
        public
    )


def test_the_change_list_writes_counts_as_whole_numbers(cast, plan):
    from footprint.plans import services as plans
    from footprint.plans.models import Goal, Measurement, Metric

    metric = Metric.objects.create(
        slug="handover-delays",
        name="Ambulance handovers over 60 minutes",
        unit="count",
        improvement="decrease",
        definition="Handovers taking over an hour.",
        data_source="Test",
        owner=plan["metric"].owner,
        next_review=dt.date(2027, 1, 1),
    )
    Measurement.objects.create(metric=metric, period=dt.date(2026, 9, 1), value=1174.0)
    Goal.objects.create(
        priority=plan["priority"],
        statement="No handover takes over an hour",
        metric=metric,
        owner=metric.owner,
        baseline_value=1174.0,
        baseline_date=dt.date(2026, 9, 1),
        target_value=0.0,
        target_date=dt.date(2028, 3, 1),
    )
    plans.publish_plan(plan=plan["plan"], by=cast["pmo"], at=NOV_3)
    plans.record_measurement(
        metric=metric,
        subject=Goal.objects.get(metric=metric),
        period=dt.date(2026, 10, 1),
        value=990.0,
        note="",
        by=cast["pmo"],
        today=NOV_20.date(),
    )
    kept = plans.publish_plan(plan=plan["plan"], by=cast["pmo"], at=NOV_20)
    assert {
        "figure": "No handover takes over an hour: latest figure",
        "before": "1,174 for September 2026",
        "after": "990 for October 2026",
    } in kept.changes
