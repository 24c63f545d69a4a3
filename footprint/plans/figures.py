"""A metric's figures: what a figure may be (its period and its value) and how to write one.

Plain Python, no database: the services check every figure here before they save it (the goal
page's form, the CSV import and the API all go through them), and every page, chart label and
published change list writes figures with ``figure`` (or ``number``, for a table's cells).

A metric's ``unit`` is free text; its kind follows from it:

=============  ===========================================  ==============  =================
kind           units                                        values          written
=============  ===========================================  ==============  =================
percent        ``%`` (a share of a whole)                   0 to 100        65.0%
percent of     ``% of 2019/20`` (against a benchmark)       0 or more       104.0% of 2019/20
rate           ``per 1,000``, ``per 100,000 residents``     0 or more       8.6 per 1,000
count          ``count``, ``patients``, ``bed days``, …     0 or more       1,174 patients
                                                                            (``count``: 1,174)
duration       ``minutes``, ``hours``, ``days``, ``weeks``  0 or more       38.2 minutes
other          anything else (a score, an index)            any             7.5 points
=============  ===========================================  ==============  =================

Every figure is finite and no larger than ``CEILING`` (100 million: more than England's
population, so only a slip of the keyboard gets there).

A figure's period is the first day of its month, quarter or year. It may be no earlier than
``EARLIEST_PERIOD`` (January 2000: the project's other imports use the same floor, the NHS's
monthly series of this kind start after it, and a plan's baseline is a few years before the
plan; a metric has no start date of its own to check against), and its month, quarter or year
must be over on ``today`` (a month's figure comes once the month is over).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from enum import StrEnum

CEILING = 100_000_000
EARLIEST_PERIOD = dt.date(2000, 1, 1)
MONTHS_IN = {"monthly": 1, "quarterly": 3, "annual": 12}
PERIOD_NOUN = {"monthly": "month", "quarterly": "quarter", "annual": "year"}


class Kind(StrEnum):
    """What kind of figure a unit measures (see the module's table)."""

    PERCENT = "percent"
    PERCENT_OF = "percent_of"
    RATE = "rate"
    COUNT = "count"
    DURATION = "duration"
    OTHER = "other"


PERCENT_UNITS = {"%", "percent", "per cent", "percentage"}
# Units that count whole things. A unit not listed here, and not a percentage, rate or
# duration, is written with one decimal place and may be negative.
COUNT_UNITS = {
    "count",
    "number",
    "people",
    "patients",
    "children",
    "staff",
    "beds",
    "bed days",
    "cases",
    "incidents",
    "admissions",
    "attendances",
    "appointments",
    "referrals",
    "placements",
    "calls",
    "contacts",
    "visits",
    "discharges",
}
# The unit words dropped from a count: the metric's name says what is counted.
BARE_COUNT_UNITS = {"count", "number"}
DURATION_UNITS = {"seconds", "minutes", "mins", "hours", "days", "weeks", "months", "years"}
SINGULAR = {"people": "person", "children": "child", "staff": "staff"}


def kind_of(unit: str) -> Kind:
    """The kind of figure ``unit`` measures: '%' → percent, 'per 1,000' → rate, …"""
    words = " ".join(unit.lower().split())
    if words in PERCENT_UNITS:
        return Kind.PERCENT
    if words.startswith("% of ") or words.startswith("percent of "):
        return Kind.PERCENT_OF
    if words.startswith("per "):
        return Kind.RATE
    if words in COUNT_UNITS:
        return Kind.COUNT
    if words in DURATION_UNITS:
        return Kind.DURATION
    return Kind.OTHER


def _unsigned_zero(text: str) -> str:
    """'-0' and '-0.0' (a negative number rounded to zero) → '0', '0.0'."""
    return text[1:] if re.fullmatch(r"-0(\.0+)?", text) else text


def number(value: float, unit: str) -> str:
    """``value`` as ``unit``'s kind is written, without the unit: counts as whole numbers,
    everything else to one decimal place, with thousands separators (1,174; 65.0)."""
    if kind_of(unit) is Kind.COUNT:
        return _unsigned_zero(f"{value:,.0f}")
    return _unsigned_zero(f"{value:,.1f}")


def figure(value: float | None, unit: str) -> str:
    """``value`` in ``unit``, as people write it: '65.0%', '104.0% of 2019/20',
    '8.6 per 1,000', '174' (a count), '174 patients', '1 patient', '38.2 minutes'.
    None is 'no figure'."""
    if value is None:
        return "no figure"
    kind = kind_of(unit)
    text = number(value, unit)
    words = " ".join(unit.split())
    if kind is Kind.PERCENT:
        return f"{text}%"
    if kind is Kind.PERCENT_OF:
        return f"{text}% of {words.split(' of ', 1)[1]}"
    if kind is Kind.COUNT:
        if words.lower() in BARE_COUNT_UNITS:
            return text
        if text == "1":
            words = SINGULAR.get(words.lower(), words[:-1] if words.endswith("s") else words)
        return f"{text} {words}"
    return f"{text} {words}".rstrip()


def range_in_words(unit: str) -> str:
    """What values ``unit`` allows, in words: 'from 0 to 100'."""
    kind = kind_of(unit)
    if kind is Kind.PERCENT:
        return "from 0 to 100"
    if kind is Kind.OTHER:
        return f"between −{CEILING:,} and {CEILING:,}"
    return f"from 0 to {CEILING:,}"


def value_problem(value: float | None, unit: str) -> str | None:
    """Why ``value`` cannot be a figure in ``unit``, or None if it can (an empty value, a
    missing figure, always can)."""
    if value is None:
        return None
    if not math.isfinite(value):
        return "enter a number (not infinity or 'not a number')"
    kind = kind_of(unit)
    low = -CEILING if kind is Kind.OTHER else 0
    high = 100 if kind is Kind.PERCENT else CEILING
    if low <= value <= high:
        return None
    shown = f"{value:,.6g}" if abs(value) >= CEILING else number(value, unit)
    return f"{shown} is not possible for {_what(unit)}: it must be {range_in_words(unit)}"


def _what(unit: str) -> str:
    """What a figure in ``unit`` is, in words: 'a percentage', 'a rate per 1,000'."""
    words = " ".join(unit.split())
    return {
        Kind.PERCENT: "a percentage",
        Kind.PERCENT_OF: f"a percentage {words[words.find(' of ') + 1 :]}",
        Kind.RATE: f"a rate {words}",
        Kind.COUNT: "a count" if words.lower() in BARE_COUNT_UNITS else f"a count of {words}",
        Kind.DURATION: f"a time in {words}",
        Kind.OTHER: f"a figure in {words}",
    }[kind_of(unit)]


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (negative for before)."""
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def latest_period(frequency: str, today: dt.date) -> dt.date:
    """The latest period a figure can be for on ``today``: the last whose month, quarter or
    year is over (today 30 November 2026: October 2026 for a monthly measure, August 2026 for
    the quarter August to October)."""
    return add_months(today, -MONTHS_IN.get(frequency, 1))


def period_problem(period: dt.date, frequency: str, today: dt.date) -> str | None:
    """Why a figure cannot be for ``period`` on ``today``, or None if it can."""
    if period < EARLIEST_PERIOD:
        return f"{period:%B %Y} is before {EARLIEST_PERIOD:%B %Y}: is the year right?"
    if period > latest_period(frequency, today):
        noun = PERIOD_NOUN.get(frequency, "month")
        last_month = add_months(today, -1)
        if noun == "month":
            return (
                f"{period:%B %Y} is after {last_month:%B %Y}, the last complete month on "
                f"{today:%-d %B %Y}: a month's figure comes once the month is over"
            )
        ends = add_months(period, MONTHS_IN[frequency] - 1)
        return (
            f"the {noun} from {period:%B %Y} ends in {ends:%B %Y}, after {last_month:%B %Y}, "
            f"the last complete month on {today:%-d %B %Y}: a {noun}'s figure comes once "
            f"the {noun} is over"
        )
    return None
