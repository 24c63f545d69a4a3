"""Background tasks: winter runs. Each reads through ``queries``, simulates through
``compute`` (inside ``services.run_simulation``) and stores through ``services``, acting for
the person who started the run."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django_tasks import task

from footprint.core.jobs import Progress, WorkRefused, run_job
from footprint.core.models import Job
from footprint.winter import queries, services


def _run(job: Job, progress: Progress) -> str:
    run = queries.run_of_job(job)
    by = run.created_by or job.created_by
    try:
        return services.run_simulation(run=run, by=by, progress=progress)
    except PermissionDenied as exc:
        raise WorkRefused([str(exc)]) from None


@task()
def run_scenario(run_id: int) -> None:
    """Simulate a winter scenario and store its results, with progress on its job."""
    run_job(queries.job_of_run(run_id), _run)
