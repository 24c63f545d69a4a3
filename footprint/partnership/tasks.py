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
    if p["kind"] in SMALL_AREA_KINDS:
        return _import_small_areas(job, progress)
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


SMALL_AREA_KINDS = {"small_areas", "deprivation", "small_area_population", "ethnic_groups"}


def _import_small_areas(job: Job, progress: Progress) -> str:
    p = job.payload
    text, filename, kind = p["text"], p["filename"], p["kind"]
    if kind == "small_areas":
        rows = importers.parse_small_area_lookup(text, filename)
        progress(1, 10)
        r = services.import_small_areas(rows=rows, filename=filename, by=job.created_by)
        return (
            f"{r['added']} small areas added, {r['kept']} kept and {r['removed']} removed "
            "from the lookup"
        )
    if kind == "deprivation":
        found = services.import_deprivation(
            rows=importers.parse_deprivation(text, filename), filename=filename, by=job.created_by
        )
        what = "deprivation"
    elif kind == "small_area_population":
        year = int(p["year"])
        rows_p = importers.parse_small_area_population(
            text, filename, year, today=timezone.localdate(job.created_at)
        )
        progress(1, 10)
        found = services.import_small_area_population(
            rows=rows_p, year=year, filename=filename, by=job.created_by
        )
        what = f"{year} population"
    else:
        found = services.import_ethnic_groups(
            rows=importers.parse_ethnic_groups(text, filename), filename=filename, by=job.created_by
        )
        what = "ethnic groups"
    message = f"The {what} of {_count(found['small_areas'], 'small area')} saved"
    if found["skipped"]:
        message += (
            f"; {_count(found['skipped'], 'row')} for small areas outside the partnership skipped"
        )
    if found["missing"]:
        message += f"; {found['missing']:,} of the partnership's small areas were not in the file"
    return message


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@task()
def run_import(job_id: int) -> None:
    """Parse and save an uploaded footprint file, all or nothing."""
    run_job(job_id, _import)
