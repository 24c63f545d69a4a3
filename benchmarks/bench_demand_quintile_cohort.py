"""What a scheme aimed at a deprivation quintile costs a demand run: the demo footprint's
records (each given a quintile, a sixth none, which count in their neighbourhood's), 1,000
iterations of the five-year plan, of the plan with the demo's Core20PLUS5 scheme given to every
quintile, and of the plan with that scheme aimed at quintile 1 (whose strata keep quintiles
apart in the cells its cohort may hold). Prints strata, draws per iteration and seconds."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from bench_demand import BASE_YEAR, YEARS, as_records, footprint

from footprint.demand import compute
from footprint.demo.activity import core20_scheme, plan_schemes, synthetic_records
from footprint.engine import demand as dm
from footprint.engine.demand.model import draws_per_iteration

REPEATS = 5


def main() -> None:
    base, codes, places, pcns, demography = footprint()
    records, aggregated = synthetic_records(base, codes, places, pcns, np.random.default_rng(1))
    everything = as_records(records, aggregated, codes)
    quintile = np.random.default_rng(5).integers(0, 6, len(everything))  # 0: none of its own
    cells = dm.compress(
        dm.Records(**{**everything.__dict__, "quintile": quintile.astype(np.int64)})
    )
    hoods = np.array([(i % 5) + 1 for i in range(len(cells.neighbourhoods))], dtype=np.int64)
    core20 = core20_scheme(BASE_YEAR)
    everyone = {**core20, "cohort": {"attributes": ["Ambulatory care sensitive"]}}
    for label, extra in (
        ("five-year plan", []),
        ("plan + the Core20 scheme for every quintile", [everyone]),
        ("plan + the Core20 scheme for quintile 1", [core20]),
    ):
        doc = {
            **compute.default_parameters(BASE_YEAR, BASE_YEAR + YEARS),
            "schemes": [*plan_schemes(BASE_YEAR), *extra],
        }
        scenario, _ = compute.to_engine(doc)
        start = time.perf_counter()
        strata = dm.stratify(
            cells,
            demography,
            scenario.age_bounds,
            scenario.variants,
            scenario.health_status,
            quintiles=hoods,
            quintile_schemes=scenario.quintile_schemes,
        )
        stratify_s = time.perf_counter() - start
        plan = dm.compile_plan(scenario, strata)
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            dm.run(plan)
            times.append(time.perf_counter() - start)
        print(
            f"{label}: {len(strata):,} strata (stratify {stratify_s:.2f} s); "
            f"{scenario.iterations:,} iterations × {YEARS} years, best of {REPEATS}: "
            f"{min(times):.2f} s; {draws_per_iteration(plan):,} draws per iteration"
        )


if __name__ == "__main__":
    main()
