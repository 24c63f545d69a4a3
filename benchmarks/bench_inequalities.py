"""Inequalities engine speed: the SII and RII with simulated 95 % and 99.8 % limits for 10,000
indicator-by-area series of 5 quintiles, all at once (``sii_many``), against the same engine
called one series at a time (as phe_sii simulates each group separately) and the pure-Python
reference. Also DSRs for 10,000 areas. Prints figures; asserts nothing about time."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from footprint.engine import inequalities as ie
from footprint.engine.reference import inequalities as ref

N_SERIES, N_QUANTILES = 10_000, 5
SAMPLE_ONE_BY_ONE = 500  # series timed one at a time, scaled up
SAMPLE_REFERENCE = 5


CPU: list[float] = []  # the processor time of the latest best_of, for a shared machine


def best_of(runs: int, call: Callable[[], object]) -> float:
    """The best wall-clock time of ``runs`` calls; the best processor time goes in CPU."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU[:] = [min(cpu)]
    return min(times)


def make_series() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2026)
    populations = rng.uniform(2_000, 60_000, (N_SERIES, N_QUANTILES)).round()
    gradient = np.linspace(1.6, 1.0, N_QUANTILES)  # the most deprived fifth highest
    rates = rng.uniform(200, 900, (N_SERIES, 1)) * gradient * rng.uniform(0.9, 1.1, (N_SERIES, 5))
    log_se = rng.uniform(0.02, 0.15, (N_SERIES, N_QUANTILES))
    return rates, populations, log_se


def main() -> None:
    rates, populations, log_se = make_series()
    ie.sii_many(rates[:10], populations[:10], log_se[:10], repetitions=1000)  # warm up
    print(f"SII with 95 % and 99.8 % limits, {N_SERIES:,} series × {N_QUANTILES} quintiles")
    for kind, errors in (("rate", log_se), ("normal", log_se * rates)):
        for reps in (1_000, 10_000):
            runs = 3 if reps == 1_000 else 1
            took = best_of(
                runs,
                lambda kind=kind, errors=errors, reps=reps: ie.sii_many(
                    rates, populations, errors, value_type=kind, repetitions=reps, seed=1
                ),
            )
            print(
                f"  sii_many, {kind:6}, {reps:>6,} repetitions (best of {runs}): {took:.3f} s"
                f" ({CPU[0]:.3f} s of processor time)"
            )
    took = best_of(
        1,
        lambda: ie.sii_many(
            rates, populations, log_se, value_type="rate", repetitions=10_000, rii_limits=False
        ),
    )
    print(
        f"  sii_many, rate  , 10,000 repetitions, SII limits only (best of 1): {took:.3f} s"
        f" ({CPU[0]:.3f} s of processor time)"
    )
    one = best_of(
        1,
        lambda: [
            ie.sii(
                list(rates[s]),
                list(populations[s]),
                list(log_se[s]),
                value_type="rate",
                repetitions=1000,
                seed=s,
            )
            for s in range(SAMPLE_ONE_BY_ONE)
        ],
    )
    print(
        f"  sii one series at a time, rate, 1,000 repetitions: {one / SAMPLE_ONE_BY_ONE * 1e3:.2f}"
        f" ms a series, {one / SAMPLE_ONE_BY_ONE * N_SERIES:.1f} s for {N_SERIES:,}"
        f" (timed on {SAMPLE_ONE_BY_ONE})"
    )
    slow = best_of(
        1,
        lambda: [
            ref.sii(
                list(rates[s]),
                list(populations[s]),
                list(log_se[s]),
                value_type="rate",
                repetitions=1000,
            )
            for s in range(SAMPLE_REFERENCE)
        ],
    )
    print(
        f"  reference (pure Python), rate, 1,000 repetitions: {slow / SAMPLE_REFERENCE:.3f} s a"
        f" series, {slow / SAMPLE_REFERENCE * N_SERIES / 60:.0f} min for {N_SERIES:,}"
        f" (timed on {SAMPLE_REFERENCE})"
    )
    batch = ie.sii_many(rates, populations, log_se, value_type="rate", repetitions=1000, seed=1)
    limits = batch.limits[0.95]
    inside = np.mean((limits.sii_lower < batch.sii) & (batch.sii < limits.sii_upper))
    print(f"  median SII {np.median(batch.sii):.1f}; median RII {np.median(batch.rii):.3f}")
    print(f"  series whose 95 % limits hold their SII: {inside:.1%}")

    rng = np.random.default_rng(7)
    pops = rng.uniform(500, 9_000, (N_SERIES, 19)).round()
    counts = rng.poisson(pops * np.linspace(0.0005, 0.08, 19))
    took = best_of(3, lambda: ie.dsr(counts, pops))
    print(
        f"DSR with Dobson limits, {N_SERIES:,} areas × 19 ESP2013 bands (best of 3): {took:.4f} s"
    )
    took = best_of(3, lambda: ie.crude_rate(counts.sum(axis=1), pops.sum(axis=1)))
    print(f"Crude rates with Byar's/exact limits, {N_SERIES:,} areas (best of 3): {took:.4f} s")


if __name__ == "__main__":
    main()
