"""Reads for the workforce pages: plain values, fetched in as few queries as the page needs."""

from __future__ import annotations

import datetime as dt

from footprint.workforce.models import AgencyShift, StaffGroup

STAFF_GROUP_NAMES = dict(StaffGroup.choices)


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
