"""Parse a measurements file into checked rows. Nothing here saves.

Columns: Metric (its short name), Period, Value, and optionally Organisation (ODS code),
Place (code), Neighbourhood (code) and Note. A blank value records a missing figure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from footprint.core.imports import RowError, Table, raise_if_any

MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)


@dataclass
class MeasurementRow:
    row: int
    metric: str
    period: dt.date
    value: float | None
    organisation: str
    place: str
    neighbourhood: str
    note: str


def parse_period(text: str) -> dt.date:
    """'2024-05' or '2024-05-01' → 1 May 2024; '2024/25' → 1 April 2024;
    '2024 Q1' → 1 January 2024. Raises ValueError with a hint."""
    text = text.strip()
    if m := MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        try:
            if m.group(3) and int(m.group(3)) != 1:
                dt.date(year, month, int(m.group(3)))  # a real date, or ValueError
            return dt.date(year, month, 1)
        except ValueError:
            raise ValueError(f"{text} is not a month; write it as 2025-04") from None
    if m := FINANCIAL_YEAR.match(text):
        start = int(m.group(1))
        if (start + 1) % 100 != int(m.group(2)):
            raise ValueError(f"'{text}' is not a financial year: {start}/{(start + 1) % 100:02d}?")
        return dt.date(start, 4, 1)
    if m := QUARTER.match(text):
        return dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
    raise ValueError(f"'{text}' is not a period: use 2024-05, 2024/25 or 2024 Q1")


def parse_measurements(text: str, filename: str) -> list[MeasurementRow]:
    table = Table(text, filename)
    errors: list[RowError] = []
    c_metric = table.require(errors, "Metric", "Metric", "Metric code")
    c_period = table.require(errors, "Period", "Period", "Month", "Date")
    c_value = table.require(errors, "Value", "Value")
    c_org = table.find("Organisation", "ODS code", "Organisation code")
    c_place = table.find("Place", "Place code")
    c_hood = table.find("Neighbourhood", "Neighbourhood code")
    c_note = table.find("Note")
    raise_if_any(filename, errors)
    assert c_metric and c_period and c_value
    rows: list[MeasurementRow] = []
    seen: dict[tuple[str, str, str, str, dt.date], int] = {}
    for n, rec in table.rows():
        try:
            period = parse_period(rec[c_period])
        except ValueError as exc:
            errors.append(RowError(n, c_period, str(exc)))
            continue
        raw = rec[c_value].replace(",", "").strip()
        value: float | None = None
        if raw:
            try:
                value = float(raw.rstrip("%"))
            except ValueError:
                errors.append(RowError(n, c_value, f"'{rec[c_value]}' is not a number"))
                continue
        org = rec[c_org].strip().upper() if c_org else ""
        place = rec[c_place].strip() if c_place else ""
        hood = rec[c_hood].strip() if c_hood else ""
        if sum(bool(x) for x in (org, place, hood)) > 1:
            errors.append(
                RowError(
                    n,
                    c_org or "",
                    "give one of organisation, place or "
                    "neighbourhood (or none, for the whole system)",
                )
            )
            continue
        metric = rec[c_metric].strip()
        if not metric:
            errors.append(RowError(n, c_metric, "a metric is needed"))
            continue
        key = (metric, org, place, hood, period)
        if key in seen:
            errors.append(
                RowError(n, c_period, f"the same metric, subject and period is on row {seen[key]}")
            )
            continue
        seen[key] = n
        rows.append(
            MeasurementRow(
                n, metric, period, value, org, place, hood, rec[c_note] if c_note else ""
            )
        )
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no measurements"))
    raise_if_any(filename, errors)
    return rows
