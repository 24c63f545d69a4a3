"""Demand model speed on the demo footprint: 1,000 iterations of the five-year plan scenario
(every point of delivery, five years, three population variants and the health-status
adjustment), for the demo's records and for ten times as many, and
against the per-record reference implementation. Prints figures."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "footprint.config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")

import django

django.setup()

import numpy as np  # noqa: E402

from footprint.demand import compute  # noqa: E402
from footprint.demo import population as demo_population  # noqa: E402
from footprint.demo.activity import plan_schemes, synthetic_records  # noqa: E402
from footprint.demo.generator import BASE_YEAR, PLACES  # noqa: E402
from footprint.engine import demand as dm  # noqa: E402
from footprint.engine.demand.model import (  # noqa: E402
    draw_parameters,
    draws_per_iteration,
    parameters_per_iteration,
)
from footprint.engine.population import project  # noqa: E402
from footprint.engine.reference.demand import draws_per_iteration as reference_draws  # noqa: E402
from footprint.engine.reference.demand import run_records  # noqa: E402

YEARS = 5
REFERENCE_ITERATIONS = 4


def footprint() -> tuple[np.ndarray, list[str], list[str], list[str], dm.Demography]:
    rng = np.random.default_rng(20170208)
    counts, codes, places, pcns = [], [], [], []
    for (_, place_code, _), hoods in PLACES.items():
        for spec in hoods:
            female, male = demo_population.base_population(spec.residents, spec.rurality, rng)
            assumptions = demo_population.assumptions(spec.residents, spec.rurality)
            series = [(female, male), *project(female, male, assumptions, YEARS)]
            counts.append(np.array([[f, m] for f, m in series]))  # [year, sex, age]
            codes.append(spec.code)
            places.append(place_code)
            pcns.append(f"U9{len(codes):04d}")
    populations = np.stack(counts, axis=1).astype(np.float64)  # [year, hood, sex, age]
    place_codes = sorted(set(places))
    demography = dm.demography_from_counts(
        populations, np.array([place_codes.index(p) for p in places]), tuple(place_codes)
    )
    return populations[0], codes, places, pcns, demography


def as_records(records: dm.Records, aggregated: list, codes: list[str]) -> dm.Records:
    """The aggregated counts as weighted records, so the reference sees all the activity."""
    providers = tuple(sorted(set(records.providers) | {a[0] for a in aggregated}))
    remap = np.array([providers.index(p) for p in records.providers])
    n = len(aggregated)
    return dm.Records(
        providers=providers,
        neighbourhoods=records.neighbourhoods,
        attributes=records.attributes,
        provider=np.concatenate(
            [remap[records.provider], [providers.index(a[0]) for a in aggregated]]
        ).astype(np.int64),
        pod=np.concatenate([records.pod, [compute.CODES.index(a[1]) for a in aggregated]]).astype(
            np.int64
        ),
        neighbourhood=np.concatenate([records.neighbourhood, [a[2] for a in aggregated]]).astype(
            np.int64
        ),
        sex=np.concatenate([records.sex, [a[3] for a in aggregated]]).astype(np.int64),
        age=np.concatenate([records.age, [a[4] for a in aggregated]]).astype(np.int64),
        attribute=np.concatenate(
            [records.attribute, np.full(n, records.attributes.index("Other"))]
        ).astype(np.int64),
        los=np.concatenate([records.los, np.zeros(n, dtype=np.int64)]),
        units=np.concatenate([records.units, [a[5] for a in aggregated]]),
    )


def spread_kept(records: dm.Records, strata: dm.Strata) -> None:
    """The base year's bed-day sampling variance (a compound Poisson sum: Σ count × stay²; for
    home care, hours: Σ packages × hours²) as the records give it, as the strata keep it, and
    as strata keeping only each band's mean stay would: the standard deviations' ratios show
    how much spread the strata keep."""
    for code in (
        "ip_emergency",
        "ip_elective",
        "cs_beds",
        "mh_beds",
        "sc_care_home",
        "sc_home_care",
    ):
        d = compute.CODES.index(code)
        m = records.pod == d
        if code == "sc_home_care":  # one package a record, its hours its size
            exact = float((records.units[m] ** 2).sum())
        else:
            exact = float((records.units[m] * records.los[m].astype(np.float64) ** 2).sum())
        here = strata.pod == d
        kept = float((strata.base[here] * strata.stay[0, here] ** 2).sum())
        # the same strata without their stays: each band keeps only its mean stay
        key = np.stack(
            [
                getattr(strata, k)[here]
                for k in ("provider", "place", "sex", "age_band", "attribute", "los_band")
            ]
        )
        _, inverse = np.unique(key, axis=1, return_inverse=True)
        count = np.bincount(inverse.ravel(), weights=strata.base[here])
        days = np.bincount(inverse.ravel(), weights=strata.base[here] * strata.stay[0, here])
        banded = float((days**2 / np.where(count > 0, count, 1)).sum())
        measure = "hours" if code == "sc_home_care" else "bed-day"
        print(
            f"  {code}: {measure} standard deviation kept {np.sqrt(kept / exact):.3f} of the "
            f"records' (band means alone: {np.sqrt(banded / exact):.3f}, "
            f"{np.sqrt(exact / banded):.2f}× too small)"
        )


def timed(
    label: str,
    records: dm.Records,
    aggregated: list,
    codes: list[str],
    demography: dm.Demography,
    scenario: dm.Scenario,
) -> tuple[float, dm.Plan]:
    everything = as_records(records, aggregated, codes)
    start = time.perf_counter()
    cells = dm.compress(everything)
    compress_s = time.perf_counter() - start
    start = time.perf_counter()
    strata = dm.stratify(
        cells, demography, scenario.age_bounds, scenario.variants, scenario.health_status
    )
    stratify_s = time.perf_counter() - start
    plan = dm.compile_plan(scenario, strata)
    best = []
    for _ in range(3):
        start = time.perf_counter()
        dm.run(plan)
        best.append(time.perf_counter() - start)
    seconds = min(best)
    print(
        f"{label}: {len(records):,} records + {len(aggregated):,} aggregated cells → "
        f"{len(cells):,} cells → {len(strata):,} strata; compression {compress_s:.2f} s, "
        f"strata (with {len(scenario.variants)} population variants and the health-status "
        f"grid) {stratify_s:.2f} s; "
        f"{scenario.iterations:,} iterations × {YEARS} years (best of 3): {seconds:.2f} s, "
        f"{scenario.iterations / seconds:,.0f} iterations/s; "
        f"{draws_per_iteration(plan):,} draws and {parameters_per_iteration(scenario)} "
        "parameters per iteration"
    )
    spread_kept(everything, strata)
    return seconds, plan


def app_run(
    records: dm.Records,
    aggregated: list,
    codes: list[str],
    demography: dm.Demography,
    scenario: dm.Scenario,
) -> None:
    """What an app run costs: the model alone, and the breakdowns (by place, neighbourhood,
    sex, age band and condition group) the app stores beside it, timed in one process: as the
    app makes them now, and as it did before, one run per breakdown."""
    cells = dm.compress(as_records(records, aggregated, codes))
    args = (cells, demography, scenario.age_bounds, scenario.variants, scenario.health_status)
    strata = dm.stratify(*args)
    plan = dm.compile_plan(scenario, strata)

    def one_run_each(dims: tuple[str, ...]) -> None:
        for by in dims:
            source = dm.stratify(*args, by_neighbourhood=True) if by == "neighbourhood" else strata
            dm.run(dm.compile_plan(scenario, dm.regroup(source, by)))

    def best(fn: Any) -> float:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    alone = best(lambda: dm.run(plan))
    now = best(lambda: compute.breakdown_rows(scenario, cells, demography))
    four = ("place", "sex", "age_band", "attribute")
    before = best(lambda: one_run_each(four))
    split = best(
        lambda: dm.run_split(dm.compile_plan(scenario, dm.regroup(strata, compute.SPLIT_TOGETHER)))
    )
    hood = best(lambda: one_run_each(("neighbourhood",)))
    print(
        f"app run, demo footprint ({scenario.iterations:,} iterations, best of 2): the model "
        f"{alone:.2f} s; its breakdowns {now:.2f} s, so the whole run {(alone + now) / alone:.1f}× "
        f"the model alone. Place, sex, age band and condition group: one run each (before) "
        f"{before:.2f} s ({(alone + before) / alone:.1f}× with the model), one run split four "
        f"ways (now) {split:.2f} s ({(alone + split) / alone:.1f}×, {before / split:.1f}× "
        f"faster); neighbourhood (its own strata) {hood:.2f} s"
    )


def main() -> None:
    base, codes, places, pcns, demography = footprint()
    doc = {
        **compute.default_parameters(BASE_YEAR, BASE_YEAR + YEARS),
        "schemes": plan_schemes(BASE_YEAR),
    }
    scenario, _ = compute.to_engine(doc)
    print(
        f"Plan scenario: {len(scenario.schemes)} schemes, "
        f"{len(scenario.growth)} points of delivery, seed {scenario.seed}"
    )
    rng = np.random.default_rng(1)
    records, aggregated = synthetic_records(base, codes, places, pcns, rng)
    fast, _ = timed("demo footprint", records, aggregated, codes, demography, scenario)
    app_run(records, aggregated, codes, demography, scenario)
    big, big_aggregated = synthetic_records(base, codes, places, pcns, rng, scale=10)
    ten, _ = timed("ten times the records", big, big_aggregated, codes, demography, scenario)
    print(f"ten times the records costs {ten / fast:.2f}× the demo's run")

    everything = as_records(records, aggregated, codes)
    draws = draw_parameters(scenario, np.random.SeedSequence(scenario.seed).spawn(1)[0])
    start = time.perf_counter()
    run_records(everything, demography, scenario, draws, range(REFERENCE_ITERATIONS), seed=2)
    per_iteration = (time.perf_counter() - start) / REFERENCE_ITERATIONS
    print(
        f"per-record reference: {per_iteration:.2f} s an iteration over {len(everything):,} "
        f"records ({1 / per_iteration:.2f} iterations/s; "
        f"{reference_draws(everything, demography, scenario):,} draws and "
        f"{parameters_per_iteration(scenario)} parameters per iteration), so "
        f"{per_iteration * scenario.iterations:,.0f} s for {scenario.iterations:,}; "
        f"the strata are {per_iteration * scenario.iterations / fast:,.0f}× faster"
    )


if __name__ == "__main__":
    main()
