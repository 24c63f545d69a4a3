"""System finance in the JSON API: a published year's system summary for everyone (as
published, never the plans as they stand), and every position a partner may see with a
token, as it stands, each marked a draft unless it is what the public sees. Money is in whole
pence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Body, Error
from footprint.core.permissions import can
from footprint.finance import compute, plausibility, publication, queries, services
from footprint.finance.importers import PlanFigures
from footprint.finance.models import OTHER_INCOME, FinancialPlan
from footprint.finance.rules import Permission, may_see_plan, sees_every_plan
from footprint.partnership import queries as partnership_queries

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


# Plans: read as the finance pages show them, saved through the plan page's service.

MOST_PENCE = 100_000_000_000 * 100  # £100 billion: more than any NHS body's whole year
ODS_OR_OTHER = r"^([A-Za-z0-9]{3,6}|other)$"
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class PlanOut(Schema):
    ods_code: str
    organisation: str
    year: int
    financial_year: str
    income_pence: dict[str, int] = Field(
        description="Each source: a commissioner's ODS code for its contract, or 'other'"
    )
    pay_pence: int
    non_pay_pence: int
    fixed_percent: float
    semi_fixed_percent: float
    control_total_pence: int
    surplus_pence: int
    variance_pence: int = Field(description=VARIANCE)
    published: bool = Field(
        description="Whether the public sees this plan's position as it stands: its year's "
        "system summary is published and the position has not changed since (false for a "
        "draft, as the finance pages say 'Draft: changed since published')"
    )
    changed_since_published: bool = Field(
        description="Its year is published but its position differs from the one published"
    )


def _drafts(years: list[int], published: frozenset[int]) -> set[tuple[int, int]]:
    """(year, organisation key) of each plan in a published year whose position has changed
    since the year was last published, as the finance pages judge it."""
    out = set()
    for y in years:
        if y not in published:
            continue
        latest = queries.latest_publication(y)
        kept = latest.summary if latest else None
        for r in compute.system_year(y).rows:
            if publication.changed_since(publication.position_of(r), kept):
                out.add((y, r.organisation.pk))
    return out


def _plan_out(
    plan: FinancialPlan, published: frozenset[int], drafts: set[tuple[int, int]]
) -> dict[str, Any]:
    changed = (plan.year, plan.organisation_id) in drafts
    return {
        "ods_code": plan.organisation.ods_code,
        "organisation": plan.organisation.name,
        "year": plan.year,
        "financial_year": plan.year_label,
        "income_pence": {k: int(v) for k, v in plan.income.items()},
        "pay_pence": plan.pay_pence,
        "non_pay_pence": plan.non_pay_pence,
        "fixed_percent": float(plan.fixed_percent),
        "semi_fixed_percent": float(plan.semi_fixed_percent),
        "control_total_pence": plan.control_total_pence,
        "surplus_pence": plan.surplus_pence,
        "variance_pence": plan.variance_pence,
        "published": plan.year in published and not changed,
        "changed_since_published": changed,
    }


@router.get("/finance/plans", response={200: list[PlanOut], 403: Error}, auth=TokenAuth())
def plans(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    organisation: str = Query("", max_length=6, description="An ODS code"),
) -> Any:
    """Every financial plan the token's owner may see, line by line, as it stands now: before
    the programme office publishes a year, only their own organisations' plans (all of them
    for the programme office); once published, every plan of the year (partners only)."""
    if not can(request.user, Permission.VIEW_FINANCE):
        return Status(403, {"detail": "Partners only"})
    published = queries.published_years()
    years = [year] if year is not None else queries.years_with_plans()
    drafts = _drafts(years, published)
    out = [
        _plan_out(p, published, drafts)
        for y in years
        for p in queries.plans_in(y)
        if (not organisation or p.organisation.ods_code == organisation.upper())
        and may_see_plan(request.user, p.organisation, y, published)
    ]
    return Status(200, sorted(out, key=lambda p: (p["year"], p["organisation"])))


class PerHeadOut(Schema):
    year: int = Field(description="The financial year's first calendar year (2026 is 2026/27)")
    area: str = Field(description="A place by name, or Whole system")
    spend_pence: int
    weighted_residents: float
    pounds: Decimal | None = Field(description="Pounds per weighted resident, to the penny")


class QuintileOut(Schema):
    year: int
    quintile: int = Field(description="1 the most deprived 20% of areas in England … 5 least")
    population_year: int = Field(description="The year of the small areas' residents")
    spend_pence: int
    weighted_residents: float
    pounds: Decimal | None = Field(description="Pounds per weighted resident, to the penny")


class SpendPerHeadOut(Schema):
    by_place: list[PerHeadOut]
    by_quintile: list[QuintileOut] = Field(
        description="Each place's spend per weighted resident counted for its residents by "
        "small area and the area's national deprivation quintile; empty without small areas"
    )


@router.get(
    "/finance/spend-per-head", response={200: SpendPerHeadOut, 403: Error}, auth=TokenAuth()
)
def spend_per_head(request: HttpRequest) -> Any:
    """Providers' planned spend per age-weighted resident by place and by deprivation
    quintile, for each year whose whole system the token's owner may see (every year for the
    programme office; published years for other partners), as the finance page shows it."""
    if not can(request.user, Permission.VIEW_FINANCE):
        return Status(403, {"detail": "Partners only"})
    published = queries.published_years()
    years = [y for y in queries.years_with_plans() if sees_every_plan(request.user, y, published)]
    spends = compute.place_spends(years)
    return Status(
        200,
        {
            "by_place": [
                {
                    "year": r.year,
                    "area": r.area,
                    "spend_pence": r.spend_pence,
                    "weighted_residents": r.weighted_residents,
                    "pounds": r.pounds,
                }
                for r in compute.spend_per_head(years, spends)
            ],
            "by_quintile": [
                {
                    "year": r.year,
                    "quintile": r.quintile,
                    "population_year": r.population_year,
                    "spend_pence": r.spend_pence,
                    "weighted_residents": r.weighted_residents,
                    "pounds": r.pounds,
                }
                for r in compute.spend_per_head_by_quintile(years, spends)
            ],
        },
    )


class PlanIn(Body):
    income_pence: dict[
        Annotated[str, Field(pattern=ODS_OR_OTHER)], Annotated[int, Field(ge=0, le=MOST_PENCE)]
    ] = Field(
        ...,
        max_length=50,
        description="Each source's income: a commissioner's ODS code, or 'other'",
    )
    pay_pence: int = Field(..., ge=0, le=MOST_PENCE)
    non_pay_pence: int = Field(..., ge=0, le=MOST_PENCE)
    fixed_percent: Percent
    semi_fixed_percent: Percent
    control_total_pence: int = Field(
        ..., ge=-MOST_PENCE, le=MOST_PENCE, description="The agreed surplus; a deficit is negative"
    )
    confirm_unusual: bool = Field(
        False,
        description="Save figures that look implausible (a deficit or surplus over a fifth of "
        "income, or far from the plan saved before): without it they are refused with 422 "
        "saying what looks wrong",
    )


@router.put(
    "/finance/plans/{ods_code}/{year}",
    response={200: PlanOut, 403: Error, 404: Error, 422: Error},
    auth=TokenAuth(),
)
def save_plan(
    request: HttpRequest,
    plan: PlanIn,
    ods_code: str = Path(..., max_length=6),
    year: int = Path(..., ge=2000, le=2100),
) -> Any:
    """Create or replace an organisation's plan for a year, through the same service and rule
    as its plan page: the organisation's finance team or the programme office. Fixed and
    semi-fixed shares together at most 100 %; income only from another organisation of the
    footprint, or 'other'."""
    org = partnership_queries.organisation(ods_code)
    if org is None:
        return Status(404, {"detail": f"No organisation has the ODS code '{ods_code}'"})
    if plan.fixed_percent + plan.semi_fixed_percent > 100:
        return Status(422, {"detail": "Fixed and semi-fixed shares add up to more than 100%"})
    figures = PlanFigures(
        year=year,
        income={
            k.upper() if k != OTHER_INCOME else k: v for k, v in plan.income_pence.items() if v
        },
        pay_pence=plan.pay_pence,
        non_pay_pence=plan.non_pay_pence,
        fixed_percent=plan.fixed_percent,
        semi_fixed_percent=plan.semi_fixed_percent,
        control_total_pence=plan.control_total_pence,
        row=0,
        column="",
    )
    try:
        saved = services.save_plan(
            organisation=org, figures=figures, by=request.user, confirmed=plan.confirm_unusual
        )
    except plausibility.Implausible as exc:
        said = [m for m in exc.messages if m != plausibility.CONFIRM]
        return Status(422, {"detail": "; ".join([*said, plausibility.CONFIRM_API])})
    except ValidationError as exc:
        return Status(422, {"detail": "; ".join(exc.messages)})
    except ValueError as exc:  # income from an organisation the footprint does not have
        return Status(422, {"detail": str(exc)})
    published = queries.published_years()
    return Status(200, _plan_out(saved, published, _drafts([year], published)))
