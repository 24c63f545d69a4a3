"""Winter simulation speed: 180 days × 1,000 runs × 10 providers (issue 19's target: under 5 s),
against the patient-by-patient reference timed on a few runs and scaled up. Prints figures."""

from __future__ import annotations

import time

import numpy as np

from footprint.engine import winter
from footprint.engine.reference import winter as ref

PROVIDERS, DAYS, RUNS = 10, 180, 1_000
SAMPLE_RUNS = 5  # the reference is timed on this many runs of one provider and scaled up


def make_inputs() -> winter.WinterInputs:
    base = np.linspace(40, 85, PROVIDERS)  # admissions a day
    weekly = [1.12, 1.05, 1.0, 1.0, 0.97, 0.9, 0.96]
    seasonal = 1 + 0.15 * np.sin(np.arange(DAYS) / DAYS * np.pi)  # peaks in midwinter
    rates = winter.daily_rates(base, weekly, seasonal, start_weekday=3)
    pmf = winter.lognormal_stay_pmf(mean=7.0, sd=8.0, max_days=45)
    mean_stay = float((np.arange(1, 46) * pmf).sum())
    return winter.WinterInputs(
        rates=rates,
        stay_pmf=pmf,
        beds=np.round(base * mean_stay * 1.08).astype(np.int64),
        pathway_share=[0.55, 0.25, 0.12, 0.08],
        nctr_probability=[0.02, 0.4, 0.7, 0.8],
        capacity=np.tile(np.array([1_000, 12, 6, 4]), (PROVIDERS, 1)),
        escalation_beds=np.full(PROVIDERS, 20),
        escalation_trigger=np.full(PROVIDERS, 0.95),
    )


def main() -> None:
    inputs = make_inputs()
    winter.simulate(inputs, runs=10, seed=0)  # warm up
    walls, cpus = [], []
    for seed in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        result = winter.simulate(inputs, runs=RUNS, seed=seed)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    print(
        f"simulate, {DAYS} days × {RUNS:,} runs × {PROVIDERS} providers (+45 warm-up days), "
        f"best of 3: {min(walls):.2f} s wall, {min(cpus):.2f} s CPU"
    )
    print(f"  largest chance a week is over 100 % of open beds: {result.p_over_100.max():.2f}")
    print(f"  most at-risk weeks, provider 1: {result.weeks_at_risk[0].tolist()}")

    capacity = [[1_000, 12, 6, 4]] * DAYS
    start = time.perf_counter()
    for seed in range(SAMPLE_RUNS):
        ref.simulate_one(
            inputs.rates[0].tolist(),
            inputs.stay_pmf if inputs.stay_pmf.ndim == 1 else inputs.stay_pmf[0],
            int(inputs.beds[0]),
            [0.55, 0.25, 0.12, 0.08],
            [0.02, 0.4, 0.7, 0.8],
            capacity,
            seed=seed,
            escalation_beds=20,
            escalation_trigger=0.95,
        )
    per_run = (time.perf_counter() - start) / SAMPLE_RUNS
    scaled = per_run * RUNS * PROVIDERS
    print(
        f"reference, one provider: {per_run:.3f} s a run; scaled to the same work: {scaled:.0f} s"
    )
    print(f"  fast engine is about {scaled / min(walls):.0f} times quicker")


if __name__ == "__main__":
    main()
