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

Special causes (``Rule``), one rule per point, first match wins:

1. ``Rule.ASTRONOMICAL_HIGH`` / ``_LOW`` (``above_upper`` / ``below_lower``): beyond a process
   limit (strictly).
2. ``Rule.TREND_UP`` / ``_DOWN`` (``trend_increasing`` / ``trend_decreasing``): part of 7 points
   with 6 strictly rising (or falling) steps; a tie or a missing value breaks it; it may cross
   the mean.
3. ``Rule.TWO_IN_THREE_HIGH`` / ``_LOW`` (``two_in_three_above`` / ``two_in_three_below``): two
   of three consecutive points between the near limit and the limit on the same side; only
   those points are flagged.
4. ``Rule.SHIFT_HIGH`` / ``_LOW`` (``run_above`` / ``run_below``): part of 7 consecutive points
   on one side of the mean; a point on the mean or a missing value breaks it.

Runs and trends never cross a rebase. A special cause is an improvement or a concern by the
metric's direction of improvement (trends by their direction of travel), or neutral. The
variation icon comes from the last point with a value (``too_few_points`` when that point's
segment is too short, or when there is no value at all); the assurance icon compares the
target with the last segment's limits: a target beyond the limits on the good side passes, on
the bad side fails, and between or exactly on a limit is inconsistent. Without limits there is
no assurance.

``analyse`` judges one series; ``analyse_many`` judges thousands of equal-length series at once.
Every verdict is a member of an enumeration (``Rule``, ``PointType``, ``Variation``,
``Assurance``) whose value is the code the pages and the API show and whose ``label`` is its
meaning in words: the one set of words every page uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
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


class Rule(StrEnum):
    """The special causes, in *Making Data Count*'s words, from the highest precedence to the
    lowest (the first that matches a point wins). The values are the codes the pages and the
    API show."""

    ASTRONOMICAL_HIGH = "above_upper"
    ASTRONOMICAL_LOW = "below_lower"
    TREND_UP = "trend_increasing"
    TREND_DOWN = "trend_decreasing"
    TWO_IN_THREE_HIGH = "two_in_three_above"
    TWO_IN_THREE_LOW = "two_in_three_below"
    SHIFT_HIGH = "run_above"
    SHIFT_LOW = "run_below"

    @property
    def label(self) -> str:
        """The rule in words: 'a point above the upper process limit'."""
        return RULE_LABELS[self]

    @property
    def high(self) -> bool:
        """Whether the rule flags points that are unusually high (or rising)."""
        return self in _HIGH_RULES

    @property
    def code(self) -> int:
        """The rule's code in ``SpcBatch.rule`` (0 there means no rule)."""
        return _RULE_CODES[self]


class PointType(StrEnum):
    """What one point of a chart shows."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"
    TOO_FEW_POINTS = "too_few_points"


class VariationGroup(StrEnum):
    """The variation icons without high and low: the rows of the summary matrix."""

    IMPROVEMENT = "improvement"
    COMMON = "common"
    CONCERN = "concern"
    NEUTRAL = "neutral"
    TOO_FEW_POINTS = "too_few_points"

    @property
    def label(self) -> str:
        return VARIATION_GROUP_LABELS[self]


class Variation(StrEnum):
    """The variation icon: what the latest point with a value shows."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"
    TOO_FEW_POINTS = "too_few_points"

    @property
    def label(self) -> str:
        """The icon's meaning in words, as its name on the page."""
        return VARIATION_LABELS[self]

    @property
    def group(self) -> VariationGroup:
        return _VARIATION_GROUPS[self]

    @property
    def is_concern(self) -> bool:
        return self.group is VariationGroup.CONCERN

    @property
    def is_improvement(self) -> bool:
        return self.group is VariationGroup.IMPROVEMENT


class Assurance(StrEnum):
    """The assurance icon: whether the process will meet the target (no member when there is
    no target, no direction, or too few points to judge)."""

    PASS = "pass"
    FAIL = "fail"
    INCONSISTENT = "inconsistent"

    @property
    def label(self) -> str:
        """The icon's meaning in words: 'the target will consistently be met'."""
        return ASSURANCE_LABELS[self]

    @property
    def short(self) -> str:
        """The icon's meaning in a few words, for a table's heading: 'Hit and miss'."""
        return _ASSURANCE_SHORT[self]


# The words for every verdict, once, for every page that shows one.
RULE_LABELS: dict[Rule, str] = {
    Rule.ASTRONOMICAL_HIGH: "a point above the upper process limit",
    Rule.ASTRONOMICAL_LOW: "a point below the lower process limit",
    Rule.TREND_UP: "seven points in a row rising",
    Rule.TREND_DOWN: "seven points in a row falling",
    Rule.TWO_IN_THREE_HIGH: "two of three points close to the upper limit",
    Rule.TWO_IN_THREE_LOW: "two of three points close to the lower limit",
    Rule.SHIFT_HIGH: "seven points in a row above the average",
    Rule.SHIFT_LOW: "seven points in a row below the average",
}
VARIATION_LABELS: dict[Variation, str] = {
    Variation.COMMON_CAUSE: "Common cause variation: nothing unusual is happening",
    Variation.IMPROVEMENT_HIGH: "Special cause improvement: unusually high, which is good",
    Variation.IMPROVEMENT_LOW: "Special cause improvement: unusually low, which is good",
    Variation.CONCERN_HIGH: "Special cause concern: unusually high, which is bad",
    Variation.CONCERN_LOW: "Special cause concern: unusually low, which is bad",
    Variation.NEUTRAL_HIGH: "Special cause, no preferred direction: unusually high",
    Variation.NEUTRAL_LOW: "Special cause, no preferred direction: unusually low",
    Variation.TOO_FEW_POINTS: "Too few points to judge the variation",
}
VARIATION_GROUP_LABELS: dict[VariationGroup, str] = {
    VariationGroup.IMPROVEMENT: "Special cause improvement",
    VariationGroup.COMMON: "Common cause",
    VariationGroup.CONCERN: "Special cause concern",
    VariationGroup.NEUTRAL: "Special cause, no preferred direction",
    VariationGroup.TOO_FEW_POINTS: "Too few points to judge",
}
ASSURANCE_LABELS: dict[Assurance, str] = {
    Assurance.PASS: "the target will consistently be met",
    Assurance.FAIL: "the target will consistently be missed without a change to the process",
    Assurance.INCONSISTENT: "hit and miss, the target will sometimes be met and sometimes missed",
}
_ASSURANCE_SHORT: dict[Assurance, str] = {
    Assurance.PASS: "Will meet the target",
    Assurance.INCONSISTENT: "Hit and miss",
    Assurance.FAIL: "Will not meet the target",
}
_VARIATION_GROUPS: dict[Variation, VariationGroup] = {
    Variation.COMMON_CAUSE: VariationGroup.COMMON,
    Variation.IMPROVEMENT_HIGH: VariationGroup.IMPROVEMENT,
    Variation.IMPROVEMENT_LOW: VariationGroup.IMPROVEMENT,
    Variation.CONCERN_HIGH: VariationGroup.CONCERN,
    Variation.CONCERN_LOW: VariationGroup.CONCERN,
    Variation.NEUTRAL_HIGH: VariationGroup.NEUTRAL,
    Variation.NEUTRAL_LOW: VariationGroup.NEUTRAL,
    Variation.TOO_FEW_POINTS: VariationGroup.TOO_FEW_POINTS,
}
_HIGH_RULES = frozenset(
    {Rule.ASTRONOMICAL_HIGH, Rule.TREND_UP, Rule.TWO_IN_THREE_HIGH, Rule.SHIFT_HIGH}
)

# The codes in ``SpcBatch``'s arrays, which hold numbers so thousands of series fit in them.
# 0 is no rule and no assurance. Benchmarks and tests count concerns as variation codes 3 and 4.
_RULE_CODES: dict[Rule, int] = {
    Rule.ASTRONOMICAL_HIGH: 1,
    Rule.ASTRONOMICAL_LOW: 2,
    Rule.TREND_UP: 3,
    Rule.TREND_DOWN: 4,
    Rule.TWO_IN_THREE_HIGH: 5,
    Rule.TWO_IN_THREE_LOW: 6,
    Rule.SHIFT_HIGH: 7,
    Rule.SHIFT_LOW: 8,
}
POINT_TYPE_CODES: dict[PointType, int] = {
    PointType.COMMON_CAUSE: 0,
    PointType.IMPROVEMENT: 1,
    PointType.CONCERN: 2,
    PointType.NEUTRAL_HIGH: 3,
    PointType.NEUTRAL_LOW: 4,
    PointType.TOO_FEW_POINTS: 5,
}
VARIATION_CODES: dict[Variation, int] = {
    Variation.COMMON_CAUSE: 0,
    Variation.IMPROVEMENT_HIGH: 1,
    Variation.IMPROVEMENT_LOW: 2,
    Variation.CONCERN_HIGH: 3,
    Variation.CONCERN_LOW: 4,
    Variation.NEUTRAL_HIGH: 5,
    Variation.NEUTRAL_LOW: 6,
    Variation.TOO_FEW_POINTS: 7,
}
ASSURANCE_CODES: dict[Assurance, int] = {
    Assurance.PASS: 1,
    Assurance.FAIL: 2,
    Assurance.INCONSISTENT: 3,
}
_RULE_OF_CODE = {code: rule for rule, code in _RULE_CODES.items()}
_POINT_TYPE_OF_CODE = {code: kind for kind, code in POINT_TYPE_CODES.items()}
_VARIATION_OF_CODE = {code: icon for icon, code in VARIATION_CODES.items()}
_ASSURANCE_OF_CODE = {code: a for a, code in ASSURANCE_CODES.items()}
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
    rule: Rule | None
    point_type: PointType
    segment: int


@dataclass(frozen=True)
class SpcResult:
    """A judged series: its points, the variation icon and the assurance icon."""

    points: tuple[SpcPoint, ...]
    variation_icon: Variation
    assurance: Assurance | None
    improvement: str
    target: float | None

    @property
    def too_few_points(self) -> bool:
        """Whether the latest segment has too few values to judge."""
        return self.variation_icon is Variation.TOO_FEW_POINTS


@dataclass(frozen=True)
class SpcBatch:
    """Many series judged at once, as arrays of codes (series × points for ``rule`` and
    ``point_type``, one per series for ``variation_icon`` and ``assurance``); read a verdict
    with ``rule_at``, ``point_type_at``, ``variation_of`` and ``assurance_of``."""

    mean: FloatArray
    lower: FloatArray
    upper: FloatArray
    near_lower: FloatArray
    near_upper: FloatArray
    rule: CodeArray
    point_type: CodeArray
    variation_icon: CodeArray
    assurance: CodeArray

    def rule_at(self, series: int, point: int) -> Rule | None:
        """The special cause at one point of one series, if any."""
        return _RULE_OF_CODE.get(int(self.rule[series, point]))

    def point_type_at(self, series: int, point: int) -> PointType:
        return _POINT_TYPE_OF_CODE[int(self.point_type[series, point])]

    def variation_of(self, series: int) -> Variation:
        return _VARIATION_OF_CODE[int(self.variation_icon[series])]

    def assurance_of(self, series: int) -> Assurance | None:
        return _ASSURANCE_OF_CODE.get(int(self.assurance[series]))


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
            rule=batch.rule_at(0, i),
            point_type=batch.point_type_at(0, i),
            segment=int(segments[i]),
        )
        for i in range(len(row))
    )
    return SpcResult(
        points=points,
        variation_icon=batch.variation_of(0),
        assurance=batch.assurance_of(0),
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
    for found, mask in (
        (Rule.SHIFT_LOW, run_below),
        (Rule.SHIFT_HIGH, run_above),
        (Rule.TWO_IN_THREE_LOW, two_below),
        (Rule.TWO_IN_THREE_HIGH, two_above),
        (Rule.TREND_DOWN, trend_down),
        (Rule.TREND_UP, trend_up),
        (Rule.ASTRONOMICAL_LOW, below),
        (Rule.ASTRONOMICAL_HIGH, above),
    ):
        rule[mask] = found.code
    rule[short] = 0  # too few points to judge: not even a trend
    high = np.isin(rule, [r.code for r in _HIGH_RULES])
    flagged = rule > 0
    d = direction[:, np.newaxis]
    good = np.where(d > 0, high, ~high)
    kinds = POINT_TYPE_CODES
    point_type = np.full((n_series, n), kinds[PointType.COMMON_CAUSE], dtype=np.int8)
    point_type[flagged & (d != 0) & good] = kinds[PointType.IMPROVEMENT]
    point_type[flagged & (d != 0) & ~good] = kinds[PointType.CONCERN]
    point_type[flagged & (d == 0) & high] = kinds[PointType.NEUTRAL_HIGH]
    point_type[flagged & (d == 0) & ~high] = kinds[PointType.NEUTRAL_LOW]
    point_type[short] = kinds[PointType.TOO_FEW_POINTS]

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
    v, k = VARIATION_CODES, POINT_TYPE_CODES
    icons = np.full(n_series, v[Variation.COMMON_CAUSE], dtype=np.int8)
    if n == 0:
        return np.full(n_series, v[Variation.TOO_FEW_POINTS], dtype=np.int8)
    last = n - 1 - np.argmax(present[:, ::-1], axis=1)
    has_any = present.any(axis=1)
    rows = np.arange(n_series)
    kind = point_type[rows, last]
    up = high[rows, last]
    icons[(kind == k[PointType.IMPROVEMENT]) & up] = v[Variation.IMPROVEMENT_HIGH]
    icons[(kind == k[PointType.IMPROVEMENT]) & ~up] = v[Variation.IMPROVEMENT_LOW]
    icons[(kind == k[PointType.CONCERN]) & up] = v[Variation.CONCERN_HIGH]
    icons[(kind == k[PointType.CONCERN]) & ~up] = v[Variation.CONCERN_LOW]
    icons[kind == k[PointType.NEUTRAL_HIGH]] = v[Variation.NEUTRAL_HIGH]
    icons[kind == k[PointType.NEUTRAL_LOW]] = v[Variation.NEUTRAL_LOW]
    icons[kind == k[PointType.TOO_FEW_POINTS]] = v[Variation.TOO_FEW_POINTS]
    icons[~has_any] = v[Variation.TOO_FEW_POINTS]
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
    a = ASSURANCE_CODES
    out[judged] = a[Assurance.INCONSISTENT]
    out[judged & beyond_up & (direction > 0)] = a[Assurance.FAIL]
    out[judged & beyond_up & (direction < 0)] = a[Assurance.PASS]
    out[judged & beyond_lo & (direction > 0)] = a[Assurance.PASS]
    out[judged & beyond_lo & (direction < 0)] = a[Assurance.FAIL]
    return out
