"""Goal horizons, trajectories and status, checked by hand."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.engine import goals

BASE = date(2024, 4, 1).toordinal()
TARGET = date(2026, 4, 1).toordinal()  # two years on


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (date(2025, 3, 31), "short"),
        (date(2025, 4, 1), "short"),
        (date(2027, 3, 1), "medium"),
        (date(2027, 6, 1), "long"),
        (date(2029, 3, 31), "long"),
    ],
)
def test_horizon(target, expected):
    assert goals.horizon(BASE, target.toordinal()) == expected


def test_trajectory_is_a_straight_line_held_at_the_ends():
    midway = BASE + (TARGET - BASE) // 2
    assert goals.trajectory(BASE, 80.0, TARGET, 90.0, midway) == pytest.approx(85.0, abs=0.01)
    assert goals.trajectory(BASE, 80.0, TARGET, 90.0, BASE - 30) == 80.0
    assert goals.trajectory(BASE, 80.0, TARGET, 90.0, TARGET + 30) == 90.0


def judge(latest, icon="common_cause", assurance=None, improvement="increase", day=None):
    return goals.judge(
        improvement=improvement,
        baseline_day=BASE,
        baseline_value=80.0,
        target_day=TARGET,
        target_value=90.0,
        latest_day=day if day is not None else BASE + (TARGET - BASE) // 2,
        latest_value=latest,
        variation_icon=icon,
        assurance=assurance,
    ).status


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"latest": 91.0}, "achieved"),
        ({"latest": 86.0}, "on_track"),  # ahead of the trajectory's 85
        ({"latest": 84.0}, "off_track"),
        ({"latest": 86.0, "icon": "concern_low"}, "at_risk"),
        ({"latest": 86.0, "assurance": "fail"}, "at_risk"),
        ({"latest": 84.0, "icon": "improvement_high"}, "on_track"),
        ({"latest": 84.0, "assurance": "pass"}, "on_track"),
        ({"latest": None}, "no_data"),
        # Too few points to judge: no verdict and no assurance, so the trajectory decides.
        ({"latest": 86.0, "icon": "too_few_points"}, "on_track"),
        ({"latest": 84.0, "icon": "too_few_points"}, "off_track"),
        ({"latest": 91.0, "icon": "too_few_points"}, "achieved"),
    ],
)
def test_status(kwargs, expected):
    assert judge(**kwargs) == expected


def test_lower_is_better_goal():
    # From 80 down to 70 (e.g. a leaver rate): 74 at the midway point is ahead of 75.
    status = goals.judge(
        improvement="decrease",
        baseline_day=BASE,
        baseline_value=80.0,
        target_day=TARGET,
        target_value=70.0,
        latest_day=BASE + (TARGET - BASE) // 2,
        latest_value=74.0,
        variation_icon="common_cause",
        assurance=None,
    )
    assert status.status == "on_track" and status.expected == pytest.approx(75.0, abs=0.02)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.integers(0, 3000))
def test_trajectory_stays_between_baseline_and_target(b, t, offset):
    value = goals.trajectory(BASE, b, TARGET, t, BASE - 1000 + offset)
    assert min(b, t) - 1e-6 <= value <= max(b, t) + 1e-6


def test_a_misspelt_verdict_is_refused():
    with pytest.raises(ValueError, match="concern"):
        judge(84.0, icon="concern")
    with pytest.raises(ValueError, match="passed"):
        judge(84.0, assurance="passed")


def test_statuses_have_their_words():
    assert judge(91.0) is goals.Status.ACHIEVED
    assert [s.label for s in goals.Status] == [
        "Achieved",
        "On track",
        "Off track",
        "At risk",
        "No data yet",
    ]
