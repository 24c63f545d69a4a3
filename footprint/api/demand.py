"""Demand scenarios and their results in the JSON API, for partners with a token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.api.pagination import MAX_ID, BoundedLimitOffset
from footprint.core.permissions import can
from footprint.demand import queries
from footprint.demand.models import Result
from footprint.demand.rules import Permission

router = Router(tags=["demand"], auth=TokenAuth())


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    base_year: int
    horizon: int
    schemes: int
    latest_run: int | None


class ResultOut(Schema):
    measure: str
    provider: str
    item: str
    year: int
    baseline: float | None
    central: float
    mean: float
    p10: float
    p50: float
    p90: float


class RunOut(Schema):
    id: int
    scenario: int
    status: str
    iterations: int
    seed: int
    seconds: float | None
    flags: list[dict[str, str]]
    parameters: dict[str, Any]


@router.get("/demand/scenarios", response={200: list[ScenarioOut], 403: Error})
def scenarios(request: HttpRequest) -> Any:
    """Every demand scenario, with its latest finished run (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": "Partners only"})
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


@router.get("/demand/runs/{run_id}", response={200: RunOut, 403: Error, 404: Error})
def run(request: HttpRequest, run_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """One run: its status, parameters and evidence flags (partners only)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Status(403, {"detail": "Partners only"})
    r = queries.run(run_id)
    if r is None:
        return Status(404, {"detail": "No such run"})
    return Status(
        200,
        {
            "id": r.pk,
            "scenario": r.scenario_id,
            "status": r.status,
            "iterations": r.parameters["iterations"],
            "seed": r.parameters["seed"],
            "seconds": r.seconds,
            "flags": r.flags,
            "parameters": r.parameters,
        },
    )


@router.get("/demand/runs/{run_id}/results", response=list[ResultOut])
@paginate(BoundedLimitOffset)
def results(
    request: HttpRequest,
    run_id: int = Path(..., ge=1, le=MAX_ID),
    measure: str = "",
    provider: str = "",
    item: str = "",
) -> Any:
    """A run's results, each a distribution for one measure, provider, item and year
    (partners only; an empty list for anyone else or an unknown run)."""
    if not can(request.user, Permission.VIEW_DEMAND):
        return Result.objects.none()
    return queries.results_of(run_id, measure=measure, provider=provider, item=item)
