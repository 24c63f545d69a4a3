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
from footprint.plans import compute, figures, publication, queries
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
    REMOVE_MEASUREMENT = "remove_measurement"


def figure_problems(
    *, metric: Metric, period: dt.date, value: float | None, today: dt.date
) -> dict[str, str]:
    """What is wrong with a figure of ``metric`` for ``period`` on ``today``, by field
    ('period', 'value'): the one check every way of recording a figure goes through (the goal
    page, the import and the API all call the services below, which call this)."""
    problems = {}
    if (problem := figures.period_problem(period, metric.frequency, today)) is not None:
        problems["period"] = problem
    if (problem := figures.value_problem(value, metric.unit)) is not None:
        problems["value"] = problem
    return problems


def _capitalised(message: str) -> str:
    return message[:1].upper() + message[1:]


def import_measurements(
    *,
    rows: Sequence[MeasurementRow],
    filename: str,
    by: Any,
    today: dt.date,
    progress: Progress = no_progress,
) -> dict[str, int]:
    """Save measurements, replacing any for the same metric, subject and period: all of
    them, or none. ``by`` must be a partner, allowed to change every series in the file (a row
    of a series they may not change is an error of the file, named by row). Each figure is
    checked as ``figure_problems`` checks it on ``today``: a bad period or value is an error
    of the file, named by row and column."""
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
        problems = figure_problems(metric=metric, period=r.period, value=r.value, today=today)
        if problems:
            errors += [
                RowError(r.row, field.capitalize(), message) for field, message in problems.items()
            ]
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
    today: dt.date,
) -> Measurement:
    """Record (or correct) one measurement of a series (``by`` must be allowed to change it).
    A figure ``figure_problems`` finds wrong on ``today`` is refused (``ValidationError`` by
    field, 'period' and 'value') and nothing is saved."""
    require(by, Permission.RECORD_MEASUREMENT, SeriesRef(metric, subject.subject_key))
    problems = figure_problems(metric=metric, period=period, value=value, today=today)
    if problems:
        raise ValidationError({k: _capitalised(v) for k, v in problems.items()})
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
            summary=f"{metric.name}, {m.subject_label}, {period:%b %Y}: "
            f"{figures.figure(value, metric.unit)}",
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
    allowed to change the series). New limits start within the series: after its first
    period (where limits start anyway) and no later than its last; and once for a period.
    Otherwise ``ValidationError`` on 'period', and nothing is saved."""
    require(by, Permission.ADD_REBASE, SeriesRef(metric, subject.subject_key))
    periods = queries.periods_of(metric, subject.subject_key)
    if not periods:
        raise ValidationError(
            {"period": "The series has no figures yet: new limits start within its figures"}
        )
    first, last = periods[0], periods[-1]
    if not first < period <= last:
        where = "is its first" if period == first else "is outside them"
        raise ValidationError(
            {
                "period": f"New limits start within the series' figures, after its first "
                f"period ({first:%B %Y}) and up to its latest ({last:%B %Y}); "
                f"{period:%B %Y} {where}"
            }
        )
    if queries.rebase_at(metric, subject.subject_key, period) is not None:
        raise ValidationError({"period": f"New limits already start from {period:%B %Y}"})
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


def remove_measurement(
    *,
    metric: Metric,
    subject: Subject | SubjectRef,
    period: dt.date,
    reason: str,
    by: Any,
) -> None:
    """Remove one period's figure from a series, such as one recorded for the wrong month, with
    the reason (``by`` must be allowed to record the series' figures). Its history keeps the
    figure and who removed it, and the audit trail says why. Leaving the value empty
    instead records that the figure is missing. ``ValidationError`` if there is no such
    figure or no reason; nothing is removed."""
    require(by, Permission.RECORD_MEASUREMENT, SeriesRef(metric, subject.subject_key))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the figure is being removed"})
    m = queries.measurement(metric, subject.subject_key, period)
    if m is None:
        raise ValidationError({"period": f"There is no figure for {period:%B %Y} to remove"})
    with transaction.atomic():
        m._history_user = by if getattr(by, "is_authenticated", False) else None
        m._change_reason = reason[:100]  # the history's reason holds 100 characters
        summary = (
            f"{metric.name}, {m.subject_label}, {period:%b %Y}: removed the figure "
            f"{figures.figure(m.value, metric.unit)} ({reason})"
        )
        m.delete()
        audit.record(
            actor=by,
            action=AuditAction.REMOVE_MEASUREMENT,
            summary=summary,
            metric=metric.slug,
            subject=subject.subject_key,
            period=period.isoformat(),
            old=m.value,
            note=m.note,
            reason=reason,
        )


def publish_plan(*, plan: Plan, by: Any, at: dt.datetime | None = None) -> PlanPublication:
    """Publish ``plan`` as it stands now: its priorities and goals, each goal's latest figure,
    verdict and status (judged on the day of ``at``: a goal whose target month is over by then
    is achieved or missed). The public page and the public API show exactly this, with its date,
    until the programme office publishes again; a revision records what changed from the
    publication before. Publishing what has not changed adds no revision."""
    require(by, Permission.CHANGE_PLAN)
    at = at or timezone.now()
    with transaction.atomic():
        goals = list(queries.goals_of(plan))
        views = compute.judge_goals(
            goals, queries.series_of_goals(goals), today=timezone.localdate(at)
        )
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
