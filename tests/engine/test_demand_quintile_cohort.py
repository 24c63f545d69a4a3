"""A scheme's cohort naming deprivation quintiles (Core20PLUS5: the most deprived 20 %).

Hand-checked case: 200 emergency admissions of women aged 80 in one neighbourhood, N1, whose
residents mostly live in quintile 1; each stays 5 days. 100 records gave quintile 1 of their
own (their small area), 60 gave quintile 3 and 40 gave none, so they count in N1's quintile,
1. With no growth at all, a scheme avoiding exactly 50 % of quintile 1's emergency admissions
removes half of 100 + 40 = 140: 70 admissions and 350 bed days, leaving 130 admissions and 650
bed days; quintile 3's 60 are untouched. Without N1's quintile the 40 are "not known" and the
scheme removes 50.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from footprint.engine import demand as dm
from footprint.engine.demand.params import quintile_words
from footprint.engine.reference.demand import run_records
from tests.engine.test_demand import (
    MIXED,
    PLAN_SCHEMES,
    assert_same_distribution,
    exact,
    flat_demography,
    records,
)

HALF_OF_Q1 = dm.Scheme(
    "core20",
    "Virtual wards in quintile 1",
    "ip_emergency",
    dm.Effect.AVOID,
    exact(0.5),
    2026,
    cohort=dm.Cohort(quintiles=(1,)),
)


def tiny() -> dm.Baseline:
    rows = records([("RX1", "ip_emergency", 0, 80, "", 5)] * 200)
    own = np.array([1] * 100 + [3] * 60 + [0] * 40, dtype=np.int64)
    return dm.compress(dataclasses.replace(rows, quintile=own))


def tiny_scenario(*schemes: dm.Scheme) -> dm.Scenario:
    return dm.Scenario(
        base_year=2025,
        horizon=2026,
        growth={"ip_emergency": exact(0.0), "cs_nursing": exact(0.0)},
        schemes=schemes,
        iterations=0,
    )


def test_half_of_quintile_one_by_hand() -> None:
    sc = tiny_scenario(HALF_OF_Q1)
    assert sc.quintile_schemes == (HALF_OF_Q1,)
    strata = dm.stratify(
        tiny(),
        flat_demography(1),
        sc.age_bounds,
        quintiles=np.array([1]),
        quintile_schemes=sc.quintile_schemes,
    )
    # the strata keep the quintiles the cohort can tell apart: 1 (own or N1's) and 3
    assert sorted(strata.quintile.tolist()) == [1, 3]
    plan = dm.compile_plan(sc, strata)
    _, out = dm.run(plan)
    g = plan.groups.index(("RX1", "ip_emergency"))
    assert out.activity[0, 0, g] == pytest.approx(130)
    assert out.bed_days[0, 0, g] == pytest.approx(650)
    assert out.steps_activity[0, 0, :, g] == pytest.approx([200, 0, 0, -70])
    assert out.steps_bed_days[0, 0, -1, g] == pytest.approx(-350)

    # without N1's quintile its 40 records are not known, and only the 100 are reached
    unknown = dm.stratify(
        tiny(), flat_demography(1), sc.age_bounds, quintile_schemes=sc.quintile_schemes
    )
    _, out = dm.run(dm.compile_plan(sc, unknown))
    assert out.steps_activity[0, 0, -1, g] == pytest.approx(-50)


def test_the_effect_falls_on_the_named_quintile_in_results_by_quintile() -> None:
    sc = tiny_scenario(HALF_OF_Q1)
    strata = dm.stratify(
        tiny(),
        flat_demography(1),
        sc.age_bounds,
        by_neighbourhood=True,
        pool_for=sc.schemes,
        quintiles=np.array([1]),
    )
    plan = dm.compile_plan(sc, dm.regroup(strata, ("neighbourhood", "quintile")))
    _, split, (_, out) = dm.run_split(plan)
    by_quintile = dict(zip(split.groups[1], range(len(split.groups[1])), strict=True))
    q1, q3 = by_quintile[("1", "ip_emergency")], by_quintile[("3", "ip_emergency")]
    assert out.steps_activity[0, 0, -1, q1] == pytest.approx(-70)
    assert out.steps_activity[0, 0, -1, q3] == pytest.approx(0)
    assert out.activity[0, 0, q1] == pytest.approx(70)
    assert out.activity[0, 0, q3] == pytest.approx(60)


def test_only_the_named_points_of_delivery_keep_quintiles_apart() -> None:
    rows = records(
        [("RX1", "ip_emergency", 0, 80, "", 5)] * 4 + [("RC1", "cs_nursing", 0, 80, "", 0)] * 4
    )
    cells = dm.compress(dataclasses.replace(rows, quintile=np.array([1, 2, 3, 4] * 2)))
    sc = tiny_scenario(dm.Scheme(**{**HALF_OF_Q1.__dict__, "cohort": dm.Cohort(quintiles=(1, 2))}))
    strata = dm.stratify(
        cells, flat_demography(1), sc.age_bounds, quintile_schemes=sc.quintile_schemes
    )
    pods = [dm.model.CODES[p] for p in strata.pod]
    # emergency admissions in the cohort's quintiles (1–2) and the rest (3–4): two strata
    assert pods.count("ip_emergency") == 2 and pods.count("cs_nursing") == 1
    assert sorted(strata.quintile[strata.pod == dm.model.CODES.index("ip_emergency")]) == [1, 3]
    _, out = dm.run(dm.compile_plan(sc, strata))
    g = dm.compile_plan(sc, strata).groups.index(("RX1", "ip_emergency"))
    assert out.activity[0, 0, g] == pytest.approx(3)  # half of quintiles 1–2's two admissions


def test_only_the_cells_the_rest_of_the_cohort_holds_keep_quintiles_apart() -> None:
    """A cohort of people aged 65 and over in quintile 1: the admissions of people aged 40
    stay in one stratum whatever their quintile; those aged 80 are split into quintile 1 and
    the rest."""
    rows = records(
        [("RX1", "ip_emergency", 0, 40, "", 5)] * 4 + [("RX1", "ip_emergency", 0, 80, "", 5)] * 4
    )
    cells = dm.compress(dataclasses.replace(rows, quintile=np.array([1, 2, 3, 4] * 2)))
    older = dm.Scheme(**{**HALF_OF_Q1.__dict__, "cohort": dm.Cohort(age_low=65, quintiles=(1,))})
    sc = tiny_scenario(older)
    strata = dm.stratify(
        cells, flat_demography(1), sc.age_bounds, quintile_schemes=sc.quintile_schemes
    )
    bounds = np.asarray((*strata.age_bounds, 1000))
    young = bounds[strata.age_band] < 65
    assert strata.quintile[young].tolist() == [0]
    assert sorted(strata.quintile[~young].tolist()) == [1, 2]  # 1, and 2–4 pooled
    plan = dm.compile_plan(sc, strata)
    _, out = dm.run(plan)
    assert out.steps_activity[0, 0, -1, 0] == pytest.approx(-0.5)  # half of the one in Q1


def test_a_cohort_naming_a_quintile_no_activity_has_is_an_error_naming_it() -> None:
    least = dm.Scheme(**{**HALF_OF_Q1.__dict__, "cohort": dm.Cohort(age_low=65, quintiles=(5,))})
    sc = tiny_scenario(least)
    strata = dm.stratify(
        tiny(),
        flat_demography(1),
        sc.age_bounds,
        quintiles=np.array([1]),
        quintile_schemes=sc.quintile_schemes,
    )
    with pytest.raises(ValueError) as error:
        dm.compile_plan(sc, strata)
    assert str(error.value) == (
        "Virtual wards in quintile 1: its cohort (Emergency admissions, aged 65 and over, "
        "residents of deprivation quintile 5 (least deprived 20 %)) matches no activity"
    )
    # strata that were not told to keep the quintiles apart are refused, not silently wrong
    with pytest.raises(ValueError, match="do not keep them apart for it"):
        dm.compile_plan(sc, dm.stratify(tiny(), flat_demography(1), sc.age_bounds))


def test_a_quintile_outside_1_to_5_is_refused() -> None:
    with pytest.raises(ValueError, match="quintile must be 1 \\(most deprived\\) to 5"):
        dm.Cohort(quintiles=(0,))
    with pytest.raises(ValueError, match="quintile must be 1"):
        dm.Cohort(quintiles=(1, 6))
    assert dm.Cohort(quintiles=(2, 1, 2)).quintiles == (1, 2)


@pytest.mark.parametrize(
    ("quintiles", "words"),
    [
        ((1,), "quintile 1 (most deprived 20 %)"),
        ((2, 1), "quintiles 1–2 (most deprived 40 %)"),
        ((5,), "quintile 5 (least deprived 20 %)"),
        ((4, 5), "quintiles 4–5 (least deprived 40 %)"),
        ((3,), "quintile 3"),
        ((1, 3), "quintiles 1 and 3"),
        ((1, 2, 4), "quintiles 1, 2 and 4"),
        ((1, 2, 3, 4, 5), "quintiles 1–5"),
        ((), ""),
    ],
)
def test_quintiles_in_words(quintiles: tuple[int, ...], words: str) -> None:
    assert quintile_words(quintiles) == words


def spread_records() -> tuple[dm.Records, np.ndarray, dm.Demography]:
    """The mixed records in two neighbourhoods (N1 mostly quintile 1, N2 quintile 4), a third
    of them with no quintile of their own, the rest in 1, 2 or 5."""
    base = records(MIXED)
    n = len(base.provider)
    spread = dataclasses.replace(
        base,
        neighbourhoods=("N1", "N2"),
        neighbourhood=np.arange(n, dtype=np.int64) % 2,
        quintile=np.array([(0, 1, 2, 0, 5, 1)[i % 6] for i in range(n)], dtype=np.int64),
    )
    demography = dm.Demography(
        np.stack([np.full((2, 2, 91), 1 + 0.02 * t) for t in range(4)]),
        ("P1",),
        np.zeros(2, dtype=np.int64),
    )
    return spread, np.array([1, 4], dtype=np.int64), demography


def quintile_scenario(iterations: int) -> dm.Scenario:
    """The mixed plan's schemes, falls prevention for quintiles 1–2 only, stays shortened in
    quintile 1 only, and a Core20 virtual ward avoiding frail admissions in quintile 1."""
    falls, d2a, teams = PLAN_SCHEMES
    core20 = dm.Scheme(
        "vw_core20",
        "Virtual wards, quintile 1",
        "ip_emergency",
        dm.Effect.AVOID,
        dm.Interval(0.3, 0.6),
        2026,
        ramp_years=2,
        cohort=dm.Cohort(age_low=70, quintiles=(1,)),
        eligible=dm.Interval(0.5, 0.9),
    )
    return dm.Scenario(
        base_year=2025,
        horizon=2028,
        growth={
            "ip_emergency": dm.Interval(0.01, 0.05),
            "cs_nursing": dm.Interval(0.0, 0.02),
            "sc_home_care": dm.Interval(0.0, 0.04),
            "sc_care_home": dm.Interval(-0.01, 0.01),
        },
        schemes=(
            dataclasses.replace(falls, cohort=dm.Cohort(age_low=65, quintiles=(1, 2))),
            dataclasses.replace(d2a, cohort=dm.Cohort(los_bands=(4, 6), quintiles=(1,))),
            teams,
            core20,
        ),
        seed=5,
        iterations=iterations,
    )


def test_quintile_cohorts_agree_with_the_reference_by_provider_and_by_quintile() -> None:
    """The fast engine (strata keeping quintiles apart at emergency admissions only) and the
    per-record reference (each record's own quintile, or its neighbourhood's) give the same
    run 0 and the same means, variances and 10th and 90th percentiles of activity and bed
    days, by provider and in results by quintile (strata by neighbourhood, pooled for the
    schemes); and the schemes' parts fall only on the quintiles they name."""
    spread, hood_quintiles, demography = spread_records()
    sc = quintile_scenario(iterations=300)
    cells = dm.compress(spread)
    strata = dm.stratify(
        cells,
        demography,
        sc.age_bounds,
        quintiles=hood_quintiles,
        quintile_schemes=sc.quintile_schemes,
    )
    plan = dm.compile_plan(sc, strata)
    draws, out = dm.run(plan)
    ref_activity, ref_bed_days = run_records(
        spread, demography, sc, draws, range(sc.iterations + 1), seed=31, quintiles=hood_quintiles
    )
    for g, key in enumerate(plan.groups):
        for name, fast, ref in (
            ("activity", out.activity, ref_activity),
            ("bed days", out.bed_days, ref_bed_days),
        ):
            theirs = ref.get(key, np.zeros((sc.iterations + 1, 3)))
            assert_same_distribution(fast[:, :, g], theirs, f"{key} {name}")

    by_hood = dm.stratify(
        cells,
        demography,
        sc.age_bounds,
        by_neighbourhood=True,
        pool_for=sc.schemes,
        quintiles=hood_quintiles,
    )
    split_plan = dm.compile_plan(sc, dm.regroup(by_hood, ("neighbourhood", "quintile")))
    draws, split, (_, by_q) = dm.run_split(split_plan)
    ref_activity, ref_bed_days = run_records(
        spread,
        demography,
        sc,
        draws,
        range(sc.iterations + 1),
        seed=32,
        by="quintile",
        quintiles=hood_quintiles,
    )
    groups = split.groups[1]
    assert {v for v, _ in groups} == {"1", "2", "4", "5"}
    for g, key in enumerate(groups):
        assert_same_distribution(by_q.activity[:, :, g], ref_activity[key], f"{key} activity")
        assert_same_distribution(by_q.bed_days[:, :, g], ref_bed_days[key], f"{key} bed days")
        # falls (quintiles 1–2), stays (1) and the virtual ward (1) leave 4 and 5 alone
        first = split_plan.first_scheme
        steps = by_q.steps_activity[:, :, first:, g]
        days = by_q.steps_bed_days[:, :, first:, g]
        if key[1] == "ip_emergency":
            assert (steps[..., 0] == 0).all() == (key[0] in ("4", "5")), key
            assert (days[..., 1] == 0).all() == (key[0] != "1"), key
            assert (steps[..., 3] == 0).all() == (key[0] != "1"), key


def test_a_partnerships_library_entry_may_aim_at_quintiles() -> None:
    """A partnership's own library entry (``FOOTPRINT_SCHEME_LIBRARY``) may name quintiles in
    its cohort, so a Core20PLUS5 scheme can be added from the library as it is; a quintile
    outside 1–5 is refused naming the entry."""
    from footprint.engine.demand import library

    entry = {
        "key": "core20_hypertension",
        "name": "Hypertension case-finding in the most deprived 20 %",
        "pod": "ip_emergency",
        "effect": "avoid",
        "cohort": {"age_low": 40, "quintiles": [1]},
        "share": {"low": 0.02, "high": 0.08},
        "source": "Wyvern ICS evaluation, 2026",
    }
    (parsed,) = library.parse([entry])
    assert parsed.cohort.quintiles == (1,)
    with pytest.raises(ValueError, match=r"library entry 1 \(core20_hypertension\).*quintile"):
        library.parse([{**entry, "cohort": {"quintiles": [0]}}])
