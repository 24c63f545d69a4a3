"""Background tasks: plan workbook uploads, parsed and saved by the worker, never the page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_tasks import task

from footprint.core.jobs import Progress, WorkRefused, run_job, uploaded_bytes
from footprint.core.models import Job
from footprint.finance import importers, services


def _import(job: Job, progress: Progress) -> str:
    """Read the workbook, then check and save it: every problem, in its cells or in what it
    asks (whose plans, which commissioners), is listed at once."""
    filename = job.payload["filename"]
    workbook = importers.read_plan_workbook(
        uploaded_bytes(job), filename, today=timezone.localdate(job.created_at)
    )
    progress(1, 2)
    try:
        plans = services.import_plan_workbook(
            workbook=workbook,
            filename=filename,
            by=job.created_by,
            confirmed=bool(job.payload.get("confirmed", False)),
        )
    except PermissionDenied as exc:  # e.g. the uploader's finance role ended before it ran
        raise WorkRefused([str(exc)]) from None
    org = plans[0].organisation
    return f"Saved {org.name}'s plans for {', '.join(p.year_label for p in plans)} from {filename}"


@task()
def import_plan_workbook(job_id: int) -> None:
    """Check and save an uploaded plan workbook, every year or none."""
    run_job(job_id, _import)
