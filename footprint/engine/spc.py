"""Statistical process control: XmR charts judged the NHS *Making Data Count* way.

The calculation follows NHSRplotthedots 0.2.2 (the NHS-R community's reference):

- Each segment (a rebase starts a new one) has its own mean and average moving range (AMR).
  Missing values are left out of both: a moving range needs two consecutive present points.
- Screening (on by default): moving ranges of 3.267 × the AMR or more are dropped once and the
  AMR recomputed.
- Process limits are mean ± 2.66 × AMR; the near limits are two thirds of that distance.
- A fixed baseline uses only the first N (≥ 12) points of each segment for the mean and AMR.
- A segment needs at least ``MIN_POINTS`` (12) values to have limits at all. A shorter one
  (before or after a rebase) has no mean and no limits, none of its points is flagged, and
  its points are ``too_few_points``: there are too few points to judge. NHSRplotthedots warns
  below the same 12; we refuse to draw limits rather than draw ones that cannot be trusted.

Special causes, one rule per point, first match wins:

1. ``above_upper`` / ``below_lower``: beyond a process limit (strictly).
2. ``trend_increasing`` / ``trend_decreasing``: part of 7 points with 6 strictly rising (or
   falling) steps; a tie or a missing value breaks it; it may cross the mean.
3. ``two_in_three_above`` / ``two_in_three_below``: two of three consecutive points between the
   near limit and the limit on the same side; only those points are flagged.
4. ``run_above`` / ``run_below``: part of 7 consecutive points on one side of the mean; a
   point on the mean or a missing value breaks it.

Runs and trends never cross a rebase. A special cause is an improvement or a concern by the
metric's direction of improvement (trends by their direction of travel), or neutral. The
variation icon comes from the last point with a value (``too_few_points`` when that point's
segment is too short, or when there is no value at all); the assurance icon compares the
target with the last segment's limits: a target beyond the limits on the good side passes, on
the bad side fails, and between or exactly on a limit is inconsistent. Without limits there is
no assurance.

``analyse`` judges one series; ``analyse_many`` judges thousands of equal-length series at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

LIMIT = 2.66
NEAR = 2 * LIMIT / 3
SCREEN = 3.267
RUN = 7
MIN_BASELINE = 12
MIN_POINTS = 12  # values a segment needs before it has limits; see docs/decisions.md

Improvement = Literal["increase", "decrease", "neutral"]
FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]

RULES: tuple[str | None, ...] = (
    None,
    "above_upper",
    "below_lower",
    "trend_increasing",
    "trend_decreasing",
    "two_in_three_above",
    "two_in_three_below",
    "run_above",
    "run_below",
)
POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
    "too_few_points",
)
VARIATION_ICONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
    "too_few_points",
)
ASSURANCES: tuple[str | None, ...] = (None, "pass", "fail", "inconsistent")
IMPROVEMENTS = ("increase", "decrease", "neutral")
_DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0}


@dataclass(frozen=True)
class SpcPoint:
    """One point of an XmR chart and its verdict."""

    value: float | None
    mean: float
    lower: float
    upper: float
    near_lower: float
    near_upper: float
    rule: str | None
    point_type: str
    segment: int


@dataclass(frozen=True)
class SpcResult:
    """A judged series: its points, the variation icon and the assurance icon."""

    points: tuple[SpcPoint, ...]
    variation_icon: str
    assurance: str | None
    improvement: str
    target: float | None

    @property
    def too_few_points(self) -> bool:
        """Whether the latest segment has too few values to judge."""
        return self.variation_icon == "too_few_points"


@dataclass(frozen=True)
class SpcBatch:
    """Many series judged at once. Codes index ``RULES``, ``POINT_TYPES``,
    ``VARIATION_ICONS`` and ``ASSURANCES``."""

    mean: FloatArray
    lower: FloatArray
    upper: FloatArray
    near_lower: FloatArray
    near_upper: FloatArray
    rule: CodeArray
    point_type: CodeArray
    variation_icon: CodeArray
    assurance: CodeArray


def analyse(
    values: Sequence[float | None],
    improvement: Improvement | str = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> SpcResult:
    """Judge one series. ``values`` may hold None for a missing value; ``rebase_at`` holds
    the 0-based indices that start a new segment."""
    row = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    batch = analyse_many(
        row[np.newaxis, :],
        improvement=improvement,
        targets=None if target is None else np.array([float(target)]),
        rebase_at=rebase_at,
        fix_after_n_points=fix_after_n_points,
        screen_outliers=screen_outliers,
    )
    segments = _segment_ids(len(row), rebase_at)
    points = tuple(
        SpcPoint(
            value=None if np.isnan(row[i]) else float(row[i]),
            mean=float(batch.mean[0, i]),
            lower=float(batch.lower[0, i]),
            upper=float(batch.upper[0, i]),
            near_lower=float(batch.near_lower[0, i]),
            near_upper=float(batch.near_upper[0, i]),
            rule=RULES[batch.rule[0, i]],
            point_type=POINT_TYPES[batch.point_type[0, i]],
            segment=int(segments[i]),
        )
        for i in range(len(row))
    )
    return SpcResult(
        points=points,
        variation_icon=VARIATION_ICONS[batch.variation_icon[0]],
        assurance=ASSURANCES[batch.assurance[0]],
        improvement=str(improvement),
        target=target,
    )


def analyse_many(
    values: npt.ArrayLike,
    improvement: str | Sequence[str] = "increase",
    targets: npt.ArrayLike | None = None,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> SpcBatch:
    """Judge every row of ``values`` (series × points, NaN for a missing value) at once.

    ``improvement`` is one direction for all series or one per series; ``targets`` one per
    series (NaN for none). The rebase points and the baseline apply to every series.
    """
    y = np.asarray(values, dtype=np.float64)
    if y.ndim != 2:
        raise ValueError("values must be a 2-D array: one row per series")
    n_series, n = y.shape
    direction = _directions(improvement, n_series)
    target = (
        np.full(n_series, np.nan)
        if targets is None
        else np.asarray(targets, dtype=np.float64).reshape(n_series)
    )
    if fix_after_n_points is not None and fix_after_n_points < MIN_BASELINE:
        raise ValueError(f"a fixed baseline needs at least {MIN_BASELINE} points")
    segments = _segment_ids(n, rebase_at)
    mean = np.full((n_series, n), np.nan)
    amr = np.full((n_series, n), np.nan)
    short = np.zeros((n_series, n), dtype=bool)
    for seg in range(int(segments.max()) + 1 if n else 0):
        cols = np.flatnonzero(segments == seg)
        base = y[:, cols[0] : cols[-1] + 1]
        if fix_after_n_points is not None:
            base = base[:, :fix_after_n_points]
        m, a = _mean_and_amr(base, screen_outliers)
        enough = (~np.isnan(base)).sum(axis=1) >= MIN_POINTS
        mean[:, cols] = np.where(enough, m, np.nan)[:, np.newaxis]
        amr[:, cols] = np.where(enough, a, np.nan)[:, np.newaxis]
        short[:, cols] = ~enough[:, np.newaxis]
    upper = mean + LIMIT * amr
    lower = mean - LIMIT * amr
    near_upper = mean + NEAR * amr
    near_lower = mean - NEAR * amr

    with np.errstate(invalid="ignore"):
        present = ~np.isnan(y)
        above = y > upper
        below = y < lower
        inside = present & ~above & ~below
        close_above = inside & (y > near_upper)
        close_below = inside & (y < near_lower)
        side = np.where(present & ~np.isnan(mean), np.sign(y - mean), 0)
        step = np.sign(np.diff(y, axis=1))
    step = np.nan_to_num(step, nan=0.0)
    same_segment_run = _windows_within_segments(segments, RUN)
    trend_up = _mark_windows(_all_steps(step, 1, same_segment_run), RUN, n)
    trend_down = _mark_windows(_all_steps(step, -1, same_segment_run), RUN, n)
    run_above = _mark_windows(_all_equal(side, 1, same_segment_run), RUN, n)
    run_below = _mark_windows(_all_equal(side, -1, same_segment_run), RUN, n)
    two_above = _two_in_three(close_above, segments)
    two_below = _two_in_three(close_below, segments)

    rule = np.zeros((n_series, n), dtype=np.int8)
    # Fill from the lowest precedence up, so that the highest wins.
    for code, mask in (
        (8, run_below),
        (7, run_above),
        (6, two_below),
        (5, two_above),
        (4, trend_down),
        (3, trend_up),
        (2, below),
        (1, above),
    ):
        rule[mask] = code
    rule[short] = 0  # too few points to judge: not even a trend
    high = np.isin(rule, (1, 3, 5, 7))
    flagged = rule > 0
    d = direction[:, np.newaxis]
    good = np.where(d > 0, high, ~high)
    point_type = np.zeros((n_series, n), dtype=np.int8)
    point_type[flagged & (d != 0) & good] = 1
    point_type[flagged & (d != 0) & ~good] = 2
    point_type[flagged & (d == 0) & high] = 3
    point_type[flagged & (d == 0) & ~high] = 4
    point_type[short] = 5

    return SpcBatch(
        mean=mean,
        lower=lower,
        upper=upper,
        near_lower=near_lower,
        near_upper=near_upper,
        rule=rule,
        point_type=point_type,
        variation_icon=_variation_icons(present, point_type, high),
        assurance=_assurances(target, direction, upper, lower),
    )


def _directions(improvement: str | Sequence[str], n_series: int) -> npt.NDArray[np.int64]:
    names = [improvement] * n_series if isinstance(improvement, str) else list(improvement)
    if len(names) != n_series:
        raise ValueError("give one improvement direction, or one per series")
    unknown = sorted({x for x in names if x not in _DIRECTION})
    if unknown:
        raise ValueError(f"improvement must be increase, decrease or neutral, not {unknown}")
    return np.array([_DIRECTION[x] for x in names], dtype=np.int64)


def _segment_ids(n: int, rebase_at: Sequence[int]) -> npt.NDArray[np.int64]:
    starts = np.zeros(n, dtype=np.int64)
    for r in rebase_at:
        if 0 < r < n:
            starts[r] = 1
    return np.cumsum(starts)


def _nanmean(x: FloatArray) -> FloatArray:
    count = (~np.isnan(x)).sum(axis=1)
    total = np.nansum(x, axis=1)
    out = np.full(x.shape[0], np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def _mean_and_amr(base: FloatArray, screen: bool) -> tuple[FloatArray, FloatArray]:
    mean = _nanmean(base)
    if base.shape[1] < 2:
        return mean, np.full(base.shape[0], np.nan)
    ranges = np.abs(np.diff(base, axis=1))
    amr = _nanmean(ranges)
    if screen:
        with np.errstate(invalid="ignore"):
            keep = ranges < SCREEN * amr[:, np.newaxis]
        amr = _nanmean(np.where(keep, ranges, np.nan))
    return mean, amr


def _windows_within_segments(segments: npt.NDArray[np.int64], length: int) -> npt.NDArray[np.bool_]:
    """For each window start, whether the window of ``length`` points lies in one segment."""
    if len(segments) < length:
        return np.zeros(0, dtype=bool)
    return np.asarray(segments[length - 1 :] == segments[: len(segments) - length + 1])


def _all_steps(step: FloatArray, sign: int, valid: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Window starts whose RUN-1 steps are all strictly in ``sign``'s direction."""
    if step.shape[1] < RUN - 1:
        return np.zeros((step.shape[0], 0), dtype=bool)
    windows = sliding_window_view(step == sign, RUN - 1, axis=1)
    return np.asarray(windows.all(axis=2) & valid[np.newaxis, :])


def _all_equal(side: FloatArray, sign: int, valid: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Window starts whose RUN points are all on ``sign``'s side of the mean."""
    if side.shape[1] < RUN:
        return np.zeros((side.shape[0], 0), dtype=bool)
    windows = sliding_window_view(side == sign, RUN, axis=1)
    return np.asarray(windows.all(axis=2) & valid[np.newaxis, :])


def _mark_windows(starts: npt.NDArray[np.bool_], length: int, n: int) -> npt.NDArray[np.bool_]:
    """Every point inside a window that starts where ``starts`` is true."""
    marked = np.zeros((starts.shape[0], n), dtype=bool)
    for offset in range(length):
        marked[:, offset : offset + starts.shape[1]] |= starts
    return marked


def _two_in_three(
    close: npt.NDArray[np.bool_], segments: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Close points in a window of three consecutive points (within one segment) that holds
    two or more close points. Windows hanging over either end count the points they hold."""
    n_series, n = close.shape
    if n == 0:
        return np.zeros_like(close)
    padded = np.zeros((n_series, n + 4), dtype=np.int8)
    padded[:, 2 : n + 2] = close
    # Window k holds points k-2, k-1 and k (those that exist).
    counts = padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]
    k = np.arange(n + 2)
    one_segment = segments[np.clip(k - 2, 0, n - 1)] == segments[np.clip(k, 0, n - 1)]
    starts = (counts >= 2) & one_segment[np.newaxis, :]
    marked = np.zeros((n_series, n + 4), dtype=bool)
    for offset in range(3):
        marked[:, offset : offset + n + 2] |= starts
    return np.asarray(marked[:, 2 : n + 2] & close)


def _variation_icons(
    present: npt.NDArray[np.bool_], point_type: CodeArray, high: npt.NDArray[np.bool_]
) -> CodeArray:
    n_series, n = present.shape
    icons = np.zeros(n_series, dtype=np.int8)
    if n == 0:
        return np.full(n_series, 7, dtype=np.int8)
    last = n - 1 - np.argmax(present[:, ::-1], axis=1)
    has_any = present.any(axis=1)
    rows = np.arange(n_series)
    kind = point_type[rows, last]
    up = high[rows, last]
    icons[(kind == 1) & up] = 1
    icons[(kind == 1) & ~up] = 2
    icons[(kind == 2) & up] = 3
    icons[(kind == 2) & ~up] = 4
    icons[kind == 3] = 5
    icons[kind == 4] = 6
    icons[kind == 5] = 7
    icons[~has_any] = 7
    return icons


def _assurances(
    target: FloatArray, direction: npt.NDArray[np.int64], upper: FloatArray, lower: FloatArray
) -> CodeArray:
    out = np.zeros(len(target), dtype=np.int8)
    if upper.shape[1] == 0:
        return out
    up = upper[:, -1]
    lo = lower[:, -1]
    judged = ~np.isnan(target) & (direction != 0) & ~np.isnan(up) & ~np.isnan(lo)
    with np.errstate(invalid="ignore"):
        beyond_up = target > up
        beyond_lo = target < lo
    out[judged] = 3
    out[judged & beyond_up & (direction > 0)] = 2
    out[judged & beyond_up & (direction < 0)] = 1
    out[judged & beyond_lo & (direction > 0)] = 1
    out[judged & beyond_lo & (direction < 0)] = 2
    return out
