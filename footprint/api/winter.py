"""Winter plans in the JSON API, read only, for partners with a token (as demand's API; the
public, and anyone else not a partner, reads a published plan on its pages, as published):
every plan with its scenarios (live, with the wording published beside), a scenario with each
provider's inputs, its cost over the winter and the proposal it was brought to a decision as,
a run with its progress, and a run's results per provider and week and per provider and
day."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.api.pagination import MAX_ID, BoundedLimitOffset
from footprint.core.permissions import can
from footprint.winter import queries, services
from footprint.winter.models import WinterRun
from footprint.winter.rules import Permission

router = Router(tags=["winter"], auth=TokenAuth())
PARTNERS_ONLY = "Partners only"


def _partners_only(request: HttpRequest) -> None:
    if not can(request.user, Permission.VIEW_WINTER):
        raise PermissionDenied(PARTNERS_ONLY)


class ScenarioSummaryOut(Schema):
    id: int
    name: str
    description: str
    latest_run: int | None = Field(description="Its latest run that succeeded")
    published_run: int | None = Field(
        description="The run whose figures the plan was published with (frozen until it is "
        "published again); null in a draft"
    )
    published_cost: float | None = Field(
        description="Pounds over the winter as the plan was published (frozen until it is "
        "published again, whatever unit costs or inputs change); null in a draft"
    )
    published_name: str | None = Field(
        description="Its name as the plan was published (what the public reads, until the plan "
        "is published again); null in a draft or for a scenario added since"
    )
    published_description: str | None = Field(
        description="Its description as the plan was published; null as published_name"
    )


class PublishedPlanOut(Schema):
    name: str
    description: str
    start: dt.date
    days: int
    peak: dt.date
    runs: int
    seed: int


class PlanOut(Schema):
    id: int
    name: str
    description: str
    start: dt.date
    days: int
    peak: dt.date
    runs: int
    seed: int
    status: str = Field(description="draft or published")
    published_as: PublishedPlanOut | None = Field(
        description="The plan's wording and settings as published (what the public reads on its "
        "pages until it is published again, whatever they are changed to since); null in a draft"
    )
    scenarios: list[ScenarioSummaryOut]


def _plan_out(p: Any) -> dict[str, Any]:
    frozen = queries.published_runs(p, as_published=True) if p.published else []
    published = {sc.pk: r.pk for sc, r, _ in frozen}
    costs = {sc.pk: None if cost is None else round(cost, 2) for sc, _, cost in frozen}
    worded = {sc.pk: sc for sc, _, _ in frozen}
    shown = queries.as_published(p)
    return {
        "id": p.pk,
        "name": p.name,
        "description": p.description,
        "start": p.start,
        "days": p.days,
        "peak": p.peak,
        "runs": p.runs,
        "seed": p.seed,
        "status": p.status,
        "published_as": {f: getattr(shown, f) for f in queries.PLAN_WORDING}
        if p.published
        else None,
        "scenarios": [
            {
                "id": sc.pk,
                "name": sc.name,
                "description": sc.description,
                "latest_run": getattr(queries.latest_run(sc), "pk", None),
                "published_run": published.get(sc.pk),
                "published_cost": costs.get(sc.pk),
                "published_name": worded[sc.pk].name if sc.pk in worded else None,
                "published_description": worded[sc.pk].description if sc.pk in worded else None,
            }
            for sc in queries.scenarios(p)
        ],
    }


@router.get("/winter/plans", response={200: list[PlanOut], 403: Error})
def plans(request: HttpRequest) -> Any:
    """Every winter plan, draft or published, the latest winter first."""
    _partners_only(request)
    return Status(200, [_plan_out(p) for p in queries.plans()])


@router.get("/winter/plans/{plan_id}", response={200: PlanOut, 403: Error, 404: Error})
def plan(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One winter plan with its scenarios in their order."""
    _partners_only(request)
    p = queries.plan(plan_id)
    if p is None:
        return Status(404, {"detail": "No such winter plan"})
    return Status(200, _plan_out(p))


class InputsOut(Schema):
    provider: str = Field(description="ODS code")
    provider_name: str
    beds: int
    escalation_beds: int
    escalation_trigger: float | None = Field(description="% of beds; null: never")
    admissions_per_day: float
    admissions_source: str = Field(description="entered, demand or history")
    weekly: list[float] = Field(description="Monday to Sunday")
    winter_uplift: float = Field(description="% above the year's average at the peak")
    stay_mean: float
    stay_sd: float
    stay_counts: list[float] = Field(description="Past stays of 1, 2, 3 … days, if given")
    pathway_shares: list[float] = Field(description="% of discharges on pathways 0-3")
    nctr_probability: list[float] = Field(description="% chance of waiting, pathways 0-3")
    home_care_packages: int
    virtual_ward_places: int
    step_down_beds: int
    care_home_beds: int
    closures: list[dict[str, Any]] = Field(
        description="General and acute beds closed for some days: first, last, beds, reason"
    )
    place_cuts: list[dict[str, Any]] = Field(
        description="Places a day lost for some days: first, last, pathway (1-3), places, reason"
    )
    fitted: dict[str, Any] = Field(
        description="The last fit to the daily returns: first and last days, inputs (each input "
        "fitted: the days of returns it used), kept (each input left as it was: why) and "
        "Little's law's figures (length_of_stay, delay, acute_stay, delays by pathway); {} "
        "for none"
    )


class ScenarioOut(Schema):
    id: int
    plan: int
    name: str
    description: str
    latest_run: int | None
    cost: float = Field(
        description="Pounds over the winter: places a day at the plan's unit costs, the "
        "escalation bed-days its latest run opens and its other costs"
    )
    extra_cost: float | None = Field(
        description="Pounds more than the plan's first scenario (negative: less); null for it"
    )
    proposal: int | None = Field(description="The proposal it was brought to a decision as")
    inputs: list[InputsOut]


@router.get("/winter/scenarios/{scenario_id}", response={200: ScenarioOut, 403: Error, 404: Error})
def scenario(request: HttpRequest, scenario_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """A scenario with each acute trust's inputs, by the trust's name."""
    _partners_only(request)
    sc = queries.scenario(scenario_id)
    if sc is None:
        return Status(404, {"detail": "No such scenario"})
    return Status(
        200,
        {
            "id": sc.pk,
            "plan": sc.plan_id,
            "name": sc.name,
            "description": sc.description,
            "latest_run": getattr(queries.latest_run(sc), "pk", None),
            "cost": round(services.cost_of(sc)[0].total, 2),
            "extra_cost": None if (extra := services.extra_cost(sc)) is None else round(extra, 2),
            "proposal": sc.proposal_id,
            "inputs": [
                {
                    "provider": pi.organisation.ods_code,
                    "provider_name": pi.organisation.name,
                    **queries.values_of(pi),
                }
                for pi in queries.inputs(sc)
            ],
        },
    )


class RunOut(Schema):
    id: int
    scenario: int
    status: str = Field(description="queued, running, succeeded or failed")
    percent: int = Field(description="Progress, 0 to 100")
    runs: int
    seed: int
    seconds: float | None


def _visible_run(request: HttpRequest, run_id: int) -> WinterRun | None:
    _partners_only(request)
    return queries.run(run_id)


@router.get("/winter/runs/{run_id}", response={200: RunOut, 403: Error, 404: Error})
def run(request: HttpRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """A run's progress: poll until it has succeeded or failed."""
    r = _visible_run(request, run_id)
    if r is None:
        return Status(404, {"detail": "No such run"})
    percent = 100 if r.status == WinterRun.Status.SUCCEEDED else (r.job.percent if r.job else 0)
    return Status(
        200,
        {
            "id": r.pk,
            "scenario": r.scenario_id,
            "status": r.status,
            "percent": percent,
            "runs": r.inputs["runs"],
            "seed": r.inputs["seed"],
            "seconds": r.seconds,
        },
    )


class WeekOut(Schema):
    provider: str
    provider_name: str
    week: int = Field(description="1 for the plan's first week")
    starts: dt.date
    days: int
    p_over_92: float = Field(description="Chance a day is over 92 % of the open beds")
    p_over_100: float = Field(description="Chance a day is over 100 % of the open beds")
    nctr_0: float = Field(description="Patients waiting (NCTR) on pathway 0 at midnight")
    nctr_1: float
    nctr_2: float
    nctr_3: float
    bed_days_lost: float
    risk_rank: int | None = Field(description="1 for the provider's worst week, to 3")


@router.get("/winter/runs/{run_id}/weeks", response={200: list[WeekOut], 403: Error})
@paginate(BoundedLimitOffset)
def weeks(
    request: HttpRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    provider: str = Query("", max_length=6),
) -> Any:
    """A run's results per provider and week, by provider name then week; one provider's if
    given (an empty list for a run that does not exist or has none)."""
    r = _visible_run(request, run_id)
    return queries.weeks(r, provider) if r is not None else []


class DayOut(Schema):
    provider: str
    day: dt.date
    mean: float = Field(description="Beds occupied at midnight, mean over the runs")
    p10: float
    p50: float
    p90: float
    open_beds: float = Field(description="Beds open, with escalation beds, mean over the runs")


@router.get("/winter/runs/{run_id}/days", response={200: list[DayOut], 403: Error})
@paginate(BoundedLimitOffset)
def days(
    request: HttpRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    provider: str = Query("", max_length=6),
) -> Any:
    """A run's occupancy per provider and day (the fan chart's figures), by provider then
    day; one provider's if given."""
    r = _visible_run(request, run_id)
    return queries.days(r, provider) if r is not None else []
