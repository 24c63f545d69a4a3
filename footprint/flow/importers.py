"""Reading a CSV of daily returns: one row per organisation per day, a column per measure.

Columns: ``ODS code``, ``Date`` (YYYY-MM-DD or DD/MM/YYYY), then any of the measures by their
key (``ga_beds_open``) or their words ("General and acute beds open"); a blank cell is a figure
not reported. Every problem is named by file, row and column; nothing is read half."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from footprint.core.imports import RowError, Table, decode, normalise_header, raise_if_any
from footprint.flow.models import Measure

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class ReturnRow:
    row: int
    ods_code: str
    date: dt.date
    figures: dict[str, str]  # measure → the cell as written (checked by the service)


def parse_date(text: str, row: int, column: str, errors: list[RowError]) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    errors.append(RowError(row, column, f"'{text}' is not a date: write it as 2026-11-30"))
    return None


def _measure_columns(table: Table) -> dict[str, str]:
    """Each measure column's heading in the file → the measure."""
    by_name = {normalise_header(m.value): m.value for m in Measure}
    by_name |= {normalise_header(m.label): m.value for m in Measure}
    return {
        h: by_name[normalise_header(h)] for h in table.headers if normalise_header(h) in by_name
    }


def read_returns(data: bytes, filename: str) -> list[ReturnRow]:
    """The rows of a daily-returns CSV, or ``ImportRejected`` naming every problem."""
    table = Table(decode(data, filename), filename)
    errors: list[RowError] = []
    code_col = table.require(errors, "ODS code", "ODS code", "Org code", "Organisation")
    date_col = table.require(errors, "Date", "Date", "Day")
    measures = _measure_columns(table)
    known = {normalise_header(h) for h in (code_col, date_col) if h} | {
        normalise_header(h) for h in measures
    }
    for h in table.headers:
        if h and normalise_header(h) not in known:
            errors.append(RowError(1, h, "no measure has this name (see docs/flow.md)"))
    if not measures and not errors:
        errors.append(RowError(1, "", "no column names a measure (see docs/flow.md)"))
    raise_if_any(filename, errors)
    assert code_col is not None and date_col is not None
    rows = []
    seen: dict[tuple[str, dt.date], int] = {}
    for n, cells in table.rows():
        code = cells[code_col].strip().upper()
        if not code:
            errors.append(RowError(n, code_col, "the organisation's ODS code is needed"))
        day = parse_date(cells[date_col], n, date_col, errors)
        if not code or day is None:
            continue
        if (code, day) in seen:
            errors.append(
                RowError(
                    n, date_col, f"{code} on {day:%-d %B %Y} is already on row {seen[code, day]}"
                )
            )
            continue
        seen[code, day] = n
        figures = {m: cells[h] for h, m in measures.items() if cells[h].strip()}
        rows.append(ReturnRow(n, code, day, figures))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has no returns"))
    raise_if_any(filename, errors)
    return rows
