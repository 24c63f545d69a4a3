"""Reading uploaded tables: errors that name the file, row and column, and the limits every
upload is held to before it is parsed (``Limits``: bytes uploaded, bytes once a compressed
file is expanded, rows, columns and cells), so that no file can exhaust a worker's memory or
time."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The most an upload of one kind may hold. ``expanded`` bounds a compressed file (an
    Excel workbook is a zip) once expanded, as its zip directory declares the sizes (Python's
    zip reader never gives more than the declared size)."""

    bytes: int
    rows: int
    columns: int
    cells: int
    expanded: int = 0

    def size_problem(self, size: int, filename: str) -> str | None:
        """Why a file of ``size`` bytes is refused before it is read, or None."""
        if size > self.bytes:
            return (
                f"{filename} is {in_megabytes(size)}, more than the {in_megabytes(self.bytes)} "
                "Footprint takes in one file: split it into smaller files"
            )
        return None


def in_megabytes(size: int) -> str:
    """A file's size for people: '20 MB', '20.5 MB', '0.01 MB'."""
    mb = size / MB
    return f"{mb:,.{0 if mb == int(mb) else 1 if mb >= 1 else 2}f} MB"


# A CSV of measurements, returns, shifts, organisations or population: a table is held in
# memory while it is checked, so its cells are bounded (2,000,000 short cells are some 150 MB
# of Python strings). A footprint's population projection (a dozen areas, 2 sexes, 92 ages,
# 30 columns) is some 70,000 cells; five years of monthly returns for 50 organisations and 10
# staff groups, 30,000 rows.
TABLE = Limits(bytes=20 * MB, rows=200_000, columns=200, cells=2_000_000)
# Record-level activity: a year of hospital episodes for a footprint of a million people is
# well under a million rows; bigger files should use the aggregated layout.
ACTIVITY = Limits(bytes=60 * MB, rows=1_000_000, columns=20, cells=12_000_000)
# A finance plan workbook: the template has some 30 rows and a column per year, and expands
# to tens of kilobytes. openpyxl reads a whole sheet that does not state its size before the
# first row, so the expanded size is what bounds the work: 5 MB is about 2 s.
WORKBOOK = Limits(bytes=5 * MB, rows=500, columns=50, cells=25_000, expanded=5 * MB)
# A demand parameters document (JSON).
DOCUMENT = Limits(bytes=1 * MB, rows=0, columns=0, cells=0)
# The most any upload may be, the request's body included: the largest of the above.
LARGEST_UPLOAD = max(TABLE.bytes, ACTIVITY.bytes, WORKBOOK.bytes, DOCUMENT.bytes)


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file. ``row`` counts the header as row 1, as a
    spreadsheet does; row 0 is a problem of the whole file (or of a column, if named)."""

    row: int
    column: str
    message: str

    @property
    def where(self) -> str:
        """'row 3, column 'Date'', 'column 'A'', or '' for the whole file."""
        parts = ([f"row {self.row}"] if self.row > 0 else []) + (
            [f"column '{self.column}'"] if self.column else []
        )
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def in_file(self, filename: str) -> str:
        """The problem with the file's name: 'plan.xlsx, row 3: …' or 'plan.xlsx: …'."""
        return f"{filename}, {self}" if self.where else f"{filename}: {self}"


class ImportRejected(Exception):
    """The file was not imported, and nothing was saved, because of these errors."""

    def __init__(self, filename: str, errors: Sequence[RowError]):
        self.filename = filename
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{filename}: {shown}{more}")

    def as_lines(self) -> list[str]:
        return [e.in_file(self.filename) for e in self.errors]


def decode(data: bytes, filename: str) -> str:
    """Decode an uploaded file as UTF-8 (with or without a byte-order mark), refusing one
    that holds a NUL character (see ``refuse_nul``)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            filename, [RowError(0, "", "the file is not UTF-8 text; save it as CSV UTF-8")]
        ) from exc
    refuse_nul(text, filename)
    return text


NUL = "\x00"


def nul_problem(value: str) -> str | None:
    """Why text holding a NUL character is refused, or None: no field of Footprint keeps one
    (PostgreSQL cannot), and in a text file it means the file is not text at all."""
    if NUL in value:
        return "holds a NUL character (\\0), which no text may hold: is this the right file?"
    return None


def refuse_nul(text: str, filename: str) -> None:
    """Raise ``ImportRejected`` naming the first row (line) that holds a NUL character."""
    at = text.find(NUL)
    if at >= 0:
        row = text.count("\n", 0, at) + 1
        problem = nul_problem(text) or ""
        raise ImportRejected(filename, [RowError(row, "", f"this row {problem}")])


def _too_many(limits: Limits, rows: int, columns: int, cells: int) -> str | None:
    if rows > limits.rows:
        return f"the file has more than {limits.rows:,} rows, the most Footprint takes in one file"
    if columns > limits.columns:
        return f"the row has {columns:,} columns, more than the {limits.columns:,} Footprint takes"
    if cells > limits.cells:
        return f"the file has more than {limits.cells:,} cells, the most Footprint takes"
    return None


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text``, each with its line ending, as slices: no copy of the whole text
    (``io.StringIO`` would hold one, four bytes a character)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def csv_rows(text: str, filename: str, limits: Limits = TABLE) -> Iterator[list[str]]:
    """The rows of CSV ``text``, read one at a time and refused (``ImportRejected``) as soon as
    there are more rows, columns or cells than ``limits`` allow, or a cell is too long to be
    one, before the rest is read."""
    reader = csv.reader(_lines(text))
    rows = cells = 0
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRejected(
                filename, [RowError(reader.line_num, "", f"the row cannot be read as CSV: {exc}")]
            ) from None
        rows += 1
        cells += len(raw)
        if problem := _too_many(limits, rows, len(raw), cells):
            raise ImportRejected(filename, [RowError(rows, "", problem)])
        yield raw


def check_csv(data: bytes, filename: str, limits: Limits) -> None:
    """Refuse CSV ``data`` (``ImportRejected``) that is larger, has more rows, columns or cells
    than ``limits``, or holds a NUL, reading it once as a stream without keeping it."""
    if problem := limits.size_problem(len(data), filename):
        raise ImportRejected(filename, [RowError(0, "", problem)])
    for _ in csv_rows(decode(data, filename), filename, limits):
        pass


def open_workbook(data: bytes, filename: str, limits: Limits = WORKBOOK) -> Any:
    """An openpyxl workbook opened read-only (streamed), after checking that the file is a zip
    whose members, as its directory declares them, expand to no more than ``limits.expanded``
    bytes: a "zip bomb" is refused before a byte of it is expanded."""
    from openpyxl import load_workbook  # only the worker reads workbooks

    not_a_workbook = RowError(0, "", "this is not an Excel workbook (.xlsx)")
    if problem := limits.size_problem(len(data), filename):
        raise ImportRejected(filename, [RowError(0, "", problem)])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRejected(filename, [not_a_workbook]) from None
    expanded = sum(m.file_size for m in members)
    if len(members) > 1_000 or expanded > limits.expanded:
        raise ImportRejected(
            filename,
            [
                RowError(
                    0,
                    "",
                    f"the workbook expands to {expanded / MB:,.0f} MB, more than the "
                    f"{limits.expanded // MB} MB a plan workbook can need: save only the plan "
                    "sheets",
                )
            ],
        )
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRejected(filename, [not_a_workbook]) from exc


def sheet_rows(sheet: Any, where: str, limits: Limits = WORKBOOK) -> list[list[Any]]:
    """The values of a read-only worksheet's rows, streamed and refused (``ImportRejected``
    naming ``where``) at the first row past ``limits.rows`` or cell past ``limits.columns``;
    text holding a NUL is refused by row and column."""
    rows: list[list[Any]] = []
    cells = 0
    # Explicit bounds, so that openpyxl neither measures the whole sheet first nor reads past
    # the first row over the limit.
    bounded = sheet.iter_rows(
        min_row=1, max_row=limits.rows + 1, max_col=limits.columns + 1, values_only=True
    )
    for n, row in enumerate(bounded, start=1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        cells += len(values)
        if problem := _too_many(limits, n, len(values), cells):
            raise ImportRejected(where, [RowError(n, "", problem)])
        for j, value in enumerate(values):
            if isinstance(value, str) and (problem := nul_problem(value)):
                from openpyxl.utils import get_column_letter

                raise ImportRejected(where, [RowError(n, get_column_letter(j + 1), problem)])
        rows.append(values)
    return rows


def normalise_header(name: str) -> str:
    """'ODS Code ' → 'ods code', so that headers match however they are typed."""
    return " ".join(name.strip().lower().replace("_", " ").split())


class Table:
    """A CSV file with headers matched case-insensitively, and rows numbered as a
    spreadsheet numbers them."""

    def __init__(self, text: str, filename: str, limits: Limits = TABLE):
        self.filename = filename
        refuse_nul(text, filename)
        reader = csv_rows(text, filename, limits)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportRejected(filename, [RowError(1, "", "the file is empty")]) from None
        self.headers = [h.strip() for h in header]
        self.index = {normalise_header(h): i for i, h in enumerate(self.headers)}
        self._rows = list(reader)
        if not any(h for h in self.headers):
            raise ImportRejected(filename, [RowError(1, "", "the first row has no headings")])

    def find(self, *names: str) -> str | None:
        """The heading, as written in the file, of the first of ``names`` present."""
        for name in names:
            i = self.index.get(normalise_header(name))
            if i is not None:
                return self.headers[i]
        return None

    def require(self, errors: list[RowError], label: str, *names: str) -> str | None:
        """Like ``find``, recording an error naming the column when it is missing."""
        found = self.find(*names)
        if found is None:
            errors.append(RowError(1, label, "this column is missing"))
        return found

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, {heading: value}) for each non-blank row."""
        for n, raw in enumerate(self._rows, start=2):
            if not any(cell.strip() for cell in raw):
                continue
            yield (
                n,
                {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(self.headers)},
            )


# Periods and years: a partnership holds no figures from before 2000 (earlier is a mistyped
# year), and plans, projections and targets look at most ``YEARS_AHEAD`` years past an explicit
# ``today`` (measured figures stop earlier: at the last period that is over, which each app
# checks). The window for a year is therefore 2000 to today's year + 10: on 30 November 2026,
# 2000 to 2036.
EARLIEST_YEAR = 2000
YEARS_AHEAD = 10
# No count, amount or figure Footprint keeps is anywhere near this; more is a mistake.
MOST_ANY = 10**12


def year_problem(year: int, *, today: dt.date | None, ahead: int = YEARS_AHEAD) -> str | None:
    """Why ``year`` is outside the window (from ``EARLIEST_YEAR`` to ``ahead`` years after
    ``today``'s year), or None. With no ``today`` only the start of the window is checked."""
    if year < EARLIEST_YEAR:
        return f"{year} is before {EARLIEST_YEAR}: is the year right?"
    if today is not None and year > today.year + ahead:
        years = {1: "a year", 10: "ten years"}.get(ahead, f"{ahead} years")
        return f"{year} is more than {years} after {today.year}: is the year right?"
    return None


def parse_number(
    text: str,
    row: int,
    column: str,
    errors: list[RowError],
    *,
    least: float = 0,
    most: float,
    whole: bool = False,
    why: str = "is it in the right unit?",
) -> float | None:
    """A finite number from ``least`` to ``most`` (a whole one if ``whole``), allowing
    thousands separators and a pound sign, or None with the error recorded by row and column:
    the one definition of a plausible number every importer uses. 'Infinity', 'nan', '1e300'
    and a NUL are refused, each in words."""
    if problem := nul_problem(text):
        errors.append(RowError(row, column, f"the cell {problem}"))
        return None
    cleaned = text.replace(",", "").replace("£", "").strip()
    if not cleaned:
        errors.append(RowError(row, column, "a number is needed here"))
        return None
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        errors.append(RowError(row, column, f"'{text}' is not a number"))
        return None
    if number < least:
        below = "is negative" if least == 0 else f"is less than {least:,g}"
        errors.append(RowError(row, column, f"'{text}' {below}"))
        return None
    if whole and number != int(number):
        errors.append(RowError(row, column, f"'{text}' is not a whole number"))
        return None
    if number > most:
        errors.append(RowError(row, column, f"'{text}' is more than {_shown(most)}: {why}"))
        return None
    return number


def _shown(number: float) -> str:
    """1550000 → '1,550,000'; 2.5 → '2.5'."""
    return f"{number:,.0f}" if number == int(number) else f"{number:,g}"


def parse_whole_number(
    value: str, row: int, column: str, errors: list[RowError], *, most: int = MOST_ANY
) -> int | None:
    """A non-negative whole number no more than ``most``, allowing thousands separators
    ('1,234')."""
    cleaned = value.replace(",", "").strip()
    if cleaned == "":
        errors.append(RowError(row, column, "a number is needed here"))
        return None
    try:
        number = float(cleaned)
    except ValueError:
        errors.append(RowError(row, column, f"'{value}' is not a number"))
        return None
    if not math.isfinite(number) or number != int(number):
        errors.append(RowError(row, column, f"'{value}' is not a whole number"))
        return None
    if number < 0:
        errors.append(RowError(row, column, f"'{value}' is negative"))
        return None
    if number > most:
        errors.append(RowError(row, column, f"'{value}' is more than {most:,}: is it right?"))
        return None
    return int(number)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number: give a finite number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a number Footprint can hold: give a smaller one")
    return number


def load_json(text: str) -> Any:
    """A JSON document, refusing (``ValueError``, in words) what Python's reader lets through
    but JSON does not allow: ``Infinity``, ``NaN`` and numbers too large to be finite
    (``1e400``), and any NUL character."""
    if problem := nul_problem(text):
        raise ValueError(f"the document {problem}")
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite)


def raise_if_any(filename: str, errors: Iterable[RowError]) -> None:
    errors = list(errors)
    if errors:
        raise ImportRejected(filename, errors)
