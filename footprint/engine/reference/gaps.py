"""A slow, readable reference for ``engine.gaps.sii_series``: the weighted least-squares
slope of each period's values on the quantiles' relative ranks, one period at a time."""

from __future__ import annotations

import math
from collections.abc import Sequence


def sii(values: Sequence[float], populations: Sequence[float]) -> float:
    """The SII of one period: quantiles from the most deprived; ranks are the midpoints of
    each quantile's share of the cumulative population; weights are the shares."""
    if any(not math.isfinite(x) for x in (*values, *populations)) or min(populations) <= 0:
        return math.nan
    total = sum(populations)
    shares = [p / total for p in populations]
    ranks, cumulative = [], 0.0
    for share in shares:
        ranks.append(cumulative + share / 2)
        cumulative += share
    mean_rank = sum(a * b for a, b in zip(shares, ranks, strict=True))
    mean_value = sum(a * y for a, y in zip(shares, values, strict=True))
    covariance = sum(
        a * (b - mean_rank) * (y - mean_value)
        for a, b, y in zip(shares, ranks, values, strict=True)
    )
    spread = sum(a * (b - mean_rank) ** 2 for a, b in zip(shares, ranks, strict=True))
    return covariance / spread
