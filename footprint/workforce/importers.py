"""Parse workforce returns and agency shifts. Nothing here saves.

Returns, one row per organisation, month and staff group (NHS Digital's workforce statistics
names where they exist): Period, Org code, Staff group, Headcount, FTE, Establishment FTE,
Joiners, Leavers, Sickness FTE days lost, FTE days available, Pay bill, Bank spend,
Agency spend (money in pounds).

Shifts: Date, Org code, Agency, Staff group, Grade, Hours, Hourly rate (pounds), Reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from footprint.core.imports import RowError, Table, parse_whole_number, raise_if_any
from footprint.workforce.models import StaffGroup

GROUPS = {
    **{v: v for v in StaffGroup.values},
    **{str(label).lower(): value for value, label in StaffGroup.choices},
}


@dataclass
class ReturnRow:
    row: int
    organisation: str
    month: dt.date
    staff_group: str
    figures: dict[str, float]


@dataclass
class ShiftRow:
    row: int
    date: dt.date
    organisation: str
    agency: str
    staff_group: str
    grade: str
    hours: float
    rate_pence: int
    reason: str


def _month(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%b %Y", "%B %Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
            return day.replace(day=1)
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a month: use 2025-04")


def _pence(text: str) -> int:
    try:
        return int(Decimal(text.replace(",", "").replace("£", "").strip()) * 100)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount of money") from None


def _number(text: str, row: int, column: str, errors: list[RowError]) -> float | None:
    try:
        value = float(text.replace(",", "").strip())
    except ValueError:
        errors.append(RowError(row, column, f"'{text}' is not a number"))
        return None
    if value < 0:
        errors.append(RowError(row, column, f"'{text}' is negative"))
        return None
    return value


RETURN_COLUMNS = {
    "headcount": ("Headcount",),
    "wte": ("FTE", "WTE"),
    "establishment_wte": ("Establishment FTE", "Establishment WTE"),
    "joiners": ("Joiners",),
    "leavers": ("Leavers",),
    "sickness_days_lost": ("Sickness FTE days lost", "FTE days lost"),
    "days_available": ("FTE days available",),
}
MONEY_COLUMNS = {
    "pay_bill_pence": "Pay bill",
    "bank_pence": "Bank spend",
    "agency_pence": "Agency spend",
}


def parse_returns(text: str, filename: str) -> list[ReturnRow]:
    table = Table(text, filename)
    errors: list[RowError] = []
    c_period = table.require(errors, "Period", "Period", "Date", "Month")
    c_org = table.require(errors, "Org code", "Org code", "Organisation code", "ODS code")
    c_group = table.require(errors, "Staff group", "Staff group")
    cols = {name: table.require(errors, names[0], *names) for name, names in RETURN_COLUMNS.items()}
    money = {name: table.require(errors, label, label) for name, label in MONEY_COLUMNS.items()}
    raise_if_any(filename, errors)
    rows: list[ReturnRow] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    for n, rec in table.rows():
        try:
            month = _month(rec[c_period])
        except ValueError as exc:
            errors.append(RowError(n, c_period or "", str(exc)))
            continue
        group = GROUPS.get(rec[c_group].strip().lower())
        if group is None:
            errors.append(
                RowError(
                    n,
                    c_group or "",
                    f"'{rec[c_group]}' is not a staff group Footprint knows",
                )
            )
            continue
        figures: dict[str, float] = {}
        for name, col in cols.items():
            if name in {"headcount", "joiners", "leavers"}:
                value = parse_whole_number(rec[col], n, col, errors)
            else:
                value = _number(rec[col], n, col, errors)
            if value is not None:
                figures[name] = value
        for name, col in money.items():
            try:
                figures[name] = _pence(rec[col])
            except ValueError as exc:
                errors.append(RowError(n, col or "", str(exc)))
        if len(figures) < len(cols) + len(money):
            continue
        if figures["sickness_days_lost"] > figures["days_available"]:
            errors.append(
                RowError(n, cols["sickness_days_lost"] or "", "more days lost than days available")
            )
            continue
        if figures["bank_pence"] + figures["agency_pence"] > figures["pay_bill_pence"]:
            errors.append(
                RowError(
                    n,
                    money["agency_pence"] or "",
                    "bank and agency spend are more than the pay bill",
                )
            )
            continue
        org = rec[c_org].strip().upper()
        key = (org, month, group)
        if key in seen:
            errors.append(
                RowError(
                    n, c_org or "", f"{org}, {month:%Y-%m}, {group} is already on row {seen[key]}"
                )
            )
            continue
        seen[key] = n
        rows.append(ReturnRow(n, org, month, group, figures))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no returns"))
    raise_if_any(filename, errors)
    return rows


def parse_shifts(text: str, filename: str) -> list[ShiftRow]:
    table = Table(text, filename)
    errors: list[RowError] = []
    c = {
        name: table.require(errors, label, label, *alts)
        for name, label, alts in (
            ("date", "Date", ()),
            ("org", "Org code", ("Organisation code", "ODS code")),
            ("agency", "Agency", ()),
            ("group", "Staff group", ()),
            ("grade", "Grade", ()),
            ("hours", "Hours", ()),
            ("rate", "Hourly rate", ("Rate",)),
        )
    }
    c_reason = table.find("Reason")
    raise_if_any(filename, errors)
    rows: list[ShiftRow] = []
    for n, rec in table.rows():
        try:
            day = dt.date.fromisoformat(rec[c["date"]].strip())
        except ValueError:
            errors.append(
                RowError(
                    n,
                    c["date"] or "",
                    f"'{rec[c['date']]}' is not a date: use 2025-04-30",
                )
            )
            continue
        group = GROUPS.get(rec[c["group"]].strip().lower())
        if group is None:
            errors.append(
                RowError(
                    n,
                    c["group"] or "",
                    f"'{rec[c['group']]}' is not a staff group Footprint knows",
                )
            )
            continue
        hours = _number(rec[c["hours"]], n, c["hours"] or "", errors)
        try:
            rate = _pence(rec[c["rate"]])
        except ValueError as exc:
            errors.append(RowError(n, c["rate"] or "", str(exc)))
            continue
        agency = rec[c["agency"]].strip()
        if not agency:
            errors.append(RowError(n, c["agency"] or "", "the agency is needed"))
            continue
        if hours is None:
            continue
        rows.append(
            ShiftRow(
                n,
                day,
                rec[c["org"]].strip().upper(),
                agency,
                group,
                rec[c["grade"]].strip(),
                hours,
                rate,
                rec[c_reason].strip() if c_reason else "",
            )
        )
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no shifts"))
    raise_if_any(filename, errors)
    return rows
