"""Gap goals: what a goal page adds when its metric is split by quintile. The gap series and
its SPC trend (``engine.gaps``) for 60 months, the SII series of 60 months against the
readable reference, and the latest SII with its simulated 95 % interval (10,000 draws, as
the goal page computes it). Prints figures."""

from __future__ import annotations

import time

import numpy as np

from footprint.engine import gaps
from footprint.engine import inequalities as ineq
from footprint.engine.reference import gaps as ref

MONTHS = 60
RUNS = 200


def timed(fn, runs: int = RUNS) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(runs):
        fn()
    return (time.perf_counter() - start) / runs


def main() -> None:
    rng = np.random.default_rng(2026)
    values = 60 + np.arange(5) * 3 + rng.normal(0, 0.5, (MONTHS, 5))
    pops = np.tile([14_000.0, 12_000, 10_000, 9_000, 8_000], (MONTHS, 1))
    fast = timed(lambda: gaps.sii_series(values, pops))
    slow = timed(lambda: [ref.sii(list(v), list(p)) for v, p in zip(values, pops, strict=True)])
    diff = gaps.difference_series(values, 0, 4)
    trend = timed(lambda: gaps.trend(diff))
    p = values[-1] / 100
    est = ineq.proportion(p * pops[-1], pops[-1])
    se = ineq.standard_errors_from_limits(est.lower, est.upper, ineq.ValueType.PROPORTION)
    latest = timed(
        lambda: ineq.sii(list(p), list(pops[-1]), list(se), value_type="proportion"), runs=50
    )
    print(
        f"SII series, {MONTHS} months × 5 quintiles: {fast * 1e3:.3f} ms "
        f"(reference {slow * 1e3:.3f} ms, {slow / fast:.0f}× slower)"
    )
    print(f"Gap trend (SPC on the gap's size), {MONTHS} months: {trend * 1e3:.3f} ms")
    print(f"Latest SII with its 95 % interval, 10,000 draws: {latest * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
