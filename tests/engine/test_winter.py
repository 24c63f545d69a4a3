"""The winter simulation against theory (Little's law, M/G/∞, Erlang B), against the slow
patient-by-patient reference in distribution, and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import winter as w
from footprint.engine.reference import winter as ref

NO_DELAY = {"pathway_share": [1.0, 0.0, 0.0, 0.0], "nctr_probability": [0.0, 0.0, 0.0, 0.0]}


def inputs(
    rate: float, pmf: np.ndarray, days: int, beds: int | np.ndarray, **kw: object
) -> w.WinterInputs:
    """One provider; ``beds`` a number, or an array of beds a day (1 × days)."""
    args: dict[str, object] = {
        "rates": np.full((1, days), rate),
        "stay_pmf": pmf,
        "beds": beds if isinstance(beds, np.ndarray) else np.array([beds]),
        "capacity": np.array([w.UNLIMITED] * 4),
        **NO_DELAY,
    }
    args.update(kw)
    return w.WinterInputs(**args)  # type: ignore[arg-type]


# Erlang B, by hand


def test_erlang_b_hand_values() -> None:
    assert w.erlang_b(0, 3.0) == 1.0
    assert w.erlang_b(1, 1.0) == pytest.approx(0.5)  # a / (1 + a)
    assert w.erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)
    assert w.erlang_b(3, 2.0) == pytest.approx((8 / 6) / (1 + 2 + 2 + 8 / 6))
    big = w.erlang_b(2000, 1900.0)  # the recursion stays finite where a^n/n! would overflow
    assert 0 < big < 0.05
    with pytest.raises(ValueError, match="offered load"):
        w.erlang_b(3, -1.0)


def test_stay_distributions() -> None:
    pmf = w.lognormal_stay_pmf(mean=6.0, sd=4.0, max_days=200)
    assert pmf.sum() == pytest.approx(1.0)
    # discretising (k−1, k] to k adds about half a day to the mean
    mean = float((np.arange(1, 201) * pmf).sum())
    assert 6.2 < mean < 6.8
    assert w.stay_pmf_from_histogram([2, 6, 2]).tolist() == [0.2, 0.6, 0.2]
    with pytest.raises(ValueError, match="stay counts"):
        w.stay_pmf_from_histogram([0, 0])


def test_daily_rates_compose_weekly_and_seasonal() -> None:
    rates = w.daily_rates([10.0, 20.0], [1, 2, 1, 1, 1, 1, 1], [1.0, 1.0, 1.5], start_weekday=6)
    # day 0 is a Sunday (×1), day 1 a Monday (×1), day 2 a Tuesday (×2) in a ×1.5 season
    assert rates.tolist() == [[10.0, 10.0, 30.0], [20.0, 20.0, 60.0]]


# Theory


def test_littles_law_and_poisson_occupancy_without_delays() -> None:
    pmf = w.lognormal_stay_pmf(mean=4.0, sd=3.0, max_days=25)
    mean_stay = float((np.arange(1, 26) * pmf).sum())
    rate = 5.0
    result = w.simulate(inputs(rate, pmf, days=21, beds=10_000), runs=2000, seed=7)
    expected = rate * mean_stay  # Little's law: L = λW
    occupancy = result.occupancy[:, 0, :].astype(float)
    assert occupancy.mean() == pytest.approx(expected, rel=0.02)
    # M/G/∞ with Poisson arrivals: the census on any day is Poisson, so variance = mean
    last_day = occupancy[:, -1]
    assert last_day.var(ddof=1) / last_day.mean() == pytest.approx(1.0, abs=0.15)
    assert (result.nctr == 0).all()
    assert result.p_over_100.max() == 0.0


def test_share_turned_away_matches_erlang_b() -> None:
    # long stays against a day, so daily batches of arrivals barely matter
    pmf = w.lognormal_stay_pmf(mean=20.0, sd=10.0, max_days=80)
    mean_stay = float((np.arange(1, 81) * pmf).sum())
    beds, rate = 10, 0.5
    result = w.simulate(inputs(rate, pmf, days=120, beds=beds, turn_away=True), runs=600, seed=3)
    turned_away = 1 - result.admitted.sum() / result.arrivals.sum()
    expected = w.erlang_b(beds, rate * mean_stay)
    assert 0.15 < expected < 0.3
    assert turned_away == pytest.approx(expected, abs=0.02)
    assert (result.occupancy <= beds).all()


# Agreement with the reference, in distribution

CASE = {
    "rate": 3.0,
    "pmf": w.stay_pmf_from_histogram([3, 4, 4, 3, 2, 2, 1, 1]),
    "share": [0.5, 0.25, 0.15, 0.1],
    "nctr": [0.0, 0.5, 0.8, 0.9],
    "places": [50, 1, 1, 0],
    "beds": 14,
}


def reference_runs(turn_away: bool, days: int, runs: int) -> dict[str, np.ndarray]:
    capacity = [CASE["places"]] * days
    rows = [
        ref.simulate_one(
            [CASE["rate"]] * days,  # type: ignore[list-item]
            CASE["pmf"],  # type: ignore[arg-type]
            CASE["beds"],  # type: ignore[arg-type]
            CASE["share"],  # type: ignore[arg-type]
            CASE["nctr"],  # type: ignore[arg-type]
            capacity,  # type: ignore[arg-type]
            seed=1000 + i,
            escalation_beds=3,
            escalation_trigger=0.9,
            turn_away=turn_away,
        )
        for i in range(runs)
    ]
    return {
        "occupancy": np.array([[d.occupancy for d in run] for run in rows]),
        "nctr": np.array([[sum(d.nctr) for d in run] for run in rows]),
        "open_beds": np.array([[d.open_beds for d in run] for run in rows]),
    }


@pytest.mark.parametrize("turn_away", [False, True])
def test_fast_engine_agrees_with_reference_in_distribution(turn_away: bool) -> None:
    days, runs = 20, 300
    slow = reference_runs(turn_away, days, runs)
    fast_result = w.simulate(
        inputs(
            CASE["rate"],  # type: ignore[arg-type]
            CASE["pmf"],  # type: ignore[arg-type]
            days,
            CASE["beds"],  # type: ignore[arg-type]
            pathway_share=CASE["share"],
            nctr_probability=CASE["nctr"],
            capacity=np.array(CASE["places"]),
            escalation_beds=np.array([3]),
            escalation_trigger=np.array([0.9]),
            turn_away=turn_away,
        ),
        runs=1200,
        seed=11,
    )
    fast = {
        "occupancy": fast_result.occupancy[:, 0, :],
        "nctr": fast_result.nctr[:, 0, :, :].sum(-1),
        "open_beds": fast_result.open_beds[:, 0, :],
    }
    for name in ("occupancy", "nctr", "open_beds"):
        a, b = fast[name][:, -1].astype(float), slow[name][:, -1].astype(float)
        # Monte Carlo error of the difference of two means, with a wide margin (5 SE)
        se = math.sqrt(a.var() / a.size + b.var() / b.size) + 1e-9
        assert abs(a.mean() - b.mean()) < 5 * se + 0.05, name
        if b.var() > 0.5:
            assert a.var() / b.var() == pytest.approx(1.0, abs=0.35), name
        for q in (10, 90):
            assert abs(np.percentile(a, q) - np.percentile(b, q)) <= 2, (name, q)
        # and on average over the days
        assert fast[name].mean() == pytest.approx(slow[name].mean(), rel=0.06, abs=0.1), name


# Summaries, by hand


def test_weekly_summaries_are_the_daily_figures_averaged() -> None:
    pmf = w.stay_pmf_from_histogram([1, 1, 1])
    result = w.simulate(
        inputs(
            4.0,
            pmf,
            days=10,
            beds=8,
            pathway_share=[0, 0, 0.5, 0.5],
            nctr_probability=[0, 0, 1, 1],
            capacity=np.array([99, 99, 1, 1]),
        ),
        runs=50,
        seed=5,
    )
    assert result.p_over_92.shape == (1, 2)  # 10 days: a full week and three days
    daily_nctr = result.nctr[:, 0].sum(-1).mean(0)  # mean over runs, by day
    assert result.bed_days_lost[0, 0] == pytest.approx(daily_nctr[:7].sum())
    assert result.bed_days_lost[0, 1] == pytest.approx(daily_nctr[7:].sum())
    over = (result.occupancy[:, 0] > result.open_beds[:, 0]).mean(0)
    assert result.p_over_100[0, 1] == pytest.approx(over[7:].mean())
    assert result.expected_nctr[0, 0, :2].tolist() == [0.0, 0.0]
    top = result.weeks_at_risk[0].tolist()
    assert sorted(top) == [0, 1]  # only two weeks: both listed, most at risk first
    first = 0 if result.p_over_100[0, 0] >= result.p_over_100[0, 1] else 1
    assert top[0] == first


def test_no_arrivals_means_an_empty_winter() -> None:
    result = w.simulate(inputs(0.0, np.array([1.0]), days=14, beds=5), runs=3, seed=1)
    assert result.occupancy.sum() == 0
    assert result.p_over_92.tolist() == [[0.0, 0.0]]


def test_same_seed_same_winter_and_bad_input_named() -> None:
    pmf = w.stay_pmf_from_histogram([1, 2, 1])
    one = w.simulate(inputs(3.0, pmf, days=14, beds=9), runs=20, seed=42)
    two = w.simulate(inputs(3.0, pmf, days=14, beds=9), runs=20, seed=42)
    assert np.array_equal(one.occupancy, two.occupancy)
    with pytest.raises(ValueError, match="rates must be finite"):
        w.simulate(inputs(-1.0, pmf, days=14, beds=9), runs=2, seed=1)
    with pytest.raises(ValueError, match="pathway shares"):
        w.simulate(inputs(1.0, pmf, 7, 9, pathway_share=[0.5, 0, 0, 0]), runs=2, seed=1)


# Invariants


@st.composite
def winters(draw: st.DrawFn) -> tuple[w.WinterInputs, np.ndarray]:
    providers = draw(st.integers(1, 3))
    days = draw(st.integers(1, 21))
    k = draw(st.integers(1, 6))
    weights = draw(st.lists(st.integers(0, 5), min_size=k, max_size=k).filter(any))
    share = np.array(draw(st.lists(st.integers(0, 4), min_size=4, max_size=4).filter(any)))
    places = np.array(draw(st.lists(st.integers(0, 3), min_size=4, max_size=4)))
    extra = np.array(draw(st.lists(st.integers(0, 3), min_size=4, max_size=4)))
    base = w.WinterInputs(
        rates=np.full((providers, days), draw(st.floats(0, 8))),
        stay_pmf=w.stay_pmf_from_histogram(weights),
        beds=np.full(providers, draw(st.integers(0, 30))),
        pathway_share=share / share.sum(),
        nctr_probability=np.array(draw(st.lists(st.floats(0, 1), min_size=4, max_size=4))),
        capacity=places,
        escalation_beds=np.full(providers, draw(st.integers(0, 5))),
        escalation_trigger=np.full(providers, draw(st.floats(0.5, 1.2))),
        turn_away=draw(st.booleans()),
    )
    return base, places + extra


@settings(max_examples=40, deadline=None)
@given(winters(), st.integers(0, 2**16))
def test_invariants(case: tuple[w.WinterInputs, np.ndarray], seed: int) -> None:
    base, more_places = case
    result = w.simulate(base, runs=8, seed=seed)
    assert (result.occupancy >= 0).all()
    assert (result.nctr >= 0).all()
    assert (result.new_nctr <= result.ready).all()  # NCTR never exceeds discharges
    assert (result.nctr.sum(-1) <= result.occupancy).all()
    assert (result.admitted <= result.arrivals).all()
    if not base.turn_away:
        assert np.array_equal(result.admitted, result.arrivals)
        # more places on every pathway, same seed: never more NCTR, on any day of any run
        more = w.simulate(
            w.WinterInputs(**{**base.__dict__, "capacity": more_places}), runs=8, seed=seed
        )
        assert (more.nctr.sum(-1) <= result.nctr.sum(-1)).all()
        assert (more.expected_nctr <= result.expected_nctr + 1e-12).all()


# Beds that change over the winter (a ward closed for some weeks)


def closed(beds: int, days: int, first: int, last: int, shut: int) -> np.ndarray:
    """One provider's beds a day: ``shut`` of them closed from day ``first`` to ``last``."""
    by_day = np.full((1, days), beds)
    by_day[0, first : last + 1] -= shut
    return by_day


def test_a_closed_ward_takes_its_beds_out_for_its_days_only() -> None:
    # 20 beds, 6 closed on days 7 to 13, no escalation: exactly 14 open those days, 20 else.
    pmf = w.stay_pmf_from_histogram([1, 1, 1])
    result = w.simulate(inputs(4.0, pmf, days=21, beds=closed(20, 21, 7, 13, 6)), runs=5, seed=1)
    expected = np.array([20] * 7 + [14] * 7 + [20] * 7)
    assert (result.open_beds[:, 0, :] == expected).all()
    with pytest.raises(ValueError, match="beds must be"):
        w.simulate(inputs(4.0, pmf, days=21, beds=np.full((1, 20), 20)), runs=1, seed=1)


def test_closing_beds_never_lowers_the_chance_of_running_over() -> None:
    # Everyone is admitted, so with the same seed the patients are the same: fewer beds can
    # only mean as many days over 92 % and 100 %, or more, and only in the closed weeks.
    pmf = w.stay_pmf_from_histogram([2, 3, 3, 2, 1])
    kw = {"pathway_share": [0.6, 0.2, 0.1, 0.1], "nctr_probability": [0, 0.5, 0.7, 0.9]}
    kw["capacity"] = np.array([w.UNLIMITED, 1, 1, 0])  # type: ignore[assignment]
    open_ = w.simulate(inputs(3.0, pmf, 28, 14, **kw), runs=200, seed=5)
    shut = w.simulate(inputs(3.0, pmf, 28, closed(14, 28, 7, 20, 4), **kw), runs=200, seed=5)
    assert np.array_equal(open_.occupancy, shut.occupancy)
    assert (shut.p_over_100 >= open_.p_over_100).all()
    assert (shut.p_over_100[0, 1:3] > open_.p_over_100[0, 1:3]).all()  # weeks 2 and 3
    assert np.array_equal(shut.p_over_100[0, [0, 3]], open_.p_over_100[0, [0, 3]])


def test_fast_engine_agrees_with_reference_with_a_ward_closed() -> None:
    # Turning arrivals away when full, so the closure changes who is admitted: compare the
    # occupancy in the closed days (10 to 19) and after, in distribution.
    days, runs = 24, 300
    beds = [CASE["beds"]] * 10 + [CASE["beds"] - 4] * 10 + [CASE["beds"]] * 4  # type: ignore[operator]
    slow = [
        ref.simulate_one(
            [CASE["rate"]] * days,  # type: ignore[list-item]
            CASE["pmf"],  # type: ignore[arg-type]
            beds,
            CASE["share"],  # type: ignore[arg-type]
            CASE["nctr"],  # type: ignore[arg-type]
            [CASE["places"]] * days,  # type: ignore[list-item]
            seed=5000 + i,
            escalation_beds=3,
            escalation_trigger=0.9,
            turn_away=True,
        )
        for i in range(runs)
    ]
    fast = w.simulate(
        inputs(
            CASE["rate"],  # type: ignore[arg-type]
            CASE["pmf"],  # type: ignore[arg-type]
            days,
            np.array([beds]),
            pathway_share=CASE["share"],
            nctr_probability=CASE["nctr"],
            capacity=np.array(CASE["places"]),
            escalation_beds=np.array([3]),
            escalation_trigger=np.array([0.9]),
            turn_away=True,
        ),
        runs=1200,
        seed=13,
    )
    for day in (15, 19, 23):
        for name in ("occupancy", "open_beds"):
            a = getattr(fast, name)[:, 0, day].astype(float)
            b = np.array([getattr(run[day], name) for run in slow], dtype=float)
            se = math.sqrt(a.var() / a.size + b.var() / b.size) + 1e-9
            assert abs(a.mean() - b.mean()) < 5 * se + 0.05, (name, day)
            for q in (10, 90):
                assert abs(np.percentile(a, q) - np.percentile(b, q)) <= 2, (name, day, q)
    # closing beds sends no one home: on its first day more may be in beds than are open
    assert (fast.occupancy[:, 0, 10] > fast.open_beds[:, 0, 10]).any()
