"""SPC engine speed: ``analyse_many`` on 10,000 series of 60 points, against the pure-Python
reference and against controlchartspy (the engine of the Power BI SPC visual), on the same
series. Prints figures, and checks that the limits agree with controlchartspy's."""

from __future__ import annotations

import time

import numpy as np

from footprint.engine import spc
from footprint.engine.reference import spc as ref

N_SERIES, N_POINTS = 10_000, 60
SAMPLE = 200  # the slower engines are timed on this many series and scaled up


def make_series() -> np.ndarray:
    rng = np.random.default_rng(2026)
    values = rng.normal(100, 10, size=(N_SERIES, N_POINTS)).round(1)
    shifted = rng.random(N_SERIES) < 0.1
    values[shifted, 40:] += 25  # a tenth of the series step up two-thirds of the way along
    return values


def main() -> None:
    values = make_series()
    directions = np.where(np.arange(N_SERIES) % 2 == 0, "increase", "decrease").tolist()
    targets = np.full(N_SERIES, 105.0)
    spc.analyse_many(values[:10], improvement=directions[:10], targets=targets[:10])  # warm up
    best = []
    for _ in range(5):
        start = time.perf_counter()
        batch = spc.analyse_many(values, improvement=directions, targets=targets)
        best.append(time.perf_counter() - start)
    fast = min(best)
    concerns = int((batch.variation_icon >= 3).sum() - (batch.variation_icon >= 5).sum())
    print(f"analyse_many, {N_SERIES:,} series × {N_POINTS} points (best of 5): {fast:.3f} s")
    print(f"  series whose latest point is a special-cause concern: {concerns:,}")

    start = time.perf_counter()
    for i in range(SAMPLE):
        ref.analyse(values[i].tolist(), improvement=directions[i], target=105.0)
    slow = (time.perf_counter() - start) / SAMPLE * N_SERIES
    print(
        f"pure-Python reference, scaled from {SAMPLE} series: {slow:.1f} s "
        f"({slow / fast:.0f}× slower)"
    )

    try:
        import controlchartspy
    except ImportError:
        print("controlchartspy is not installed (make bench installs it): comparison skipped")
        return
    keys = [f"m{i:02d}" for i in range(N_POINTS)]
    start = time.perf_counter()
    charts = [
        controlchartspy.spc(
            {"k": keys, "n": values[i].tolist()},
            keys="k",
            numerators="n",
            spc_settings={"chart_type": "i"},
            return_objs="limits",
        )
        for i in range(SAMPLE)
    ]
    other = (time.perf_counter() - start) / SAMPLE * N_SERIES
    # controlchartspy's limits are mean ± 3σ with σ = screened AMR / 1.128 (3 / 1.128 =
    # 2.6596 against Making Data Count's 2.66), so they differ in the fifth figure.
    ours = spc.analyse_many(values[:SAMPLE])
    worst = max(
        abs(chart.limits[0]["ul99"] - ours.upper[i, 0]) / ours.upper[i, 0]
        for i, chart in enumerate(charts)
    )
    print(
        f"controlchartspy 0.1.3, scaled from {SAMPLE} series: {other:.1f} s "
        f"({other / fast:.0f}× slower than analyse_many)"
    )
    print(f"  largest relative difference in the upper limit: {worst:.2e}")


if __name__ == "__main__":
    main()
