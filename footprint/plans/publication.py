"""The plan as a document that can be kept: exactly what the public plan page and the public
API show (the plan, its priorities, each goal with its published figures and status), built
when the programme office publishes and compared between publications to say what changed.

Plain data in, plain data out (JSON-ready: dates as ISO strings), so what is stored is what
is shown and two documents compare with ``==``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from footprint.core import breakdowns
from footprint.core.breakdowns import Breakdown
from footprint.plans import compute
from footprint.plans.compute import Assurance, GoalView, Status, Variation, gap_name
from footprint.plans.figures import figure
from footprint.plans.models import Goal, Plan

Content = dict[str, Any]
Change = dict[str, Any]

DATES = ("baseline_date", "target_date", "latest_period")
NO_ASSURANCE = "No assurance"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def goal_of(view: GoalView) -> dict[str, Any]:
    """One goal as published: what it is, its baseline and target, its latest figure, and
    how it is going (the status, the SPC verdict and the reason in words)."""
    goal, series, judgement = view.goal, view.series, view.judgement
    return {
        "id": goal.pk,
        "priority": goal.priority.title,
        "statement": goal.statement,
        "metric": goal.metric.slug,
        "metric_name": goal.metric.name,
        "unit": series.figure_unit,  # percentage points for a gap goal on a percentage
        "subject": goal.subject_key,
        "subject_label": goal.subject_label,
        "horizon": goal.horizon,
        "baseline_value": goal.baseline_value,
        "baseline_date": _iso(goal.baseline_date),
        "target_value": goal.target_value,
        "target_date": _iso(goal.target_date),
        "latest_value": series.latest_value,
        "latest_period": _iso(series.latest_period),
        "status": str(judgement.status),
        "variation": str(series.result.variation_icon),
        "assurance": _value_of(series.result.assurance),
        "too_few_points": series.result.too_few_points,
        "reason": judgement.reason,
        "kind": goal.kind,
        "gap": gap_of(goal),
        "gap_series": gap_series_of(view),
        "splits": splits_of(view),
    }


def _number(x: float | None) -> float | None:
    return None if x is None else float(x)


def gap_series_of(view: GoalView) -> dict[str, Any] | None:
    """A gap goal's gap, period by period, as it stood (None for a goal on its figure)."""
    if not view.goal.is_gap:
        return None
    return {
        "unit": view.series.figure_unit,
        "periods": [p.isoformat() for p in view.series.periods],
        "values": [_number(v) for v in view.series.values],
    }


def splits_of(view: GoalView) -> list[dict[str, Any]]:
    """The goal's figures by deprivation quintile or decile and by ethnic group as they stood,
    one entry per breakdown: each period's figure by group (no populations: a figure with its
    denominator would give the count of people, which may be small), and for deprivation the
    gap between the two ends each period, whether it is narrowing, and the latest SII with its
    interval, exactly as the goal page shows them."""
    if view.data is None or not view.data.split:
        return []
    unit = view.data.metric.unit
    out = []
    for b in compute.breakdown_views(view.data):
        t = b.table
        sii = b.sii
        out.append(
            {
                "breakdown": t.breakdown.value,
                "breakdown_name": t.label,
                "unit": unit,
                "gap_unit": compute.gap_unit(unit),
                "groups": [{"code": c, "name": n} for c, n in t.groups],
                "periods": [p.isoformat() for p in t.periods],
                "values": [[_number(v) for v in row] for row in t.values],
                "ends_gap": [_number(v) for v in b.ends_gap],
                "trend": b.trend.value if b.trend else None,
                "trend_label": b.trend.label if b.trend else None,
                "sii": None
                if sii is None
                else {
                    "period": sii.period.isoformat(),
                    "value": float(sii.sii),
                    "lower": _number(sii.lower),
                    "upper": _number(sii.upper),
                    "confidence": sii.confidence,
                    "note": sii.note,
                },
            }
        )
    return out


def gap_of(goal: Goal) -> dict[str, Any] | None:
    """What a gap goal's gap is (None for a goal on the figure itself): the breakdown, the
    measure (the difference between two groups, or the SII) and, for a difference, the two
    groups, each by code and by name, and the gap in words."""
    if not goal.is_gap:
        return None
    ends = goal.gap_measure != Goal.GapMeasure.SII

    def group(code: str) -> dict[str, str] | None:
        return {"code": code, "name": breakdowns.label(goal.gap_breakdown, code)} if ends else None

    return {
        "breakdown": goal.gap_breakdown,
        "breakdown_name": Breakdown(goal.gap_breakdown).label,
        "measure": goal.gap_measure or Goal.GapMeasure.ENDS.value,
        "measure_name": Goal.GapMeasure(goal.gap_measure or Goal.GapMeasure.ENDS).label,
        "first": group(goal.gap_first),
        "second": group(goal.gap_second),
        "name": gap_name(goal),
    }


def content_of(plan: Plan, views: Iterable[GoalView]) -> Content:
    """The plan as the public sees it: title, period, summary, and its goals under their
    priorities, in the plan's order."""
    priorities: dict[int, dict[str, Any]] = {}
    for view in views:
        priority = view.goal.priority
        entry = priorities.setdefault(priority.pk, {"title": priority.title, "goals": []})
        entry["goals"].append(goal_of(view))
    return {
        "title": plan.title,
        "period": plan.period,
        "summary": plan.summary,
        "priorities": list(priorities.values()),
    }


def _value_of(verdict: Assurance | None) -> str | None:
    return None if verdict is None else str(verdict)


def for_display(content: Content) -> Content:
    """``content`` with its dates as dates and its verdicts as verdicts (each with its words),
    for pages and the API."""
    return {
        **content,
        "priorities": [
            {**p, "goals": [_goal_for_display(g) for g in p["goals"]]}
            for p in content["priorities"]
        ],
    }


def _goal_for_display(goal: dict[str, Any]) -> dict[str, Any]:
    """A published goal for a page: its dates as dates, its verdicts as verdicts and its
    figures in words as its unit writes them (``baseline_text``: '65.0%', '174')."""
    return {
        **goal,
        **{k: dt.date.fromisoformat(goal[k]) if goal[k] else None for k in DATES},
        "status": Status(goal["status"]),
        "variation": Variation(goal["variation"]),
        "assurance": Assurance(goal["assurance"]) if goal["assurance"] else None,
        **{
            f"{k}_text": figure(goal[f"{k}_value"], goal["unit"])
            for k in ("baseline", "target", "latest")
        },
    }


def goals(content: Content) -> list[dict[str, Any]]:
    return [g for p in content["priorities"] for g in p["goals"]]


def _month(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%B %Y") if iso else "–"


def _describe(goal: dict[str, Any]) -> dict[str, str]:
    """The goal's published facts in words, one per line of a change."""
    unit = goal["unit"]
    latest = (
        f"{figure(goal['latest_value'], unit)} for {_month(goal['latest_period'])}"
        if goal["latest_period"]
        else "no figures yet"
    )
    return {
        "goal": goal["statement"],
        "priority": goal["priority"],
        "about": goal["subject_label"],
        "measure": goal["metric_name"],
        "baseline": f"{figure(goal['baseline_value'], unit)} in {_month(goal['baseline_date'])}",
        "target": f"{figure(goal['target_value'], unit)} by {_month(goal['target_date'])}",
        "latest figure": latest,
        "status": Status(goal["status"]).label,
        "variation": Variation(goal["variation"]).label,
        "assurance": Assurance(goal["assurance"]).short if goal["assurance"] else NO_ASSURANCE,
        # Publications before gap goals were published have neither: a goal on its figure.
        "judged on": goal["gap"]["name"] if goal.get("gap") else "the figure itself",
        "figures by group": _splits_in_words(goal.get("splits") or []),
    }


def _splits_in_words(splits: list[dict[str, Any]]) -> str:
    """'Deprivation quintile to May 2025; Ethnic group to May 2025', or 'none'."""
    return (
        "; ".join(f"{s['breakdown_name']} to {_month(s['periods'][-1])}" for s in splits) or "none"
    )


def _change(figure: str, before: str | None, after: str | None) -> Change:
    return {"figure": figure, "before": before, "after": after}


def changes(before: Content | None, after: Content) -> list[Change]:
    """What changed from ``before`` to ``after``: the plan's words, then each goal (added,
    removed, or which of its facts changed from what to what)."""
    if before is None:
        return []
    out = []
    for key, label in (("title", "The plan's title"), ("period", "The plan's period")):
        if before[key] != after[key]:
            out.append(_change(label, before[key], after[key]))
    if before["summary"] != after["summary"]:
        out.append(_change("The plan's summary was reworded", None, None))
    old = {g["id"]: g for g in goals(before)}
    new = {g["id"]: g for g in goals(after)}
    for goal_id, goal in new.items():
        if goal_id not in old:
            out.append(_change(f"Goal added: {goal['statement']}", None, None))
            continue
        was, now = _describe(old[goal_id]), _describe(goal)
        facts = [
            _change(f"{goal['statement']}: {fact}", was[fact], now[fact])
            for fact in now
            if was[fact] != now[fact]
        ]
        if not facts and any(old[goal_id].get(k) != goal.get(k) for k in ("splits", "gap_series")):
            facts.append(_change(f"{goal['statement']}: figures by group corrected", None, None))
        out += facts
    out += [
        _change(f"Goal removed: {goal['statement']}", None, None)
        for goal_id, goal in old.items()
        if goal_id not in new
    ]
    return out
