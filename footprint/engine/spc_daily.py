"""Statistical process control for a daily series that has a weekly pattern (issue 19).

Admissions, discharges and handovers differ by day of the week as a matter of course: Mondays
are busy and Sundays quiet. An XmR chart of the raw days would call every quiet weekend a
special cause (runs below the mean) and its moving ranges would be inflated by the weekly
swing, widening the limits until a real change hid inside them. The usual remedy (e.g. NHS
England's *Making Data Count* guidance on seasonality; Provost and Murray, *The Health Care
Data Guide*, 2011, ch. 8) is to take out the expected day-of-week effect first:

1. Each weekday's **effect** is the mean of that weekday's present values minus the mean of
   the weekday means (so the effects sum to zero over the weekdays seen; a weekday with no
   value has effect 0).
2. The **adjusted** series is each value minus its weekday's effect: the weekly pattern gone,
   the level and any change in it kept.
3. The adjusted series is judged as any XmR chart (``spc.analyse``: mean, moving ranges, the
   Making Data Count rules).
4. For drawing against the real figures, each point's mean, limits and near limits are moved
   back by its weekday's effect: the centre line and limits follow the week, and a point is a
   special cause exactly when its adjusted value was.

**Baseline.** Making Data Count fixes a chart's mean and limits from a stable *baseline*
period (at least 12 points here, ``spc.MIN_BASELINE``; the guidance asks for 20 or more) and
judges the later points against them, recalculating only at a known change. Limits computed
over a window that holds a change (the start of winter) sit between the two levels: the early
days then run below the mean, the late days above it, and most days are called special cause
while the limits, from day-to-day changes only, stay narrow. ``baseline`` (a number of
leading days) makes the effects, the mean and the limits those of the baseline alone; every
later day is judged against them. Without it they come from the whole series given.

**Shifts.** A run of ``spc.RUN`` (7) or more days on one side of the mean is one signal, a
change of level, not that many unusual days. ``shifts`` gives each such stretch (the longest
it runs, a missing day or a day on the mean ending it), so a page can say "above the
baseline every day since 10 November" once instead of flagging each of those days alone.
``effects`` is returned so the page can say what they are.

A day marked ``excluded`` (say, a system total some providers did not report) is drawn but not
judged: it takes no part in the effects, the mean or the limits, and has no special cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from footprint.engine import spc

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class WeekdayResult:
    """A judged daily series: ``result`` has the raw values with limits moved by weekday;
    ``adjusted`` the values with the weekday effect taken out; ``effects`` the seven effects
    (Monday first)."""

    result: spc.SpcResult
    adjusted: tuple[float | None, ...]
    effects: tuple[float, ...]
    excluded: tuple[bool, ...] = ()
    baseline: int | None = None  # the leading days the effects, mean and limits come from
    sides: tuple[int, ...] = ()  # each day above (1), below (-1) or on or without a mean (0)


@dataclass(frozen=True)
class Shift:
    """A run of days (indices ``start`` to ``end``, both in) on one side of the mean."""

    start: int
    end: int
    high: bool

    @property
    def days(self) -> int:
        return self.end - self.start + 1


def weekday_effects(values: Sequence[float | None], weekdays: Sequence[int]) -> FloatArray:
    """Each weekday's mean minus the mean of the weekday means (Monday = 0); 0 for a weekday
    with no value."""
    y = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    wd = np.asarray(weekdays, dtype=np.int64)
    if y.shape != wd.shape:
        raise ValueError("values and weekdays must be the same length")
    if wd.size and (wd.min() < 0 or wd.max() > 6):
        raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday)")
    present = ~np.isnan(y)
    sums = np.bincount(wd[present], weights=y[present], minlength=7)
    counts = np.bincount(wd[present], minlength=7)
    seen = counts > 0
    means = np.zeros(7)
    means[seen] = sums[seen] / counts[seen]
    effects = np.zeros(7)
    if seen.any():
        effects[seen] = means[seen] - means[seen].mean()
    return effects


def analyse_by_weekday(
    values: Sequence[float | None],
    weekdays: Sequence[int],
    improvement: spc.Improvement | str = "neutral",
    target: float | None = None,
    screen_outliers: bool = True,
    excluded: Sequence[bool] | None = None,
    baseline: int | None = None,
) -> WeekdayResult:
    """Judge a daily series with its day-of-week effect taken out (see the module); the days
    ``excluded`` marks are drawn with the limits of their weekday but neither judged nor used
    for the effects or the limits. With ``baseline``, the effects, the mean and the limits
    come from the first ``baseline`` days alone (at least ``spc.MIN_BASELINE``)."""
    skip = [False] * len(values) if excluded is None else [bool(x) for x in excluded]
    if len(skip) != len(values):
        raise ValueError("values and excluded must be the same length")
    if baseline is not None and baseline < spc.MIN_BASELINE:
        raise ValueError(f"a baseline needs at least {spc.MIN_BASELINE} days")
    kept = [None if s else v for v, s in zip(values, skip, strict=True)]
    wd = list(weekdays)
    if baseline is None:
        effects = weekday_effects(kept, wd)
    else:
        effects = weekday_effects(kept[:baseline], wd[:baseline])
    adjusted = [None if v is None else float(v) - effects[w] for v, w in zip(kept, wd, strict=True)]
    judged = spc.analyse(
        adjusted,
        improvement=improvement,
        target=target,
        screen_outliers=screen_outliers,
        fix_after_n_points=baseline,
    )
    points = tuple(
        replace(
            p,
            value=None if v is None else float(v),
            mean=p.mean + effects[w],
            lower=p.lower + effects[w],
            upper=p.upper + effects[w],
            near_lower=p.near_lower + effects[w],
            near_upper=p.near_upper + effects[w],
        )
        for p, v, w in zip(judged.points, values, wd, strict=True)
    )
    return WeekdayResult(
        result=replace(judged, points=points),
        adjusted=tuple(adjusted),
        effects=tuple(float(e) for e in effects),
        excluded=tuple(skip),
        baseline=baseline,
        sides=tuple(
            0 if v is None or not np.isfinite(p.mean) else int(np.sign(v - p.mean))
            for v, p in zip(adjusted, judged.points, strict=True)
        ),
    )


def shifts(sides: Sequence[int]) -> list[Shift]:
    """Every stretch of at least ``spc.RUN`` consecutive days on one side of the mean, oldest
    first, from each day's side (``WeekdayResult.sides``: 1 above, -1 below, 0 on the mean,
    missing, excluded or without a mean, which ends a stretch)."""
    out: list[Shift] = []
    start, side = 0, 0
    for i, s in enumerate([*sides, 0]):
        if s == side and s != 0:
            continue
        if side != 0 and i - start >= spc.RUN:
            out.append(Shift(start, i - 1, side > 0))
        start, side = i, s
    return out
