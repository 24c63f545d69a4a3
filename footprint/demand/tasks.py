"""Background tasks: model runs and activity imports."""

from __future__ import annotations

import base64

from django.utils import timezone
from django_tasks import task

from footprint.core.jobs import Progress, run_job
from footprint.core.models import Job
from footprint.demand import compute, importers, services
from footprint.demand.models import Run
from footprint.partnership.models import Neighbourhood, Organisation


def _run(job: Job, progress: Progress) -> str:
    run = Run.objects.select_related("scenario__baseline").get(job=job)
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)
    try:
        return compute.execute(run, progress)
    except BaseException:
        Run.objects.filter(pk=run.pk).update(status=Run.Status.FAILED, finished_at=timezone.now())
        raise


@task()
def run_scenario(run_id: int) -> None:
    """Run a scenario's model and store the results, with progress on its job."""
    job_id = Run.objects.values_list("job_id", flat=True).get(pk=run_id)
    run_job(job_id, _run)


def _import(job: Job, progress: Progress) -> str:
    p = job.payload
    data = base64.b64decode(p["data"])
    activity = importers.parse(
        data,
        p["filename"],
        aggregated=p["kind"] == "aggregated",
        providers=set(Organisation.objects.values_list("ods_code", flat=True)),
        neighbourhoods=set(Neighbourhood.objects.values_list("code", flat=True)),
        pods=set(compute.CODES),
    )
    progress(1, 2)
    rows = compute.cells_from_activity(activity)
    baseline = services.create_baseline(
        name=p["name"],
        base_year=p["base_year"],
        source=p["source"] or p["filename"],
        records=activity.frame.height,
        rows=rows,
        by=job.created_by,
    )
    return f"{activity.frame.height:,} rows saved as {len(rows):,} cells in {baseline.name}"


@task()
def import_activity(job_id: int) -> None:
    """Check and store an uploaded activity file, all or nothing."""
    run_job(job_id, _import)
