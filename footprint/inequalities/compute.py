"""The inequalities app's calculations, through ``engine.inequalities``: the slope index of
inequality of a clinical area's figures across the five deprivation quintiles, weighted by the
partnership's residents in each."""

from __future__ import annotations

import math
from dataclasses import dataclass

from footprint.engine import inequalities as engine

# A percentage with its denominators gets Wilson limits, and so standard errors on the logit
# scale and a simulated interval for its SII (as phe_sii does). Other figures by quintile
# arrive without standard errors: the SII is exact for the figures given, with no interval.
REPETITIONS = engine.DEFAULT_REPETITIONS
SEED = 20  # issue 20: the simulation is seeded, so the page says the same each time


@dataclass(frozen=True)
class Gradient:
    """A clinical area's figures by quintile (1 most deprived) with their SII, RII and gap."""

    values: dict[int, float]
    populations: dict[int, float]  # the weights used: denominators, or residents
    sii: float
    rii: float | None
    gap: float
    interval: tuple[float, float] | None  # 95 %; None when the figures had no standard errors


def gradient(
    values: dict[int, float],
    populations: dict[int, float],
    *,
    unit: str = "",
    denominators: dict[int, float] | None = None,
) -> Gradient | None:
    """The SII across quintiles 1 … 5 of ``values``, each weighted by its figure's
    ``denominators`` where all five are given, else by ``populations`` (the partnership's
    residents in each); None when a quintile has no figure or no people (the SII needs all
    five). A percentage with denominators gets a 95 % interval from Wilson limits."""
    quintiles = [1, 2, 3, 4, 5]
    weights = denominators or populations
    if any(q not in values or weights.get(q, 0) <= 0 for q in quintiles):
        return None
    y = [values[q] for q in quintiles]
    w = [float(weights[q]) for q in quintiles]
    scale, kind, ses = 1.0, engine.ValueType.NORMAL, [0.0] * 5
    with_interval = bool(denominators) and unit.strip() == "%" and all(0 < v < 100 for v in y)
    if with_interval:
        scale, kind = 100.0, engine.ValueType.PROPORTION
        y = [v / scale for v in y]
        est = engine.proportion([v * n for v, n in zip(y, w, strict=True)], w)
        ses = engine.standard_errors_from_limits(est.lower, est.upper, kind).tolist()
    found = engine.sii(
        y,
        w,
        ses,
        quantiles=quintiles,
        value_type=kind,
        confidence=(0.95,),
        repetitions=REPETITIONS,
        seed=SEED,
    )
    rii = found.rii if math.isfinite(found.rii) else None
    lower, upper = found.sii_limits[0.95]
    return Gradient(
        values=values,
        populations={q: weights[q] for q in quintiles},
        sii=found.sii * scale,
        rii=rii,
        gap=found.gap * scale,
        interval=(lower * scale, upper * scale) if with_interval else None,
    )
