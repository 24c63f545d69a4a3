"""A slow, obvious day-of-week-adjusted XmR chart, for the tests to check
``footprint.engine.spc_daily``: weekday means by plain loops, then the slow reference XmR
chart on the adjusted values, then its limits moved back by weekday."""

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
    values: Sequence[float | None], weekdays: Sequence[int], improvement: str = "neutral"
) -> dict[str, object]:
    effects = weekday_effects(values, weekdays)
    adjusted = [
        None if v is None else v - effects[d] for v, d in zip(values, weekdays, strict=True)
    ]
    out = ref.analyse(adjusted, improvement=improvement)
    shift = [effects[d] for d in weekdays]
    for key in ("mean", "lower", "upper"):
        out[key] = [
            m + s if not math.isnan(m) else m
            for m, s in zip(out[key], shift, strict=True)  # type: ignore[call-overload]
        ]
    out["effects"] = effects
    out["adjusted"] = adjusted
    return out
