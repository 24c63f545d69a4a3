"""Background jobs in the JSON API: the progress of work a token's owner started (a demand
model run, an import), as the job's page shows it to them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.api.pagination import MAX_ID
from footprint.core.jobs import job_for

router = Router(tags=["jobs"], auth=TokenAuth())


class JobOut(Schema):
    id: int
    kind: str = Field(description="What the work is: demand:run, import:workforce:returns, …")
    title: str
    status: str = Field(description="queued, running, succeeded or failed")
    percent: int = Field(description="Progress, 0 to 100")
    finished: bool
    message: str = Field(description="The outcome in one line, once finished")
    errors: list[str] = Field(description="For a failed job: each problem, one a line")
    created_at: dt.datetime
    finished_at: dt.datetime | None


def job_out(job: Any) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "percent": job.percent,
        "finished": job.finished,
        "message": job.message,
        "errors": [str(e) for e in job.errors],
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get("/jobs/{job_id}", response={200: JobOut, 404: Error})
def job(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    """A job's progress and outcome: only for the person who started it (anyone else's is
    not found, as on the job's page). Poll it until ``finished``."""
    found = job_for(job_id, request.user)
    if found is None:
        return Status(404, {"detail": "No such job of yours"})
    return Status(200, job_out(found))
