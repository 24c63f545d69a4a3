"""A slow, obvious XmR chart, one point at a time, for the tests to check the fast engine.

It follows the rules in ``footprint.engine.spc`` literally, with plain loops.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

LIMIT = 2.66
NEAR = 2 * LIMIT / 3
SCREEN = 3.267
MIN_POINTS = 12


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else math.nan


def analyse(
    values: Sequence[float | None],
    improvement: str = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
) -> dict[str, object]:
    """Return {"mean", "lower", "upper", "rule", "point_type", "variation_icon",
    "assurance"} with one list entry per point for the first five."""
    n = len(values)
    y = [
        math.nan if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        for v in values
    ]
    starts = sorted({0, *[r for r in rebase_at if 0 < r < n]})
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    mean = [math.nan] * n
    upper = [math.nan] * n
    lower = [math.nan] * n
    nupper = [math.nan] * n
    nlower = [math.nan] * n
    rule: list[str | None] = [None] * n
    short = [False] * n
    for a, b in bounds:
        seg = y[a:b]
        base = seg if fix_after_n_points is None else seg[:fix_after_n_points]
        if sum(not math.isnan(v) for v in base) < MIN_POINTS:
            # Too few points to judge: no mean, no limits, nothing flagged.
            for i in range(a, b):
                short[i] = True
            continue
        m = _mean([v for v in base if not math.isnan(v)])
        ranges = [
            abs(base[i] - base[i - 1])
            for i in range(1, len(base))
            if not math.isnan(base[i]) and not math.isnan(base[i - 1])
        ]
        amr = _mean(ranges)
        if screen_outliers:
            amr = _mean([r for r in ranges if r < SCREEN * amr])
        for i in range(a, b):
            mean[i] = m
            upper[i] = m + LIMIT * amr
            lower[i] = m - LIMIT * amr
            nupper[i] = m + NEAR * amr
            nlower[i] = m - NEAR * amr
        rule[a:b] = _segment_rules(
            y[a:b], mean[a:b], upper[a:b], lower[a:b], nupper[a:b], nlower[a:b]
        )
    point_type = [
        "too_few_points" if short[i] else _point_type(rule[i], improvement) for i in range(n)
    ]
    last = next((i for i in range(n - 1, -1, -1) if not math.isnan(y[i])), None)
    icon = "common_cause"
    last_rule = rule[last] if last is not None else None
    if last is None or short[last]:
        icon = "too_few_points"
    elif last_rule is not None:
        high = _is_high(last_rule)
        if improvement == "neutral":
            icon = "neutral_high" if high else "neutral_low"
        elif point_type[last] == "special_cause_improvement":
            icon = "improvement_high" if high else "improvement_low"
        else:
            icon = "concern_high" if high else "concern_low"
    assurance = None
    if (
        target is not None
        and improvement != "neutral"
        and n
        and not math.isnan(upper[-1])
        and not math.isnan(lower[-1])
    ):
        up, lo = upper[-1], lower[-1]
        if target > up:
            assurance = "fail" if improvement == "increase" else "pass"
        elif target < lo:
            assurance = "pass" if improvement == "increase" else "fail"
        else:
            assurance = "inconsistent"
    return {
        "mean": mean,
        "lower": lower,
        "upper": upper,
        "rule": rule,
        "point_type": point_type,
        "variation_icon": icon,
        "assurance": assurance,
    }


def _segment_rules(
    y: list[float],
    mean: list[float],
    upper: list[float],
    lower: list[float],
    nupper: list[float],
    nlower: list[float],
) -> list[str | None]:
    n = len(y)
    present = [not math.isnan(v) for v in y]
    above = [present[i] and y[i] > upper[i] for i in range(n)]
    below = [present[i] and y[i] < lower[i] for i in range(n)]
    close_above = [
        present[i] and not above[i] and not below[i] and y[i] > nupper[i] for i in range(n)
    ]
    close_below = [
        present[i] and not above[i] and not below[i] and y[i] < nlower[i] for i in range(n)
    ]
    side = []
    for i in range(n):
        if not present[i] or math.isnan(mean[i]) or y[i] == mean[i]:
            side.append(0)
        else:
            side.append(1 if y[i] > mean[i] else -1)

    def in_window_of(length: int, test) -> list[bool]:  # type: ignore[no-untyped-def]
        marked = [False] * n
        for start in range(0, n - length + 1):
            if test(start):
                for i in range(start, start + length):
                    marked[i] = True
        return marked

    def steps(start: int, direction: int) -> bool:
        for i in range(start + 1, start + 7):
            if not (present[i] and present[i - 1]):
                return False
            if direction > 0 and not y[i] > y[i - 1]:
                return False
            if direction < 0 and not y[i] < y[i - 1]:
                return False
        return True

    trend_up = in_window_of(7, lambda s: steps(s, 1))
    trend_down = in_window_of(7, lambda s: steps(s, -1))
    run_above = in_window_of(7, lambda s: all(side[i] == 1 for i in range(s, s + 7)))
    run_below = in_window_of(7, lambda s: all(side[i] == -1 for i in range(s, s + 7)))
    two_above = [False] * n
    two_below = [False] * n
    for start in range(-2, n):
        window = [i for i in range(start, start + 3) if 0 <= i < n]
        if sum(close_above[i] for i in window) >= 2:
            for i in window:
                two_above[i] = two_above[i] or close_above[i]
        if sum(close_below[i] for i in window) >= 2:
            for i in window:
                two_below[i] = two_below[i] or close_below[i]
    rules: list[str | None] = []
    for i in range(n):
        if above[i]:
            rules.append("above_upper")
        elif below[i]:
            rules.append("below_lower")
        elif trend_up[i]:
            rules.append("trend_increasing")
        elif trend_down[i]:
            rules.append("trend_decreasing")
        elif two_above[i]:
            rules.append("two_in_three_above")
        elif two_below[i]:
            rules.append("two_in_three_below")
        elif run_above[i]:
            rules.append("run_above")
        elif run_below[i]:
            rules.append("run_below")
        else:
            rules.append(None)
    return rules


def _is_high(rule: str) -> bool:
    return rule in {"above_upper", "trend_increasing", "two_in_three_above", "run_above"}


def _point_type(rule: str | None, improvement: str) -> str:
    if rule is None:
        return "common_cause"
    high = _is_high(rule)
    if improvement == "neutral":
        return "special_cause_neutral_high" if high else "special_cause_neutral_low"
    good = high if improvement == "increase" else not high
    return "special_cause_improvement" if good else "special_cause_concern"
