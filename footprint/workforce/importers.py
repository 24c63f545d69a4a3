"""Parse workforce returns and agency shifts. Nothing here saves, and nothing here reads the
clock: the caller says what day it is (``today``), so that "the last complete month" is the
same for the page, the background job and the tests.

Returns, one row per organisation, month and staff group (NHS Digital's workforce statistics
names where they exist): Period, Org code, Staff group, Headcount, FTE, Establishment FTE,
Joiners, Leavers, Sickness FTE days lost, FTE days available, Pay bill, Bank spend,
Agency spend (money in pounds).

Shifts: Date, Org code, Agency, Staff group, Grade, Hours, Hourly rate (pounds), Reason.

Every field is checked against what is possible, and against a ceiling of what is plausible,
so that a mistyped figure (pence typed as pounds, a year typed as 2200) is refused with the
row and column rather than drawn on every partner's charts:

- a return's period is a month from January 2000 to the last complete month before ``today``
  (a month's return cannot be complete before the month is over); a shift's date is from
  1 January 2000 to ``today`` (a shift already worked);
- counts are whole numbers, FTE figures and days are numbers, money is pounds and pence:
  none negative, none "NaN" or "inf";
- FTE in post is no more than the headcount, exactly: a person is at most 1.0 FTE (full
  time), and a sum of figures of at most 1.0 each, rounded, cannot pass the whole-number
  headcount, so no tolerance is needed;
- joiners and leavers in the month are each no more than the headcount: the monthly leaver
  rate is leavers ÷ headcount and would otherwise pass 100 %;
- FTE days available are no more than the headcount × the days in the month (everyone
  available every day), and days lost to sickness no more than the days available;
- headcount and establishment are at most ``MOST_STAFF`` (so FTE too) and a month's money at
  most ``MOST_MONEY_PENCE`` for one staff group (see their notes);
- bank and agency spend together are no more than the pay bill, which includes them;
- a shift is more than 0 and at most 24 hours, at an hourly rate from ``LEAST_RATE_PENCE`` to
  ``MOST_RATE_PENCE``; text is no longer than the field that keeps it;
- a return's organisation, month and staff group come once in a file (a shift may come more
  than once: two nurses from one agency on the same shift).

Every problem of the file is listed at once, row by row: those of the figures, duplicates,
and, when the caller passes ``check_organisations`` (the services' check of who may change
which organisation's figures, which needs the database), every row whose organisation is
unknown or is not the uploader's to change, whatever else is wrong with the row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from footprint.core.imports import RowError, Table, parse_number, raise_if_any
from footprint.workforce.models import StaffGroup

GROUPS = {
    **{v: v for v in StaffGroup.values},
    **{str(label).lower(): value for value, label in StaffGroup.choices},
}

# Partnerships (from 2016) hold no older figures than this: earlier is a mistyped year.
EARLIEST = dt.date(2000, 1, 1)
# The largest NHS trusts employ about 30,000 people in all staff groups together; one staff
# group of one organisation with more than this is a mistake, not a big trust.
MOST_STAFF = 50_000
# The largest trusts' whole pay bill is about £1.6 billion a year, some £135 million a month
# for every staff group together: more than £200 million in one group's month is a mistake
# (pence typed as pounds, a year's figure in a month's column).
MOST_MONEY_PENCE = 200_000_000 * 100
# An agency charges at least what it pays the worker: below the adult National Minimum Wage
# since it began (£3.60 an hour in 1999) is a mistake. The highest locum rates reported for
# consultants in the worst shortages are a few hundred pounds an hour; above £500 is a
# shift's total in the rate column, or pence typed as pounds.
LEAST_RATE_PENCE = 300
MOST_RATE_PENCE = 500 * 100
MOST_SHIFT_HOURS = 24
# As long as the fields that keep them (footprint.workforce.models, partnership's ODS code).
LONGEST = {"org": 6, "agency": 120, "grade": 40, "reason": 200}


# Given (row, column, ODS code) for every row that names an organisation, the problems of
# those organisations: unknown, or not the uploader's to change (``services.organisation_check``).
OrganisationCheck = Callable[[Sequence[tuple[int, str, str]]], list[RowError]]


def _finish(
    filename: str,
    errors: list[RowError],
    named: list[tuple[int, str, str]],
    check_organisations: OrganisationCheck | None,
) -> None:
    """Raise every problem at once, in the order of the rows: the figures' and, if there is a
    check, the organisations'."""
    if check_organisations is not None and named:
        errors = errors + check_organisations(named)
    raise_if_any(filename, sorted(errors, key=lambda e: e.row))


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
    # The 1st, 2nd… row of the file with the same fields: two nurses from one agency on the
    # same shift are two rows alike, and both are kept.
    occurrence: int = 1

    @property
    def fingerprint(self) -> str:
        """What makes this shift the same shift when a file is imported again: its fields
        (text without regard to case or spacing) and its occurrence among rows alike."""
        return shift_fingerprint(
            self.date,
            self.organisation,
            self.agency,
            self.staff_group,
            self.grade,
            self.hours,
            self.rate_pence,
            self.reason,
            self.occurrence,
        )


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


def shift_fingerprint(
    date: dt.date,
    organisation: str,
    agency: str,
    staff_group: str,
    grade: str,
    hours: float,
    rate_pence: int,
    reason: str,
    occurrence: int,
) -> str:
    """A SHA-256 of a shift's fields and its occurrence (see ``ShiftRow.fingerprint``)."""
    fields = (
        date.isoformat(),
        organisation.upper().strip(),
        _same(agency),
        staff_group,
        _same(grade),
        f"{hours:.4f}",
        str(rate_pence),
        _same(reason),
        str(occurrence),
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def last_complete_month(today: dt.date) -> dt.date:
    """The first day of the month before ``today``'s: the latest a return can be for."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _month(text: str, today: dt.date) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%b %Y", "%B %Y"):
        try:
            month = dt.datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
        if month < EARLIEST:
            raise ValueError(f"'{text}' is before {EARLIEST:%B %Y}: is the year right?")
        latest = last_complete_month(today)
        if month > latest:
            raise ValueError(
                f"'{text}' is after {latest:%B %Y}, the last complete month: "
                "a month's return comes once the month is over"
            )
        return month
    raise ValueError(f"'{text}' is not a month: use 2025-04")


def _day(text: str, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"'{text}' is not a date: use 2025-04-30") from None
    if day < EARLIEST:
        raise ValueError(f"'{text}' is before {EARLIEST:%-d %B %Y}: is the year right?")
    if day > today:
        raise ValueError(f"'{text}' is after today ({today:%-d %B %Y}): give shifts worked")
    return day


def _quantity(
    text: str,
    row: int,
    column: str,
    errors: list[RowError],
    *,
    whole: bool = False,
    most: float = MOST_STAFF,
    why: str = "more than the whole staff of the largest NHS trust in one staff group",
) -> float | None:
    """A non-negative finite number no more than ``most`` (a whole one if ``whole``), or None
    with the error recorded; ``why`` says why more is implausible (core.imports.parse_number,
    the one definition every importer uses)."""
    value = parse_number(text, row, column, errors, most=most, whole=whole, why=why)
    if value is None:
        return None
    return int(value) if whole else value


def _pence(
    text: str,
    row: int,
    column: str,
    errors: list[RowError],
    *,
    least: int = 0,
    most: int = MOST_MONEY_PENCE,
    per: str = " in a month for one staff group",
) -> int | None:
    """An amount in pounds as whole pence (rounded to the nearest penny) from ``least`` to
    ``most`` (``per`` saying what the amount is for), or None with the error recorded."""
    cleaned = text.replace(",", "").replace("£", "").strip()
    if not cleaned:
        errors.append(RowError(row, column, "an amount is needed here"))
        return None
    try:
        pounds = Decimal(cleaned)
    except InvalidOperation:
        pounds = Decimal("NaN")
    if not pounds.is_finite():
        errors.append(RowError(row, column, f"'{text}' is not an amount of money"))
        return None
    if pounds < 0:
        errors.append(RowError(row, column, f"'{text}' is negative"))
        return None
    pence = int((pounds * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if pence < least:
        errors.append(
            RowError(
                row,
                column,
                f"'{text}' is less than £{least / 100:,.2f}{per}, less than an agency may "
                "charge: is it in pounds?",
            )
        )
        return None
    if pence > most:
        errors.append(
            RowError(
                row,
                column,
                f"'{text}' is more than £{most // 100:,}{per}, more than is plausible: "
                "is it in pounds, and for the right period?",
            )
        )
        return None
    return pence


def _text(
    rec: dict[str, str],
    column: str | None,
    row: int,
    errors: list[RowError],
    *,
    longest: int,
    needed: str = "",
) -> str:
    """The cell's text, with an error if it is longer than ``longest`` characters or empty
    when ``needed`` (which names what is missing)."""
    value = rec[column].strip() if column else ""
    if needed and not value:
        errors.append(RowError(row, column or "", f"the {needed} is needed"))
    elif len(value) > longest:
        errors.append(
            RowError(row, column or "", f"'{value[:20]}…' is longer than {longest} characters")
        )
    return value


def _group(rec: dict[str, str], column: str | None, row: int, errors: list[RowError]) -> str:
    text = rec[column] if column else ""
    group = GROUPS.get(text.strip().lower())
    if group is None:
        errors.append(RowError(row, column or "", f"'{text}' is not a staff group Footprint knows"))
        return ""
    return group


RETURN_COLUMNS = {
    "headcount": ("Headcount",),
    "wte": ("FTE", "WTE"),
    "establishment_wte": ("Establishment FTE", "Establishment WTE"),
    "joiners": ("Joiners",),
    "leavers": ("Leavers",),
    "sickness_days_lost": ("Sickness FTE days lost", "FTE days lost"),
    "days_available": ("FTE days available",),
}
WHOLE = {"headcount", "joiners", "leavers"}
DAYS = {"sickness_days_lost", "days_available"}
MOST_DAYS = MOST_STAFF * 31  # the whole staff of MOST_STAFF every day of a long month
MONEY_COLUMNS = {
    "pay_bill_pence": "Pay bill",
    "bank_pence": "Bank spend",
    "agency_pence": "Agency spend",
}


def _return_checks(
    n: int,
    month: dt.date | None,
    f: dict[str, float],
    cols: dict[str, str],
    errors: list[RowError],
) -> None:
    """The figures of one row against each other, each check whose figures are all valid
    (``f`` holds only those), recording any that is impossible."""

    def has(*names: str) -> bool:
        return all(name in f for name in names)

    headcount = f.get("headcount", 0.0)
    if has("headcount", "wte") and f["wte"] > headcount:
        errors.append(
            RowError(
                n,
                cols["wte"],
                f"{f['wte']:,g} FTE is more than the headcount of {headcount:,.0f}: "
                "a person is at most 1.0 FTE",
            )
        )
    for name in ("joiners", "leavers"):
        if has("headcount", name) and f[name] > headcount:
            errors.append(
                RowError(
                    n,
                    cols[name],
                    f"{f[name]:,.0f} {name} are more than the headcount of {headcount:,.0f}",
                )
            )
    days = calendar.monthrange(month.year, month.month)[1] if month else 0
    if month and has("headcount", "days_available") and f["days_available"] > headcount * days:
        errors.append(
            RowError(
                n,
                cols["days_available"],
                f"{f['days_available']:,g} FTE days available is more than the headcount of "
                f"{headcount:,.0f} × {days} days in {month:%B %Y}",
            )
        )
    elif has("sickness_days_lost", "days_available") and (
        f["sickness_days_lost"] > f["days_available"]
    ):
        errors.append(RowError(n, cols["sickness_days_lost"], "more days lost than days available"))
    if has("pay_bill_pence", "bank_pence", "agency_pence") and (
        f["bank_pence"] + f["agency_pence"] > f["pay_bill_pence"]
    ):
        errors.append(
            RowError(
                n,
                cols["agency_pence"],
                "bank and agency spend are more than the pay bill, which includes them",
            )
        )


def parse_returns(
    text: str,
    filename: str,
    *,
    today: dt.date,
    check_organisations: OrganisationCheck | None = None,
) -> list[ReturnRow]:
    """Every row of a file of monthly returns, or ``ImportRejected`` naming every problem by
    row and column (see the module's note). ``today`` bounds the period: up to the last
    complete month."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_period = table.require(errors, "Period", "Period", "Date", "Month")
    c_org = table.require(errors, "Org code", "Org code", "Organisation code", "ODS code")
    c_group = table.require(errors, "Staff group", "Staff group")
    found = {
        name: table.require(errors, names[0], *names) for name, names in RETURN_COLUMNS.items()
    }
    money = {name: table.require(errors, label, label) for name, label in MONEY_COLUMNS.items()}
    raise_if_any(filename, errors)
    c_period, c_org, c_group = c_period or "", c_org or "", c_group or ""  # all found above
    cols = {name: col or "" for name, col in {**found, **money}.items()}
    rows: list[ReturnRow] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    named: list[tuple[int, str, str]] = []
    for n, rec in table.rows():
        before = len(errors)
        try:
            month: dt.date | None = _month(rec[c_period], today)
        except ValueError as exc:
            errors.append(RowError(n, c_period, str(exc)))
            month = None
        org = _text(rec, c_org, n, errors, longest=LONGEST["org"], needed="ODS code").upper()
        if org and len(org) <= LONGEST["org"]:
            named.append((n, c_org, org))
        group = _group(rec, c_group, n, errors)
        figures: dict[str, float] = {}
        for name in RETURN_COLUMNS:
            if name in DAYS:
                value = _quantity(
                    rec[cols[name]],
                    n,
                    cols[name],
                    errors,
                    most=MOST_DAYS,
                    why="more days than the largest NHS trust's whole staff has in a month",
                )
            elif name == "wte":  # no more than the headcount: see _return_checks
                value = _quantity(rec[cols[name]], n, cols[name], errors, most=math.inf)
            else:
                value = _quantity(rec[cols[name]], n, cols[name], errors, whole=name in WHOLE)
            if value is not None:
                figures[name] = value
        for name in MONEY_COLUMNS:
            pence = _pence(rec[cols[name]], n, cols[name], errors)
            if pence is not None:
                figures[name] = pence
        _return_checks(n, month, figures, cols, errors)
        # a duplicate is one whatever else is wrong with either row
        key = (org, month, group) if org and month and group else None
        if key is not None and key in seen:
            errors.append(
                RowError(
                    n,
                    c_org,
                    f"{org}, {month:%Y-%m}, {StaffGroup(group).label} is already on row "
                    f"{seen[key]}: give each organisation's month and staff group once",
                )
            )
        elif key is not None:
            seen[key] = n
        if len(errors) > before or month is None:
            continue
        rows.append(ReturnRow(n, org, month, group, figures))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no returns"))
    _finish(filename, errors, named, check_organisations)
    return rows


def parse_shifts(
    text: str,
    filename: str,
    *,
    today: dt.date,
    check_organisations: OrganisationCheck | None = None,
) -> list[ShiftRow]:
    """Every row of a file of agency shifts, or ``ImportRejected`` naming every problem by
    row and column (see the module's note). ``today`` bounds the date: shifts already
    worked."""
    table = Table(text, filename)
    errors: list[RowError] = []
    found = {
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
    c = {name: col or "" for name, col in found.items()}
    rows: list[ShiftRow] = []
    alike: dict[str, int] = {}
    named: list[tuple[int, str, str]] = []
    for n, rec in table.rows():
        before = len(errors)
        try:
            day: dt.date | None = _day(rec[c["date"]], today)
        except ValueError as exc:
            errors.append(RowError(n, c["date"], str(exc)))
            day = None
        org = _text(rec, c["org"], n, errors, longest=LONGEST["org"], needed="ODS code").upper()
        if org and len(org) <= LONGEST["org"]:
            named.append((n, c["org"], org))
        agency = _text(rec, c["agency"], n, errors, longest=LONGEST["agency"], needed="agency")
        group = _group(rec, c["group"], n, errors)
        grade = _text(rec, c["grade"], n, errors, longest=LONGEST["grade"], needed="grade")
        hours = _quantity(
            rec[c["hours"]],
            n,
            c["hours"],
            errors,
            most=MOST_SHIFT_HOURS,
            why="a shift is at most a day; split longer ones by day",
        )
        if hours == 0:
            errors.append(RowError(n, c["hours"], "a shift of no hours is no shift"))
        rate = _pence(
            rec[c["rate"]],
            n,
            c["rate"],
            errors,
            least=LEAST_RATE_PENCE,
            most=MOST_RATE_PENCE,
            per=" an hour",
        )
        reason = _text(rec, c_reason, n, errors, longest=LONGEST["reason"])
        if len(errors) > before or day is None or hours is None or rate is None:
            continue
        shift = ShiftRow(n, day, org, agency, group, grade, hours, rate, reason)
        first = shift.fingerprint
        shift.occurrence = alike[first] = alike.get(first, 0) + 1
        rows.append(shift)
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no shifts"))
    _finish(filename, errors, named, check_organisations)
    return rows
