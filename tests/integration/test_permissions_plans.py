"""Who may see and do what with the plan, read as stories: every page of the plan for every
member of the cast, and every service that writes refusing a caller who may not act, by
itself, with nothing saved."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.core.permissions import can
from footprint.decisions.models import Proposal
from footprint.plans import importers, services
from footprint.plans.models import (
    Goal,
    Measurement,
    Metric,
    Plan,
    PlanPublication,
    Priority,
    Rebase,
)
from footprint.plans.queries import SeriesRef
from footprint.plans.rules import Permission
from tests.conftest import CAST, PARTNERS, assert_may_see
from tests.integration.test_permissions_decisions_confidential import TITLE, confidential

TODAY = dt.date(2026, 11, 30)

# (url name, args, who may see it); a goal's page takes the plan's goal. Everyone else: the
# log-in page (the public) or a 403 that says why.
PAGES = [
    ("plans:public", [], set(CAST)),
    ("plans:overview", [], PARTNERS),
    ("plans:goal", ["goal"], PARTNERS),
    ("plans:early_warning", [], PARTNERS),
    ("plans:metrics", [], PARTNERS),
    ("plans:metric_series", ["ae-4-hour", "org:RA1"], PARTNERS),
    ("plans:measurement_import", [], PARTNERS),
    # Setting up the plan: the programme office starts and changes the plan, its priorities
    # and goals, and adds metrics; the metric's owner (Trust A) keeps its definition.
    ("plans:plan_new", [], {"pmo"}),
    ("plans:plan_edit", ["plan"], {"pmo"}),
    ("plans:priority_new", ["plan"], {"pmo"}),
    ("plans:priority_edit", ["priority"], {"pmo"}),
    ("plans:goal_new", [], {"pmo"}),
    ("plans:goal_edit", ["goal"], {"pmo"}),
    ("plans:metric_new", [], {"pmo"}),
    ("plans:metric", ["ae-4-hour"], PARTNERS),
    ("plans:metric_edit", ["ae-4-hour"], {"pmo", "editor_a"}),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_plan_page_permission_matrix(client_for, plan, who, name, args, allowed):
    objects = {"goal": plan["goal"].pk, "plan": plan["plan"].pk, "priority": plan["priority"].pk}
    args = [objects.get(a, a) for a in args]
    assert_may_see(client_for(who), who, reverse(name, args=args), allowed)


def user(cast, who):
    return cast[who] or AnonymousUser()


# Trust A's A&E series: its metric and goal belong to Trust A. An organisation's own figures
# are its own: Trust A's editors, owners of the metric, may not change Trust B's (probe P1),
# only Trust B's editors and the programme office may. The system's series is changed by the
# metric's owner.
@pytest.mark.parametrize(
    ("who", "trust_a", "trust_b", "system"),
    [
        ("pmo", True, True, True),
        ("editor_a", True, False, True),
        ("editor_b", False, True, False),
        ("viewer", False, False, False),
        ("stranger", False, False, False),
        ("public", False, False, False),
    ],
)
def test_who_may_change_a_series(cast, plan, who, trust_a, trust_b, system):
    metric = plan["metric"]
    for perm in (Permission.RECORD_MEASUREMENT, Permission.ADD_REBASE):
        assert can(user(cast, who), perm, plan["goal"]) is trust_a
        assert can(user(cast, who), perm, SeriesRef(metric, "org:RA1")) is trust_a
        assert can(user(cast, who), perm, SeriesRef(metric, "org:RB1")) is trust_b
        assert can(user(cast, who), perm, SeriesRef(metric, "system")) is system


def test_the_metrics_owner_may_not_overwrite_another_organisations_figure(cast, plan):
    """Probe P1: Trust A owns the metric, yet Trust B's figure stays Trust B's."""
    with pytest.raises(PermissionDenied):
        services.record_measurement(
            metric=plan["metric"],
            subject=SeriesRef(plan["metric"], "org:RB1"),
            period=dt.date(2025, 6, 1),
            value=7.0,
            note="",
            by=cast["editor_a"],
            today=TODAY,
        )
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_recording_a_figure_refuses_those_who_may_not(cast, plan, who):
    with pytest.raises(PermissionDenied):
        services.record_measurement(
            metric=plan["metric"],
            subject=plan["goal"],
            period=dt.date(2025, 6, 1),
            value=99.0,
            note="",
            by=cast[who],
            today=TODAY,
        )
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()
    assert not AuditEvent.objects.filter(action="record_measurement").exists()


def test_correcting_a_figure_is_refused_too_and_leaves_it(cast, plan):
    period = dt.date(2025, 3, 1)
    with pytest.raises(PermissionDenied):
        services.record_measurement(
            metric=plan["metric"],
            subject=plan["goal"],
            period=period,
            value=99.0,
            note="",
            by=cast["editor_b"],
            today=TODAY,
        )
    assert Measurement.objects.get(subject_key="org:RA1", period=period).value == 66.0


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_starting_new_limits_refuses_those_who_may_not(cast, plan, who):
    with pytest.raises(PermissionDenied):
        services.add_rebase(
            metric=plan["metric"],
            subject=plan["goal"],
            period=dt.date(2024, 12, 1),
            reason="Not ours",
            by=cast[who],
        )
    assert not Rebase.objects.exists()
    assert not AuditEvent.objects.filter(action="add_rebase").exists()


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_removing_a_figure_refuses_those_who_may_not(cast, plan, who):
    period = dt.date(2025, 3, 1)
    with pytest.raises(PermissionDenied):
        services.remove_measurement(
            metric=plan["metric"], subject=plan["goal"], period=period, reason="Mine", by=cast[who]
        )
    assert Measurement.objects.get(subject_key="org:RA1", period=period).value == 66.0
    assert not AuditEvent.objects.filter(action="remove_measurement").exists()


@pytest.mark.parametrize("who", ["pmo", "editor_a"])
def test_those_who_record_a_series_remove_its_figures(cast, plan, who):
    services.remove_measurement(
        metric=plan["metric"],
        subject=plan["goal"],
        period=dt.date(2025, 3, 1),
        reason="Wrong month",
        by=cast[who],
    )
    assert not Measurement.objects.filter(period=dt.date(2025, 3, 1)).exists()
    assert AuditEvent.objects.get(action="remove_measurement").actor == cast[who]


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_publishing_the_plan_refuses_all_but_the_programme_office(cast, plan, who):
    with pytest.raises(PermissionDenied):
        services.publish_plan(plan=plan["plan"], by=cast[who])
    assert not PlanPublication.objects.exists()
    assert Plan.objects.get().status == Plan.Status.DRAFT
    assert not AuditEvent.objects.filter(action="publish_plan").exists()


@pytest.mark.parametrize("who", ["stranger", "public"])
def test_importing_refuses_anyone_but_a_partner(cast, plan, who):
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\nae-4-hour,2025-06,71,RA1\n", "ae.csv"
    )
    with pytest.raises(PermissionDenied):
        services.import_measurements(rows=rows, filename="ae.csv", by=cast[who], today=TODAY)
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()
    assert not AuditEvent.objects.filter(action="import_measurements").exists()


def test_the_owner_records_and_starts_new_limits_through_the_same_services(cast, plan):
    goal = plan["goal"]
    services.record_measurement(
        metric=goal.metric,
        subject=goal,
        period=dt.date(2025, 6, 1),
        value=74.5,
        note="",
        by=cast["editor_a"],
        today=TODAY,
    )
    services.add_rebase(
        metric=goal.metric,
        subject=goal,
        period=dt.date(2025, 6, 1),
        reason="New triage model",
        by=cast["editor_a"],
    )
    assert Measurement.objects.get(period=dt.date(2025, 6, 1)).value == 74.5
    assert Rebase.objects.get().created_by == cast["editor_a"]
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {
        "record_measurement",
        "add_rebase",
    }


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger"])
def test_the_record_and_rebase_pages_refuse_those_who_may_not(client_for, plan, who):
    pk = plan["goal"].pk
    client = client_for(who)
    recorded = client.post(
        reverse("plans:record_measurement", args=[pk]),
        {"m-period": "2025-06", "m-value": "1", "m-note": ""},
    )
    rebased = client.post(
        reverse("plans:add_rebase", args=[pk]), {"r-period": "2024-12", "r-reason": "Mine"}
    )
    removed = client.post(
        reverse("plans:remove_measurement", args=[pk]),
        {"x-period": "2025-03-01", "x-reason": "Mine"},
    )
    assert recorded.status_code == rebased.status_code == removed.status_code == 403
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()
    assert Measurement.objects.filter(period=dt.date(2025, 3, 1)).exists()
    assert not Rebase.objects.exists()


def test_the_public_is_asked_to_log_in_before_recording(client, plan):
    response = client.post(
        reverse("plans:record_measurement", args=[plan["goal"].pk]),
        {"m-period": "2025-06", "m-value": "1", "m-note": ""},
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()
    removed = client.post(
        reverse("plans:remove_measurement", args=[plan["goal"].pk]),
        {"x-period": "2025-03-01", "x-reason": "Mine"},
    )
    assert removed.status_code == 302 and removed["Location"].startswith(reverse("core:login"))
    assert Measurement.objects.filter(period=dt.date(2025, 3, 1)).exists()


# Setting up the plan: each service refuses, by itself, a caller who may not act; nothing is
# saved and nothing audited.

METRIC = {
    "name": "Discharges before noon",
    "unit": "%",
    "improvement": "increase",
    "definition": "Share of discharges before midday.",
    "data_source": "Test",
    "frequency": "monthly",
    "reviewer": None,
    "next_review": dt.date(2027, 6, 1),
}


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_adds_a_metric(cast, footprint, who):
    with pytest.raises(PermissionDenied):
        services.create_metric(**METRIC, owner=footprint["trust_a"], by=cast[who], today=TODAY)
    assert not Metric.objects.exists()
    assert not AuditEvent.objects.filter(action="create_metric").exists()


def change(metric, **values):
    fields = {k: getattr(metric, k) for k in METRIC}
    return {"metric": metric, **fields, "owner": metric.owner, **values}


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_and_the_owners_editors_change_a_metric(cast, plan, who):
    metric = plan["metric"]
    with pytest.raises(PermissionDenied):
        services.change_metric(**change(metric, definition="Rewritten."), by=cast[who], today=TODAY)
    metric.refresh_from_db()
    assert metric.definition == "Share seen within four hours."
    assert not AuditEvent.objects.filter(action="change_metric").exists()


def test_the_owners_editor_keeps_the_definition_but_may_not_give_the_metric_away(
    cast, plan, footprint
):
    metric = plan["metric"]
    with pytest.raises(PermissionDenied, match="Only the programme office gives a metric"):
        services.change_metric(
            **change(metric, owner=footprint["trust_b"]), by=cast["editor_a"], today=TODAY
        )
    assert Metric.objects.get().owner == footprint["trust_a"]
    services.change_metric(
        **change(metric, definition="Share of attendances seen within four hours."),
        by=cast["editor_a"],
        today=TODAY,
    )
    assert Metric.objects.get().definition == "Share of attendances seen within four hours."
    event = AuditEvent.objects.get(action="change_metric")
    assert event.actor == cast["editor_a"] and event.details["changed"] == ["the definition"]


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_sets_up_the_plan_and_its_priorities(cast, plan, who):
    by = cast[who]
    with pytest.raises(PermissionDenied):
        services.create_plan(title="Another", start_year=2026, end_year=2030, summary="s", by=by)
    with pytest.raises(PermissionDenied):
        services.change_plan(
            plan=plan["plan"], title="Renamed", start_year=2023, end_year=2027, summary="s", by=by
        )
    with pytest.raises(PermissionDenied):
        services.create_priority(
            plan=plan["plan"], title="Mine", description="", order=2, lead=None, by=by
        )
    with pytest.raises(PermissionDenied):
        services.change_priority(
            priority=plan["priority"], title="Mine", description="", order=1, lead=None, by=by
        )
    assert list(Plan.objects.values_list("title", flat=True)) == ["Test Plan"]
    assert list(Priority.objects.values_list("title", flat=True)) == ["Urgent care"]
    assert not AuditEvent.objects.exists()


def goal_fields(plan, footprint, **values):
    return {
        "priority": plan["priority"],
        "statement": "Nine in ten seen within four hours at Trust A",
        "metric": plan["metric"],
        "layer": "system",
        "organisation": footprint["trust_a"],
        "place": None,
        "neighbourhood": None,
        "baseline_value": 71.0,
        "baseline_date": dt.date(2025, 4, 1),
        "target_value": 90.0,
        "target_date": dt.date(2028, 3, 1),
        "owner": footprint["trust_a"],
        **values,
    }


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_adds_and_changes_goals(cast, plan, footprint, who):
    with pytest.raises(PermissionDenied):
        services.create_goal(**goal_fields(plan, footprint), by=cast[who], today=TODAY)
    with pytest.raises(PermissionDenied):
        services.change_goal(
            goal=plan["goal"],
            **goal_fields(plan, footprint, target_value=99.0),
            by=cast[who],
            today=TODAY,
        )
    assert Goal.objects.get().target_value == 80.0
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_and_the_goals_owner_choose_its_decisions(
    cast, plan, forums, who
):
    """plans:goal_decisions, a POST-only action, is proved here at its service."""
    proposal = Proposal.objects.create(
        title="Frailty hub",
        summary="s",
        options="a\nb",
        recommended_option="a",
        decision_type=forums["investment"],
        brought_to=forums["alliance"],
        forum=forums["alliance"],
    )
    with pytest.raises(PermissionDenied):
        services.link_goal_decisions(goal=plan["goal"], proposals=[proposal], by=cast[who])
    assert not plan["goal"].proposals.exists()
    assert not AuditEvent.objects.filter(action="link_goal_decisions").exists()
    services.link_goal_decisions(goal=plan["goal"], proposals=[proposal], by=cast["editor_a"])
    assert list(plan["goal"].proposals.all()) == [proposal]


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger"])
def test_the_choose_decisions_door_refuses_those_who_may_not(client_for, plan, who):
    response = client_for(who).post(
        reverse("plans:goal_decisions", args=[plan["goal"].pk]), {"d-proposals": []}
    )
    assert response.status_code == 403
    assert "permission" in response.content.decode().lower()


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger"])
def test_only_the_programme_office_and_the_goals_owner_choose_its_schemes(
    client_for, cast, plan, who
):
    """plans:goal_schemes: refused at its door and at its service, nothing linked."""
    from footprint.demand.models import Scenario
    from footprint.plans.queries import SchemeChoice

    response = client_for(who).post(
        reverse("plans:goal_schemes", args=[plan["goal"].pk]), {"s-schemes": []}
    )
    assert response.status_code == 403
    assert "permission" in response.content.decode().lower()
    choice = SchemeChoice(Scenario(name="Central"), "frailty", "Frailty hub")
    with pytest.raises(PermissionDenied):
        services.link_goal_schemes(goal=plan["goal"], schemes=[choice], by=cast[who])
    assert not plan["goal"].scheme_links.exists()
    assert not AuditEvent.objects.filter(action="link_goal_schemes").exists()


def test_the_goals_owner_sees_the_schemes_it_may_choose(client_for, plan):
    page = client_for("editor_a").get(reverse("plans:goal", args=[plan["goal"].pk]))
    text = page.content.decode()
    assert "Demand schemes that serve it" in text
    assert "Choose the demand schemes that serve it" in text
    viewer = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk]))
    assert "Choose the demand schemes that serve it" not in viewer.content.decode()


@pytest.mark.parametrize("who", CAST)
def test_only_the_programme_office_makes_a_series_again_from_the_returns(
    client_for, footprint, plan, who
):
    """ "plans:metric_refresh_flow": the programme office's button on a metric made from the
    daily returns; everyone else is refused (the public asked to log in) and nothing is
    written."""
    metric = plan["metric"]
    metric.flow_measure, metric.flow_aggregation = "handovers_over_60", "total"
    metric.save()
    response = client_for(who).post(reverse("plans:metric_refresh_flow", args=[metric.code]))
    audited = AuditEvent.objects.filter(action="refresh_flow_series").exists()
    if who == "pmo":
        assert response.status_code == 302 and audited
    elif who == "public":
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert not audited
    else:
        assert response.status_code == 403 and not audited


def test_a_goal_never_shows_a_confidential_proposals_title_to_those_who_may_not_read_it(
    client_for, cast, plan, forums
):
    """A goal served by a confidential proposal: the programme office reads its title on the
    goal's page; Trust B's editor (not on its forum) sees only that a confidential proposal
    serves it, in the list and in the picker."""
    goal = plan["goal"]
    services.link_goal_decisions(goal=goal, proposals=[confidential(forums, cast)], by=cast["pmo"])
    url = reverse("plans:goal", args=[goal.pk])
    assert TITLE in client_for("pmo").get(url).content.decode()
    page = client_for("editor_b").get(url).content.decode()
    assert TITLE not in page and "A confidential proposal" in page
