"""Gap goals: a goal about the gap between the most and least deprived quintile, judged on the
gap series with the plan's usual trajectory and SPC judgement, and shown on its page with the
figures by quintile, the SII with its interval and whether the gap is narrowing."""

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.plans import compute, importers, queries, services
from footprint.plans.models import Goal

TODAY = dt.date(2026, 11, 30)
MONTHS = [dt.date(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(14)]


def import_quintiles(cast, first=lambda i: 50 + 0.5 * i):
    """14 months (April 2024 to May 2025) by quintile at Trust A: quintile 1 rises half a
    point a month from 50; the others hold at 60, 65, 68, 70. The gap (1 less 5) narrows
    from −20 to −13.5."""
    lines = ["Metric,Period,Organisation,Breakdown,Group,Value,Population"]
    for i, month in enumerate(MONTHS):
        for q, v in zip(range(1, 6), (first(i), 60, 65, 68, 70), strict=True):
            lines.append(f"ae-4-hour,{month:%Y-%m},RA1,quintile,{q},{v},2000")
    text = "\n".join(lines) + "\n"
    rows = importers.parse_measurements(text, "quintiles.csv")
    services.import_measurements(rows=rows, filename="quintiles.csv", by=cast["pmo"], today=TODAY)


def gap_goal(plan, footprint, cast, **overrides):
    fields = {
        "priority": plan["priority"],
        "statement": "Halve the gap in four-hour waits between the most and least deprived",
        "metric": plan["metric"],
        "layer": Goal.Layer.SYSTEM,
        "organisation": footprint["trust_a"],
        "place": None,
        "neighbourhood": None,
        "baseline_value": -20.0,
        "baseline_date": dt.date(2024, 4, 1),
        "target_value": -10.0,
        "target_date": dt.date(2027, 4, 1),
        "owner": footprint["trust_a"],
        "kind": Goal.Kind.GAP,
        "gap_breakdown": "imd_quintile",
        "gap_measure": Goal.GapMeasure.ENDS,
        "gap_first": "1",
        "gap_second": "5",
    } | overrides
    return services.create_goal(by=cast["pmo"], today=TODAY, **fields)


def test_a_gap_goal_is_judged_on_the_gap_series(cast, footprint, plan):
    import_quintiles(cast)
    goal = gap_goal(plan, footprint, cast)
    view = compute.judge_goal(
        goal, queries.series(goal.metric, goal.subject_key, split=True), dt.date(2025, 6, 15)
    )
    # Gaps −20, −19.5, … −13.5: the latest, May 2025, is −13.5. The trajectory from −20
    # (April 2024) to −10 (April 2027) expects −20 + 10 × 395/1095 = −16.4 by then.
    assert view.series.values[0] == -20.0 and view.series.values[-1] == -13.5
    assert view.series.figure_unit == "percentage points"
    assert view.judgement.expected == pytest.approx(-20 + 10 * 395 / 1095)
    # Ahead of the trajectory, and narrowing; but the gap's process limits (average −16.75)
    # all lie short of the target gap of −10, so the plan's usual judgement says at risk.
    assert view.judgement.expected < view.series.values[-1]
    assert view.series.result.points[-1].mean == pytest.approx(-16.75)
    assert view.series.result.points[-1].upper < -10.0
    assert view.judgement.status is compute.Status.AT_RISK
    assert compute.gap_trend(view.series) is compute.Trend.NARROWING


def test_a_gap_behind_its_trajectory_is_off_track_or_at_risk(cast, footprint, plan):
    import_quintiles(cast, first=lambda i: 50.0 + (0.3 if i % 2 else 0.0))  # no narrowing
    goal = gap_goal(plan, footprint, cast)
    view = compute.judge_goal(
        goal, queries.series(goal.metric, goal.subject_key, split=True), dt.date(2025, 6, 15)
    )
    assert view.series.values[-1] == pytest.approx(-19.7)
    assert view.judgement.status in (compute.Status.OFF_TRACK, compute.Status.AT_RISK)


def test_a_gap_goal_must_narrow_the_gap_and_name_two_groups(cast, footprint, plan):
    with pytest.raises(ValidationError) as wider:
        gap_goal(plan, footprint, cast, target_value=-25.0)
    assert wider.value.message_dict["target_value"] == [
        "A gap goal narrows the gap: the target gap, -25.0 percentage points, is not smaller "
        "than the baseline gap, -20.0 percentage points"
    ]
    with pytest.raises(ValidationError) as same:
        gap_goal(plan, footprint, cast, gap_second="1")
    assert "two different groups" in same.value.message_dict["gap_second"][0]
    with pytest.raises(ValidationError) as sii:
        gap_goal(
            plan,
            footprint,
            cast,
            gap_breakdown="ethnic_group",
            gap_measure=Goal.GapMeasure.SII,
        )
    assert "deprivation quintiles or deciles" in sii.value.message_dict["gap_measure"][0]


def test_the_goal_page_shows_the_gap_by_quintile_and_the_sii(client_for, cast, footprint, plan):
    import_quintiles(cast)
    goal = gap_goal(plan, footprint, cast)
    page = client_for("viewer").get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "Quintile 1 (most deprived) less Quintile 5 (least deprived)" in page
    assert "The gap is narrowing." in page
    assert "-20.0 percentage points in April 2024" in page  # the baseline, as a gap
    assert (
        '<th scope="col" class="nhsuk-table__header fp-numeric">Quintile 1 (most deprived)' in page
    )
    assert "The slope index of inequality in May 2025 is" in page
    assert "95% interval" in page and "Wilson limits" in page
    # At 390 px the chart's title is never cut short: it is in lines of at most 32 characters
    # (walk PL4), and the table beside it has it whole.
    spec = json.loads(
        re.search(r'id="split-chart-imd_quintile-spec"[^>]*>(.*?)</script>', page, re.S).group(1)
    )
    lines = spec["title"]["text"]
    assert len(lines) > 1 and all(len(line) <= 32 for line in lines)
    assert " ".join(lines) == f"{goal.metric.name} by deprivation quintile"
    assert f"{goal.metric.name} by deprivation quintile, the latest first" in unescape(page)
    latest = compute.latest_sii(
        compute.group_figures(queries.split_figures(goal.metric, goal.subject_key))[0], "%"
    )
    assert latest is not None and latest.lower is not None and latest.upper is not None
    assert latest.lower < latest.sii < latest.upper


def test_the_goals_owner_chooses_the_demand_schemes_that_serve_it(client_for, cast, plan):
    from footprint.core.models import AuditEvent
    from footprint.demand.models import Baseline, Scenario

    baseline = Baseline.objects.create(name="2025/26 activity", base_year=2025)
    scenario = Scenario.objects.create(
        name="Central",
        baseline=baseline,
        parameters={
            "schemes": [
                {"key": "frailty-hub", "name": "Frailty hub"},
                {"key": "virtual-ward", "name": "Virtual wards"},
            ]
        },
    )
    goal = plan["goal"]
    url = reverse("plans:goal_schemes", args=[goal.pk])
    response = client_for("editor_a").post(url, {"s-schemes": [f"{scenario.pk}:frailty-hub"]})
    assert response.status_code == 302
    # The demand side reads the goals a scheme serves through the reverse relation.
    served = scenario.goals_served.filter(scheme_key="frailty-hub")
    assert [link.goal for link in served] == [goal]
    assert served.get().scheme_name == "Frailty hub"
    page = client_for("viewer").get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "Frailty hub</a> (Central)" in page
    event = AuditEvent.objects.get(action="link_goal_schemes")
    assert event.summary == f"Goal {goal.statement}: served by Frailty hub (Central)"
    # Choosing another instead: the first is taken away, the audit says which.
    client_for("pmo").post(url, {"s-schemes": [f"{scenario.pk}:virtual-ward"]})
    assert [x.scheme_key for x in goal.scheme_links.all()] == ["virtual-ward"]
    assert "no longer by Frailty hub" in AuditEvent.objects.latest("pk").summary
    # A scheme that is not one of the scenarios' is refused by the form.
    bad = client_for("pmo").post(url, {"s-schemes": [f"{scenario.pk}:nowhere"]})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    assert [x.scheme_key for x in goal.scheme_links.all()] == ["virtual-ward"]


def test_a_gap_goal_is_set_on_the_goal_form(client_for, footprint, plan):
    client = client_for("pmo")
    url = reverse("plans:goal_new")
    form = client.get(url).content.decode()
    assert "A gap between groups" in form
    # Each group is one option named with its breakdown (quintile 1 and decile 1 share a code).
    assert re.search(r'value="imd_quintile:1"\s*>Deprivation quintile: Quintile 1 \(most', form)
    assert re.search(r'value="imd_decile:1"\s*>Deprivation decile: Decile 1 \(most', form)
    assert "[(" not in form
    data = {
        "priority": plan["priority"].pk,
        "statement": "Halve the gap between the most and least deprived",
        "metric": plan["metric"].pk,
        "layer": "system",
        "organisation": "",
        "place": "",
        "neighbourhood": "",
        "baseline_value": "-12",
        "baseline_date": "2025-04",
        "target_value": "-6",
        "target_date": "2029-03",
        "owner": footprint["trust_a"].pk,
        "kind": "gap",
        "gap_breakdown": "imd_quintile",
        "gap_measure": "ends",
        "gap_first": "imd_quintile:1",
        "gap_second": "imd_quintile:1",
    }
    refused = client.post(url, data).content.decode()
    assert "There is a problem" in refused
    assert "The gap is between two different groups: both are Quintile 1 (most deprived)" in (
        refused
    )
    # A decile chosen for a gap between quintiles is refused, not read as quintile 5.
    mixed = client.post(url, data | {"gap_second": "imd_decile:5"}).content.decode()
    assert "This is a group of deprivation deciles, but the gap is between deprivation" in mixed
    assert not Goal.objects.filter(statement=data["statement"]).exists()
    response = client.post(url, data | {"gap_second": "imd_quintile:5"})
    goal = Goal.objects.get(statement="Halve the gap between the most and least deprived")
    assert response.status_code == 302
    assert (goal.kind, goal.gap_breakdown, goal.gap_first, goal.gap_second) == (
        "gap",
        "imd_quintile",
        "1",
        "5",
    )
    page = client.get(goal.get_absolute_url()).content.decode()
    assert "-12.0 percentage points in April 2025" in page
    assert "No measurements yet." in page or "There are no measurements yet." in page

    # The change page shows the saved groups chosen, and saving it as it stands works.
    change = reverse("plans:goal_edit", args=[goal.pk])
    shown = client.get(change).content.decode()
    assert re.search(r'value="imd_quintile:1"\s+selected', shown)
    assert re.search(r'value="imd_quintile:5"\s+selected', shown)
    assert len(re.findall(r"\sselected", shown)) >= 2
    edited = client.post(change, data | {"gap_second": "imd_quintile:5", "statement": "Narrow it"})
    assert edited.status_code == 302
    goal.refresh_from_db()
    assert (goal.statement, goal.gap_first, goal.gap_second) == ("Narrow it", "1", "5")


def test_an_sii_gap_goal_is_judged_on_the_sii_of_each_month(cast, footprint, plan):
    import_quintiles(cast)
    goal = gap_goal(
        plan,
        footprint,
        cast,
        gap_measure=Goal.GapMeasure.SII,
        baseline_value=-24.0,
        target_value=-12.0,
    )
    assert (goal.gap_first, goal.gap_second) == ("", "")
    view = compute.judge_goal(goal, queries.series(goal.metric, goal.subject_key, split=True))
    # April 2024: 50, 60, 65, 68, 70 with equal populations, ranks 0.1 … 0.9 (mean 0.5):
    # slope = Σ 0.2 (r − 0.5) y / Σ 0.2 (r − 0.5)² = (0.2 × 9.6) / 0.08 = 24, least less most;
    # read as every gap is, the most deprived end less the least: −24.
    assert view.series.values[0] == pytest.approx(-24.0)
    # May 2025: quintile 1 is 56.5, so Σ (r − 0.5) y = 9.6 − 0.4 × 6.5 = 7.0 → 0.2 × 7 / 0.08.
    assert view.series.values[-1] == pytest.approx(-17.5)
    assert compute.gap_name(goal) == (
        "The slope index of inequality across deprivation quintiles "
        "(the most deprived end less the least deprived end)"
    )
    # The same planted gap reads the same sign both ways: quintile 1 less quintile 5 is
    # 50 − 70 = −20 in April 2024, and the SII (−24) is below 0 too, as is the goal page's.
    ends = gap_goal(plan, footprint, cast, baseline_value=-20.0, target_value=-10.0)
    ends_view = compute.judge_goal(ends, queries.series(ends.metric, ends.subject_key, split=True))
    assert ends_view.series.values[0] == pytest.approx(-20.0)
    table = compute.gap_table(goal, queries.series(goal.metric, goal.subject_key, split=True))
    assert table is not None
    latest = compute.latest_sii(table, goal.metric.unit)
    assert latest is not None and latest.sii < 0
    assert latest.lower is None or latest.lower < latest.sii < latest.upper


def test_a_gap_between_two_ethnic_groups_and_its_table(client_for, cast, footprint, plan):
    text = "Metric,Period,Organisation,Breakdown,Group,Value\n" + "".join(
        f"ae-4-hour,{month:%Y-%m},RA1,ethnic group,{group},{value + 0.2 * i:.1f}\n"
        for i, month in enumerate(MONTHS[:3])
        for group, value in (("White", 72.0), ("Black", 64.0))
    )
    rows = importers.parse_measurements(text, "ethnic.csv")
    services.import_measurements(rows=rows, filename="ethnic.csv", by=cast["pmo"], today=TODAY)
    goal = gap_goal(
        plan,
        footprint,
        cast,
        gap_breakdown="ethnic_group",
        gap_first="black",
        gap_second="white",
        baseline_value=-8.0,
        target_value=-4.0,
    )
    view = compute.judge_goal(goal, queries.series(goal.metric, goal.subject_key, split=True))
    assert view.series.values == [-8.0, -8.0, -8.0]  # both groups rise alike
    assert compute.gap_trend(view.series) is compute.Trend.TOO_FEW_POINTS
    page = client_for("viewer").get(goal.get_absolute_url()).content.decode()
    assert "A&amp;E within 4 hours by ethnic group" in page
    assert "Black, Black British, Black Welsh, Caribbean or African less White" in page
    # Only the groups supplied are columns; no deprivation gap or SII for ethnic groups.
    assert page.count('class="nhsuk-table__header fp-numeric">White</th>') == 1
    assert "Mixed or Multiple ethnic groups</th>" not in page
    assert 'id="sii-ethnic_group"' not in page
