"""Slow, obvious inequality statistics, one figure at a time, for the tests to check the fast
engine (``footprint.engine.inequalities``).

It follows PHEindicatormethods' formulas literally with plain loops and the standard library.
The exact Poisson limits are found by bisection on the Poisson distribution rather than from the
chi-squared distribution, and the SII's regression is solved from ``phe_sii``'s own design
(``Y·√a = β₀·√a + β₁·b·√a``) through its 2 × 2 normal equations, so neither shares the fast
engine's route. The simulation draws its standard normals exactly as the fast engine does (one
seeded generator, quantile by repetition), so with the same seed the two agree draw for draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from statistics import NormalDist

import numpy as np


def z_value(confidence: float) -> float:
    return NormalDist().inv_cdf(confidence + (1 - confidence) / 2)


def byar(count: float, confidence: float = 0.95) -> tuple[float, float]:
    z = z_value(confidence)
    o = count
    lower = 0.0 if o == 0 else o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


def _poisson_cdf(k: int, mean: float) -> float:
    """P(X ≤ k) for X ~ Poisson(mean), summed term by term."""
    term = math.exp(-mean)
    total = term
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return total


def _bisect(f: Callable[[float], bool], low: float, high: float) -> float:
    for _ in range(200):
        mid = (low + high) / 2
        if f(mid):
            high = mid
        else:
            low = mid
    return (low + high) / 2


def exact_poisson(count: int, confidence: float = 0.95) -> tuple[float, float]:
    """The means at which seeing ``count`` or more (lower), or ``count`` or fewer (upper), has
    probability (1 − confidence)/2."""
    tail = (1 - confidence) / 2
    if count == 0:
        lower = 0.0
    else:
        # P(X ≥ count | μ) rises with μ; the lower limit is where it reaches the tail.
        lower = _bisect(lambda mu: 1 - _poisson_cdf(count - 1, mu) >= tail, 0.0, 100.0)
    # P(X ≤ count | μ) falls with μ; the upper limit is where it drops to the tail.
    upper = _bisect(lambda mu: _poisson_cdf(count, mu) <= tail, 0.0, 100.0)
    return lower, upper


def crude_rate(
    count: float, population: float, confidence: float = 0.95, multiplier: float = 100_000
) -> tuple[float, float, float, str]:
    """(rate, lower, upper, method) for one count."""
    if count < 10:
        lower, upper = exact_poisson(int(count), confidence)
        method = "exact"
    else:
        lower, upper = byar(count, confidence)
        method = "byar"
    scale = multiplier / population
    return count * scale, lower * scale, upper * scale, method


def wilson(
    count: float, denominator: float, confidence: float = 0.95
) -> tuple[float, float, float]:
    """(proportion, lower, upper)."""
    z = z_value(confidence)
    p = count / denominator
    centre = (p + z * z / (2 * denominator)) / (1 + z * z / denominator)
    half = (
        z
        * math.sqrt(p * (1 - p) / denominator + z * z / (4 * denominator**2))
        / (1 + z * z / denominator)
    )
    return p, max(centre - half, 0.0), min(centre + half, 1.0)


def dsr(
    counts: Sequence[float],
    populations: Sequence[float],
    standard: Sequence[float],
    confidence: float = 0.95,
    multiplier: float = 100_000,
) -> tuple[float, float, float] | None:
    """(DSR, lower, upper), or None below 10 events."""
    total_standard = sum(standard)
    observed = sum(counts)
    if observed < 10:
        return None
    rate = 0.0
    variance = 0.0
    for x, n, w in zip(counts, populations, standard, strict=True):
        rate += w * x / n
        variance += x * (w / n) ** 2
    rate /= total_standard
    variance /= total_standard**2
    low, up = byar(observed, confidence)
    spread = math.sqrt(variance / observed)
    return (
        rate * multiplier,
        (rate + spread * (low - observed)) * multiplier,
        (rate + spread * (up - observed)) * multiplier,
    )


def _fit(sqrt_a: list[float], b_sqrt_a: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares of ys·√a on √a and b·√a with no constant: (β₀, β₁)."""
    s11 = sum(u * u for u in sqrt_a)
    s12 = sum(u * v for u, v in zip(sqrt_a, b_sqrt_a, strict=True))
    s22 = sum(v * v for v in b_sqrt_a)
    t1 = sum(u * u * y for u, y in zip(sqrt_a, ys, strict=True))
    t2 = sum(v * u * y for u, v, y in zip(sqrt_a, b_sqrt_a, ys, strict=True))
    det = s11 * s22 - s12 * s12
    return (s22 * t1 - s12 * t2) / det, (s11 * t2 - s12 * t1) / det


def sii(
    values: Sequence[float],
    populations: Sequence[float],
    standard_errors: Sequence[float],
    value_type: str = "normal",
    confidence: Sequence[float] = (0.95, 0.998),
    repetitions: int = 1000,
    seed: int = 0,
) -> dict[str, object]:
    """{"sii", "rii", "gap", "limits": {level: (sii_lo, sii_hi, rii_lo, rii_hi)}}."""
    total = sum(populations)
    shares = [p / total for p in populations]
    ranks = []
    before = 0.0
    for share in shares:
        ranks.append(before + share / 2)
        before += share
    sqrt_a = [math.sqrt(a) for a in shares]
    b_sqrt_a = [b * r for b, r in zip(ranks, sqrt_a, strict=True)]
    intercept, slope = _fit(sqrt_a, b_sqrt_a, list(values))

    def forward(v: float) -> float:
        if value_type == "rate":
            return math.log(v)
        if value_type == "proportion":
            return math.log(v / (1 - v))
        return v

    def back(t: float) -> float:
        if value_type == "rate":
            return math.exp(t)
        if value_type == "proportion":
            return 1 / (1 + math.exp(-t))
        return t

    draws = np.random.default_rng(seed).standard_normal((len(values), repetitions))
    slopes = []
    riis = []
    for r in range(repetitions):
        ys = [
            back(forward(v) + se * float(draws[k][r]))
            for k, (v, se) in enumerate(zip(values, standard_errors, strict=True))
        ]
        b0, b1 = _fit(sqrt_a, b_sqrt_a, ys)
        slopes.append(b1)
        riis.append((b0 + b1) / b0)
    slopes.sort()
    riis.sort()
    limits = {}
    for level in confidence:
        critical = level + (1 - level) / 2
        lo = max(round(repetitions * (1 - critical)), 1) - 1
        hi = round(repetitions * critical) - 1
        limits[level] = (slopes[lo], slopes[hi], riis[lo], riis[hi])
    return {
        "sii": slope,
        "rii": (intercept + slope) / intercept,
        "gap": values[0] - values[-1],
        "limits": limits,
    }
