"""Reading uploaded tables: errors that name the file, row and column."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem in an imported file. ``row`` counts the header as row 1, as a
    spreadsheet does."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was not imported, and nothing was saved, because of these errors."""

    def __init__(self, filename: str, errors: Sequence[RowError]):
        self.filename = filename
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{filename}: {shown}{more}")

    def as_lines(self) -> list[str]:
        return [f"{self.filename}, {e}" for e in self.errors]


def decode(data: bytes, filename: str) -> str:
    """Decode an uploaded file as UTF-8 (with or without a byte-order mark)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(
            filename, [RowError(0, "", "the file is not UTF-8 text; save it as CSV UTF-8")]
        ) from exc


def normalise_header(name: str) -> str:
    """'ODS Code ' → 'ods code', so that headers match however they are typed."""
    return " ".join(name.strip().lower().replace("_", " ").split())


class Table:
    """A CSV file with headers matched case-insensitively, and rows numbered as a
    spreadsheet numbers them."""

    def __init__(self, text: str, filename: str):
        self.filename = filename
        reader = csv.reader(io.StringIO(text))
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


def parse_whole_number(value: str, row: int, column: str, errors: list[RowError]) -> int | None:
    """A non-negative whole number, allowing thousands separators ('1,234')."""
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
    return int(number)


def raise_if_any(filename: str, errors: Iterable[RowError]) -> None:
    errors = list(errors)
    if errors:
        raise ImportRejected(filename, errors)
