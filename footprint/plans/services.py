"""Writes to the plan. Each function is one transaction with its audit record inside, and
refuses (``PermissionDenied``) a caller who may not make the change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from footprint.core import audit
from footprint.core.imports import RowError, raise_if_any
from footprint.core.jobs import Progress, no_progress
from footprint.core.permissions import can, require
from footprint.partnership import queries as partnership_queries
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.plans import compute, publication, queries
from footprint.plans.importers import MeasurementRow
from footprint.plans.models import Measurement, Metric, Plan, PlanPublication, Rebase, Subject
from footprint.plans.queries import SeriesRef, SubjectRef
from footprint.plans.rules import Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    ADD_REBASE = "add_rebase"
    IMPORT_MEASUREMENTS = "import_measurements"
    PUBLISH_PLAN = "publish_plan"
    RECORD_MEASUREMENT = "record_measurement"


def import_measurements(
    *, rows: Sequence[MeasurementRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Save measurements, replacing any for the same metric, subject and period: all of
    them, or none. ``by`` must be a partner, allowed to change every series in the file (a row
    of a series they may not change is an error of the file, named by row)."""
    require(by, Permission.IMPORT_MEASUREMENTS)
    metrics = queries.metrics_by_slug()
    orgs = partnership_queries.organisations_by_code()
    places = partnership_queries.places_by_code()
    hoods = partnership_queries.neighbourhoods_by_code()
    errors: list[RowError] = []
    resolved = []
    allowed: dict[tuple[int, str], bool] = {}
    for r in rows:
        metric = metrics.get(r.metric)
        if metric is None:
            errors.append(RowError(r.row, "Metric", f"no metric is called '{r.metric}'"))
            continue
        org = orgs.get(r.organisation) if r.organisation else None
        place = places.get(r.place) if r.place else None
        hood = hoods.get(r.neighbourhood) if r.neighbourhood else None
        if r.organisation and org is None:
            errors.append(
                RowError(
                    r.row, "Organisation", f"no organisation has the ODS code '{r.organisation}'"
                )
            )
            continue
        if r.place and place is None:
            errors.append(RowError(r.row, "Place", f"no place has the code '{r.place}'"))
            continue
        if r.neighbourhood and hood is None:
            errors.append(
                RowError(
                    r.row, "Neighbourhood", f"no neighbourhood has the code '{r.neighbourhood}'"
                )
            )
            continue
        key = Subject.key_for(org, place, hood)
        if (metric.pk, key) not in allowed:
            allowed[(metric.pk, key)] = can(
                by, Permission.RECORD_MEASUREMENT, SeriesRef(metric, key)
            )
        if not allowed[(metric.pk, key)]:
            errors.append(
                RowError(
                    r.row,
                    "Metric",
                    f"you may not change {metric.name} for {_label(org, place, hood)}",
                )
            )
            continue
        resolved.append((r, metric, org, place, hood, key))
    raise_if_any(filename, errors)
    with transaction.atomic():
        for i, (r, metric, org, place, hood, key) in enumerate(resolved, start=1):
            m = Measurement.objects.filter(metric=metric, subject_key=key, period=r.period).first()
            m = m or Measurement(
                metric=metric, organisation=org, place=place, neighbourhood=hood, period=r.period
            )
            m.value = r.value
            m.note = r.note
            audit.save_with_history(m, by=by, validate=False)
            if i % 200 == 0:
                progress(i, len(resolved))
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_MEASUREMENTS,
            summary=f"Imported {len(resolved)} measurements from {filename}",
            filename=filename,
            series=len(allowed),
        )
    return {"measurements": len(resolved), "series": len(allowed)}


def _label(org: Organisation | None, place: Place | None, hood: Neighbourhood | None) -> str:
    subject = org or place or hood
    return subject.name if subject is not None else "the whole system"


def record_measurement(
    *,
    metric: Metric,
    subject: Subject | SubjectRef,
    period: dt.date,
    value: float | None,
    note: str,
    by: Any,
) -> Measurement:
    """Record (or correct) one measurement of a series (``by`` must be allowed to change it)."""
    require(by, Permission.RECORD_MEASUREMENT, SeriesRef(metric, subject.subject_key))
    with transaction.atomic():
        m = Measurement.objects.filter(
            metric=metric, subject_key=subject.subject_key, period=period
        ).first() or Measurement(
            metric=metric,
            organisation=subject.organisation,
            place=subject.place,
            neighbourhood=subject.neighbourhood,
            period=period,
        )
        old = m.value if m.pk else None
        m.value = value
        m.note = note
        audit.save_audited(
            m,
            by=by,
            validate=False,
            action=AuditAction.RECORD_MEASUREMENT,
            summary=f"{metric.name}, {m.subject_label}, {period:%b %Y}: {value}",
            metric=metric.slug,
            subject=subject.subject_key,
            period=period.isoformat(),
            old=old,
            new=value,
        )
    return m


def add_rebase(
    *, metric: Metric, subject: Subject | SubjectRef, period: dt.date, reason: str, by: Any
) -> Rebase:
    """Record that the process changed from ``period``, with the reason (``by`` must be
    allowed to change the series)."""
    require(by, Permission.ADD_REBASE, SeriesRef(metric, subject.subject_key))
    with transaction.atomic():
        rebase = Rebase(
            metric=metric,
            organisation=subject.organisation,
            place=subject.place,
            neighbourhood=subject.neighbourhood,
            period=period,
            reason=reason,
            created_by=by,
        )
        audit.save_audited(
            rebase,
            by=by,
            validate=False,
            action=AuditAction.ADD_REBASE,
            summary=f"{metric.name}, {rebase.subject_label}: new limits from "
            f"{period:%b %Y} ({reason})",
            metric=metric.slug,
        )
    return rebase


def publish_plan(*, plan: Plan, by: Any, at: dt.datetime | None = None) -> PlanPublication:
    """Publish ``plan`` as it stands now: its priorities and goals, each goal's latest figure,
    verdict and status. The public page and the public API show exactly this, with its date,
    until the programme office publishes again; a revision records what changed from the
    publication before. Publishing what has not changed adds no revision."""
    require(by, Permission.CHANGE_PLAN)
    at = at or timezone.now()
    with transaction.atomic():
        goals = list(queries.goals_of(plan))
        views = compute.judge_goals(goals, queries.series_of_goals(goals))
        content = publication.content_of(plan, views)
        latest = queries.latest_publication(plan)
        if latest is not None and at < latest.published_at:
            raise ValidationError(
                f"The plan was last published on {latest.published_on:%-d %B %Y}; "
                "a new publication cannot be dated before it."
            )
        unchanged = latest is not None and latest.content == content
        if unchanged:
            assert latest is not None
            kept = latest
        else:
            kept = PlanPublication.objects.create(
                plan=plan,
                published_at=at,
                published_by=by,
                content=content,
                changes=publication.changes(latest.content if latest else None, content),
            )
        plan.status = Plan.Status.PUBLISHED
        plan.published_at = kept.published_at
        if unchanged:
            summary = (
                f"Published the plan '{plan.title}', unchanged since {kept.published_on:%-d %B %Y}"
            )
        elif latest is None:
            summary = f"Published the plan '{plan.title}'"
        else:
            summary = f"Revised the published plan '{plan.title}': {len(kept.changes)} changes"
        audit.save_audited(
            plan,
            by=by,
            action=AuditAction.PUBLISH_PLAN,
            summary=summary,
            plan=plan.pk,
            publication=kept.pk,
            changes=kept.changes if not unchanged else [],
        )
    return kept
