"""Gap series for gap goals, checked by hand and against the slow reference."""

import math
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import gaps, goals
from footprint.engine.reference import gaps as reference


def test_difference_is_the_first_group_less_the_second_and_missing_stays_missing():
    values = [[50.0, 55.0, 60.0, 65.0, 70.0], [52.0, 55.0, 60.0, np.nan, 68.0]]
    assert gaps.difference_series(values, 0, 4).tolist() == [-20.0, -16.0]
    assert math.isnan(gaps.difference_series(values, 0, 3)[1])


def test_sii_of_a_straight_line_is_its_slope_across_the_ranks():
    # Equal quintiles: ranks 0.1, 0.3, 0.5, 0.7, 0.9; values rise 5 a quintile, 25 a unit rank.
    values = [[50.0, 55.0, 60.0, 65.0, 70.0]]
    assert math.isclose(gaps.sii_series(values)[0], 25.0)
    assert math.isclose(gaps.sii_series(values, [[1, 1, 1, 1, 1]])[0], 25.0)
    # Unequal populations: ranks 0.2, 0.5, 0.65, 0.75, 0.9 (shares .4 .2 .1 .1 .2); a line
    # y = 10 + 40 × rank gives 18, 30, 36, 40, 46 and its slope back.
    populations = [[40, 20, 10, 10, 20]]
    assert math.isclose(gaps.sii_series([[18.0, 30.0, 36.0, 40.0, 46.0]], populations)[0], 40.0)


def test_a_period_missing_a_quintile_or_population_has_no_sii():
    values = [[50.0, 55.0, np.nan, 65.0, 70.0], [50.0, 55.0, 60.0, 65.0, 70.0]]
    pops = [[1, 1, 1, 1, 1], [1, 1, 0, 1, 1]]
    assert np.isnan(gaps.sii_series(values, pops)).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1000, 1000), min_size=5, max_size=10).flatmap(
        lambda v: st.tuples(
            st.just(v), st.lists(st.floats(1, 1e6), min_size=len(v), max_size=len(v))
        )
    )
)
def test_sii_matches_the_reference(case):
    values, populations = case
    fast = gaps.sii_series([values], [populations])[0]
    slow = reference.sii(values, populations)
    assert math.isclose(fast, slow, rel_tol=1e-9, abs_tol=1e-6)


def test_better_direction_is_towards_the_target():
    assert gaps.improvement_towards(12.0, 6.0) == "decrease"
    assert gaps.improvement_towards(-20.0, -10.0) == "increase"


def test_a_halving_gap_on_its_trajectory_is_on_track():
    # Baseline gap −20 in April 2024, target −10 by April 2026: the trajectory expects −15 in
    # April 2025; the latest gap, −14, is ahead of it (closer to zero), so on track.
    base, target, latest = date(2024, 4, 1), date(2026, 4, 1), date(2025, 4, 1)
    improvement = gaps.improvement_towards(-20.0, -10.0)
    judged = goals.judge(
        improvement=improvement,
        baseline_day=base.toordinal(),
        baseline_value=-20.0,
        target_day=target.toordinal(),
        target_value=-10.0,
        latest_day=latest.toordinal(),
        latest_value=-14.0,
        variation_icon="common_cause",
        assurance=None,
        today_day=date(2025, 5, 10).toordinal(),
    )
    assert judged.status is goals.Status.ON_TRACK
    assert math.isclose(judged.expected or 0, -15.0, abs_tol=0.05)
    behind = goals.judge(
        improvement=improvement,
        baseline_day=base.toordinal(),
        baseline_value=-20.0,
        target_day=target.toordinal(),
        target_value=-10.0,
        latest_day=latest.toordinal(),
        latest_value=-17.0,
        variation_icon="common_cause",
        assurance=None,
        today_day=date(2025, 5, 10).toordinal(),
    )
    assert behind.status is goals.Status.OFF_TRACK


def test_trend_reads_the_size_of_the_gap():
    steady = [10.0, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9, 10.3, 9.7, 10.0, 10.4, 9.6, 10.1, 9.9]
    assert gaps.trend(steady) is gaps.Trend.NO_CLEAR_CHANGE
    narrowing = [-20.0 + 0.8 * i for i in range(20)]  # −20 → −4.8: its size shrinks
    assert gaps.trend(narrowing) is gaps.Trend.NARROWING
    widening = [5.0 + 0.5 * i for i in range(20)]
    assert gaps.trend(widening) is gaps.Trend.WIDENING
    assert gaps.trend([1.0, 2.0, 3.0]) is gaps.Trend.TOO_FEW_POINTS
