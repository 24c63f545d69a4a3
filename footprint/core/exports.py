"""Downloads: any table as a CSV file or an Excel workbook, inert in a spreadsheet.

The one CSV writer and the one Excel writer of the project. A name typed by an editor or a
statement written by an anonymous participant can begin ``=HYPERLINK(…)``; a spreadsheet that
opens the download must show it as text, never run it:

- in a CSV file a text cell that begins with ``= + - @``, a tab or a carriage return gets a
  leading apostrophe (spreadsheets then read it as text and hide the apostrophe); numbers are
  written as numbers, so a genuine ``-12`` stays a number;
- in an Excel workbook every text cell is stored as text (never a formula), with the control
  characters a workbook cannot hold removed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, what
# lets one hide behind whitespace).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> object:
    """A value as the CSV writer writes it: a string that a spreadsheet would read as a
    formula gets a leading apostrophe; numbers, dates and ``None`` are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_string(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A table as CSV text, every cell through ``csv_text``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_text(h) for h in header])
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return out.getvalue()


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so spreadsheets read it correctly)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    response.write(csv_string(header, rows))
    return response


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put ``value`` in a workbook cell: text always as text (never a formula), without the
    control characters a workbook cannot hold; anything else as openpyxl stores it."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"  # after the value: openpyxl reads a leading "=" as a formula
    else:
        cell.value = value
    return cell


def write_row(ws: Any, row: int, values: Sequence[object], start: int = 1) -> list[Cell]:
    """Write ``values`` into row ``row`` of sheet ``ws`` from column ``start``, through
    ``set_cell``."""
    return [set_cell(ws.cell(row, col), v) for col, v in enumerate(values, start=start)]


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "Data"
) -> bytes:
    """One table as an Excel workbook, with a bold header row and frozen panes."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    for cell in write_row(ws, 1, list(header)):
        cell.font = Font(bold=True)
    for i, row in enumerate(rows, start=2):
        write_row(ws, i, list(row))
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_sheets_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
) -> bytes:
    """Several tables as one Excel workbook, a sheet each (name, header, rows), each with a
    bold header row and frozen panes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(name[:31])
        for cell in write_row(ws, 1, list(header)):
            cell.font = Font(bold=True)
        for i, row in enumerate(rows, start=2):
            write_row(ws, i, list(row))
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_file_response(filename: str, data: bytes) -> HttpResponse:
    """An Excel workbook already made (``xlsx_bytes`` or a template) as a download."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]], sheet: str = "Data"
) -> HttpResponse:
    """An Excel download of one table, with a bold header row and frozen panes."""
    return xlsx_file_response(filename, xlsx_bytes(header, rows, sheet))
