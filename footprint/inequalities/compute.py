"""The inequalities app's calculations, through ``engine.inequalities``: the slope index of
inequality of a clinical area's figures across the five deprivation quintiles, weighted by the
partnership's residents in each."""

from __future__ import annotations

from dataclasses import dataclass

from footprint.engine import inequalities as engine

# Figures by quintile arrive without their standard errors: the SII is then exact for the
# figures given and its simulated interval collapses to it, which the page says.
REPETITIONS = engine.MIN_REPETITIONS
SEED = 20  # issue 20: the simulation is seeded, so the page says the same each time


@dataclass(frozen=True)
class Gradient:
    """A clinical area's figures by quintile (1 most deprived) with their SII, RII and gap."""

    values: dict[int, float]
    populations: dict[int, int]
    sii: float
    rii: float | None
    gap: float
    interval: tuple[float, float] | None  # 95 %; None when the figures had no standard errors


def gradient(
    values: dict[int, float],
    populations: dict[int, int],
    standard_errors: dict[int, float] | None = None,
) -> Gradient | None:
    """The SII across quintiles 1 … 5 of ``values``, each weighted by its residents; None when
    a quintile has no figure or no residents (the SII needs all five)."""
    quintiles = [1, 2, 3, 4, 5]
    if any(q not in values or populations.get(q, 0) <= 0 for q in quintiles):
        return None
    ses = standard_errors or {}
    found = engine.sii(
        [values[q] for q in quintiles],
        [float(populations[q]) for q in quintiles],
        [ses.get(q, 0.0) for q in quintiles],
        quantiles=quintiles,
        confidence=(0.95,),
        repetitions=REPETITIONS,
        seed=SEED,
    )
    rii = found.rii if found.rii == found.rii and abs(found.rii) != float("inf") else None
    return Gradient(
        values=values,
        populations=populations,
        sii=found.sii,
        rii=rii,
        gap=found.gap,
        interval=found.sii_limits[0.95] if standard_errors else None,
    )
