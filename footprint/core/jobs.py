"""Long work as background tasks, with progress stored on a Job that pages show as a bar."""

from __future__ import annotations

import base64
import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from footprint.core.imports import LARGEST_UPLOAD, TABLE, ImportRejected, Limits, decode
from footprint.core.models import Job
from footprint.core.permissions import can

# A job running longer than this is taken to have lost its worker (killed for memory, say, or
# stopped by a deploy); one queued longer than ``NEVER_STARTED`` to have none.
STUCK_AFTER = dt.timedelta(minutes=settings.FOOTPRINT_JOB_TIME_LIMIT_MINUTES)
NEVER_STARTED = dt.timedelta(hours=24)

Progress = Callable[[int, int], None]

#: Sent with ``ids`` (and ``now``) when ``sweep_stuck_jobs`` fails jobs, so that an app whose
#: records follow a job (a model run) can mark them failed too; core knows no such app.
jobs_swept = Signal()


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


@dataclass(frozen=True)
class _Watchers:
    permission: str
    subject: Callable[[Job], object | None]


# Who, besides whoever started it, may watch a kind of job: those who may see its subject.
_WATCHERS: dict[str, _Watchers] = {}


def watched_by(kind: str, permission: str, subject: Callable[[Job], object | None]) -> None:
    """Let whoever holds ``permission`` on a ``kind`` job's subject (``subject(job)``: the model
    run it computes, say) watch its progress, not only whoever started it. An app calls this
    from its ``job_watchers`` module, which core finds and imports at start."""
    _WATCHERS[kind] = _Watchers(permission, subject)


def may_watch(job: Job, user: Any) -> bool:
    """Whether ``user`` may see ``job``'s progress: they started it, they are a superuser, or
    they may see its subject (``watched_by``). A job whose subject is gone is its starter's."""
    if not getattr(user, "is_authenticated", False):
        return False
    if (job.created_by_id is not None and job.created_by_id == user.pk) or user.is_superuser:
        return True
    watchers = _WATCHERS.get(job.kind)
    if watchers is None:
        return False
    subject = watchers.subject(job)
    return subject is not None and can(user, watchers.permission, subject)


def job_for(pk: int, user: Any) -> Job | None:
    """The job its progress page shows ``user``: one they may watch (``may_watch``); None
    for any other, as for one that does not exist."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or not may_watch(job, user):
        return None
    return job


def _problems(n: int) -> str:
    return "1 problem" if n == 1 else f"{n:,} problems"


def run_job(job_id: int, work: Callable[[Job, Progress], str]) -> None:
    """Run ``work(job, progress)`` for a job, storing its progress and outcome.

    ``work`` returns a one-line summary. A rejected import or refused work fails the job
    with every error;
    any other exception fails it with a short message and is raised again for the logs.
    The uploaded payload is cleared afterwards, however the job ends: files are not kept.
    Before it starts, jobs that an earlier worker left running are swept (``sweep_stuck_jobs``);
    queued jobs are not: a worker is taking them now, however long they waited.
    """
    sweep_stuck_jobs(now=timezone.now(), queued=False)  # jobs a dead worker left running
    job = Job.objects.get(pk=job_id)
    if job.finished:  # swept while it waited (its file deleted): nothing to run
        return
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.RUNNING, total=100, done=1, started_at=timezone.now()
    )

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


def sweep_stuck_jobs(
    *, now: dt.datetime, limit: dt.timedelta = STUCK_AFTER, queued: bool = True
) -> int:
    """Fail every job running for longer than ``limit`` before ``now`` (its worker died: a
    finished job always records its end) and, with ``queued``, every job queued for longer
    than ``NEVER_STARTED`` (no worker took it), saying so, and delete their payloads. Nothing
    they did was saved: each import and run saves in one transaction, which a dead worker
    never committed. Returns the number of jobs failed."""
    minutes = round(limit.total_seconds() / 60)
    stuck = list(
        Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=now - limit).values_list(
            "pk", flat=True
        )
    )
    ran = Job.objects.filter(pk__in=stuck).update(
        status=Job.Status.FAILED,
        message=f"stopped: it ran for more than {minutes} minutes without finishing (was the "
        "worker stopped?); nothing was saved",
        payload={},
        finished_at=now,
    )
    waiting = (
        list(
            Job.objects.filter(
                status=Job.Status.QUEUED, created_at__lt=now - NEVER_STARTED
            ).values_list("pk", flat=True)
        )
        if queued
        else []
    )
    waited = Job.objects.filter(pk__in=waiting).update(
        status=Job.Status.FAILED,
        message="never started: no worker took it within a day (is the worker running?); "
        "nothing was saved",
        payload={},
        finished_at=now,
    )
    if stuck or waiting:
        jobs_swept.send(sender=Job, ids=[*stuck, *waiting], now=now)
    return ran + waited


def refuse_big_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate an upload page so that a request body larger than any file Footprint takes
    (``LARGEST_UPLOAD``, with room for the form's other fields) is refused with a 413 page
    saying why, before a byte of it is read."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method == "POST" and length > LARGEST_UPLOAD + 64 * 1024:
            return render(
                request,
                "core/upload_too_big.jinja",
                {"most": LARGEST_UPLOAD // (1024 * 1024), "back": request.path},
                status=413,
            )
        return view(request, *args, **kwargs)

    return wrapper


def start_upload(
    form: Any,
    request: Any,
    *,
    job_kind: str,
    task: Any,
    limits: Limits = TABLE,
    binary: bool = False,
    **payload: Any,
) -> Job | None:
    """Queue ``task`` to import the file uploaded in ``form`` (its ``file`` field).

    The page only checks the file's size against ``limits`` and keeps it on the job; the task
    parses it (in the worker, never in the web process) and the job's end deletes it. A text
    file is kept as UTF-8 text (refused here, on the form, when it is not text or holds a NUL
    character), a ``binary`` one (a workbook) as base64 in ``payload["data"]``. Returns the
    job, or None with the error added to the form."""
    upload = form.cleaned_data["file"]
    if problem := limits.size_problem(upload.size, upload.name):
        form.add_error("file", problem)
        return None
    data = upload.read()
    kept: dict[str, str]
    if binary:
        kept = {"data": base64.b64encode(data).decode("ascii")}
    else:
        try:
            kept = {"text": decode(data, upload.name)}
        except ImportRejected as exc:
            form.add_error("file", str(exc))
            return None
    job = create_job(
        kind=job_kind,
        title=f"Import {upload.name}",
        user=request.user,
        payload={**kept, "filename": upload.name, **payload},
    )
    task.enqueue(job.pk)
    return job


def uploaded_bytes(job: Job) -> bytes:
    """The file a ``binary`` upload kept on its job."""
    return base64.b64decode(job.payload["data"])
