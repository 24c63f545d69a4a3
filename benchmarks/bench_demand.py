"""Demand model speed on the demo footprint: 1,000 iterations of the five-year plan scenario
(every point of delivery, five years), for the demo's records and for ten times as many, and
against the per-record reference implementation. Prints figures."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

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
from footprint.engine.demand.model import draw_parameters  # noqa: E402
from footprint.engine.population import project  # noqa: E402
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


def timed(
    label: str,
    records: dm.Records,
    aggregated: list,
    codes: list[str],
    demography: dm.Demography,
    scenario: dm.Scenario,
) -> float:
    start = time.perf_counter()
    cells = dm.compress(as_records(records, aggregated, codes))
    compress_s = time.perf_counter() - start
    strata = dm.stratify(cells, demography, scenario.age_bounds)
    plan = dm.compile_plan(scenario, strata)
    best = []
    for _ in range(3):
        start = time.perf_counter()
        dm.run(plan)
        best.append(time.perf_counter() - start)
    print(
        f"{label}: {len(records):,} records + {len(aggregated):,} aggregated cells → "
        f"{len(cells):,} cells → {len(strata):,} strata; compression {compress_s:.2f} s; "
        f"{scenario.iterations:,} iterations × {YEARS} years (best of 3): {min(best):.2f} s"
    )
    return min(best)


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
    fast = timed("demo footprint", records, aggregated, codes, demography, scenario)
    big, big_aggregated = synthetic_records(base, codes, places, pcns, rng, scale=10)
    timed("ten times the records", big, big_aggregated, codes, demography, scenario)

    everything = as_records(records, aggregated, codes)
    draws = draw_parameters(scenario, np.random.SeedSequence(scenario.seed).spawn(1)[0])
    start = time.perf_counter()
    run_records(everything, demography, scenario, draws, range(REFERENCE_ITERATIONS), seed=2)
    per_iteration = (time.perf_counter() - start) / REFERENCE_ITERATIONS
    print(
        f"per-record reference: {per_iteration:.2f} s an iteration over {len(everything):,} "
        f"records, so {per_iteration * scenario.iterations:,.0f} s for {scenario.iterations:,}; "
        f"the strata are {per_iteration * scenario.iterations / fast:,.0f}× faster"
    )


if __name__ == "__main__":
    main()
