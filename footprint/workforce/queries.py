"""Reads for the workforce pages (and, later, the API): plain values or model objects with
what their pages show already joined, fetched in as few queries as the page needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from footprint.core import listing
from footprint.core.models import Job
from footprint.demand.models import Result, Run, Scenario
from footprint.flow import queries as flow_queries
from footprint.flow.models import Measure
from footprint.partnership.models import Organisation, OrganisationKind
from footprint.workforce.models import AgencyShift, RateCap, StaffGroup, WorkforceReturn

STAFF_GROUP_NAMES = dict(StaffGroup.choices)
IMPORT_JOBS = "import:workforce"  # the kind of every workforce import job starts with this


def returns(*, staff_group: str | None = None) -> list[WorkforceReturn]:
    """Every organisation's returns (of one staff group, if given) with the organisation,
    month by month."""
    qs = WorkforceReturn.objects.select_related("organisation")
    if staff_group is not None:
        qs = qs.filter(staff_group=staff_group)
    return list(qs.order_by("month"))


def returns_of(ods_code: str, staff_group: str) -> list[WorkforceReturn]:
    """One organisation's returns for one staff group, month by month; empty if none."""
    return list(
        WorkforceReturn.objects.select_related("organisation")
        .filter(organisation__ods_code=ods_code, staff_group=staff_group)
        .order_by("month")
    )


def agency_year_start(today: dt.date) -> dt.date:
    """The first day of the year of shifts the agency report covers: the year to the latest
    shift recorded (to ``today`` if there are none)."""
    latest = AgencyShift.objects.order_by("-date").values_list("date", flat=True).first()
    return (latest or today) - dt.timedelta(days=364)


def shifts_since(since: dt.date) -> list[tuple[dt.date, str, str, str, float, int]]:
    """Every agency shift on or after ``since``: date, the member's ODS code, agency, role
    (staff group by name and grade, as ``AgencyShift.role``), hours and rate in pence per hour.
    Values only, not model objects: a year's shifts are tens of thousands."""
    rows = AgencyShift.objects.filter(date__gte=since).values_list(
        "date", "organisation__ods_code", "agency", "staff_group", "grade", "hours", "rate_pence"
    )
    return [
        (date, org, agency, f"{STAFF_GROUP_NAMES[group]}, {grade}", hours, rate)
        for date, org, agency, group, grade, hours, rate in rows
    ]


def rate_card() -> list[RateCap]:
    """The rate card: the system's caps for every member and each member's own, with the
    member."""
    return list(RateCap.objects.select_related("organisation"))


CARD_SORTS = {
    "role": ["staff_group", "grade", "organisation__name"],
    "applies": ["organisation__name", "staff_group", "grade"],
    "cap": ["cap_pence", "staff_group", "grade"],
}


def rate_card_where(*, search: str = "", sort: str = "role") -> list[RateCap]:
    """Caps whose role (staff group or grade) or member (by name or ODS code) has ``search``
    in it, sorted by ``sort`` (a key of ``CARD_SORTS``, "-" before it for descending). The
    system's caps for every member sort before any member's own by "applies"."""
    qs = RateCap.objects.select_related("organisation")
    words = search.strip()
    if words:
        groups = [code for code, name in StaffGroup.choices if words.lower() in name.lower()]
        qs = qs.filter(
            Q(grade__icontains=words)
            | Q(staff_group__in=groups)
            | Q(organisation__name__icontains=words)
            | Q(organisation__ods_code__iexact=words)
        )
    return list(qs.order_by(*listing.order_by(sort, CARD_SORTS, "role")))


def members_with_caps_of_their_own() -> QuerySet[Organisation]:
    """The members a cap of their own may be for: every organisation but GP practices and
    primary care networks, by name."""
    return Organisation.objects.exclude(
        kind__in=[OrganisationKind.GP_PRACTICE, OrganisationKind.PCN]
    ).order_by("name")


def change_history(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The changes to a rate cap, newest first: when, who and which fields changed."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    out = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        if older is None or record.history_type == "+":
            what = "Created"
        else:
            changes = record.diff_against(older).changes
            parts = []
            for c in changes:
                label = str(type(obj)._meta.get_field(c.field).verbose_name)
                if c.field == "cap_pence":
                    parts.append(f"most per hour from £{c.old / 100:,.2f} to £{c.new / 100:,.2f}")
                else:
                    parts.append(label)
            what = ("Changed " + ", ".join(parts)) if parts else "Saved, unchanged"
        out.append(
            {
                "when": timezone.localtime(record.history_date),
                "who": record.history_user,
                "what": what,
            }
        )
    return out


def organisations_by_code(codes: Iterable[str]) -> dict[str, Organisation]:
    """The organisations with these ODS codes, by code (codes no organisation has are
    missing)."""
    return {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=set(codes))}


def recent_imports(user: Any, limit: int = 10) -> list[Job]:
    """The workforce imports ``user`` started, latest first."""
    return list(Job.objects.filter(kind__startswith=IMPORT_JOBS, created_by=user)[:limit])


def scenarios_with_a_run() -> QuerySet[Scenario]:
    """Demand scenarios with a run that succeeded: those a supply projection can take its
    need from."""
    return Scenario.objects.filter(runs__status=Run.Status.SUCCEEDED).distinct()


def needed_wte(run: Run, staff_group: str) -> list[tuple[int, float | None, float]]:
    """(year, base-year WTE, mean WTE) of a staff group in a demand run's results, one row
    per provider and year, at the organisations that send workforce returns for that staff
    group."""
    senders = WorkforceReturn.objects.filter(staff_group=staff_group).values(
        "organisation__ods_code"
    )
    return list(
        Result.objects.filter(
            run=run, measure=Result.Measure.WORKFORCE, item=staff_group, provider__in=senders
        ).values_list("year", "baseline", "mean")
    )


def returns_where(
    *,
    ods_code: str = "",
    staff_group: str = "",
    month_from: dt.date | None = None,
    month_to: dt.date | None = None,
) -> QuerySet[WorkforceReturn]:
    """Returns with their organisation, narrowed by any of organisation, staff group and
    months given, by organisation, staff group and month (for the API, page by page)."""
    qs = WorkforceReturn.objects.select_related("organisation")
    if ods_code:
        qs = qs.filter(organisation__ods_code=ods_code.upper())
    if staff_group:
        qs = qs.filter(staff_group=staff_group)
    if month_from is not None:
        qs = qs.filter(month__gte=month_from)
    if month_to is not None:
        qs = qs.filter(month__lte=month_to)
    return qs.order_by("organisation__ods_code", "staff_group", "month", "pk")


# Escalation beds open in the daily returns (through ``flow.queries``)

ESCALATION_LOOKBACK = 7  # days: a trust's latest return within this many days counts as today's


def escalation_beds_open(today: dt.date) -> list[tuple[Organisation, dt.date, float]]:
    """Each acute trust's escalation beds open in its latest daily return in the week to
    ``today`` (the trust, the day of that return, the beds), by the trust's name; a trust with
    no return that week, or none giving the figure, is left out."""
    trusts = list(Organisation.objects.filter(kind=OrganisationKind.ACUTE_TRUST).order_by("name"))
    start = today - dt.timedelta(days=ESCALATION_LOOKBACK - 1)
    figures = flow_queries.returns_between(start, today, trusts)
    out = []
    for org in trusts:
        days = sorted(
            (day, values[Measure.ESCALATION_BEDS])
            for (pk, day), values in figures.items()
            if pk == org.pk and Measure.ESCALATION_BEDS in values
        )
        if days:
            out.append((org, *days[-1]))
    return out
