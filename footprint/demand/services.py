"""Changes to demand data: baselines, scenarios and their schemes, runs and their results.

Each is a keyword-only function that refuses a caller who may not make the change
(``PermissionDenied``), makes it in one transaction and records it in the audit trail inside
that transaction. A document that cannot run is refused with ``ParameterError`` naming every
problem, and nothing is saved.

Starting a run queues it with the ``enqueue`` function the caller passes
(``tasks.run_scenario.enqueue``): the tasks module calls this one, and this one does not
import the tasks module, so the two do not import each other.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable, Collection, Iterable
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from footprint.core import audit
from footprint.core.jobs import Progress, create_job, no_progress
from footprint.core.models import Job
from footprint.core.permissions import require
from footprint.demand import compute, importers, queries
from footprint.demand.models import (
    ActivityCell,
    Baseline,
    Breakdown,
    CellRow,
    Result,
    Run,
    Scenario,
    Step,
)
from footprint.demand.parameters import ParameterError
from footprint.demand.rules import Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    QUEUE_IMPORT = "demand.queue_import"
    CREATE_BASELINE = "demand.create_baseline"
    SAVE_SCENARIO = "demand.save_scenario"
    ADD_SCHEME = "demand.add_scheme"
    REMOVE_SCHEME = "demand.remove_scheme"
    CHANGE_GROWTH = "demand.change_growth"
    CHANGE_SCHEME = "demand.change_scheme"
    IMPORT_VARIANTS = "demand.import_variants"
    RUN = "demand.run"
    STORE_RESULTS = "demand.store_results"


CELL_COLUMNS = (
    "provider",
    "pod",
    "neighbourhood",
    "sex",
    "age",
    "attribute",
    "los_band",
    "count",
    "bed_days",
    "quintile",
)


def _save_cells(baseline: Baseline, rows: Iterable[CellRow]) -> int:
    """Insert a baseline's cells in one statement per batch: the ORM's per-object work is
    most of the time for tens of thousands of rows. Returns the number saved."""
    table = connection.ops.quote_name(ActivityCell._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("baseline_id", *CELL_COLUMNS))
    marks = ", ".join(["%s"] * (len(CELL_COLUMNS) + 1))
    # a row of nine fields (from before cells kept their quintile) has no quintile of its own
    data = [(baseline.pk, *row, *((0,) if len(row) == 9 else ())) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
    return len(data)


@transaction.atomic
def create_baseline(
    *,
    name: str,
    base_year: int,
    source: str,
    records: int,
    rows: Iterable[CellRow],
    by: Any,
    records_without_deprivation: int | None = None,
) -> Baseline:
    """Store a base year of activity, all or nothing. ``records_without_deprivation``: how
    many records gave no small area or decile of their own (all of them when not said)."""
    require(by, Permission.CHANGE_DEMAND)
    baseline = Baseline.objects.create(
        name=name,
        base_year=base_year,
        source=source,
        records=records,
        records_without_deprivation=(
            records if records_without_deprivation is None else records_without_deprivation
        ),
        created_by=by,
    )
    saved = _save_cells(baseline, rows)
    audit.record(
        actor=by,
        action=AuditAction.CREATE_BASELINE,
        summary=f"Imported {name}: {records:,} rows into {saved:,} cells",
        baseline=baseline.pk,
    )
    return baseline


def _problems(document: Any, baseline: Baseline) -> list[str]:
    return compute.check(
        document,
        base_year=baseline.base_year,
        population_years=queries.population_years(),
        names=queries.baseline_names(baseline),
    )


def _save(
    scenario: Scenario, *, by: Any, action: AuditAction, summary: str, **fields: Any
) -> Scenario:
    """Set ``fields`` on a scenario and save it with its history and an audit record, if its
    document can run on its baseline; otherwise refuse, changing nothing."""
    baseline = fields.get("baseline") or scenario.baseline
    lines = _problems(fields.get("parameters", scenario.parameters), baseline)
    if lines:
        raise ParameterError(lines)
    for field, value in fields.items():
        setattr(scenario, field, value)
    audit.save_with_history(scenario, by=by)  # first: a new scenario has a key once saved
    audit.record(actor=by, action=action, summary=summary, scenario=scenario.pk)
    return scenario


@transaction.atomic
def save_scenario(
    *,
    scenario: Scenario | None = None,
    by: Any,
    name: str | None = None,
    description: str | None = None,
    baseline: Baseline | None = None,
    parameters: dict[str, Any] | None = None,
) -> Scenario:
    """Create a scenario, or change its name, description, baseline or parameters document
    (the fields given). Refuses a document that cannot run on the scenario's baseline."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    fields = {
        "name": name,
        "description": description,
        "baseline": baseline,
        "parameters": parameters,
    }
    verb = "Changed" if scenario else "Created"
    return _save(
        scenario or Scenario(),
        by=by,
        action=AuditAction.SAVE_SCENARIO,
        summary=f"{verb} the scenario {name or getattr(scenario, 'name', '')}",
        **{f: v for f, v in fields.items() if v is not None},
    )


@transaction.atomic
def add_scheme(
    *,
    scenario: Scenario,
    by: Any,
    evidence: str,
    name: str,
    share: tuple[float, float],
    start_year: int,
    ramp_years: int,
    yearly_cost: float,
    quintiles: Collection[int] = (),
) -> dict[str, Any]:
    """Add a scheme from the library's ``evidence`` entry to the scenario, with the share
    affected at full effect (low, high), its years and yearly cost; named as the library
    names it unless ``name`` is given, and aimed at residents of the deprivation
    ``quintiles`` (1 most deprived … 5; none: everywhere) within the library's cohort.
    Returns the scheme's document."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    existing = {s["key"] for s in scenario.parameters["schemes"]}
    key, n = evidence, 2
    while key in existing:
        key, n = f"{evidence}-{n}", n + 1
    fields: dict[str, Any] = {
        "key": key,
        "share": {"low": share[0], "high": share[1]},
        "start_year": start_year,
        "ramp_years": ramp_years,
        "yearly_cost": yearly_cost,
        **({"name": name} if name else {}),
    }
    scheme = compute.scheme_from_library(evidence, **fields)
    if quintiles:  # the library's cohort, aimed at those quintiles
        cohort = {**scheme["cohort"], "quintiles": sorted(set(quintiles))}
        scheme = compute.scheme_from_library(evidence, **fields, cohort=cohort)
    _save(
        scenario,
        by=by,
        action=AuditAction.ADD_SCHEME,
        summary=f"Added {scheme['name']} to {scenario.name}",
        parameters={**scenario.parameters, "schemes": [*scenario.parameters["schemes"], scheme]},
    )
    return scheme


@transaction.atomic
def import_variants(*, scenario: Scenario, by: Any, data: bytes, filename: str) -> list[str]:
    """Replace the scenario's population variants with those of an area's projection file
    (``importers.parse_variants``: the principal and each variant by year, sex and age, for
    every projection year of the scenario), their multipliers the variant over the principal
    by year, sex and five-year band. Raises ImportRejected for a bad file and ParameterError
    for multipliers out of bounds; nothing changes then. Returns the variants' names."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    doc = scenario.parameters
    projections = importers.parse_variants(
        data, filename, first_year=doc["base_year"] + 1, last_year=doc["horizon"]
    )
    variants = compute.variants_from_projections(projections, doc)
    names = [v["name"] for v in variants]
    _save(
        scenario,
        by=by,
        action=AuditAction.IMPORT_VARIANTS,
        summary=f"Imported population variants for {scenario.name} from {filename}: "
        + ", ".join(names),
        parameters={**doc, "variants": variants},
    )
    return names


@transaction.atomic
def remove_scheme(*, scenario: Scenario, by: Any, key: str) -> None:
    """Take the scheme with ``key`` out of the scenario (nothing changes if it has none)."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    kept = [s for s in scenario.parameters["schemes"] if s["key"] != key]
    _save(
        scenario,
        by=by,
        action=AuditAction.REMOVE_SCHEME,
        summary=f"Removed the scheme {key} from {scenario.name}",
        parameters={**scenario.parameters, "schemes": kept},
    )


@transaction.atomic
def change_growth(*, scenario: Scenario, by: Any, growth: dict[str, dict[str, float]]) -> Scenario:
    """Set the scenario's growth a year by point of delivery (each an 80 % interval, low and
    high, as fractions), validated with the rest of its document."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    return _save(
        scenario,
        by=by,
        action=AuditAction.CHANGE_GROWTH,
        summary=f"Changed the growth rates of {scenario.name}",
        parameters={**scenario.parameters, "growth": growth},
    )


@transaction.atomic
def change_scheme(
    *, scenario: Scenario, by: Any, key: str, changes: dict[str, Any]
) -> dict[str, Any]:
    """Change the scheme with ``key`` in place (it keeps its key and its place in the list):
    ``changes`` replaces the fields it names. Returns the scheme's new document; a scenario
    without the scheme is refused with ``ParameterError``."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    schemes = list(scenario.parameters["schemes"])
    places = [i for i, s in enumerate(schemes) if s["key"] == key]
    if not places:
        raise ParameterError([f"schemes: {scenario.name} has no scheme {key!r}"])
    scheme = {**schemes[places[0]], **changes, "key": key}
    schemes[places[0]] = scheme
    _save(
        scenario,
        by=by,
        action=AuditAction.CHANGE_SCHEME,
        summary=f"Changed the scheme {scheme['name']} in {scenario.name}",
        parameters={**scenario.parameters, "schemes": schemes},
    )
    return scheme


def queue_import(
    *,
    data: bytes,
    filename: str,
    aggregated: bool,
    name: str,
    base_year: int,
    source: str,
    by: Any,
    enqueue: Callable[[int], object],
) -> Job:
    """Keep an uploaded activity file on a job and queue its import with ``enqueue(job.pk)``
    (pass ``tasks.import_activity.enqueue``) once the job is saved."""
    require(by, Permission.CHANGE_DEMAND)
    with transaction.atomic():
        job = create_job(
            kind="import:demand",
            title=f"Import {filename}",
            user=by,
            payload={
                "data": base64.b64encode(data).decode("ascii"),
                "filename": filename,
                "kind": "aggregated" if aggregated else "records",
                "name": name,
                "base_year": base_year,
                "source": source,
            },
        )
        audit.record(
            actor=by,
            action=AuditAction.QUEUE_IMPORT,
            summary=f"Uploaded {filename} to import as {name}",
            job=job.pk,
        )
    enqueue(job.pk)
    return job


@transaction.atomic
def start_run(*, scenario: Scenario, by: Any, enqueue: Callable[[int], object]) -> Run:
    """Queue a run of the scenario as it stands now: ``enqueue(run.pk)`` is called once the
    transaction commits (pass ``tasks.run_scenario.enqueue``)."""
    require(by, Permission.CHANGE_DEMAND, scenario)
    lines = _problems(scenario.parameters, scenario.baseline)
    if lines:
        raise ParameterError(lines)
    job = create_job(kind="demand:run", title=f"Run {scenario.name}", user=by, payload={})
    run = Run.objects.create(
        scenario=scenario, job=job, parameters=scenario.parameters, created_by=by
    )
    audit.record(actor=by, action=AuditAction.RUN, summary=f"Ran {scenario.name}", run=run.pk)
    transaction.on_commit(lambda: enqueue(run.pk))
    return run


def fail_runs_of_swept_jobs(*, ids: list[int], now: dt.datetime, **_: Any) -> int:
    """Mark failed the runs whose jobs ``core.jobs.sweep_stuck_jobs`` has just failed (their
    worker died, or none took them): connected to ``jobs_swept`` when the app is ready.
    Nothing of theirs was stored; the job's page says why. Returns the number of runs."""
    return Run.objects.filter(
        job_id__in=ids, status__in=[Run.Status.QUEUED, Run.Status.RUNNING]
    ).update(status=Run.Status.FAILED, finished_at=now)


def run_model(*, run: Run, by: Any, progress: Progress = no_progress) -> str:
    """Run a queued run's model now and store its results (the run's task calls this; so may
    a test or a notebook). The run is marked running, then succeeded with its results, or
    failed with nothing stored. Returns a one-line summary."""
    require(by, Permission.CHANGE_DEMAND, run.scenario)
    started = time.perf_counter()
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)
    try:
        lines = _problems(run.parameters, run.scenario.baseline)
        if lines:
            raise ParameterError(lines)
        doc = run.parameters
        projection = compute.project(
            doc,
            cells=queries.cells(run.scenario.baseline),
            places_of=queries.neighbourhood_places(),
            population=queries.neighbourhood_population(doc["base_year"], doc["horizon"]),
            progress=progress,
            quintiles=queries.neighbourhood_quintiles(),
        )
        seconds = round(time.perf_counter() - started, 2)
        store_results(run=run, projection=projection, seconds=seconds, by=by)
    except BaseException:
        Run.objects.filter(pk=run.pk).update(status=Run.Status.FAILED, finished_at=timezone.now())
        raise
    return (
        f"{projection.iterations:,} iterations over {projection.strata:,} strata in "
        f"{seconds:.1f} s; {len(projection.flags)} evidence "
        f"{'flag' if len(projection.flags) == 1 else 'flags'}"
    )


@transaction.atomic
def store_results(*, run: Run, projection: compute.Projection, seconds: float, by: Any) -> Run:
    """Store a run's projection (its results, steps and evidence flags) and how many seconds
    it took, and mark it succeeded."""
    require(by, Permission.CHANGE_DEMAND, run.scenario)
    Result.objects.bulk_create([Result(run=run, **r) for r in projection.results], batch_size=2000)
    Step.objects.bulk_create([Step(run=run, **s) for s in projection.steps], batch_size=2000)
    Breakdown.objects.bulk_create(
        [Breakdown(run=run, **b) for b in projection.breakdowns], batch_size=2000
    )
    run.flags = projection.flags
    run.beds_set_by = projection.beds_set_by
    run.strata = projection.strata
    run.seconds = seconds
    run.status = Run.Status.SUCCEEDED
    run.finished_at = timezone.now()
    audit.save_audited(
        run,
        by=by,
        action=AuditAction.STORE_RESULTS,
        summary=f"Stored the results of {run}",
        validate=False,
        run=run.pk,
    )
    return run
