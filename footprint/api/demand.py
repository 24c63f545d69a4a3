"""Demand scenarios and their results in the JSON API, for partners with a token: every
scenario, a run's progress, its results by each breakdown they hold (measure, provider, item,
year), the steps that make up its change, two runs side by side; and, for the programme
office, starting a run through the same service as the scenario page's Run button."""

from typing import Any, Literal, get_args

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.api.pagination import MAX_ID, BoundedLimitOffset
from footprint.core.permissions import can
from footprint.demand import compute, queries, services
from footprint.demand.models import Result, Run
from footprint.demand.parameters import ParameterError
from footprint.demand.pods import ALL, item_name
from footprint.demand.rules import Permission
from footprint.demand.tasks import run_scenario
from footprint.partnership.queries import names_by_code

router = Router(tags=["demand"], auth=TokenAuth())

PARTNERS_ONLY = "Partners only"
Measure = Literal["activity", "bed_days", "beds", "workforce", "cost"]
StepMeasure = Literal["activity", "bed_days"]
# a split by deprivation quintile also has bed days, beds and cost of every point of delivery
# together (``pod`` "all")
SplitMeasure = Literal["activity", "bed_days", "beds", "cost"]
YEAR = Query(None, ge=2000, le=2100)


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    base_year: int
    horizon: int
    schemes: int
    latest_run: int | None = Field(description="Its latest run that succeeded")


@router.get("/demand/scenarios", response={200: list[ScenarioOut], 403: Error})
def scenarios(request: HttpRequest) -> Any:
    """Every demand scenario, with its latest finished run (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    out = []
    for s in queries.scenarios():
        latest = s.latest_run
        out.append(
            {
                "id": s.pk,
                "name": s.name,
                "description": s.description,
                "base_year": s.parameters["base_year"],
                "horizon": s.parameters["horizon"],
                "schemes": len(s.parameters["schemes"]),
                "latest_run": latest.pk if latest else None,
            }
        )
    return Status(200, out)


class SchemeOut(Schema):
    key: str
    name: str
    pod: str = Field(description="The point of delivery it acts on (code)")
    effect: str = Field(description="avoid, shorten, convert or move")
    share: dict[str, float] = Field(description="Share affected at full effect: low and high")
    start_year: int
    ramp_years: int
    cohort: dict[str, Any] = Field(
        description="Its cohort as in the parameters document (ages, sex, places, providers, "
        "attributes, length-of-stay bands, deprivation quintiles)"
    )
    cohort_words: str = Field(description="The cohort in words")
    quintiles: list[int] = Field(
        description="National deprivation quintiles its cohort names (1 most deprived); "
        "empty: every quintile"
    )
    quintile_words: str = Field(description='e.g. "quintile 1 (most deprived 20 %)"')


@router.get(
    "/demand/scenarios/{scenario_id}/schemes",
    response={200: list[SchemeOut], 403: Error, 404: Error},
)
def schemes(request: HttpRequest, scenario_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """A scenario's schemes as they stand, each with its cohort as in the parameters document
    and in words, and the deprivation quintiles it is aimed at (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    scenario = queries.scenario(scenario_id)
    if scenario is None:
        return Status(404, {"detail": "No such scenario"})
    words = {w["name"]: w for w in compute.scheme_cohorts(scenario.parameters)}
    out = []
    for s in scenario.parameters.get("schemes", []):
        cohort = s.get("cohort", {})
        said = words.get(s["name"], {})
        out.append(
            {
                "key": s["key"],
                "name": s["name"],
                "pod": s["pod"],
                "effect": s["effect"],
                "share": s["share"],
                "start_year": s["start_year"],
                "ramp_years": s.get("ramp_years", 1),
                "cohort": cohort,
                "cohort_words": said.get("cohort", ""),
                "quintiles": sorted(cohort.get("quintiles", [])),
                "quintile_words": said.get("quintile_words", ""),
            }
        )
    return Status(200, out)


class RunOut(Schema):
    id: int
    scenario: int
    status: str = Field(description="queued, running, succeeded or failed")
    job: int | None = Field(description="The job that runs it: /jobs/{job} has its progress")
    percent: int = Field(description="Progress, 0 to 100")
    iterations: int
    seed: int
    seconds: float | None
    flags: list[dict[str, str]]
    parameters: dict[str, Any]


def _run_out(r: Run) -> dict[str, Any]:
    percent = 100 if r.status == Run.Status.SUCCEEDED else (r.job.percent if r.job else 0)
    return {
        "id": r.pk,
        "scenario": r.scenario_id,
        "status": r.status,
        "job": r.job_id,
        "percent": percent,
        "iterations": r.parameters["iterations"],
        "seed": r.parameters["seed"],
        "seconds": r.seconds,
        "flags": r.flags,
        "parameters": r.parameters,
    }


@router.post(
    "/demand/scenarios/{scenario_id}/runs",
    response={202: RunOut, 403: Error, 404: Error, 422: Error},
)
def start_run(request: HttpRequest, scenario_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Queue a run of the scenario as it stands now, through the same service and rule as the
    scenario page's Run button (the programme office). 202: poll ``/demand/runs/{id}`` (or
    its job) until it has succeeded or failed. 422 names each reason its parameters cannot
    run."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    scenario = queries.scenario(scenario_id)
    if scenario is None:
        return Status(404, {"detail": "No such scenario"})
    try:
        started = services.start_run(
            scenario=scenario, by=request.user, enqueue=run_scenario.enqueue
        )
    except PermissionDenied:
        return Status(403, {"detail": "Only the programme office runs scenarios"})
    except ParameterError as exc:
        return Status(422, {"detail": "; ".join(exc.lines)})
    r = queries.run(started.pk)
    assert r is not None
    return Status(202, _run_out(r))


@router.get("/demand/runs/{run_id}", response={200: RunOut, 403: Error, 404: Error})
def run(request: HttpRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One run: its status and progress, parameters and evidence flags (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    r = queries.run(run_id)
    if r is None:
        return Status(404, {"detail": "No such run"})
    return Status(200, _run_out(r))


class ResultOut(Schema):
    measure: str
    provider: str = Field(description="An ODS code, 'All providers' or 'Schemes'")
    item: str = Field(description="A point of delivery, kind of bed, staff group or cost line")
    item_name: str
    year: int
    baseline: float | None
    central: float
    mean: float
    p10: float
    p50: float
    p90: float

    @staticmethod
    def resolve_item_name(obj: Result) -> str:
        return item_name(obj.measure, obj.item)


@router.get("/demand/runs/{run_id}/results", response={200: list[ResultOut], 403: Error})
@paginate(BoundedLimitOffset)
def results(
    request: HttpRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    measure: Measure | None = None,
    provider: str = Query("", max_length=60),
    item: str = Query("", max_length=120),
    year: int | None = YEAR,
) -> Any:
    """A run's results, each a distribution for one measure, provider, item and year,
    narrowed by any of them (partners only; an empty list for a run that does not exist or
    has no results yet). ``/demand/runs/{id}/breakdowns`` lists what there is."""
    if not can(request.user, Permission.VIEW_DEMAND):
        raise PermissionDenied(PARTNERS_ONLY)
    return queries.results_where(
        run_id, measure=measure or "", provider=provider, item=item, year=year
    )


class NamedOut(Schema):
    code: str
    name: str


class ProviderOut(NamedOut):
    items: list[NamedOut]


class BreakdownOut(Schema):
    measure: str
    providers: list[ProviderOut] = Field(description="Every provider together first, then by name")


class BreakdownsOut(Schema):
    run: int
    years: list[int]
    measures: list[BreakdownOut]


@router.get(
    "/demand/runs/{run_id}/breakdowns", response={200: BreakdownsOut, 403: Error, 404: Error}
)
def breakdowns(request: HttpRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """Every breakdown a run's results hold: for each measure, each provider (code and name)
    and what its results are of, and the years (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    r = queries.run(run_id)
    if r is None:
        return Status(404, {"detail": "No such run"})
    keys = queries.result_keys(r)
    names = names_by_code({p for _, p, _ in keys})
    tree: dict[str, dict[str, list[str]]] = {}
    for measure, provider, item in keys:
        tree.setdefault(measure, {}).setdefault(provider, []).append(item)
    measures = []
    for measure in queries.MEASURES:
        if measure not in tree:
            continue
        providers = [
            {
                "code": p,
                "name": queries.provider_name(p, names),
                "items": sorted(
                    ({"code": i, "name": item_name(measure, i)} for i in items),
                    key=lambda x: x["name"].casefold(),
                ),
            }
            for p, items in tree[measure].items()
        ]
        providers.sort(key=lambda p: (p["code"] != ALL, p["name"].casefold()))
        measures.append({"measure": measure, "providers": providers})
    return Status(200, {"run": r.pk, "years": queries.result_years(r), "measures": measures})


By = Literal["place", "neighbourhood", "sex", "age_band", "attribute", "quintile"]


class StepPartOut(Schema):
    name: str
    mean: float
    p10: float | None = Field(None, description="None for a run from before intervals")
    p90: float | None = Field(None, description="None for a run from before intervals")


class SplitOut(Schema):
    by: str = Field(description="place, neighbourhood, sex, age_band, attribute or quintile")
    value: str = Field(
        description="A place's or neighbourhood's code, F or M, an age band, or a condition group"
    )
    value_name: str
    measure: str
    pod: str
    pod_name: str
    year: int
    baseline: float
    central: float
    mean: float
    p10: float
    p50: float
    p90: float
    steps: list[StepPartOut] = Field(description="Each step's part, in order, from the base")


@router.get("/demand/runs/{run_id}/split", response={200: list[SplitOut], 403: Error, 404: Error})
@paginate(BoundedLimitOffset)
def split(
    request: HttpRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    by: By | None = None,
    measure: SplitMeasure | None = None,
    value: str = Query("", max_length=120),
    pod: str = Query("", max_length=30),
    year: int | None = YEAR,
) -> Any:
    """A run's activity and bed days for each point of delivery split by place,
    neighbourhood, sex, age band, condition group or deprivation quintile: each value's
    distribution by year and what each step adds to it, narrowed by any of those given
    (partners only; 404 for a run that does not exist). By quintile there are also bed days,
    beds and cost of every point of delivery together, with ``pod`` "all" (beds without
    steps)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        raise PermissionDenied(PARTNERS_ONLY)
    r = queries.run(run_id)
    if r is None:
        raise Http404("No such run")
    names = {b: queries.breakdown_names(b) for b in get_args(By)}
    return [
        {
            "by": x.by,
            "value": x.value,
            "value_name": names.get(x.by, {}).get(x.value, x.value),
            "measure": x.measure,
            "pod": x.pod,
            "pod_name": item_name("activity", x.pod),
            "year": x.year,
            "baseline": x.baseline,
            "central": x.central,
            "mean": x.mean,
            "p10": x.p10,
            "p50": x.p50,
            "p90": x.p90,
            "steps": x.steps,
        }
        for x in queries.breakdowns_where(
            r, by=by or "", measure=measure or "", value=value, pod=pod, year=year
        )
    ]


class StepOut(Schema):
    pod: str
    pod_name: str
    year: int
    order: int
    name: str = Field(description="Demography, growth, or a scheme by name")
    mean: float = Field(description="Its mean contribution, system-wide")
    p10: float | None = Field(description="Its 10th percentile over the iterations")
    p90: float | None = Field(description="Its 90th percentile over the iterations")


@router.get("/demand/runs/{run_id}/steps", response={200: list[StepOut], 403: Error, 404: Error})
def steps(
    request: HttpRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    measure: StepMeasure = "activity",
    pod: str = Query("", max_length=30),
    year: int | None = YEAR,
) -> Any:
    """What makes up a run's change in activity or bed days: each step's mean contribution
    to each point of delivery in each year, narrowed by any of them (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    r = queries.run(run_id)
    if r is None:
        return Status(404, {"detail": "No such run"})
    return Status(
        200,
        [
            {
                "pod": s.pod,
                "pod_name": item_name("activity", s.pod),
                "year": s.year,
                "order": s.order,
                "name": s.name,
                "mean": s.mean,
                "p10": s.p10,
                "p90": s.p90,
            }
            for s in queries.steps_where(r, measure=measure, pod=pod, year=year)
        ],
    )


class ComparisonOut(Schema):
    measure: str
    item: str
    name: str
    a_mean: float | None
    b_mean: float | None
    a_p10: float | None
    a_p90: float | None
    b_p10: float | None
    b_p90: float | None


@router.get("/demand/compare", response={200: list[ComparisonOut], 403: Error, 404: Error})
def compare(
    request: HttpRequest,
    a: int = Query(..., ge=1, le=MAX_ID),
    b: int = Query(..., ge=1, le=MAX_ID),
) -> Any:
    """Two runs side by side: the system totals at each one's horizon, by measure and item
    (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": PARTNERS_ONLY})
    ra, rb = queries.run(a), queries.run(b)
    if ra is None or rb is None:
        return Status(404, {"detail": "No such run"})

    def of(x: Result | None, field: str) -> float | None:
        return None if x is None else float(getattr(x, field))

    return Status(
        200,
        [
            {
                "measure": c.measure,
                "item": c.item,
                "name": c.name,
                **{f"{k}_{f}": of(getattr(c, k), f) for k in "ab" for f in ("mean", "p10", "p90")},
            }
            for c in queries.comparison(ra, rb)
        ],
    )
