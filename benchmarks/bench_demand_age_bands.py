"""What the usual age bands cost the breakdowns (walk DM2): every breakdown of the demo's
do-nothing scenario and five-year plan with only the age bands the schemes' cohorts need
(before), and with 0-17, 18-64, 65-74, 75-84 and 85+ besides (now). Prints figures; asserts
nothing about time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks.bench_demand import as_records, footprint
from footprint.demand import compute
from footprint.demo.activity import plan_schemes, synthetic_records
from footprint.demo.generator import BASE_YEAR
from footprint.engine import demand as dm


def main() -> None:
    base, codes, places, pcns, demography = footprint()
    records, aggregated = synthetic_records(base, codes, places, pcns, np.random.default_rng(1))
    cells = dm.compress(as_records(records, aggregated, codes))
    usual = compute.BREAKDOWN_AGE_BOUNDS
    for name, schemes in (("do nothing", []), ("five-year plan", plan_schemes(BASE_YEAR))):
        doc = {**compute.default_parameters(BASE_YEAR, BASE_YEAR + 5), "schemes": schemes}
        scenario, capacity = compute.to_engine(doc)
        for bounds in ((0,), usual):
            compute.BREAKDOWN_AGE_BOUNDS = bounds
            ages = tuple(sorted({*bounds, *scenario.age_bounds}))
            strata = dm.stratify(cells, demography, ages, scenario.variants, scenario.health_status)
            start = time.perf_counter()
            compute.breakdown_rows(scenario, cells, demography, capacity=capacity)
            print(
                f"{name}, age bands from {ages}: {len(strata):,} strata before grouping, "
                f"every breakdown {time.perf_counter() - start:.2f} s",
                flush=True,
            )
    compute.BREAKDOWN_AGE_BOUNDS = usual


if __name__ == "__main__":
    main()
