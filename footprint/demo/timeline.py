"""The demo's one notion of time: the day it is built for.

Everything the demo dates derives from ``today``, passed in once (``load_demo --today``): the
latest monthly figures are for the last complete month, quarterly ones for the last complete
quarter, the financial years start from the one ``today`` falls in, and meetings, decisions,
consultations and messages sit before it. Nothing in the demo reads the clock itself.

While the demo is built, its ``Clock`` stands in for the clock behind Django's ``timezone.now``
(which every default, ``auto_now`` field, history and service reads), so that what the services
stamp (histories, audit records, sent and recorded times) is on the demo's timeline too:
``clock.go(moment)`` moves it back to when a step happened, and it never passes ``today``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from unittest import mock

from django.utils import timezone


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (negative for before)."""
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def financial_year(day: dt.date) -> int:
    """The financial year ``day`` falls in, by its first calendar year (2026 is 2026/27)."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class Timeline:
    today: dt.date

    @property
    def last_month(self) -> dt.date:
        """The first day of the last complete month: the latest monthly figures."""
        return add_months(self.today, -1)

    @property
    def last_quarter(self) -> dt.date:
        """The first day of the last complete quarter (quarters start in January, April,
        July and October, so calendar and financial quarters are the same)."""
        start = add_months(self.today.replace(day=1), -((self.today.month - 1) % 3))
        return add_months(start, -3)

    @property
    def financial_year(self) -> int:
        """The current financial year (``today`` 30 November 2026 → 2026, i.e. 2026/27)."""
        return financial_year(self.today)

    def months(self, n: int) -> list[dt.date]:
        """The ``n`` months ending with the last complete one, oldest first."""
        return [add_months(self.last_month, i - n + 1) for i in range(n)]

    def quarters(self, n: int) -> list[dt.date]:
        """The ``n`` quarters ending with the last complete one, oldest first."""
        return [add_months(self.last_quarter, 3 * (i - n + 1)) for i in range(n)]

    def moment(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        """An aware date and time on ``day`` in the site's time zone."""
        return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))

    def days_ago(self, days: int, hour: int = 10) -> dt.datetime:
        return self.moment(self.today - dt.timedelta(days=days), hour)


class Clock:
    """A clock that starts at a moment, runs at real speed, and can be moved back or on to
    another moment; never later than the end of ``today``."""

    def __init__(self, timeline: Timeline, start: dt.datetime) -> None:
        self.timeline = timeline
        self.latest = timeline.moment(timeline.today, 23, 59)
        self.go(start)

    def go(self, moment: dt.datetime) -> None:
        if moment > self.latest:
            raise ValueError(f"{moment} is after the demo's today, {self.timeline.today}")
        self._anchor, self._started = moment, time.monotonic()

    def now(self) -> dt.datetime:
        return min(
            self._anchor + dt.timedelta(seconds=time.monotonic() - self._started), self.latest
        )


class _AnyDatetime(type):
    """So that the stand-in below still recognises every datetime as one."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, dt.datetime)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, dt.datetime)


@contextlib.contextmanager
def running_on(timeline: Timeline) -> Iterator[Clock]:
    """Run Django's ``timezone.now`` on the demo's clock (starting at 7am on ``today``).

    ``timezone.now`` asks its module's ``datetime`` for the time; that is what is replaced,
    so that model defaults holding ``timezone.now`` itself keep to the clock too."""
    clock = Clock(timeline, timeline.moment(timeline.today, 7))

    class ClockDatetime(dt.datetime, metaclass=_AnyDatetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            moment = clock.now()
            return moment.astimezone(tz) if tz is not None else timezone.make_naive(moment)

    with mock.patch.object(timezone, "datetime", ClockDatetime):
        yield clock
