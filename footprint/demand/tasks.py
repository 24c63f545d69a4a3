"""Background tasks: model runs and activity imports. Each reads through ``queries``,
converts through ``compute`` and stores through ``services``, acting for the person who
started the work. Services do not import this module: ``services.start_run`` is given
``run_scenario.enqueue``."""

from __future__ import annotations

import base64

from django.core.exceptions import PermissionDenied
from django_tasks import task

from footprint.core.jobs import Progress, WorkRefused, run_job
from footprint.core.models import Job
from footprint.demand import compute, importers, queries, services
from footprint.demand.pods import CODES


def _run(job: Job, progress: Progress) -> str:
    run = queries.run_of_job(job)
    try:
        return services.run_model(run=run, by=run.created_by, progress=progress)
    except PermissionDenied as exc:
        raise WorkRefused([str(exc)]) from None


@task()
def run_scenario(run_id: int) -> None:
    """Run a scenario's model and store the results, with progress on its job."""
    run_job(queries.job_of_run(run_id), _run)


def _import(job: Job, progress: Progress) -> str:
    p = job.payload
    data = base64.b64decode(p["data"])
    activity = importers.parse(
        data,
        p["filename"],
        aggregated=p["kind"] == "aggregated",
        providers=queries.provider_codes(),
        neighbourhoods=queries.neighbourhood_codes(),
        pods=set(CODES),
        small_areas=queries.small_area_deciles(),
    )
    progress(1, 2)
    rows = compute.cells_from_activity(activity)
    try:
        baseline = services.create_baseline(
            name=p["name"],
            base_year=p["base_year"],
            source=p["source"] or p["filename"],
            records=activity.frame.height,
            records_without_deprivation=activity.without_deprivation,
            rows=rows,
            by=job.created_by,
        )
    except PermissionDenied as exc:
        raise WorkRefused([str(exc)]) from None
    return f"{activity.frame.height:,} rows saved as {len(rows):,} cells in {baseline.name}"


@task()
def import_activity(job_id: int) -> None:
    """Check and store an uploaded activity file, all or nothing."""
    run_job(job_id, _import)
