"""A year's system summary as a document that can be kept: exactly the figures the public
page and the public API show, built from the system's figures when the programme office
publishes, and compared between publications to say what changed.

Plain data in, plain data out (JSON-ready: whole pence, strings), so what is stored is what
is shown and two documents compare with ``==``."""

from __future__ import annotations

from typing import Any

from footprint.finance.compute import OrgYear, SystemYear

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
