"""Background tasks: recomputing a consultation's opinion groups as votes arrive, or when the
programme office asks. The task stores them through ``services.store_opinion_groups``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from footprint.core.permissions import OPERATOR
from footprint.engagement import queries, services
from footprint.engagement.models import Consultation, OpinionSnapshot

EVERY = dt.timedelta(seconds=30)


@task()
def recompute_opinions(
    consultation_id: int, by_id: int | None = None, requested_at: str | None = None
) -> None:
    """Find the opinion groups afresh from every vote so far: for the person ``by_id`` who
    asked, or (None) for the site itself, as votes arrive at ``requested_at`` (ISO 8601). The
    site's recompute does nothing when groups found since it was asked for exist (a worker
    that was down runs one of a backlog and skips the rest)."""
    consultation = queries.consultation(consultation_id)
    if by_id is None and requested_at is not None:
        asked = dt.datetime.fromisoformat(requested_at)
        services.begin_recompute(consultation, asked)
        latest = queries.latest_snapshot(consultation)
        if latest is not None and found_from(latest) >= asked:
            return
    by = OPERATOR if by_id is None else queries.person(by_id)
    services.store_opinion_groups(consultation=consultation, by=by)


def found_from(snapshot: OpinionSnapshot) -> dt.datetime:
    """When the snapshot's groups began to be found: they count the votes until then."""
    return snapshot.computed_at - dt.timedelta(seconds=snapshot.seconds)


def recompute_now(consultation: Consultation, *, by: Any) -> None:
    """Recompute in the background once the current transaction commits, for ``by`` (the
    service refuses anyone but the programme office)."""
    transaction.on_commit(lambda: recompute_opinions.enqueue(consultation.pk, by.pk))


def request_recompute(consultation: Consultation) -> None:
    """Recompute in the background once the current transaction commits, unless the latest
    groups are less than 30 seconds old (so a busy consultation is not recomputed per vote)
    or a recompute asked for is still waiting (so a slow or stopped worker does not gather a
    recompute for every vote: services.want_recompute)."""
    now = timezone.now()
    latest = queries.latest_snapshot_at(consultation)
    if latest is not None and now - latest < EVERY:
        return
    if services.want_recompute(consultation, now):
        asked = now.isoformat()
        transaction.on_commit(lambda: recompute_opinions.enqueue(consultation.pk, None, asked))
