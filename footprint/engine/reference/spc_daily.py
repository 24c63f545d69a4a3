"""A slow, obvious day-of-week-adjusted XmR chart, for the tests to check
``footprint.engine.spc_daily``: weekday means by plain loops, then the slow reference XmR
chart on the adjusted values, then its limits moved back by weekday. With a baseline, the
weekday means and the chart's mean and limits come from its first days alone; ``shifts``
finds the runs of seven or more days on one side of the mean by walking the days."""

from __future__ import annotations

import math
from collections.abc import Sequence

from footprint.engine.reference import spc as ref


def weekday_effects(values: Sequence[float | None], weekdays: Sequence[int]) -> list[float]:
    by_day: dict[int, list[float]] = {d: [] for d in range(7)}
    for v, d in zip(values, weekdays, strict=True):
        if v is not None:
            by_day[d].append(float(v))
    means = {d: sum(xs) / len(xs) for d, xs in by_day.items() if xs}
    if not means:
        return [0.0] * 7
    grand = sum(means.values()) / len(means)
    return [means[d] - grand if d in means else 0.0 for d in range(7)]


def analyse_by_weekday(
    values: Sequence[float | None],
    weekdays: Sequence[int],
    improvement: str = "neutral",
    baseline: int | None = None,
) -> dict[str, object]:
    n = len(values) if baseline is None else baseline
    effects = weekday_effects(values[:n], weekdays[:n])
    adjusted = [
        None if v is None else v - effects[d] for v, d in zip(values, weekdays, strict=True)
    ]
    out = ref.analyse(adjusted, improvement=improvement, fix_after_n_points=baseline)
    sides = []
    for a, m in zip(adjusted, out["mean"], strict=True):  # type: ignore[call-overload]
        if a is None or math.isnan(m) or a == m:
            sides.append(0)
        else:
            sides.append(1 if a > m else -1)
    out["sides"] = sides
    shift = [effects[d] for d in weekdays]
    for key in ("mean", "lower", "upper"):
        out[key] = [
            m + s if not math.isnan(m) else m
            for m, s in zip(out[key], shift, strict=True)  # type: ignore[call-overload]
        ]
    out["effects"] = effects
    out["adjusted"] = adjusted
    return out


def shifts(sides: Sequence[int], run: int = 7) -> list[tuple[int, int, bool]]:
    """(first day, last day, above) for each run of ``run`` or more days on one side."""
    found = []
    i = 0
    while i < len(sides):
        j = i
        while sides[i] != 0 and j + 1 < len(sides) and sides[j + 1] == sides[i]:
            j += 1
        if sides[i] != 0 and j - i + 1 >= run:
            found.append((i, j, sides[i] > 0))
        i = j + 1
    return found
