"""Parse a measurements file into checked rows. Nothing here saves.

Columns: Metric (its short name), Period, Value, and optionally Organisation (ODS code),
Place (code), Neighbourhood (code) and Note. A blank value records a missing figure.

A figure split by deprivation or ethnic group names its Breakdown (quintile, decile or ethnic
group; blank for the whole population) and its Group ('1' to '5' from the most deprived, or a
Census 2021 ethnic group), and may give its Population (the people it is about, which the
slope index of inequality weights by). A period of a deprivation breakdown that gives some
quintiles (or deciles) must give them all: a missing one is an error naming its rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from footprint.core import breakdowns
from footprint.core.breakdowns import Breakdown
from footprint.core.imports import RowError, Table, raise_if_any

MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
QUARTER = re.compile(r"^(\d{4})\s*Q([1-4])$", re.IGNORECASE)


@dataclass
class MeasurementRow:
    row: int
    metric: str
    period: dt.date | None
    value: float | None
    organisation: str
    place: str
    neighbourhood: str
    note: str
    breakdown: str = ""
    category: str = ""
    population: float | None = None
    # A row with a problem of its own: checked for its metric and subject, never saved.
    incomplete: bool = False


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
    """The checked rows of a measurements file, or ``ImportRejected`` listing every problem
    found in it (by row and column)."""
    rows, errors = read_measurements(text, filename)
    raise_if_any(filename, errors)
    return rows


def read_measurements(text: str, filename: str) -> tuple[list[MeasurementRow], list[RowError]]:
    """Every row of a measurements file checked, field by field, and every problem found:
    one bad cell does not hide another, in its row or any other. A row with a problem comes
    back ``incomplete`` (its period or value may be missing) so that the service can still
    check its metric and subject; it is never saved."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_metric = table.require(errors, "Metric", "Metric", "Metric code")
    c_period = table.require(errors, "Period", "Period", "Month", "Date")
    c_value = table.require(errors, "Value", "Value")
    c_org = table.find("Organisation", "ODS code", "Organisation code")
    c_place = table.find("Place", "Place code")
    c_hood = table.find("Neighbourhood", "Neighbourhood code")
    c_note = table.find("Note")
    c_breakdown = table.find("Breakdown", "Split by")
    c_group = table.find("Group", "Category", "Quintile", "Decile", "Ethnic group")
    c_population = table.find("Population", "Denominator")
    if c_breakdown and not c_group:
        errors.append(RowError(1, c_breakdown, "a Breakdown column needs a Group column"))
    rows: list[MeasurementRow] = []
    seen: dict[tuple[str, str, str, str, str, str, dt.date], int] = {}
    any_row = False
    for n, rec in table.rows():
        any_row = True
        found: list[RowError] = []
        period: dt.date | None = None
        if c_period:
            try:
                period = parse_period(rec[c_period])
            except ValueError as exc:
                found.append(RowError(n, c_period, str(exc)))
        value: float | None = None
        if c_value and (raw := rec[c_value].replace(",", "").strip()):
            try:
                value = float(raw.rstrip("%"))
            except ValueError:
                found.append(RowError(n, c_value, f"'{rec[c_value]}' is not a number"))
        org = rec[c_org].strip().upper() if c_org else ""
        place = rec[c_place].strip() if c_place else ""
        hood = rec[c_hood].strip() if c_hood else ""
        subject_ok = sum(bool(x) for x in (org, place, hood)) <= 1
        if not subject_ok:
            found.append(
                RowError(
                    n,
                    c_org or c_place or "",
                    "give one of organisation, place or "
                    "neighbourhood (or none, for the whole system)",
                )
            )
        metric = rec[c_metric].strip() if c_metric else ""
        if c_metric and not metric:
            found.append(RowError(n, c_metric, "a metric is needed"))
        kind = category = ""
        try:
            kind, category = _group(rec[c_breakdown] if c_breakdown else "", rec, c_group)
        except _GroupError as exc:
            found.append(RowError(n, exc.column or c_group or "", str(exc)))
        population = None
        if c_population and (raw := rec[c_population].replace(",", "").strip()):
            try:
                population = float(raw)
            except ValueError:
                found.append(RowError(n, c_population, f"'{raw}' is not a number of people"))
            else:
                if not (population > 0 and population < 1e9):
                    found.append(
                        RowError(
                            n,
                            c_population,
                            f"a population of {raw}: give the people the figure is about, above 0",
                        )
                    )
                    population = None
        if not found and period is not None:
            key = (metric, org, place, hood, kind, category, period)
            if key in seen:
                same = "metric, subject, group and period" if kind else "metric, subject and period"
                found.append(RowError(n, c_period or "", f"the same {same} is on row {seen[key]}"))
            else:
                seen[key] = n
        errors += found
        if metric and subject_ok:
            rows.append(
                MeasurementRow(
                    n,
                    metric,
                    period,
                    value,
                    org,
                    place,
                    hood,
                    rec[c_note] if c_note else "",
                    kind,
                    category,
                    population,
                    incomplete=bool(found) or period is None,
                )
            )
    errors += missing_quantiles([r for r in rows if not r.incomplete], c_group or "Group")
    if not any_row:
        errors.append(RowError(2, "", "the file has headings but no measurements"))
    errors.sort(key=lambda e: e.row)
    return rows, errors


class _GroupError(ValueError):
    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.column = column


def _group(breakdown_text: str, rec: dict[str, str], c_group: str | None) -> tuple[str, str]:
    """A row's breakdown and category code; the whole population is ('', '')."""
    group = rec[c_group].strip() if c_group else ""
    try:
        kind = breakdowns.breakdown_of(breakdown_text)
    except ValueError as exc:
        raise _GroupError(str(exc), "Breakdown") from None
    if kind is Breakdown.NONE and c_group and c_group.lower() in {"quintile", "decile"}:
        kind = Breakdown.QUINTILE if c_group.lower() == "quintile" else Breakdown.DECILE
    if kind is Breakdown.NONE and c_group and c_group.lower() == "ethnic group":
        kind = Breakdown.ETHNIC_GROUP
    if kind is Breakdown.NONE:
        if group:
            raise _GroupError(
                f"the group '{group}' needs its breakdown (quintile, decile or ethnic group) "
                "in the Breakdown column"
            )
        return "", ""
    if not group:
        raise _GroupError(f"a figure by {Breakdown(kind).label.lower()} needs its group")
    try:
        return str(kind), breakdowns.category_of(kind, group)
    except ValueError as exc:
        raise _GroupError(str(exc)) from None


def missing_quantiles(rows: list[MeasurementRow], column: str) -> list[RowError]:
    """A period of a deprivation breakdown that gives some quintiles (or deciles) but not
    all: an error on its first row, naming the missing ones and the rows given."""
    groups: dict[tuple[str, str, str, str, str, dt.date], list[MeasurementRow]] = {}
    for r in rows:
        if r.period and r.breakdown and Breakdown(r.breakdown).is_deprivation:
            key = (r.metric, r.organisation, r.place, r.neighbourhood, r.breakdown, r.period)
            groups.setdefault(key, []).append(r)
    errors = []
    for (metric, *_, kind, period), given in groups.items():
        codes = [code for code, _ in breakdowns.categories(kind)]
        missing = [c for c in codes if c not in {r.category for r in given}]
        if missing:
            noun = "quintile" if kind == Breakdown.QUINTILE else "decile"
            plural = "s" if len(missing) > 1 else ""
            rows_given = ", ".join(str(r.row) for r in given)
            errors.append(
                RowError(
                    given[0].row,
                    column,
                    f"{metric} for {period:%B %Y} gives {len(given)} of the {len(codes)} "
                    f"{noun}s (rows {rows_given}): {noun}{plural} {', '.join(missing)} "
                    f"{'are' if plural else 'is'} missing; give every {noun}, with a blank "
                    "value for one not known",
                )
            )
    return errors
