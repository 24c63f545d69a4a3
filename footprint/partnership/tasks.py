"""Background tasks: imports run here, reporting progress on their Job."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from footprint.core.imports import ImportRejected
from footprint.core.models import Job
from footprint.partnership import importers, services


def _run(job: Job) -> str:
    p = job.payload
    text, filename = p["text"], p["filename"]

    def progress(done: int, total: int) -> None:
        # Parsing is the first tenth of the work; saving the rest.
        Job.objects.filter(pk=job.pk).update(done=10 + int(90 * done / max(total, 1)), total=100)

    if p["kind"] == "organisations":
        rows = importers.parse_organisations(text, filename)
        progress(0, 1)
        r = services.import_organisations(
            rows=rows, filename=filename, by=job.created_by, progress=progress
        )
        return f"{r['created']} organisations added and {r['updated']} updated"
    if p["kind"] == "population_estimates":
        records = importers.parse_population_estimates(text, filename, int(p["year"]))
        source = "estimate"
    else:
        records = importers.parse_population_projection(text, filename)
        source = "projection"
    progress(0, 1)
    r = services.import_population(
        records=records, source=source, filename=filename, by=job.created_by, progress=progress
    )
    return f"{r['series']} population series saved for {r['areas']} areas"


@task()
def run_import(job_id: int) -> None:
    """Parse and save an uploaded file, all or nothing, recording the outcome on the job."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, total=100, done=1)
    try:
        message = _run(job)
    except ImportRejected as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message=f"{len(exc.errors)} problems in {exc.filename}",
            errors=exc.as_lines(),
            finished_at=timezone.now(),
            payload={},
        )
        return
    except Exception:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message="an unexpected error stopped the import; nothing was saved",
            finished_at=timezone.now(),
            payload={},
        )
        raise
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED,
        message=message,
        done=100,
        finished_at=timezone.now(),
        payload={},
    )
