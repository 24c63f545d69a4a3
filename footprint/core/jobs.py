"""Long work as background tasks, with progress stored on a Job that pages show as a bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from footprint.core.imports import ImportRejected, decode
from footprint.core.models import Job

Progress = Callable[[int, int], None]


class WorkRefused(Exception):
    """The work cannot be done as asked; ``lines`` say why, one problem each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = lines


def no_progress(done: int, total: int) -> None:
    """The progress callback for work run outside a job."""


def create_job(*, kind: str, title: str, user: Any, payload: dict[str, Any]) -> Job:
    """Record a job, queued, for a task to pick up."""
    return Job.objects.create(kind=kind, title=title, created_by=user, payload=payload)


def job_for(pk: int, user: Any) -> Job | None:
    """The job its progress page shows ``user``: one they started (any, for a superuser);
    None for anyone else's, as for one that does not exist."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or (job.created_by_id != user.pk and not user.is_superuser):
        return None
    return job


def _problems(n: int) -> str:
    return "1 problem" if n == 1 else f"{n:,} problems"


def run_job(job_id: int, work: Callable[[Job, Progress], str]) -> None:
    """Run ``work(job, progress)`` for a job, storing its progress and outcome.

    ``work`` returns a one-line summary. A rejected import or refused work fails the job
    with every error;
    any other exception fails it with a short message and is raised again for the logs.
    The uploaded payload is cleared afterwards: files are not kept.
    """
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, total=100, done=1)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=min(99, int(100 * done / max(total, 1))))

    finished = {"finished_at": timezone.now(), "payload": {}}
    try:
        message = work(job, progress)
    except ImportRejected as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message=f"{_problems(len(exc.errors))} in {exc.filename}",
            errors=exc.as_lines(),
            **finished,
        )
        return
    except WorkRefused as exc:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message=f"{_problems(len(exc.lines))} stopped the work; nothing was saved",
            errors=exc.lines,
            **finished,
        )
        return
    except Exception:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message="an unexpected error stopped the work; nothing was saved",
            **finished,
        )
        raise
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.SUCCEEDED, message=message, done=100, **finished
    )


def start_upload(
    form: Any, request: Any, *, job_kind: str, task: Any, **payload: Any
) -> Job | None:
    """Queue ``task`` to import the file uploaded in ``form`` (its ``file`` field).

    The file is read as UTF-8 and kept on the job until the task has run. Returns the job, or
    None with the error added to the form when the file is not text."""
    upload = form.cleaned_data["file"]
    try:
        text = decode(upload.read(), upload.name)
    except ImportRejected as exc:
        form.add_error("file", str(exc))
        return None
    job = create_job(
        kind=job_kind,
        title=f"Import {upload.name}",
        user=request.user,
        payload={"text": text, "filename": upload.name, **payload},
    )
    task.enqueue(job.pk)
    return job
