"""Population engine: how long summaries, pyramids and projections take. Prints figures."""

from __future__ import annotations

import time

import numpy as np

from footprint.engine import population as pop
from footprint.engine.reference import population as ref


def timed(label: str, fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    per = (time.perf_counter() - start) / repeat
    print(f"{label:<58} {per * 1e6:>10.1f} µs")
    return per


def main() -> None:
    rng = np.random.default_rng(1)
    female = rng.integers(200, 800, pop.AGES)
    male = rng.integers(200, 800, pop.AGES)
    ages = np.arange(pop.AGES)
    a = pop.ProjectionAssumptions(
        survival_female=1 - np.minimum(0.00002 * np.exp(0.1 * ages), 0.5),
        survival_male=1 - np.minimum(0.00003 * np.exp(0.1 * ages), 0.5),
        fertility=np.where((ages >= 15) & (ages < 50), 0.045, 0.0),
        net_migration_female=np.full(pop.AGES, 2.0),
        net_migration_male=np.full(pop.AGES, 2.0),
        birth_survival_female=0.998,
        birth_survival_male=0.997,
        mortality_improvement=0.01,
    )
    print("Population engine (one neighbourhood, 91 ages × 2 sexes)")
    timed("summarise", lambda: pop.summarise(female, male), 2000)
    timed("pyramid (19 bands)", lambda: pop.pyramid(female, male), 2000)
    fast = timed("project 25 years (NumPy)", lambda: pop.project(female, male, a, 25), 200)
    fl, ml = female.tolist(), male.tolist()
    args = [
        a.survival_female.tolist(),
        a.survival_male.tolist(),
        a.fertility.tolist(),
        a.net_migration_female.tolist(),
        a.net_migration_male.tolist(),
        a.male_birth_share,
        a.birth_survival_female,
        a.birth_survival_male,
        0.01,
    ]

    def reference_25_years() -> None:
        f, m = [float(x) for x in fl], [float(x) for x in ml]
        for year in range(1, 26):
            f, m = ref.project_one_year(f, m, *args, year)

    slow = timed("project 25 years (pure-Python reference)", reference_25_years, 20)
    print(f"{'speed-up of the NumPy kernel over the reference':<58} {slow / fast:>10.1f} ×")
    start = time.perf_counter()
    for _ in range(1000):
        pop.project(female, male, a, 5)
    print(f"{'project 1,000 neighbourhoods 5 years':<58} {time.perf_counter() - start:>10.3f} s")


if __name__ == "__main__":
    main()
