"""The evidence check: is a scheme's assumed effect beyond its evidence, and does the plan as a
whole cancel more growth than history has ever allowed (the "heroic assumptions" test)?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from footprint.engine.demand.library import BY_KEY, TRENDS, Evidence
from footprint.engine.demand.model import Outcome, Plan
from footprint.engine.demand.params import Effect, Scenario
from footprint.engine.demand.pods import BY_CODE


@dataclass(frozen=True)
class Flag:
    subject: str  # a scheme's name, or a point of delivery's
    kind: str  # "beyond evidence", "no evidence" or "heroic plan"
    message: str


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def check_schemes(scenario: Scenario, library: Mapping[str, Evidence] | None = None) -> list[Flag]:
    """Flag each scheme whose assumed share reaches beyond its library range, and each scheme
    that names no evidence at all. ``library`` maps keys to entries (the built-in library
    unless given, such as one a partnership has extended). A range not yet checked against
    its source (the entry's ``verified`` is empty) is called an "(unchecked range)"."""
    known = BY_KEY if library is None else library
    flags = []
    for s in scenario.schemes:
        evidence = known.get(s.evidence)
        if evidence is None:
            flags.append(Flag(s.name, "no evidence", "No evidence from the library is cited."))
        elif s.share.high > evidence.share.high:
            flags.append(
                Flag(
                    s.name,
                    "beyond evidence",
                    f"Assumes {_pct(s.share.low)}–{_pct(s.share.high)} at full effect; the "
                    f"evidence supports {_pct(evidence.share.low)}–{_pct(evidence.share.high)} "
                    f"{'' if evidence.verified else '(unchecked range) '}({evidence.source}).",
                )
            )
    return flags


def yearly_rate(start: float, end: float, years: int) -> float:
    """The constant yearly growth rate that takes ``start`` to ``end`` over ``years``."""
    if start <= 0:
        return 0.0
    return float((max(end, 0.0) / start) ** (1 / years) - 1)


def check_plan(
    scenario: Scenario, baseline: Mapping[str, float], central: Mapping[str, float]
) -> list[Flag]:
    """Flag each point of delivery that the schemes reduce so far that total activity grows
    more slowly each year, in the central case, than the lowest growth ever seen.
    ``baseline`` and ``central`` map point-of-delivery codes to base-year and horizon totals."""
    targeted = {s.pod for s in scenario.schemes}
    years = scenario.horizon - scenario.base_year
    flags = []
    for code in sorted(targeted):
        trend = TRENDS.get(code)
        if trend is None or code not in baseline:
            continue
        rate = yearly_rate(baseline[code], central.get(code, 0.0), years)
        if rate < trend.lowest:
            flags.append(
                Flag(
                    BY_CODE[code].name,
                    "heroic plan",
                    f"The plan has {BY_CODE[code].name.lower()} changing by {rate * 100:+.1f} % "
                    f"a year; the lowest yearly growth seen was {trend.lowest * 100:+.1f} % "
                    f"({trend.source}).",
                )
            )
    return flags


def plan_totals(plan: Plan, outcome: Outcome) -> tuple[dict[str, float], dict[str, float]]:
    """Base-year and central horizon activity per point of delivery, for :func:`check_plan`.
    Activity a scheme moves elsewhere is counted where it came from: a conversion changes
    the setting of care, it does not cancel growth."""
    base: dict[str, float] = {}
    central: dict[str, float] = {}
    converts = [
        plan.first_scheme + j
        for j, s in enumerate(plan.scenario.schemes)
        if s.effect is Effect.CONVERT
    ]
    for g, (_, code) in enumerate(plan.groups):
        steps = outcome.steps_activity[0, -1, :, g]
        moved = -sum(min(float(steps[k]), 0.0) for k in converts)
        base[code] = base.get(code, 0.0) + float(steps[0])
        central[code] = central.get(code, 0.0) + float(outcome.activity[0, -1, g]) + moved
    return base, central
