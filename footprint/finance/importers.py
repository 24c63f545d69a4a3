"""The financial plan workbook: the template the app hands out, and reading it back.

One sheet, "Plan": the organisation's ODS code in B1, then a row of financial years and one
row per line. Money is in pounds (to the penny), shares in per cent. A year column left empty
is ignored; a year column partly filled is an error naming each empty cell.

Every problem is found in one reading (``read_plan_workbook``): each cell is checked on its
own, so a wrong cell never hides another, and the service adds what only it can check (the
organisation, who may change its plans, the commissioners' codes) before anything is saved.
A cell holding a formula is read as the value the spreadsheet saved with it; a formula with
no saved value (a file written by a program rather than Excel) is named as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from footprint.core.exports import set_cell
from footprint.core.imports import (
    WORKBOOK,
    ImportRejected,
    RowError,
    open_workbook,
    sheet_rows,
    year_problem,
)
from footprint.finance.models import OTHER_INCOME, year_label

SHEET = "Plan"
HEADER_ROW = 3
CONTROL_TOTAL = "Control total (£)"
OTHER = "Other income (£)"
PAY = "Pay (£)"
NON_PAY = "Non-pay (£)"
FIXED = "Fixed share of expenditure (%)"
SEMI_FIXED = "Semi-fixed share of expenditure (%)"
INCOME = re.compile(r"^income from ([a-z0-9]{3,6})\b", re.IGNORECASE)
YEAR = re.compile(r"^(\d{4})/(\d{2})$")


@dataclass(frozen=True)
class PlanFigures:
    """One year of a plan as read from the workbook (money in pence)."""

    year: int
    income: dict[str, int]
    pay_pence: int
    non_pay_pence: int
    fixed_percent: Decimal
    semi_fixed_percent: Decimal
    control_total_pence: int
    row: int  # the header row, for errors about the whole year
    column: str


@dataclass(frozen=True)
class PlanWorkbook:
    """A plan workbook as read: its organisation's code, each year whose cells are all right,
    and every problem found in the cells (``problems``; the workbook is saved only with
    none). ``where`` names the file and sheet; ``income_rows`` the row of each 'Income from'
    line, so that the service can name an unknown commissioner's row."""

    organisation: str
    years: list[PlanFigures]
    problems: tuple[RowError, ...] = ()
    where: str = ""
    income_rows: Mapping[str, int] = field(default_factory=dict)


def template(
    organisation: Any,
    years: Sequence[int],
    commissioners: Sequence[Any],
    plans: Mapping[int, Any],
) -> bytes:
    """A workbook for ``organisation``'s plans in ``years``, filled with its current plans
    where there are any, with a row for each commissioner's contract."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    bold = Font(bold=True)
    ws["A1"], ws["B1"] = "Organisation ODS code", organisation.ods_code
    set_cell(ws["C1"], organisation.name)  # names are text, never formulas (core.exports)
    ws["A1"].font = bold
    ws["A2"] = "Money in pounds; positive control totals are surpluses, negative deficits."
    ws.cell(HEADER_ROW, 1, "Line").font = bold
    for j, year in enumerate(years, start=2):
        ws.cell(HEADER_ROW, j, year_label(year)).font = bold
        ws.column_dimensions[get_column_letter(j)].width = 16
    ws.column_dimensions["A"].width = 60
    lines: list[tuple[str, Any]] = [(CONTROL_TOTAL, lambda p: p.control_total_pence / 100)]
    for c in commissioners:
        lines.append(
            (
                f"Income from {c.ods_code} – {c.name} (£)",
                lambda p, code=c.ods_code: int(p.income.get(code, 0)) / 100,
            )
        )
    lines += [
        (OTHER, lambda p: int(p.income.get(OTHER_INCOME, 0)) / 100),
        (PAY, lambda p: p.pay_pence / 100),
        (NON_PAY, lambda p: p.non_pay_pence / 100),
        (FIXED, lambda p: float(p.fixed_percent)),
        (SEMI_FIXED, lambda p: float(p.semi_fixed_percent)),
    ]
    shade = PatternFill("solid", fgColor="E8EDEE")
    for i, (label, value) in enumerate(lines, start=HEADER_ROW + 1):
        set_cell(ws.cell(i, 1), label).fill = shade
        for j, year in enumerate(years, start=2):
            plan = plans.get(year)
            cell = ws.cell(i, j, value(plan) if plan is not None else None)
            cell.number_format = "0.00" if "%" in label else "#,##0.00"
    guide = wb.create_sheet("Guide")
    for r, text in enumerate(
        [
            "How to fill in this plan",
            "Fill one column per financial year; leave a year's column empty to leave it alone.",
            "Income from each commissioner is what its contract pays you; add a row 'Income "
            "from <ODS code> (£)' for a commissioner not listed.",
            "Other income: education and training, allocations, charges and anything else.",
            "Fixed share: costs that do not change with activity (estates, depreciation). "
            "Semi-fixed: costs that step (staffed wards). The rest is variable.",
            "Upload the file on the organisation's finance page. Nothing is saved unless every "
            "figure is valid.",
        ],
        start=1,
    ):
        guide.cell(r, 1, text)
    guide["A1"].font = bold
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# The largest NHS organisations' plans (an ICB's allocation, the biggest trusts' income) are a
# few billion pounds a year; a figure over £100 billion for one organisation's year is pence
# typed as pounds, or no figure at all (1e300).
MOST_POUNDS = 100_000_000_000


def _money(value: Any) -> int:
    """Pounds (a number, or text such as '£1,234.50' or '(1,234)') → whole pence, finite and
    within ±``MOST_POUNDS``."""
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("£", "")
        negative = text.startswith("(") and text.endswith(")")
        value = ("-" + text[1:-1]) if negative else text
    try:
        pounds = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("is not an amount of money") from None
    if not pounds.is_finite():
        raise ValueError("is not an amount of money")
    if abs(pounds) > MOST_POUNDS:
        raise ValueError(
            f"is more than £{MOST_POUNDS:,} for one organisation's year: is it in pounds?"
        )
    pence = pounds * 100
    if pence != pence.to_integral_value():
        raise ValueError("has fractions of a penny")
    return int(pence)


def _percent(value: Any) -> Decimal:
    try:
        share = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        raise ValueError("is not a percentage") from None
    if not share.is_finite():
        raise ValueError("is not a percentage")
    if not 0 <= share <= 100:
        raise ValueError("must be between 0 and 100")
    return share.quantize(Decimal("0.01"))


FORMULA = (
    "holds a formula ({formula}) with no value saved with it: copy the cell and paste its "
    "value (Paste Special, Values), or type the figure"
)
EMPTY = "is empty: fill every line of a year"


def _formulas(data: bytes, where: str) -> dict[tuple[int, int], str]:
    """The formulas in the plan sheet by (row, column), both from 1. The workbook is read a
    second time, formulas rather than values, only once ``open_workbook`` has bounded it."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        rows = sheet_rows(wb[SHEET], where, WORKBOOK)
    finally:
        wb.close()
    return {
        (i, j): value
        for i, row in enumerate(rows, start=1)
        for j, value in enumerate(row, start=1)
        if isinstance(value, str) and value.startswith("=")
    }


def _share(percent: Decimal) -> str:
    """40.00 → '40', 12.50 → '12.5'."""
    return f"{Decimal(percent).normalize():f}"


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def read_plan_workbook(data: bytes, filename: str, *, today: dt.date | None = None) -> PlanWorkbook:
    """Read an uploaded plan workbook: its years whose cells are all right, and every problem
    in its cells (``PlanWorkbook.problems``), each naming its row and column. Only a file that
    cannot be read as a plan at all (not a workbook, no sheet 'Plan', no row of years) raises
    ``ImportRejected``. The workbook is bounded before it is read (``core.imports.WORKBOOK``:
    its size, expanded size, rows and columns) and its sheet streamed. Each year is from
    2000/01 to ten years after ``today``'s (``core.imports.year_problem``; the upload's day,
    which the task passes)."""
    wb = open_workbook(data, filename, WORKBOOK)
    where = f"{filename}, sheet '{SHEET}'"
    try:
        if SHEET not in wb.sheetnames:
            raise ImportRejected(filename, [RowError(0, "", f"there is no sheet called '{SHEET}'")])
        rows = sheet_rows(wb[SHEET], where, WORKBOOK)
    finally:
        wb.close()
    errors: list[RowError] = []
    code = str(rows[0][1]).strip().upper() if rows and len(rows[0]) > 1 and rows[0][1] else ""
    if not code:
        errors.append(RowError(1, "B", "give the organisation's ODS code"))
    if len(rows) < HEADER_ROW:
        raise ImportRejected(where, [*errors, RowError(HEADER_ROW, "", "there is no row of years")])
    header = rows[HEADER_ROW - 1]
    columns: dict[int, int] = {}
    for j, cell in enumerate(header[1:], start=1):
        if cell is None or str(cell).strip() == "":
            continue
        m = YEAR.match(str(cell).strip())
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            errors.append(
                RowError(
                    HEADER_ROW, get_column_letter(j + 1), f"'{cell}' is not a year like 2026/27"
                )
            )
        elif problem := year_problem(int(m.group(1)), today=today):
            errors.append(RowError(HEADER_ROW, get_column_letter(j + 1), problem))
        else:
            columns[j] = int(m.group(1))
    lines: dict[str, tuple[int, list[Any]]] = {}
    income_rows: dict[str, tuple[int, list[Any]]] = {}
    for i, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        label = str(row[0]).strip() if row and row[0] is not None else ""
        if not label:
            continue
        m = INCOME.match(label)
        if m:
            income_rows[m.group(1).upper()] = (i, row)
        elif label in (CONTROL_TOTAL, OTHER, PAY, NON_PAY, FIXED, SEMI_FIXED):
            lines[label] = (i, row)
        else:
            errors.append(RowError(i, "A", f"'{label}' is not a line of the plan template"))
    for label in (CONTROL_TOTAL, OTHER, PAY, NON_PAY, FIXED, SEMI_FIXED):
        if label not in lines:
            errors.append(RowError(0, "A", f"the line '{label}' is missing"))
    every_row = [*lines.values(), *income_rows.values()]
    # A cell that reads as empty may hold a formula with no saved value: read the formulas
    # only when some cell of a year's column reads as empty.
    formulas: dict[tuple[int, int], str] = {}
    if any(_blank(row[j] if j < len(row) else None) for j in columns for _, row in every_row):
        formulas = _formulas(data, where)
    years: list[PlanFigures] = []
    for j, year in columns.items():
        letter = get_column_letter(j + 1)
        column = f"{year_label(year)} ({letter})"
        cells = {label: (i, row[j] if j < len(row) else None) for label, (i, row) in lines.items()}
        cells |= {
            code_: (i, row[j] if j < len(row) else None) for code_, (i, row) in income_rows.items()
        }
        if all(_blank(v) and (i, j + 1) not in formulas for i, v in cells.values()):
            continue
        before = len(errors)
        values: dict[str, Any] = {}
        for key, (i, value) in cells.items():
            if _blank(value):
                if formula := formulas.get((i, j + 1)):
                    errors.append(RowError(i, column, FORMULA.format(formula=formula)))
                elif key in income_rows:
                    values[key] = 0
                else:
                    errors.append(RowError(i, column, EMPTY))
                continue
            try:
                values[key] = _percent(value) if key in (FIXED, SEMI_FIXED) else _money(value)
            except ValueError as exc:
                errors.append(RowError(i, column, f"'{value}' {exc}"))
                continue
            if key not in (CONTROL_TOTAL, FIXED, SEMI_FIXED) and values[key] < 0:
                errors.append(RowError(i, column, f"'{value}' must not be negative"))
        total = values.get(FIXED, 0) + values.get(SEMI_FIXED, 0)
        if FIXED in values and SEMI_FIXED in values and total > 100:
            errors.append(
                RowError(
                    lines[SEMI_FIXED][0],
                    column,
                    f"fixed and semi-fixed shares add up to {_share(total)}%, more than "
                    f"100% (fixed {_share(values[FIXED])}%, semi-fixed "
                    f"{_share(values[SEMI_FIXED])}%)",
                )
            )
        if len(errors) > before or any(key not in values for key in cells):
            continue
        income = {k: v for k, v in values.items() if k in income_rows and v}
        if values[OTHER]:
            income[OTHER_INCOME] = values[OTHER]
        years.append(
            PlanFigures(
                year=year,
                income=income,
                pay_pence=values[PAY],
                non_pay_pence=values[NON_PAY],
                fixed_percent=values[FIXED],
                semi_fixed_percent=values[SEMI_FIXED],
                control_total_pence=values[CONTROL_TOTAL],
                row=HEADER_ROW,
                column=column,
            )
        )
    if not errors and not years:
        errors.append(RowError(HEADER_ROW, "", "no year has any figures"))
    return PlanWorkbook(
        code,
        years,
        problems=tuple(errors),
        where=where,
        income_rows={c: i for c, (i, _) in income_rows.items()},
    )


def parse_plan_workbook(
    data: bytes, filename: str, *, today: dt.date | None = None
) -> PlanWorkbook:
    """``read_plan_workbook``, raising ``ImportRejected`` naming every bad cell if there is
    one (the checks of the cells alone; ``services.import_plan_workbook`` adds the rest)."""
    workbook = read_plan_workbook(data, filename, today=today)
    if workbook.problems:
        raise ImportRejected(workbook.where, workbook.problems)
    return workbook
