"""Gaps between groups over time, for goals about a gap ("halve the gap in hypertension
detection between the most and least deprived quintile by 2029").

A gap series has one value per period: either the difference between two groups (the first
less the second, such as the most deprived quintile less the least deprived), or the slope
index of inequality across deprivation quantiles (``inequalities.regression_weights``: the
fitted value at the least deprived end less the fitted value at the most deprived end,
weighted by each quantile's population, or equally when no populations are given). A period
missing a value it needs has no gap (NaN).

A gap goal is judged with the plan's usual trajectory and SPC judgement (``goals.judge``,
``spc.analyse``) on the gap series, its better direction being towards its target
(``improvement_towards``); ``trend`` says whether the gap is narrowing from the SPC verdict on
the gap's size.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from footprint.engine import spc
from footprint.engine.inequalities import MIN_QUANTILES, regression_weights

FloatArray = npt.NDArray[np.float64]


class Trend(StrEnum):
    """Whether a gap is narrowing, judged by SPC on its size."""

    NARROWING = "narrowing"
    WIDENING = "widening"
    NO_CLEAR_CHANGE = "no_clear_change"
    TOO_FEW_POINTS = "too_few_points"

    @property
    def label(self) -> str:
        return TREND_LABELS[self]


TREND_LABELS = {
    Trend.NARROWING: "The gap is narrowing",
    Trend.WIDENING: "The gap is widening",
    Trend.NO_CLEAR_CHANGE: "No clear change in the gap",
    Trend.TOO_FEW_POINTS: "Too few points to say whether the gap is changing",
}


def difference_series(values: npt.ArrayLike, first: int, second: int) -> FloatArray:
    """Per period (row), the value of group ``first`` less group ``second`` (columns); NaN
    where either is missing (NaN)."""
    v = np.asarray(values, dtype=np.float64)
    return np.asarray(v[:, first] - v[:, second], dtype=np.float64)


def sii_series(values: npt.ArrayLike, populations: npt.ArrayLike | None = None) -> FloatArray:
    """Per period (row), the SII across the quantiles (columns, from the most deprived):
    fitted value at rank 1 less fitted value at rank 0, weighted by population share (equal
    shares when ``populations`` is None). NaN for a period missing a value or a population
    (or with a population that is not above 0)."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] < MIN_QUANTILES:
        raise ValueError(f"the SII needs at least {MIN_QUANTILES} quantiles per period")
    p = np.ones_like(v) if populations is None else np.asarray(populations, dtype=np.float64)
    usable = np.isfinite(v).all(axis=1) & np.isfinite(p).all(axis=1) & (p > 0).all(axis=1)
    out = np.full(v.shape[0], np.nan)
    if usable.any():
        c, _ = regression_weights(p[usable])
        out[usable] = (c * v[usable]).sum(axis=1)
    return out


def improvement_towards(baseline: float, target: float) -> str:
    """The better direction of a gap goal's series: towards its target from its baseline
    ('decrease' for a gap of 12 to close to 6; 'increase' for −12 to −6)."""
    return "decrease" if target < baseline else "increase"


def trend(gaps: npt.ArrayLike) -> Trend:
    """Whether a gap is narrowing: the SPC verdict on the gap's size (its absolute value,
    smaller better) at the latest point — special-cause improvement is narrowing, special-
    cause concern widening, common cause no clear change."""
    size = np.abs(np.asarray(gaps, dtype=np.float64))
    present = size[np.isfinite(size)]
    if len(present) < spc.MIN_POINTS:
        return Trend.TOO_FEW_POINTS
    result = spc.analyse([float(x) for x in present], improvement="decrease")
    if result.too_few_points:
        return Trend.TOO_FEW_POINTS
    if result.variation_icon.is_improvement:
        return Trend.NARROWING
    if result.variation_icon.is_concern:
        return Trend.WIDENING
    return Trend.NO_CLEAR_CHANGE
