"""Length of stay, pathway shares and delays by Little's law: by hand, and against a small
queue simulated day by day whose true mean delay is known."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import flow_fit
from footprint.engine.flow_fit import Day


def day(adm, occ, out, wait):
    return Day(
        admissions=adm, occupied=occ, discharges=dict(enumerate(out)), nctr=dict(enumerate(wait))
    )


def test_three_days_by_hand():
    days = [
        day(48, 390, (30, 10, 6, 2), (5, 30, 12, 20)),
        day(50, 400, (30, 12, 6, 2), (6, 36, 12, 22)),
        day(52, 410, (30, 14, 6, 2), (7, 42, 12, 24)),
    ]
    fit = flow_fit.fit(days)
    assert fit.days == 3
    assert fit.admissions_per_day == pytest.approx(50)
    assert fit.length_of_stay == pytest.approx(400 / 50)  # 8 days
    p0, p1, p2, p3 = fit.pathways
    # Discharges a day: 30, 12, 6 and 2 of 50.
    assert [p.share for p in fit.pathways] == pytest.approx([0.6, 0.24, 0.12, 0.04])
    assert p1.discharges_per_day == pytest.approx(12) and p1.nctr_mean == pytest.approx(36)
    assert p1.delay_days == pytest.approx(3)  # 36 waiting ÷ 12 leaving a day
    assert p3.delay_days == pytest.approx(11)  # 22 ÷ 2
    assert p0.delay_days == pytest.approx(0.2) and p2.delay_days == pytest.approx(2)


def test_unreported_days_are_left_out_pair_by_pair():
    days = [
        Day(admissions=40, occupied=None, discharges={1: 10}, nctr={1: None}),
        Day(admissions=None, occupied=300, discharges={1: 20}, nctr={1: 60}),
        Day(admissions=60),
    ]
    fit = flow_fit.fit(days)
    # Occupancy and admissions together on no day: no length of stay.
    assert fit.length_of_stay is None
    assert fit.admissions_per_day == pytest.approx(50) and fit.occupied_mean == pytest.approx(300)
    p1 = fit.pathways[1]
    assert p1.days == 1 and p1.delay_days == pytest.approx(3)  # 60 ÷ 20 on the one full day
    assert p1.discharges_per_day == pytest.approx(15)
    # No day reported every pathway's discharges: no shares.
    assert all(p.share is None for p in fit.pathways)


def test_no_one_leaving_gives_no_time_and_bad_counts_are_refused():
    assert flow_fit.little([3, 4], [0, 0]) is None
    assert flow_fit.little([], []) is None
    with pytest.raises(ValueError, match="one value a day"):
        flow_fit.little([1], [1, 2])
    with pytest.raises(ValueError, match="not negative"):
        flow_fit.little([-1], [1])
    with pytest.raises(ValueError, match="finite"):
        flow_fit.little([float("nan")], [1])


def test_little_recovers_a_known_mean_delay_from_a_simulated_queue():
    """Patients become delayed at 6 a day and each waits 1, 2, ... or 7 days (mean 4): counted
    each morning, Little's law gives back the mean delay of 4 days from the counts alone."""
    rng = random.Random(19)
    waits: list[int] = []
    counts, leaving = [], []
    for _ in range(3000):
        left = sum(1 for w in waits if w == 1)
        waits = [w - 1 for w in waits if w > 1] + [rng.randint(1, 7) for _ in range(6)]
        counts.append(len(waits))
        leaving.append(left)
    delay = flow_fit.little(counts[100:], leaving[100:])
    assert delay == pytest.approx(4.0, abs=0.1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 50), min_size=4, max_size=4),
            st.lists(st.integers(0, 200), min_size=4, max_size=4),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_shares_add_to_one_and_delay_times_rate_is_the_mean_count(rows):
    fit = flow_fit.fit([day(None, None, out, wait) for out, wait in rows])
    total = sum(sum(out) for out, _ in rows)
    shares = [p.share for p in fit.pathways]
    if total == 0:
        assert shares == [None] * 4
    else:
        assert sum(s for s in shares if s is not None) == pytest.approx(1.0)
    for p in fit.pathways:
        if p.delay_days is not None:
            assert p.delay_days >= 0
            assert p.delay_days * p.discharges_per_day == pytest.approx(p.nctr_mean)
