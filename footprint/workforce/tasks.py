"""Background tasks: workforce imports."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks import task

from footprint.core.jobs import Progress, WorkRefused, run_job
from footprint.core.models import Job
from footprint.workforce import importers, services


def _import(job: Job, progress: Progress) -> str:
    try:
        return _save(job, progress)
    except PermissionDenied as exc:  # e.g. the uploader's workforce role ended before it ran
        raise WorkRefused([str(exc)]) from exc


def _today(job: Job) -> dt.date:
    """The day the file was uploaded, as the page that queued it said (or, for a job queued
    without it, the day the job was made): the importers judge dates against it."""
    if "today" in job.payload:
        return dt.date.fromisoformat(job.payload["today"])
    return timezone.localdate(job.created_at)


def _save(job: Job, progress: Progress) -> str:
    text, filename, today = job.payload["text"], job.payload["filename"], _today(job)
    # every problem of the file at once, whose figures it may change among them
    check = services.organisation_check(job.created_by)
    if job.payload["kind"] == "returns":
        result = services.import_returns(
            rows=importers.parse_returns(text, filename, today=today, check_organisations=check),
            filename=filename,
            by=job.created_by,
            progress=progress,
        )
        return f"{result['returns']} returns saved for {result['organisations']} organisations"
    shifts = services.import_shifts(
        rows=importers.parse_shifts(text, filename, today=today, check_organisations=check),
        filename=filename,
        by=job.created_by,
        progress=progress,
    )
    return shifts_saved(shifts["shifts"], shifts["already"])


def shifts_saved(new: int, already: int) -> str:
    """The job's summary of a shifts import, saying how many were already there."""
    if not new:
        return f"No new agency shifts: all {already:,} were already saved"
    saved = "1 agency shift saved" if new == 1 else f"{new:,} agency shifts saved"
    if already:
        return f"{saved}; {already:,} already saved were not added again"
    return saved


@task()
def run_workforce_import(job_id: int) -> None:
    """Parse and save an uploaded workforce file, all or nothing."""
    run_job(job_id, _import)
