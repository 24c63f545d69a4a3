"""Background tasks: measurement imports."""

from __future__ import annotations

from django_tasks import task

from footprint.core.jobs import Progress, run_job
from footprint.core.models import Job
from footprint.plans import importers, services


def _import(job: Job, progress: Progress) -> str:
    rows = importers.parse_measurements(job.payload["text"], job.payload["filename"])
    progress(1, 10)
    result = services.import_measurements(
        rows=rows, filename=job.payload["filename"], by=job.created_by, progress=progress
    )
    return f"{result['measurements']} measurements saved in {result['series']} series"


@task()
def run_measurement_import(job_id: int) -> None:
    """Parse and save an uploaded measurements file, all or nothing."""
    run_job(job_id, _import)
