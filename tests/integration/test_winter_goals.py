"""The partnership plan's goals on patients with no criteria to reside and ambulance handovers
(issue 19: "NCTR and handovers can be goals on the plan"), listed on a winter plan's page for
partners, each linked to its own page (where it is judged with SPC); the public, reading a
published winter plan, is not shown the partners' plan's goals."""

import datetime as dt

from footprint.plans.models import NCTR_ALL, Goal, Metric
from footprint.winter import services


def _goal(plan, footprint, measure, aggregation, name, statement):
    metric = Metric.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        unit="patients",
        improvement="decrease",
        definition="From the daily returns.",
        data_source="Daily situation reports",
        owner=footprint["trust_a"],
        next_review=dt.date(2027, 1, 1),
        flow_measure=measure,
        flow_aggregation=aggregation,
    )
    return Goal.objects.create(
        priority=plan["priority"],
        statement=statement,
        metric=metric,
        owner=footprint["trust_a"],
        baseline_value=100.0,
        baseline_date=dt.date(2025, 1, 1),
        target_value=60.0,
        target_date=dt.date(2028, 3, 1),
    )


def test_partners_see_the_nctr_and_handover_goals_a_winter_plan_serves(
    client_for, cast, footprint, plan
):
    nctr = _goal(
        plan, footprint, NCTR_ALL, "daily_total_mean", "NCTR patients", "Fewer patients stuck"
    )
    handovers = _goal(
        plan, footprint, "handover_mean_minutes", "mean", "Handover time", "Handovers in 15"
    )
    winter = services.save_plan(
        by=cast["pmo"], name="Winter 2026/27", start=dt.date(2026, 12, 1), days=28,
        peak=dt.date(2027, 1, 5), runs=10, seed=1,
    )  # fmt: skip
    page = client_for("viewer").get(winter.get_absolute_url()).content.decode()
    assert "Goals on the partnership plan this winter serves" in page
    for goal in (nctr, handovers):
        assert f'<a href="{goal.get_absolute_url()}">{goal.statement}</a>' in page
        assert goal.metric.name in page
    # the A&E goal is measured on something else
    assert plan["goal"].statement not in page
    sc = services.save_scenario(plan=winter, by=cast["pmo"], name="Do nothing")
    run = services.start_run(scenario=sc, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=run, by=cast["pmo"])
    services.publish(plan=winter, by=cast["pmo"], now=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    public = client_for("public").get(winter.get_absolute_url()).content.decode()
    assert winter.name in public and "Goals on the partnership plan" not in public
    assert nctr.statement not in public


def test_no_goals_section_without_such_goals(client_for, cast, plan):
    winter = services.save_plan(
        by=cast["pmo"], name="Winter 2026/27", start=dt.date(2026, 12, 1), days=28,
        peak=dt.date(2027, 1, 5), runs=10, seed=1,
    )  # fmt: skip
    page = client_for("pmo").get(winter.get_absolute_url()).content.decode()
    assert winter.name in page and "Goals on the partnership plan" not in page
