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
from footprint.plans import importers, services
from footprint.plans.models import Measurement, Plan, PlanPublication, Rebase
from footprint.plans.queries import SeriesRef
from footprint.plans.rules import Permission
from tests.conftest import CAST, PARTNERS, assert_may_see

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
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_plan_page_permission_matrix(client_for, plan, who, name, args, allowed):
    args = [plan["goal"].pk if a == "goal" else a for a in args]
    assert_may_see(client_for(who), who, reverse(name, args=args), allowed)


def user(cast, who):
    return cast[who] or AnonymousUser()


# Trust A's A&E series: its metric and goal belong to Trust A, whose editors therefore change
# every series of the metric. Trust B's editors may report only Trust B's own figures.
@pytest.mark.parametrize(
    ("who", "trust_a", "trust_b"),
    [
        ("pmo", True, True),
        ("editor_a", True, True),
        ("editor_b", False, True),
        ("viewer", False, False),
        ("stranger", False, False),
        ("public", False, False),
    ],
)
def test_who_may_change_a_series(cast, plan, who, trust_a, trust_b):
    metric = plan["metric"]
    for perm in (Permission.RECORD_MEASUREMENT, Permission.ADD_REBASE):
        assert can(user(cast, who), perm, plan["goal"]) is trust_a
        assert can(user(cast, who), perm, SeriesRef(metric, "org:RA1")) is trust_a
        assert can(user(cast, who), perm, SeriesRef(metric, "org:RB1")) is trust_b


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
