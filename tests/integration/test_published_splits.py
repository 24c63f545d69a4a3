"""A publication keeps each published goal's figures by group (by deprivation quintile, by
ethnic group) and its gap series as they stood: the public sees exactly those, never a later
figure, a goal added since, a metric no published goal is on, or a population."""

import datetime as dt

import pytest

from footprint.plans import queries, services
from footprint.plans.models import Goal, Measurement, Metric
from tests.conftest import CAST

TODAY = dt.date(2026, 11, 30)
MAY, JUNE = dt.date(2025, 5, 1), dt.date(2025, 6, 1)


def quintiles(cast, metric, org, period, values, by="pmo"):
    services.record_split_figures(
        metric=metric,
        subject=queries.SubjectRef(organisation=org),
        period=period,
        breakdown="quintile",
        figures_by_group=[(str(q), v, 2000.0) for q, v in enumerate(values, start=1)],
        by=cast[by],
        today=TODAY,
    )


@pytest.fixture
def published(cast, footprint, plan):
    """The test plan's goal on four-hour waits at Trust A, with April and May 2025 by
    quintile (quintile 1 at 50 then 52; the others 60, 65, 68, 70), and a gap goal on the
    same series (quintile 1 less quintile 5), published."""
    metric, org = plan["metric"], footprint["trust_a"]
    quintiles(cast, metric, org, dt.date(2025, 4, 1), [50, 60, 65, 68, 70])
    quintiles(cast, metric, org, MAY, [52, 60, 65, 68, 70])
    gap = services.create_goal(
        by=cast["pmo"],
        today=TODAY,
        priority=plan["priority"],
        statement="Halve the gap between the most and least deprived",
        metric=metric,
        layer=Goal.Layer.SYSTEM,
        organisation=org,
        place=None,
        neighbourhood=None,
        baseline_value=-20.0,
        baseline_date=dt.date(2025, 4, 1),
        target_value=-10.0,
        target_date=dt.date(2028, 4, 1),
        owner=org,
        kind=Goal.Kind.GAP,
        gap_breakdown="imd_quintile",
        gap_measure=Goal.GapMeasure.ENDS,
        gap_first="1",
        gap_second="5",
    )
    kept = services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    return {"publication": kept, "gap": gap, **plan}


def test_a_publication_keeps_each_goals_figures_by_quintile(published):
    found = queries.published_splits(published["publication"])
    by_goal = {g.goal_id: g for g in found}
    level = by_goal[published["goal"].pk]
    (split,) = level.splits
    assert split.breakdown_name == "Deprivation quintile" and split.unit == "%"
    assert [name for _, name in split.groups][::4] == [
        "Quintile 1 (most deprived)",
        "Quintile 5 (least deprived)",
    ]
    assert split.periods == [dt.date(2025, 4, 1), MAY]
    assert split.values == [[50.0, 60.0, 65.0, 68.0, 70.0], [52.0, 60.0, 65.0, 68.0, 70.0]]
    # The gap between the ends: 50 − 70 = −20, then 52 − 70 = −18 percentage points.
    assert split.ends_gap == [-20.0, -18.0] and split.gap_unit == "percentage points"
    assert split.trend_label is not None
    # Every quintile has a figure and a population in May: its SII is kept, with an interval.
    assert split.sii is not None and split.sii.period == MAY
    assert split.sii.lower is not None and split.sii.lower < split.sii.value < split.sii.upper
    assert level.gap_name is None and level.gap_periods == []
    gap = by_goal[published["gap"].pk]
    assert gap.gap_name == "Quintile 1 (most deprived) less Quintile 5 (least deprived)"
    assert gap.gap_periods == [dt.date(2025, 4, 1), MAY] and gap.gap_values == [-20.0, -18.0]
    assert gap.gap_unit == "percentage points"


def test_no_populations_are_published(published):
    text = str(published["publication"].content)
    assert "2000" not in text and "population" not in text


def test_later_figures_and_corrections_never_reach_the_public(client, cast, footprint, published):
    metric, org = published["metric"], footprint["trust_a"]
    quintiles(cast, metric, org, MAY, [55, 61, 65, 68, 71])  # a correction
    quintiles(cast, metric, org, JUNE, [58, 60, 65, 68, 70])  # a later month
    kept = queries.public_plan().latest
    assert kept.pk == published["publication"].pk
    (split,) = next(g for g in queries.published_splits(kept) if g.splits).splits
    assert split.periods[-1] == MAY and split.values[-1][0] == 52.0
    page = client.get("/our-plan/").content.decode()
    table = page[page.index(f'id="pub-split-table-{published["goal"].pk}-imd_quintile"') :]
    table = table[: table.index("</table>")]
    assert "May 2025" in table and "April 2025" in table and "June 2025" not in table
    assert "52.0" in table and "55.0" not in table
    assert "Quintile 1 (most deprived)" in table
    # Publishing again shows the correction and the new month, and says so.
    again = services.publish_plan(plan=published["plan"], by=cast["pmo"])
    (split,) = next(g for g in queries.published_splits(again) if g.splits).splits
    assert split.periods[-1] == JUNE and split.values[1][0] == 55.0
    assert {
        "figure": "Four in five seen within four hours at Trust A: figures by group",
        "before": "Deprivation quintile to May 2025",
        "after": "Deprivation quintile to June 2025",
    } in again.changes


def test_a_correction_alone_is_a_revision_that_says_so(cast, footprint, published):
    metric, org = published["metric"], footprint["trust_a"]
    quintiles(cast, metric, org, dt.date(2025, 4, 1), [50, 60, 66, 68, 70])  # quintile 3
    again = services.publish_plan(plan=published["plan"], by=cast["pmo"])
    assert again.pk != published["publication"].pk
    assert {
        "figure": "Four in five seen within four hours at Trust A: figures by group corrected",
        "before": None,
        "after": None,
    } in again.changes


def test_unpublished_goals_and_metrics_never_appear(client, cast, footprint, published):
    other = Metric.objects.create(
        slug="smoking-quits",
        name="Smoking quits",
        unit="%",
        improvement="increase",
        definition="Quits.",
        data_source="Test",
        owner=footprint["trust_a"],
        next_review=dt.date(2027, 1, 1),
    )
    quintiles(cast, other, footprint["trust_a"], MAY, [11, 12, 13, 14, 15])
    services.create_goal(
        by=cast["pmo"],
        today=TODAY,
        priority=published["priority"],
        statement="More people stop smoking",
        metric=other,
        layer=Goal.Layer.SYSTEM,
        organisation=footprint["trust_a"],
        place=None,
        neighbourhood=None,
        baseline_value=10.0,
        baseline_date=dt.date(2025, 4, 1),
        target_value=20.0,
        target_date=dt.date(2028, 4, 1),
        owner=footprint["trust_a"],
    )
    assert Measurement.objects.filter(metric=other).count() == 5
    found = queries.published_splits(queries.public_plan().latest)
    assert {g.metric for g in found} == {"ae-4-hour"}
    page = client.get("/our-plan/").content.decode()
    assert "Smoking quits" not in page and "More people stop smoking" not in page


def test_a_draft_plan_shows_nothing(client, cast, footprint, plan):
    quintiles(cast, plan["metric"], footprint["trust_a"], MAY, [52, 60, 65, 68, 70])
    page = client.get("/our-plan/").content.decode()
    assert "has not published its plan yet" in page and "pub-split" not in page


@pytest.mark.parametrize("who", CAST)
def test_everyone_sees_the_same_published_figures_by_group(client_for, published, who):
    page = client_for(who).get("/our-plan/").content.decode()
    goal = published["goal"].pk
    assert f'id="pub-split-table-{goal}-imd_quintile"' in page
    assert f'id="pub-split-chart-{goal}-imd_quintile"' in page
    gap = published["gap"].pk
    assert f'id="pub-gap-table-{gap}"' in page and "-18.0" in page
    assert "The slope index of inequality in May 2025 was" in page
