"""Writes to the partnership's Core20PLUS5 choices. Each function refuses a caller who may not
act, then writes in one transaction with its audit record inside."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import transaction

from footprint.core import audit
from footprint.core.permissions import require
from footprint.inequalities.core20plus5 import BY_CODE
from footprint.inequalities.models import ClinicalAreaMetric, PlusGroup
from footprint.inequalities.rules import Permission
from footprint.plans.models import Metric

PLUS_GROUP_FIELDS = ("name", "who", "why", "order", "public")


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    ADD_PLUS_GROUP = "add_plus_group"
    CHANGE_PLUS_GROUP = "change_plus_group"
    REMOVE_PLUS_GROUP = "remove_plus_group"
    CHOOSE_CLINICAL_AREA_METRIC = "choose_clinical_area_metric"


def add_plus_group(*, data: dict[str, Any], by: Any) -> PlusGroup:
    require(by, Permission.CHANGE_CORE20PLUS5)
    group = PlusGroup(**{k: data[k] for k in PLUS_GROUP_FIELDS if k in data})
    with transaction.atomic():
        audit.save_audited(
            group,
            by=by,
            action=AuditAction.ADD_PLUS_GROUP,
            summary=f"Added the PLUS group {group.name}",
        )
    return group


def change_plus_group(*, group: PlusGroup, data: dict[str, Any], by: Any) -> PlusGroup:
    require(by, Permission.CHANGE_CORE20PLUS5, group)
    for k in PLUS_GROUP_FIELDS:
        if k in data:
            setattr(group, k, data[k])
    with transaction.atomic():
        audit.save_audited(
            group,
            by=by,
            action=AuditAction.CHANGE_PLUS_GROUP,
            summary=f"Changed the PLUS group {group.name}",
        )
    return group


def remove_plus_group(*, group: PlusGroup, by: Any) -> None:
    require(by, Permission.CHANGE_CORE20PLUS5, group)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=AuditAction.REMOVE_PLUS_GROUP,
            summary=f"Removed the PLUS group {group.name}",
        )
        group.delete()


def choose_metric(*, area: str, metric: Metric | None, by: Any) -> ClinicalAreaMetric:
    """Say which plan metric tracks a clinical area (None: none does)."""
    require(by, Permission.CHANGE_CORE20PLUS5)
    if area not in BY_CODE:
        raise ValueError(f"{area!r} is not a Core20PLUS5 clinical area")
    with transaction.atomic():
        link = ClinicalAreaMetric.objects.filter(area=area).first() or ClinicalAreaMetric(area=area)
        link.metric = metric
        audit.save_audited(
            link,
            by=by,
            action=AuditAction.CHOOSE_CLINICAL_AREA_METRIC,
            summary=f"{BY_CODE[area].name}: tracked by " + (metric.name if metric else "no metric"),
        )
    return link
