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
from footprint.engagement.models import Consultation

EVERY = dt.timedelta(seconds=30)


@task()
def recompute_opinions(consultation_id: int, by_id: int | None = None) -> None:
    """Find the opinion groups afresh from every vote so far: for the person ``by_id`` who
    asked, or (None) for the site itself, as votes arrive."""
    by = OPERATOR if by_id is None else queries.person(by_id)
    services.store_opinion_groups(consultation=queries.consultation(consultation_id), by=by)


def recompute_now(consultation: Consultation, *, by: Any) -> None:
    """Recompute in the background once the current transaction commits, for ``by`` (the
    service refuses anyone but the programme office)."""
    transaction.on_commit(lambda: recompute_opinions.enqueue(consultation.pk, by.pk))


def request_recompute(consultation: Consultation) -> None:
    """Recompute in the background once the current transaction commits, unless the latest
    groups are less than 30 seconds old (so a busy consultation is not recomputed per vote)."""
    latest = queries.latest_snapshot_at(consultation)
    if latest is None or timezone.now() - latest >= EVERY:
        transaction.on_commit(lambda: recompute_opinions.enqueue(consultation.pk))
