"""System finance in the JSON API: a published year's system summary for everyone, and every
position a partner may see with a token. Money is in whole pence."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.core.permissions import can
from footprint.finance import compute
from footprint.finance.rules import may_see_plan, published_years

router = Router(tags=["finance"])


class Error(Schema):
    detail: str


class PositionOut(Schema):
    year: int
    financial_year: str
    ods_code: str
    organisation: str
    income_pence: int
    expenditure_pence: int
    surplus_pence: int
    control_total_pence: int
    variance_pence: int
    risk_share_pence: int
    final_pence: int


class SummaryOut(Schema):
    year: int
    financial_year: str
    control_total_pence: int
    surplus_pence: int
    variance_pence: int
    positions: list[PositionOut]


def _position(r: compute.OrgYear) -> dict[str, Any]:
    return {
        "year": r.year,
        "financial_year": r.plan.year_label,
        "ods_code": r.organisation.ods_code,
        "organisation": r.organisation.name,
        "income_pence": r.plan.total_income_pence,
        "expenditure_pence": r.plan.expenditure_pence,
        "surplus_pence": r.plan.surplus_pence,
        "control_total_pence": r.plan.control_total_pence,
        "variance_pence": r.plan.variance_pence,
        "risk_share_pence": r.transfer,
        "final_pence": r.final_pence,
    }


@router.get("/finance/summary/{year}", response={200: SummaryOut, 404: Error})
def summary(request: HttpRequest, year: int = Path(..., ge=2000, le=2100)) -> Any:
    """A published year's system summary: the system control total and each member's position
    (``year`` is the first year of the financial year: 2026 for 2026/27)."""
    if year not in published_years():
        return Status(404, {"detail": "The partnership has not published this year's summary"})
    system = compute.system_year(year)
    return Status(
        200,
        {
            "year": year,
            "financial_year": system.label,
            "control_total_pence": system.control_total,
            "surplus_pence": system.surplus,
            "variance_pence": system.variance,
            "positions": [_position(r) for r in system.rows],
        },
    )


@router.get("/finance/positions", response={200: list[PositionOut], 403: Error}, auth=TokenAuth())
def positions(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    """Every position the token's owner may see, each year or one: unpublished plans only for
    their own organisations, unless they are the programme office (partners only)."""
    if not can(request.user, "finance.view_finance"):
        return Status(403, {"detail": "Partners only"})
    published = published_years()
    years = [y for y in compute.years_with_plans() if year is None or y == year]
    return Status(
        200,
        [
            _position(r)
            for y in years
            for r in compute.system_year(y).rows
            if may_see_plan(request.user, r.organisation, y, published)
        ],
    )
