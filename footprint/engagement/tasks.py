"""Background tasks: recomputing a consultation's opinion groups as votes arrive."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from footprint.engagement import compute
from footprint.engagement.models import Consultation

EVERY = dt.timedelta(seconds=30)


@task()
def recompute_opinions(consultation_id: int) -> None:
    """Find the opinion groups afresh from every vote so far."""
    compute.compute_opinions(Consultation.objects.get(pk=consultation_id))


def request_recompute(consultation: Consultation) -> None:
    """Recompute in the background once the current transaction commits, unless the latest
    groups are less than 30 seconds old (so a busy consultation is not recomputed per vote)."""
    latest = consultation.snapshots.values_list("computed_at", flat=True).first()
    if latest is None or timezone.now() - latest >= EVERY:
        transaction.on_commit(lambda: recompute_opinions.enqueue(consultation.pk))
