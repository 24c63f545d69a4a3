"""Background tasks: the footprint's imports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks import task

from footprint.core.jobs import Progress, WorkRefused, run_job
from footprint.core.models import Job
from footprint.partnership import importers, services


def _import(job: Job, progress: Progress) -> str:
    """Import as the person who uploaded the file: the services refuse them if they may not
    (say, they lost the programme office role while the job waited), and the job says why."""
    try:
        return _import_as_uploader(job, progress)
    except PermissionDenied as exc:
        raise WorkRefused([str(exc)]) from None


def _import_as_uploader(job: Job, progress: Progress) -> str:
    p = job.payload
    text, filename = p["text"], p["filename"]
    if p["kind"] == "organisations":
        rows = importers.parse_organisations(text, filename)
        progress(1, 10)
        r = services.import_organisations(
            rows=rows, filename=filename, by=job.created_by, progress=progress
        )
        return f"{r['created']} organisations added and {r['updated']} updated"
    if p["kind"] == "population_estimates":
        records = importers.parse_population_estimates(
            text, filename, int(p["year"]), today=timezone.localdate(job.created_at)
        )
        source = "estimate"
    else:
        records = importers.parse_population_projection(
            text, filename, today=timezone.localdate(job.created_at)
        )
        source = "projection"
    progress(1, 10)
    r = services.import_population(
        records=records, source=source, filename=filename, by=job.created_by, progress=progress
    )
    return f"{r['series']} population series saved for {r['areas']} areas"


@task()
def run_import(job_id: int) -> None:
    """Parse and save an uploaded footprint file, all or nothing."""
    run_job(job_id, _import)
