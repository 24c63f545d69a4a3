"""Workforce in the JSON API, for partners with a token: monthly returns, the system
dashboard, retention early warning, and the agency report as the pages show them; and saving
returns, through the same service, rules and checks as the import page (a workforce team for
its own organisation's figures, the programme office for any)."""

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from footprint.api.auth import TokenAuth
from footprint.api.errors import Body, Error, Text
from footprint.api.pagination import BoundedLimitOffset
from footprint.core.imports import ImportRejected
from footprint.core.permissions import can
from footprint.workforce import compute, importers, queries, services
from footprint.workforce.models import StaffGroup, WorkforceReturn
from footprint.workforce.rules import Permission

router = Router(tags=["workforce"], auth=TokenAuth())

PARTNERS_ONLY = "Partners only"
MONTH = r"^20\d{2}-(0[1-9]|1[0-2])$"  # a month of this century: 2025-04
STAFF_GROUPS = ", ".join(StaffGroup.values)
MOST_RETURNS = 1000  # per request: a year of every staff group of some ten organisations


class ReturnOut(Schema):
    organisation: str = Field(description="ODS code")
    organisation_name: str
    month: dt.date = Field(description="The first day of the month")
    staff_group: str
    staff_group_label: str
    headcount: int
    wte: float = Field(description="Whole-time equivalent (WTE) in post")
    establishment_wte: float
    joiners: int
    leavers: int
    sickness_days_lost: float
    days_available: float
    pay_bill_pence: int
    bank_pence: int
    agency_pence: int

    @staticmethod
    def resolve_organisation(obj: WorkforceReturn) -> str:
        return obj.organisation.ods_code

    @staticmethod
    def resolve_organisation_name(obj: WorkforceReturn) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_staff_group_label(obj: WorkforceReturn) -> str:
        return str(StaffGroup(obj.staff_group).label)


def _month(text: str | None) -> dt.date | None:
    return None if not text else dt.date.fromisoformat(f"{text}-01")


@router.get("/workforce/returns", response={200: list[ReturnOut], 403: Error})
@paginate(BoundedLimitOffset)
def returns(
    request: HttpRequest,
    organisation: str = Query("", max_length=6, description="An ODS code"),
    staff_group: StaffGroup | None = None,
    month_from: str | None = Query(None, pattern=MONTH, description="2025-04"),
    month_to: str | None = Query(None, pattern=MONTH, description="2026-03"),
) -> Any:
    """Monthly returns, by organisation, staff group and month, narrowed by any of an
    organisation, a staff group and a range of months (partners only)."""
    if not can(request.user, Permission.VIEW_WORKFORCE):
        raise PermissionDenied(PARTNERS_ONLY)
    return queries.returns_where(
        ods_code=organisation,
        staff_group=staff_group or "",
        month_from=_month(month_from),
        month_to=_month(month_to),
    )


class DashboardRowOut(Schema):
    organisation: str
    organisation_name: str
    staff_group: str
    month: dt.date = Field(description="The latest month returned")
    headcount: int
    wte: float
    vacancy: float | None = Field(description="Share of the establishment vacant, 0–1")
    turnover: float | None = Field(description="Leavers in the last 12 months ÷ average staff")
    sickness: float | None = Field(description="Days lost ÷ days available, last 12 months")
    agency_share: float | None = Field(description="Agency spend ÷ pay bill, last 12 months")


class TrendOut(Schema):
    month: dt.date
    wte: float = Field(description="WTE in post across the system")
    vacancy: float = Field(description="Vacancy rate across the system, per cent")


class DashboardOut(Schema):
    rows: list[DashboardRowOut]
    trend: list[TrendOut]


@router.get("/workforce/dashboard", response={200: DashboardOut, 403: Error})
def dashboard(request: HttpRequest) -> Any:
    """The system dashboard: each organisation's staff groups at their latest month, and the
    system's WTE in post and vacancy rate month by month (partners only)."""
    if not can(request.user, Permission.VIEW_WORKFORCE):
        return Status(403, {"detail": PARTNERS_ONLY})
    rows, trend = compute.dashboard()
    return Status(200, {"rows": [dataclasses.asdict(r) for r in rows], "trend": trend})


class SignalOut(Schema):
    organisation: str
    organisation_name: str
    staff_group: str
    staff_group_key: str
    latest_month: dt.date
    latest_rate: float = Field(description="Leavers ÷ headcount in the latest month, 0–1")
    variation: str = Field(description="The SPC verdict on the leaver rate")
    rule: str | None = Field(description="The SPC rule the latest month broke, if any")


@router.get("/workforce/retention", response={200: list[SignalOut], 403: Error})
def retention(request: HttpRequest) -> Any:
    """Retention early warning: SPC on every organisation's staff groups' monthly leaver
    rate, special-cause concerns first (partners only)."""
    if not can(request.user, Permission.VIEW_WORKFORCE):
        return Status(403, {"detail": PARTNERS_ONLY})
    return Status(200, [dataclasses.asdict(s) for s in compute.retention_signals()])


class LeaverPointOut(Schema):
    period: dt.date
    value: float | None = Field(description="Per cent leaving in the month")
    mean: float
    lower: float
    upper: float
    point_type: str
    rule: str | None
    segment: int


@router.get(
    "/workforce/retention/{ods_code}/{staff_group}",
    response={200: list[LeaverPointOut], 403: Error, 404: Error},
)
def retention_series(
    request: HttpRequest,
    staff_group: StaffGroup,
    ods_code: str = Path(..., max_length=6),
) -> Any:
    """One organisation's staff group: the monthly leaver rate, point by point, with its
    limits and verdict (partners only)."""
    if not can(request.user, Permission.VIEW_WORKFORCE):
        return Status(403, {"detail": PARTNERS_ONLY})
    rs, result = compute.leaver_series(ods_code.upper(), staff_group)
    if not rs:
        return Status(404, {"detail": "No returns for this organisation and staff group"})
    return Status(
        200,
        [
            {**p, "period": dt.date.fromisoformat(str(p["period"]))}
            for p in compute.leaver_points(rs, result)
        ],
    )


class TotalOut(Schema):
    name: str
    breaches: int
    excess_pence: int


class AgencyOut(Schema):
    since: dt.date = Field(description="The report covers shifts from this day: a year")
    shifts: int
    breaches: int = Field(description="Shifts paid above the rate card")
    by_organisation: list[TotalOut]
    by_agency: list[TotalOut]


@router.get("/workforce/agency", response={200: AgencyOut, 403: Error})
def agency(request: HttpRequest) -> Any:
    """The agency report: the year of shifts to the latest recorded, judged against the rate
    card, breaches and money above the cap by organisation and by agency (partners only)."""
    if not can(request.user, Permission.VIEW_WORKFORCE):
        return Status(403, {"detail": PARTNERS_ONLY})
    since = queries.agency_year_start(timezone.localdate())
    report = compute.agency_report(since)

    def totals(rows: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
        return [{"name": n, "breaches": b, "excess_pence": e} for n, b, e in rows]

    return Status(
        200,
        {
            "since": since,
            "shifts": report.shifts,
            "breaches": len(report.breaches),
            "by_organisation": totals(report.by_organisation),
            "by_agency": totals(report.by_agency),
        },
    )


# Saving returns: the same importer's checks and the same service as the import page.

MOST_COUNT = importers.MOST_STAFF
MOST_PENCE = importers.MOST_MONEY_PENCE


class ReturnIn(Body):
    organisation: Text = Field(..., min_length=3, max_length=6, description="ODS code")
    month: str = Field(..., pattern=MONTH, description="2025-04: a month that is over")
    staff_group: StaffGroup
    headcount: int = Field(..., ge=0, le=MOST_COUNT)
    wte: float = Field(..., ge=0, le=MOST_COUNT, allow_inf_nan=False)
    establishment_wte: float = Field(..., ge=0, le=MOST_COUNT, allow_inf_nan=False)
    joiners: int = Field(..., ge=0, le=MOST_COUNT)
    leavers: int = Field(..., ge=0, le=MOST_COUNT)
    sickness_days_lost: float = Field(..., ge=0, le=importers.MOST_DAYS, allow_inf_nan=False)
    days_available: float = Field(..., ge=0, le=importers.MOST_DAYS, allow_inf_nan=False)
    pay_bill_pence: int = Field(..., ge=0, le=MOST_PENCE)
    bank_pence: int = Field(..., ge=0, le=MOST_PENCE)
    agency_pence: int = Field(..., ge=0, le=MOST_PENCE)


class ReturnsIn(Body):
    returns: list[ReturnIn] = Field(..., min_length=1, max_length=MOST_RETURNS)


class SavedOut(Schema):
    returns: int
    organisations: int


# The import file's columns, in the order ``importers.parse_returns`` reads them, with the
# field of ``ReturnIn`` each comes from.
COLUMNS = {
    "Period": "month",
    "Org code": "organisation",
    "Staff group": "staff_group",
    "Headcount": "headcount",
    "FTE": "wte",
    "Establishment FTE": "establishment_wte",
    "Joiners": "joiners",
    "Leavers": "leavers",
    "Sickness FTE days lost": "sickness_days_lost",
    "FTE days available": "days_available",
    "Pay bill": "pay_bill_pence",
    "Bank spend": "bank_pence",
    "Agency spend": "agency_pence",
}


def _cell(field: str, value: Any) -> str:
    if field.endswith("_pence"):
        return str(Decimal(value) / 100)  # pounds, exactly
    return repr(value) if isinstance(value, float) else str(value)


def _as_table(rows: list[ReturnIn]) -> str:
    """The returns as the import file the page takes: the importer then checks them exactly
    as it checks a file."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_cell(f, getattr(r, f)) for f in COLUMNS.values()])
    return out.getvalue()


def _where(exc: ImportRejected) -> str:
    """The importer's problems, each placed in the request: 'returns[0].leavers: …'."""
    return "; ".join(
        f"returns[{e.row - 2}]"
        + (f".{COLUMNS[e.column]}" if e.column in COLUMNS else "")
        + f": {e.message}"
        for e in exc.errors
    )


@router.post("/workforce/returns", response={200: SavedOut, 403: Error, 422: Error})
def save_returns(request: HttpRequest, body: ReturnsIn) -> Any:
    """Save monthly returns (up to 1,000 a request), replacing any already held for the same
    organisation, month and staff group: all or none. The same checks as the import page's
    file (a month that is over, FTE no more than the headcount, bank and agency within the pay
    bill, …) and the same rule: an organisation's workforce team or the programme office."""
    codes = {r.organisation.upper() for r in body.returns}
    orgs = queries.organisations_by_code(codes)
    unknown = sorted(codes - set(orgs))
    if unknown:
        return Status(422, {"detail": f"No organisation has the ODS code {', '.join(unknown)}"})
    barred = sorted(
        o.name for o in orgs.values() if not can(request.user, Permission.CHANGE_WORKFORCE, o)
    )
    if barred:
        return Status(
            403, {"detail": f"You may not change the workforce figures of {', '.join(barred)}"}
        )
    try:
        rows = importers.parse_returns(
            _as_table(body.returns), "the request", today=timezone.localdate()
        )
        saved = services.import_returns(rows=rows, filename="the API", by=request.user)
    except ImportRejected as exc:
        return Status(422, {"detail": _where(exc)})
    return Status(200, saved)
