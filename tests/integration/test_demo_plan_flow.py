"""The demo plan's goals made from the urgent-care daily returns (issue 19), and its published
figures by group (issue 20)."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import override_settings

from footprint.demo import generator
from footprint.flow.models import NCTR_PATHWAYS, ReturnValue
from footprint.plans import compute, queries
from footprint.plans.models import Goal, Measurement

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        made = generator.build(TODAY)
    yield made
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_the_demo_has_an_nctr_goal_and_a_handover_goal_made_from_the_returns(demo, db):
    assert demo["flow_goals"] == 2
    goals = Goal.objects.filter(metric__flow_aggregation__gt="").select_related("metric")
    assert {g.metric.flow_measure for g in goals} == {"nctr_all_pathways", "handover_mean_minutes"}
    nctr = next(g for g in goals if g.metric.flow_measure == "nctr_all_pathways")
    # October 2026's figure is the mean over its days of the acute trusts' daily NCTR totals.
    october = ReturnValue.objects.filter(
        measure__in=[str(m) for m in NCTR_PATHWAYS],
        daily_return__date__gte=dt.date(2026, 10, 1),
        daily_return__date__lte=dt.date(2026, 10, 31),
    )
    total = sum(october.values_list("value", flat=True))
    days = october.values("daily_return__date").distinct().count()
    assert days == 31
    row = Measurement.objects.get(
        metric=nctr.metric, subject_key="system", period=dt.date(2026, 10, 1)
    )
    assert row.value == pytest.approx(total / days)
    # No figure for November: the month is not over on 30 November.
    assert not Measurement.objects.filter(metric=nctr.metric, period=dt.date(2026, 11, 1)).exists()
    view = compute.judge_goal(nctr, queries.series(nctr.metric, "system"), TODAY)
    assert len(view.series.values) >= 20 and len(view.series.result.points) >= 20


def test_the_published_demo_plan_has_them_and_its_figures_by_quintile(demo, db, client):
    shown = queries.public_plan()
    assert shown is not None and shown.revision == 1
    statements = [g["statement"] for p in shown.latest.content["priorities"] for g in p["goals"]]
    assert "Ambulance handovers take 15 minutes on average" in statements
    found = {g.metric: g for g in queries.published_splits(shown.latest)}
    checks = found["health-checks"]
    assert [s.breakdown_name for s in checks.splits] == ["Deprivation quintile"]
    assert checks.splits[0].groups[0] == ("1", "Quintile 1 (most deprived)")
    page = client.get("/our-plan/").content.decode()
    assert "pub-split-table-" in page and "Quintile 5 (least deprived)" in page
