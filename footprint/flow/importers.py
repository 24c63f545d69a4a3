"""Reading a CSV of daily returns: one row per organisation per day, a column per measure.

Columns: ``ODS code``, ``Date`` (YYYY-MM-DD or DD/MM/YYYY), then any of the measures by their
key (``ga_beds_open``) or their words ("General and acute beds open"); a blank cell is a figure
not given (a return already saved keeps its figure). Every problem is named by file, row and
column; nothing is read half.

``read_problems`` gives the rows it could read with the problems it found, so that the service
can add its own (an organisation not the caller's, a negative count) and list every problem of
the file at once; ``read_returns`` refuses at the first problem found here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from footprint.core.imports import (
    ImportRejected,
    RowError,
    Table,
    decode,
    normalise_header,
    raise_if_any,
)
from footprint.flow.models import Measure

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class ReturnRow:
    row: int
    ods_code: str
    date: dt.date | None  # None when the date could not be read (a problem already listed)
    figures: dict[str, str]  # measure → the cell as written (checked by the service)
    usable: bool = True  # False for a row with a problem of its own: checked, never saved


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


# The most returns one file may hold: a year of returns for eight organisations. The import
# runs in the web request and holds the database's write lock while it saves, so a bigger file
# (a 9,000-row file took 380 s, probe F1) is refused before any checking: split it.
RETURNS_MOST = 3_000


def read_returns(data: bytes, filename: str) -> list[ReturnRow]:
    """The rows of a daily-returns CSV, or ``ImportRejected`` naming every problem in the
    file's layout and cells (not those the service finds)."""
    rows, errors = read_problems(data, filename)
    raise_if_any(filename, errors)
    return rows


def read_problems(data: bytes, filename: str) -> tuple[list[ReturnRow], list[RowError]]:
    """The rows of a daily-returns CSV that could be read, and every problem found in them:
    headings that name no measure, a row with more or fewer cells than the first row, an ODS
    code missing, a date unreadable, a day twice. ``ImportRejected`` only when the file
    cannot be read at all (no ODS code or Date column, no measure, no rows)."""
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
            errors.append(
                RowError(1, h, "no figure has this name: use a column name from the template")
            )
    if not measures and not errors:
        errors.append(RowError(1, "", "no column names a figure: use the template's columns"))
    if code_col is None or date_col is None or not measures:
        raise_if_any(filename, errors)
    assert code_col is not None and date_col is not None
    width = len(table.headers)
    rows = []
    seen: dict[tuple[str, dt.date], int] = {}
    for n, raw in enumerate(table._rows, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(rows) == RETURNS_MOST:
            raise ImportRejected(
                filename,
                [
                    RowError(
                        n,
                        "",
                        f"the file has more than {RETURNS_MOST:,} returns, the most one import "
                        "takes: split it into smaller files (a few months each) and import "
                        "them one by one",
                    )
                ],
            )
        cells = {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(table.headers)}
        usable = True
        extra = [c for c in raw[width:] if c.strip()]
        if len(raw) < width or extra:
            errors.append(
                RowError(
                    n,
                    "",
                    f"the row has {len(raw)} cells but the first row has {width} headings: "
                    "is a cell missing, or a comma in a figure?",
                )
            )
            usable = False
        code = cells[code_col].strip().upper()
        if not code:
            errors.append(RowError(n, code_col, "the organisation's ODS code is needed"))
        day = parse_date(cells[date_col], n, date_col, errors)
        if not code or day is None:
            usable = False
        elif (code, day) in seen:
            errors.append(
                RowError(
                    n, date_col, f"{code} on {day:%-d %B %Y} is already on row {seen[code, day]}"
                )
            )
            usable = False
        else:
            seen[code, day] = n
        figures = {m: cells[h] for h, m in measures.items() if cells[h].strip()}
        rows.append(ReturnRow(n, code, day, figures, usable))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has no returns"))
    if not rows:
        raise_if_any(filename, errors)
    return rows, errors
