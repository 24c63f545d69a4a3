"""Background tasks: the footprint's imports."""

from __future__ import annotations

from django_tasks import task

from footprint.core.jobs import Progress, run_job
from footprint.core.models import Job
from footprint.partnership import importers, services


def _import(job: Job, progress: Progress) -> str:
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
        records = importers.parse_population_estimates(text, filename, int(p["year"]))
        source = "estimate"
    else:
        records = importers.parse_population_projection(text, filename)
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
