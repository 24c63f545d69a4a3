"""System finance in the JSON API: a published year's system summary for everyone (as
published, never the plans as they stand), and every position a partner may see with a
token, as it stands, each marked a draft unless it is what the public sees. Money is in whole
pence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.core.permissions import can
from footprint.finance import compute, publication, queries
from footprint.finance.rules import Permission, may_see_plan

router = Router(tags=["finance"])


VARIANCE = (
    "Surplus or deficit less the control total, in pence: positive is better than the control total"
)


class PositionOut(Schema):
    year: int
    financial_year: str
    ods_code: str
    organisation: str
    income_pence: int
    expenditure_pence: int
    surplus_pence: int
    control_total_pence: int
    variance_pence: int = Field(description=VARIANCE)
    risk_share_pence: int
    final_pence: int


class LivePositionOut(PositionOut):
    draft: bool = Field(
        description="True unless this is exactly the position the public sees: its year is "
        "not published, or the position has changed since the year was last published "
        "(/finance/summary/{year} keeps the published figures)"
    )
    published_on: dt.date | None = Field(
        description="When the year's system summary was last published, if the public sees it"
    )


class YearChangeOut(Schema):
    figure: str
    before: int | str | None
    after: int | str | None


class SummaryOut(Schema):
    year: int
    financial_year: str
    control_total_pence: int
    surplus_pence: int
    variance_pence: int = Field(description=VARIANCE)
    positions: list[PositionOut]
    published_on: dt.date
    first_published_on: dt.date
    revised: bool
    changes: list[YearChangeOut]


@router.get("/finance/summary/{year}", response={200: SummaryOut, 404: Error})
def summary(request: HttpRequest, year: int = Path(..., ge=2000, le=2100)) -> Any:
    """A published year's system summary, exactly as the partnership last published it: the
    system control total and each member's position (``year`` is the first year of the
    financial year: 2026 for 2026/27). A revision says what changed from the publication
    before (money in pence)."""
    shown = queries.public_summary(year)
    if shown is None:
        return Status(404, {"detail": "The partnership has not published this year's summary"})
    kept = shown.summary
    return Status(
        200,
        {
            "year": year,
            "financial_year": kept["financial_year"],
            "control_total_pence": kept["control_total_pence"],
            "surplus_pence": kept["surplus_pence"],
            "variance_pence": kept["variance_pence"],
            "positions": kept["positions"],
            "published_on": shown.latest.published_on,
            "first_published_on": shown.first_published_on,
            "revised": shown.revised,
            "changes": shown.latest.changes if shown.revised else [],
        },
    )


@router.get(
    "/finance/positions", response={200: list[LivePositionOut], 403: Error}, auth=TokenAuth()
)
def positions(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    """Every position the token's owner may see, as it stands now, each year or one:
    unpublished plans only for their own organisations, unless they are the programme office
    (partners only). Each says whether it is a draft: not what the public sees, because its
    year is not published or it has changed since the year was last published."""
    if not can(request.user, Permission.VIEW_FINANCE):
        return Status(403, {"detail": "Partners only"})
    published = queries.published_years()
    out = []
    for y in queries.years_with_plans():
        if year is not None and y != year:
            continue
        rows = [
            r
            for r in compute.system_year(y).rows
            if may_see_plan(request.user, r.organisation, y, published)
        ]
        shown = queries.public_summary(y) if rows else None
        kept = shown.summary if shown else None
        for r in rows:
            position = publication.position_of(r)
            out.append(
                position
                | {
                    "draft": publication.changed_since(position, kept),
                    "published_on": shown.latest.published_on if shown else None,
                }
            )
    return Status(200, out)
