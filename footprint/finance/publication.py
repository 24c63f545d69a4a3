"""A year's system summary as a document that can be kept: exactly the figures the public
page and the public API show, built from the system's figures when the programme office
publishes, and compared between publications to say what changed.

Plain data in, plain data out (JSON-ready: whole pence, strings), so what is stored is what
is shown and two documents compare with ``==``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from footprint.finance.compute import OrgYear, ScenarioFlows, SystemYear, unplanned_note
from footprint.finance.models import year_label

Summary = dict[str, Any]
Change = dict[str, Any]

SYSTEM_FIGURES = {
    "control_total_pence": "System control total",
    "surplus_pence": "Planned system position",
    "variance_pence": "System against its control total",
}
POSITION_FIGURES = {
    "income_pence": "income",
    "expenditure_pence": "expenditure",
    "surplus_pence": "surplus or deficit",
    "control_total_pence": "control total",
    "risk_share_pence": "risk share",
}


def position_of(row: OrgYear) -> dict[str, Any]:
    """One organisation's published position for the year."""
    return {
        "year": row.year,
        "financial_year": row.plan.year_label,
        "ods_code": row.organisation.ods_code,
        "organisation": row.organisation.name,
        "income_pence": row.plan.total_income_pence,
        "expenditure_pence": row.plan.expenditure_pence,
        "surplus_pence": row.plan.surplus_pence,
        "control_total_pence": row.plan.control_total_pence,
        "variance_pence": row.plan.variance_pence,
        "risk_share_pence": row.transfer,
        "final_pence": row.final_pence,
    }


def summary_of(system: SystemYear) -> Summary:
    """The system summary as the public sees it: the system's figures and each member's
    position (not the lines behind them)."""
    return {
        "year": system.year,
        "financial_year": system.label,
        "control_total_pence": system.control_total,
        "surplus_pence": system.surplus,
        "variance_pence": system.variance,
        "paid_in_pence": system.paid_in,
        "paid_out_pence": system.paid_out,
        "final_pence": system.final,
        "positions": [position_of(r) for r in system.rows],
    }


def waterfall(summary: Summary) -> list[tuple[str, float]]:
    """The system waterfall's steps in £m: the control total, each member's plan against it,
    the risk share. The one builder of it: partners' pages draw it from the summary of the
    figures as they stand (``summary_of``), the public page from the summary as published."""
    steps = [("System control total", summary["control_total_pence"] / 1e8)]
    steps += [
        (f"{p['organisation']} plan", p["variance_pence"] / 1e8)
        for p in summary["positions"]
        if p["variance_pence"]
    ]
    if summary["paid_in_pence"] or summary["paid_out_pence"]:
        steps += [
            ("Paid into the risk share", summary["paid_in_pence"] / 1e8),
            ("Paid out of the risk share", summary["paid_out_pence"] / 1e8),
        ]
    return steps


def published_position(summary: Summary | None, ods_code: str) -> dict[str, Any] | None:
    """The position ``summary`` published for the organisation ``ods_code``, if any."""
    if summary is None:
        return None
    return next((p for p in summary["positions"] if p["ods_code"] == ods_code), None)


def changed_since(position: dict[str, Any], summary: Summary | None) -> bool:
    """Whether ``position`` (from ``position_of``) differs from what ``summary`` published for
    its organisation: a draft. Not published at all counts as changed."""
    return published_position(summary, position["ods_code"]) != position


def _change(figure: str, before: Any, after: Any, kind: str = "money") -> Change:
    return {"figure": figure, "before": before, "after": after, "kind": kind}


def changes(before: Summary | None, after: Summary) -> list[Change]:
    """What changed from ``before`` to ``after``: the system's figures, then each member's,
    one line per figure (money in pence; ``None`` where a member had no plan)."""
    if before is None:
        return []
    out = [
        _change(label, before[key], after[key])
        for key, label in SYSTEM_FIGURES.items()
        if before[key] != after[key]
    ]
    old = {p["ods_code"]: p for p in before["positions"]}
    new = {p["ods_code"]: p for p in after["positions"]}
    codes = [p["ods_code"] for p in after["positions"]]
    codes += [c for c in old if c not in new]
    for code in codes:
        was, now = old.get(code), new.get(code)
        if was is None:
            out.append(
                _change(f"{now['organisation']}: surplus or deficit", None, now["surplus_pence"])
            )
        elif now is None:
            out.append(
                _change(f"{was['organisation']}: surplus or deficit", was["surplus_pence"], None)
            )
        else:
            if was["organisation"] != now["organisation"]:
                out.append(
                    _change(f"{code}: name", was["organisation"], now["organisation"], "text")
                )
            out += [
                _change(f"{now['organisation']}: {label}", was[key], now[key])
                for key, label in POSITION_FIGURES.items()
                if was[key] != now[key]
            ]
    return out


def flows_seen_by(
    flows: ScenarioFlows,
    may_see: Callable[[str, int], bool],
    with_plans: Collection[str] | None = None,
) -> ScenarioFlows:
    """Who gains and who loses as a person sees it. ``may_see(ods_code, year)`` says whether
    they may see that organisation's plan for that year (``rules.may_see_plan``);
    ``with_plans`` holds the ODS codes of the organisations with a plan for any year
    (``queries.codes_with_plans``; None: take every organisation to have one). Income changes
    follow the contracts and are shown to every partner, and so is a commissioner's cost (what
    it pays under them); anything computed from a plan they may not see is withheld, not only
    amounts:

    - the income change as a percentage of planned income (it gives the planned income);
    - the cost, stranded fixed cost and position of a provider costed from that plan's cost
      shape (they give its fixed and variable shares), and of a provider with no plan for the
      year but one for another year (saying it has none for this year would tell who has);
    - the system's total change, the order of the rows and the chart, which would give the
      withheld positions by difference; withheld rows go last, by name.

    An organisation with no plan for any year is said to have none, to everyone: which
    organisations have a plan at all is no secret (the typed move offers only those).
    """
    year = flows.year
    rows, withheld, unplanned = [], [], []

    def planless(code: str) -> bool:
        return with_plans is not None and code not in with_plans

    for r in flows.rows:
        percent_ok = r.planned_income is None or may_see(r.organisation, year)
        costed_from = r.plan_year if r.plan_year is not None else year
        is_provider = r.plan_year is not None or r.organisation in flows.unplanned
        costs_ok = (
            not is_provider or planless(r.organisation) or may_see(r.organisation, costed_from)
        )
        if not costs_ok:
            withheld.append(r.name)
        rows.append(
            r
            if percent_ok and costs_ok
            else replace(
                r,
                planned_income=r.planned_income if percent_ok else None,
                cost_change=r.cost_change if costs_ok else 0,
                stranded=r.stranded if costs_ok else 0,
                costs_hidden=not costs_ok,
            )
        )
    for code, name in flows.unplanned.items():
        (unplanned if planless(code) or may_see(code, year) else withheld).append(name)
    shown = sorted((r for r in rows if not r.costs_hidden), key=lambda r: r.position_change)
    hidden = sorted((r for r in rows if r.costs_hidden), key=lambda r: r.name.casefold())
    notes = [n for n in flows.notes if n != unplanned_note(flows.unplanned.values())]
    if unplanned:
        notes.append(unplanned_note(unplanned))
    if withheld:
        notes.append(
            f"Costs and positions not shown until their plans for {year_label(year)} are "
            f"published: {', '.join(sorted(set(withheld)))}"
        )
    return replace(
        flows,
        rows=shown + hidden,
        notes=notes,
        unplanned={c: n for c, n in flows.unplanned.items() if n in unplanned},
    )
