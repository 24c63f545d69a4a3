"""What an app run of the demand model costs on the demo footprint, with records that carry
their deprivation quintile (issue 20): the model alone, and the breakdown by neighbourhood and
quintile on strata that keep everything apart (before) and on strata that pool what no
scheme's cohort names (now). Prints figures; asserts nothing about time."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks.bench_demand import as_records, footprint
from footprint.demand import compute
from footprint.demo.activity import plan_schemes, synthetic_records
from footprint.demo.generator import BASE_YEAR
from footprint.engine import demand as dm

YEARS = 5


def best(fn: Any, times: int = 2) -> float:
    out = []
    for _ in range(times):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return min(out)


def main() -> None:
    base, codes, places, pcns, demography = footprint()
    doc = {
        **compute.default_parameters(BASE_YEAR, BASE_YEAR + YEARS),
        "schemes": plan_schemes(BASE_YEAR),
    }
    scenario, capacity = compute.to_engine(doc)
    rng = np.random.default_rng(1)
    records, aggregated = synthetic_records(base, codes, places, pcns, rng)
    everything = as_records(records, aggregated, codes)
    # each neighbourhood's records in two or three national quintiles, as the demo's are
    hood_quintiles = [rng.choice(np.arange(1, 6), size=3) for _ in codes]
    pick = rng.integers(0, 3, len(everything))
    own = np.array(
        [hood_quintiles[h][k] for h, k in zip(everything.neighbourhood, pick, strict=True)]
    )
    own[len(records.provider) :] = 0  # aggregated counts carry none
    cells = dm.compress(dm.Records(**{**everything.__dict__, "quintile": own.astype(np.int64)}))
    args = (cells, demography, scenario.age_bounds, scenario.variants, scenario.health_status)
    plan = dm.compile_plan(scenario, dm.stratify(*args))
    quintiles = {code: int(q[0]) for code, q in zip(codes, hood_quintiles, strict=True)}
    known = np.array([quintiles[c] for c in cells.neighbourhoods], dtype=np.int64)

    def by_neighbourhood(pool: bool) -> tuple[int, float]:
        strata = dm.stratify(
            *args, by_neighbourhood=True, pool_for=scenario.schemes if pool else None
        )
        strata = dataclasses.replace(strata, neighbourhood_quintile=known)
        hoods = dm.compile_plan(scenario, dm.regroup(strata, ("neighbourhood", "quintile")))
        return len(strata), best(lambda: dm.run_split(hoods))

    alone = best(lambda: dm.run(plan))
    before_strata, before = by_neighbourhood(pool=False)
    now_strata, now = by_neighbourhood(pool=True)
    app = best(
        lambda: compute.breakdown_rows(
            scenario, cells, demography, quintiles=quintiles, capacity=capacity
        ),
        times=1,
    )
    print(
        f"demo footprint, {scenario.iterations:,} iterations (best of 2): the model alone "
        f"{alone:.2f} s on {len(plan.strata):,} strata; by neighbourhood and quintile before "
        f"{before:.2f} s on {before_strata:,} strata, now {now:.2f} s on {now_strata:,} strata "
        f"({before / now:.1f}× faster); every breakdown as the app makes them {app:.2f} s, so an "
        f"app run is {(alone + app) / alone:.1f}× the model alone (before: "
        f"{(alone + app - now + before) / alone:.1f}×)"
    )


if __name__ == "__main__":
    main()
