"""Background tasks: measurement imports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from footprint.core.jobs import Progress, run_job
from footprint.core.models import Job
from footprint.plans import importers, services


def _today(job: Job) -> dt.date:
    """The day the file was uploaded, as the page that queued it said (or, for a job queued
    without it, the day the job was made): the service judges periods against it."""
    if "today" in job.payload:
        return dt.date.fromisoformat(job.payload["today"])
    return timezone.localdate(job.created_at)


def _import(job: Job, progress: Progress) -> str:
    # Every problem at once: the importer's (by row and column) go to the service, which adds
    # its own (unknown codes, periods not yet over, series the uploader may not change).
    rows, errors = importers.read_measurements(job.payload["text"], job.payload["filename"])
    progress(1, 10)
    result = services.import_measurements(
        rows=rows,
        file_errors=errors,
        filename=job.payload["filename"],
        by=job.created_by,
        today=_today(job),
        progress=progress,
    )
    n = result["measurements"]
    return f"{n:,} measurement{'' if n == 1 else 's'} saved in {result['series']:,} series"


@task()
def run_measurement_import(job_id: int) -> None:
    """Parse and save an uploaded measurements file, all or nothing."""
    run_job(job_id, _import)
