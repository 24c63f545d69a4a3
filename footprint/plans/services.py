"""Writes to the plan. Each function is one transaction with its audit record inside, and
refuses (``PermissionDenied``) a caller who may not make the change."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from footprint.core import audit, breakdowns
from footprint.core.breakdowns import Breakdown
from footprint.core.imports import RowError, raise_if_any
from footprint.core.jobs import Progress, no_progress
from footprint.core.permissions import can, require
from footprint.partnership import queries as partnership_queries
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.plans import compute, figures, publication, queries
from footprint.plans.importers import MeasurementRow
from footprint.plans.models import (
    FlowAggregation,
    Goal,
    GoalScheme,
    Improvement,
    Measurement,
    Metric,
    Plan,
    PlanPublication,
    Priority,
    Rebase,
    Subject,
)
from footprint.plans.queries import SeriesRef, SubjectRef
from footprint.plans.rules import Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    ADD_REBASE = "add_rebase"
    CHANGE_GOAL = "change_goal"
    CHANGE_METRIC = "change_metric"
    CHANGE_PLAN = "change_plan"
    CHANGE_PRIORITY = "change_priority"
    CREATE_GOAL = "create_goal"
    CREATE_METRIC = "create_metric"
    CREATE_PLAN = "create_plan"
    CREATE_PRIORITY = "create_priority"
    LINK_GOAL_DECISIONS = "link_goal_decisions"
    LINK_GOAL_SCHEMES = "link_goal_schemes"
    IMPORT_MEASUREMENTS = "import_measurements"
    PUBLISH_PLAN = "publish_plan"
    RECORD_MEASUREMENT = "record_measurement"
    RECORD_SPLIT_FIGURES = "record_split_figures"
    REMOVE_MEASUREMENT = "remove_measurement"
    REFRESH_FLOW_SERIES = "refresh_flow_series"


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


def fed_problem(metric: Metric, subject_key: str, breakdown: str = "") -> str | None:
    """Why a figure of this series cannot be recorded by hand, or None: the whole system's
    figures of a metric made from the daily returns are written from them
    (``refresh_flow_series``), never by hand."""
    if metric.is_fed_from_returns and subject_key == "system" and not breakdown:
        return (
            f"The whole-system figures of {metric.name} are made from the daily returns: they are "
            "not recorded by hand"
        )
    return None


def _capitalised(message: str) -> str:
    return message[:1].upper() + message[1:]


def import_measurements(
    *,
    rows: Sequence[MeasurementRow],
    filename: str,
    by: Any,
    today: dt.date,
    progress: Progress = no_progress,
    file_errors: Sequence[RowError] = (),
) -> dict[str, int]:
    """Save measurements, replacing any for the same metric, subject and period: all of
    them, or none. ``by`` must be a partner, allowed to change every series in the file (a row
    of a series they may not change is an error of the file, named by row). Each figure is
    checked as ``figure_problems`` checks it on ``today``: a bad period or value is an error
    of the file, named by row and column. ``file_errors`` are the problems the importer found
    (its ``incomplete`` rows are checked for metric and subject only): they are listed with
    these, sorted by row, so that one bad cell hides no other problem."""
    require(by, Permission.IMPORT_MEASUREMENTS)
    metrics = queries.metrics_by_code()
    orgs = partnership_queries.organisations_by_code()
    places = partnership_queries.places_by_code()
    hoods = partnership_queries.neighbourhoods_by_code()
    errors: list[RowError] = list(file_errors)
    resolved = []
    allowed: dict[tuple[int, str], bool] = {}
    for r in rows:
        metric = metrics.get(r.metric)
        if metric is None:
            errors.append(RowError(r.row, "Metric", _unknown_code(r.metric, metrics)))
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
        if r.incomplete or r.period is None:
            continue
        if (problem := fed_problem(metric, key, r.breakdown)) is not None:
            errors.append(RowError(r.row, "Metric", problem))
            continue
        problems = figure_problems(metric=metric, period=r.period, value=r.value, today=today)
        if problems:
            errors += [
                RowError(r.row, field.capitalize(), message) for field, message in problems.items()
            ]
            continue
        resolved.append((r, metric, org, place, hood, key, r.period))
    raise_if_any(filename, sorted(errors, key=lambda e: e.row))
    with transaction.atomic():
        for i, (r, metric, org, place, hood, key, period) in enumerate(resolved, start=1):
            m = Measurement.objects.filter(
                metric=metric,
                subject_key=key,
                breakdown=r.breakdown,
                category=r.category,
                period=period,
            ).first()
            m = m or Measurement(
                metric=metric,
                organisation=org,
                place=place,
                neighbourhood=hood,
                period=period,
                breakdown=r.breakdown,
                category=r.category,
            )
            m.value = r.value
            m.population = r.population
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


def _unknown_code(code: str, metrics: dict[str, Metric]) -> str:
    """Why no metric has ``code``, with the nearest code (and its metric) if one is close,
    or what the metric called that is coded: the Metrics page lists every code."""
    wanted = code.strip()
    by_name = {m.name.lower(): m for m in metrics.values()}
    if (named := by_name.get(wanted.lower())) is not None:
        return f"no metric has the code '{wanted}': {named.name} has the code '{named.code}'"
    close = difflib.get_close_matches(slugify(wanted) or wanted, list(metrics), n=1, cutoff=0.7)
    hint = f" (did you mean '{close[0]}', {metrics[close[0]].name}?)" if close else ""
    return f"no metric has the code '{wanted}'{hint}; the Metrics page lists every code"


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
    if (problem := fed_problem(metric, subject.subject_key)) is not None:
        problems["value"] = problem
    if problems:
        raise ValidationError({k: _capitalised(v) for k, v in problems.items()})
    with transaction.atomic():
        m = Measurement.objects.filter(
            metric=metric, subject_key=subject.subject_key, breakdown="", period=period
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


# --- Setting up the plan on its pages -------------------------------------------------------
# Each refuses a caller who may not act, checks every field (a ``ValidationError`` by field,
# in words that name it; nothing saved), then saves with history and an audit record.

PLAN_YEARS = (2000, 2100)  # a plan's financial years are within these
LONGEST_PLAN = 10  # years
REVIEW_WITHIN_YEARS = 5  # a metric's next review is within five years
TARGET_WITHIN_YEARS = 10  # a goal's target is within ten years of today


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set ``values`` on ``obj``; the changed fields' names in words ('the target date')."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append("the " + str(type(obj)._meta.get_field(name).verbose_name))
    return changed


def _words(changed: list[str]) -> str:
    if not changed:
        return "nothing changed"
    return ", ".join(changed[:-1]) + " and " + changed[-1] if len(changed) > 1 else changed[0]


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({k: _capitalised(v) for k, v in problems.items()})


def _by(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


# Metrics


def code_for(name: str, taken: set[str]) -> str:
    """A metric's code, made from its name ('A&E within 4 hours' → 'ae-within-4-hours'), with
    '-2', '-3', … added if another metric has it already (a last resort: ``metric_problems``
    refuses a name whose code another metric has)."""
    base = slugify(name)[:70].strip("-")
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def metric_problems(
    *, name: str, unit: str, next_review: dt.date, today: dt.date, metric: Metric | None = None
) -> dict[str, str]:
    """What is wrong with a metric's name, unit and next review date, by field."""
    problems = {}
    name = name.strip()
    other = queries.metric_named(name)
    if not name:
        problems["name"] = "enter the metric's name"
    elif not slugify(name):
        problems["name"] = "the name needs letters or numbers: its code is made from them"
    elif other is not None and other != metric:
        problems["name"] = (
            f"a metric is already called '{other.name}' (code {other.code}): give this one "
            "a different name, or change that one"
        )
    elif (near := queries.metric(code_for(name, set()))) is not None and near != metric:
        problems["name"] = (
            f"'{name}' is too like '{near.name}' (code {near.code}): their codes would be "
            "the same, so files could not tell them apart; give this one a name that differs "
            "in its letters or numbers, or change that one"
        )
    if not unit.strip():
        problems["unit"] = "enter the unit, such as %, days or per 1,000 residents"
    elif metric is not None and unit != metric.unit:
        bad = [
            (period, value)
            for period, value in queries.values_of_metric(metric)
            if figures.value_problem(value, unit) is not None
        ]
        if bad:
            period, value = bad[0]
            problems["unit"] = (
                f"the unit cannot become '{unit}': {len(bad)} figure"
                f"{'s' if len(bad) > 1 else ''} already recorded cannot be in it (such as "
                f"{value:,.6g} for {period:%B %Y}: {figures.value_problem(value, unit)})"
            )
    changed_review = metric is None or next_review != metric.next_review
    if changed_review and next_review < today:
        problems["next_review"] = (
            f"the next review, {next_review:%-d %B %Y}, is before today, {today:%-d %B %Y}"
        )
    elif changed_review and next_review > figures.add_months(today, 12 * REVIEW_WITHIN_YEARS):
        problems["next_review"] = (
            f"the next review, {next_review:%-d %B %Y}, is more than {REVIEW_WITHIN_YEARS} "
            "years away: review a metric at least that often"
        )
    return problems


def flow_problems(flow_measure: str, flow_aggregation: str) -> dict[str, str]:
    """What is wrong with what a metric is made from in the daily returns, by field: both
    the figure and how the days make a period's, or neither."""
    problems = {}
    if flow_measure and flow_measure not in dict(queries.flow_measure_choices()):
        problems["flow_measure"] = f"'{flow_measure}' is not a figure of the daily returns"
    if flow_aggregation and flow_aggregation not in FlowAggregation.values:
        problems["flow_aggregation"] = f"'{flow_aggregation}' is not a way to make a figure"
    if flow_measure and not flow_aggregation:
        problems["flow_aggregation"] = "choose how the days make each period's figure"
    elif flow_aggregation and not flow_measure:
        problems["flow_measure"] = "choose the daily returns' figure it is made from"
    return problems


def create_metric(
    *,
    name: str,
    unit: str,
    improvement: str,
    definition: str,
    data_source: str,
    frequency: str,
    owner: Organisation,
    reviewer: Any,
    next_review: dt.date,
    by: Any,
    today: dt.date,
    flow_measure: str = "",
    flow_aggregation: str = "",
) -> Metric:
    """Add a metric, its code made from its name (the programme office only). A name that
    another metric has, or a next review before ``today``, is refused by field. A metric made
    from the daily returns names the returns' figure and how the days make a period's."""
    require(by, Permission.ADD_METRIC)
    _refuse(
        metric_problems(name=name, unit=unit, next_review=next_review, today=today)
        | flow_problems(flow_measure, flow_aggregation)
    )
    with transaction.atomic():
        metric = Metric(
            name=name.strip(),
            slug=code_for(name, queries.metric_codes()),
            unit=unit.strip(),
            improvement=improvement,
            definition=definition,
            data_source=data_source,
            frequency=frequency,
            owner=owner,
            reviewer=reviewer,
            next_review=next_review,
            flow_measure=flow_measure,
            flow_aggregation=flow_aggregation,
        )
        audit.save_audited(
            metric,
            by=by,
            action=AuditAction.CREATE_METRIC,
            summary=f"Metric added: {metric.name} (code {metric.code})",
            metric=metric.code,
        )
    return metric


def change_metric(
    *,
    metric: Metric,
    name: str,
    unit: str,
    improvement: str,
    definition: str,
    data_source: str,
    frequency: str,
    owner: Organisation,
    reviewer: Any,
    next_review: dt.date,
    by: Any,
    today: dt.date,
    flow_measure: str | None = None,
    flow_aggregation: str | None = None,
) -> Metric:
    """Change a metric (the programme office, or an editor of the organisation that owns it;
    only the programme office gives it to another organisation). Its code stays as it was
    made, so files and links that use it keep working. A new unit that a recorded figure
    cannot be in is refused. What it is made from in the daily returns stays as it is unless
    given."""
    require(by, Permission.CHANGE_METRIC, metric)
    if owner != metric.owner and not can(by, Permission.ADD_METRIC):
        raise PermissionDenied("Only the programme office gives a metric to another organisation")
    flow_measure = metric.flow_measure if flow_measure is None else flow_measure
    flow_aggregation = metric.flow_aggregation if flow_aggregation is None else flow_aggregation
    _refuse(
        metric_problems(name=name, unit=unit, next_review=next_review, today=today, metric=metric)
        | flow_problems(flow_measure, flow_aggregation)
    )
    with transaction.atomic():
        changed = _changed(
            metric,
            {
                "name": name.strip(),
                "unit": unit.strip(),
                "improvement": improvement,
                "definition": definition,
                "data_source": data_source,
                "frequency": frequency,
                "owner": owner,
                "reviewer": reviewer,
                "next_review": next_review,
                "flow_measure": flow_measure,
                "flow_aggregation": flow_aggregation,
            },
        )
        audit.save_audited(
            metric,
            by=by,
            action=AuditAction.CHANGE_METRIC,
            summary=f"Metric {metric.name} (code {metric.code}): changed {_words(changed)}",
            metric=metric.code,
            changed=changed,
        )
    return metric


# Plans and priorities


def plan_problems(*, title: str, start_year: int, end_year: int) -> dict[str, str]:
    problems = {}
    if not title.strip():
        problems["title"] = "enter the plan's title"
    low, high = PLAN_YEARS
    for field, year in (("start_year", start_year), ("end_year", end_year)):
        if not low <= year <= high:
            problems[field] = f"{year} is not a plausible year: give one from {low} to {high}"
    if "end_year" not in problems and "start_year" not in problems:
        if end_year < start_year:
            problems["end_year"] = (
                f"the plan ends in {end_year}, before it starts in {start_year}: the last "
                "year is the same as the first or after it"
            )
        elif end_year - start_year + 1 > LONGEST_PLAN:
            problems["end_year"] = (
                f"the plan runs for {end_year - start_year + 1} years: a plan runs for at "
                f"most {LONGEST_PLAN}"
            )
    return problems


def create_plan(*, title: str, start_year: int, end_year: int, summary: str, by: Any) -> Plan:
    """Start a plan, in draft (the programme office only)."""
    require(by, Permission.CHANGE_PLAN)
    _refuse(plan_problems(title=title, start_year=start_year, end_year=end_year))
    with transaction.atomic():
        plan = Plan(title=title.strip(), start_year=start_year, end_year=end_year, summary=summary)
        audit.save_with_history(plan, by=by)
        audit.record(
            actor=by,
            action=AuditAction.CREATE_PLAN,
            summary=f"Plan started: {plan.title} ({plan.period})",
            plan=plan.pk,
        )
    return plan


def change_plan(
    *, plan: Plan, title: str, start_year: int, end_year: int, summary: str, by: Any
) -> Plan:
    """Change a plan's title, years or summary (the programme office only). A published plan
    shows the public what was published until it is published again."""
    require(by, Permission.CHANGE_PLAN)
    _refuse(plan_problems(title=title, start_year=start_year, end_year=end_year))
    with transaction.atomic():
        changed = _changed(
            plan,
            {
                "title": title.strip(),
                "start_year": start_year,
                "end_year": end_year,
                "summary": summary,
            },
        )
        audit.save_audited(
            plan,
            by=by,
            action=AuditAction.CHANGE_PLAN,
            summary=f"Plan {plan.title}: changed {_words(changed)}",
            plan=plan.pk,
            changed=changed,
        )
    return plan


def create_priority(
    *,
    plan: Plan,
    title: str,
    description: str,
    order: int,
    lead: Organisation | None,
    by: Any,
) -> Priority:
    """Add a priority to the plan (the programme office only)."""
    require(by, Permission.CHANGE_PLAN)
    if not title.strip():
        raise ValidationError({"title": "Enter the priority's title"})
    with transaction.atomic():
        priority = Priority(
            plan=plan, title=title.strip(), description=description, order=order, lead=lead
        )
        audit.save_audited(
            priority,
            by=by,
            action=AuditAction.CREATE_PRIORITY,
            summary=f"Priority added to {plan.title}: {priority.title}",
            plan=plan.pk,
        )
    return priority


def change_priority(
    *,
    priority: Priority,
    title: str,
    description: str,
    order: int,
    lead: Organisation | None,
    by: Any,
) -> Priority:
    """Change a priority (the programme office only)."""
    require(by, Permission.CHANGE_PLAN)
    if not title.strip():
        raise ValidationError({"title": "Enter the priority's title"})
    with transaction.atomic():
        changed = _changed(
            priority,
            {"title": title.strip(), "description": description, "order": order, "lead": lead},
        )
        audit.save_audited(
            priority,
            by=by,
            action=AuditAction.CHANGE_PRIORITY,
            summary=f"Priority {priority.title}: changed {_words(changed)}",
            plan=priority.plan_id,
            changed=changed,
        )
    return priority


# Goals

LAYER_OF_SUBJECT = {"place": Goal.Layer.PLACE, "neighbourhood": Goal.Layer.NEIGHBOURHOOD}


def goal_problems(
    *,
    metric: Metric,
    layer: str,
    organisation: Organisation | None,
    place: Place | None,
    neighbourhood: Neighbourhood | None,
    baseline_value: float,
    baseline_date: dt.date,
    target_value: float,
    target_date: dt.date,
    today: dt.date,
    goal: Goal | None = None,
    kind: str = Goal.Kind.LEVEL,
    gap_breakdown: str = "",
    gap_measure: str = "",
    gap_first: str = "",
    gap_second: str = "",
) -> dict[str, str]:
    """What is wrong with a goal, by field: the subject must fit the layer (a
    neighbourhood-layer goal is about a neighbourhood, a place-layer goal about a place, a
    system-layer goal about the whole system or an organisation); the baseline and target
    must be possible in the metric's unit, and different if the metric has a better
    direction; the baseline month is over on ``today``; the target month is not over on
    ``today`` (unless an existing goal keeps its target) and is after the baseline."""
    problems: dict[str, str] = {}
    chosen = [x for x in (organisation, place, neighbourhood) if x is not None]
    if len(chosen) > 1:
        problems["organisation"] = (
            "choose one of an organisation, a place or a neighbourhood (or none, for the "
            "whole system): the goal is about " + " and ".join(x.name for x in chosen)
        )
    elif layer == Goal.Layer.NEIGHBOURHOOD and neighbourhood is None:
        about = f", not {chosen[0].name}" if chosen else ""
        problems["neighbourhood"] = (
            f"a neighbourhood-layer goal is about a neighbourhood{about}: choose the "
            "neighbourhood, or change the layer"
        )
    elif layer == Goal.Layer.PLACE and place is None:
        about = f", not {chosen[0].name}" if chosen else ""
        problems["place"] = (
            f"a place-layer goal is about a place{about}: choose the place, or change the layer"
        )
    elif layer == Goal.Layer.SYSTEM and (place or neighbourhood):
        subject = place or neighbourhood
        assert subject is not None
        right = "place" if place else "neighbourhood"
        problems["layer"] = (
            f"a goal about {subject.name} is at the {right} layer: a system-layer goal is "
            "about the whole system or an organisation"
        )
    if kind == Goal.Kind.GAP:
        problems |= gap_problems(
            metric=metric,
            gap_breakdown=gap_breakdown,
            gap_measure=gap_measure,
            gap_first=gap_first,
            gap_second=gap_second,
            baseline_value=baseline_value,
            target_value=target_value,
        )
    for field, value in (("baseline_value", baseline_value), ("target_value", target_value)):
        if kind == Goal.Kind.GAP:
            break
        if (problem := figures.value_problem(value, metric.unit)) is not None:
            problems[field] = problem
    if (
        kind != Goal.Kind.GAP
        and "baseline_value" not in problems
        and "target_value" not in problems
        and metric.improvement != Improvement.NEUTRAL
    ):
        higher = metric.improvement == Improvement.INCREASE
        better = "higher" if higher else "lower"
        target = figures.figure(target_value, metric.unit)
        if target_value == baseline_value:
            problems["target_value"] = (
                f"the target, {target}, is the baseline: "
                f"{metric.name} is better {better}, so the target is {better} than the baseline"
            )
        elif (target_value < baseline_value) if higher else (target_value > baseline_value):
            problems["target_value"] = (
                f"the target, {target}, is {'lower' if higher else 'higher'} than the baseline, "
                f"{figures.figure(baseline_value, metric.unit)}: {metric.name} is better "
                f"{better}, so the target is {better} than the baseline"
            )
    last_month = figures.add_months(today, -1)
    if baseline_date < figures.EARLIEST_PERIOD:
        problems["baseline_date"] = (
            f"{baseline_date:%B %Y} is before {figures.EARLIEST_PERIOD:%B %Y}: is the year right?"
        )
    elif baseline_date > last_month:
        problems["baseline_date"] = (
            f"the baseline month, {baseline_date:%B %Y}, is not over on {today:%-d %B %Y}: "
            f"the baseline is a month that is over, {last_month:%B %Y} or before"
        )
    kept = goal is not None and goal.target_date == target_date
    this_month = today.replace(day=1)
    if not kept and target_date < this_month:
        problems["target_date"] = (
            f"the target month, {target_date:%B %Y}, is over on {today:%-d %B %Y}: a goal's "
            f"target is {this_month:%B %Y} or later"
        )
    elif not kept and target_date > figures.add_months(this_month, 12 * TARGET_WITHIN_YEARS):
        problems["target_date"] = (
            f"the target month, {target_date:%B %Y}, is more than {TARGET_WITHIN_YEARS} years "
            "away: is the year right?"
        )
    elif target_date <= baseline_date and "baseline_date" not in problems:
        problems["target_date"] = (
            f"the target month, {target_date:%B %Y}, is not after the baseline month, "
            f"{baseline_date:%B %Y}"
        )
    return problems


def gap_problems(
    *,
    metric: Metric,
    gap_breakdown: str,
    gap_measure: str,
    gap_first: str,
    gap_second: str,
    baseline_value: float,
    target_value: float,
) -> dict[str, str]:
    """What is wrong with a gap goal's gap, by field: it names its breakdown and measure
    (the SII across deprivation quantiles only; otherwise two different groups of the
    breakdown), and its target gap is smaller than its baseline gap."""
    problems: dict[str, str] = {}
    if gap_breakdown not in {b.value for b in Breakdown if b}:
        problems["gap_breakdown"] = (
            "choose what the gap is between: deprivation quintiles, deciles or ethnic groups"
        )
        return problems
    kind = Breakdown(gap_breakdown)
    noun = kind.label.lower()
    if gap_measure == Goal.GapMeasure.SII:
        if not kind.is_deprivation:
            problems["gap_measure"] = (
                "the slope index of inequality runs across deprivation quintiles or deciles, "
                f"not {noun}s: measure the gap between two groups instead"
            )
    elif gap_measure == Goal.GapMeasure.ENDS:
        codes = dict(breakdowns.categories(kind))
        for field, code in (("gap_first", gap_first), ("gap_second", gap_second)):
            if code not in codes:
                problems[field] = f"choose a {noun} ({', '.join(codes.values())})"
        if not problems and gap_first == gap_second:
            problems["gap_second"] = (
                f"the gap is between two different groups: both are {codes[gap_first]}"
            )
    else:
        problems["gap_measure"] = (
            "choose how the gap is measured: between two groups, or the slope index of inequality"
        )
    unit = compute.gap_unit(metric.unit)
    for field, value in (("baseline_value", baseline_value), ("target_value", target_value)):
        if (problem := figures.value_problem(value, unit)) is not None:
            problems[field] = problem
    if "baseline_value" not in problems and "target_value" not in problems:
        if abs(target_value) >= abs(baseline_value):
            problems["target_value"] = (
                f"a gap goal narrows the gap: the target gap, "
                f"{figures.figure(target_value, unit)}, is not smaller than the baseline gap, "
                f"{figures.figure(baseline_value, unit)}"
            )
        elif target_value * baseline_value < 0:
            problems["target_value"] = (
                f"the target gap, {figures.figure(target_value, unit)}, is on the other side "
                f"of no gap from the baseline, {figures.figure(baseline_value, unit)}: give it "
                "the same sign (or 0 to close the gap)"
            )
    return problems


def _goal_values(
    *,
    priority: Priority,
    statement: str,
    metric: Metric,
    layer: str,
    organisation: Organisation | None,
    place: Place | None,
    neighbourhood: Neighbourhood | None,
    baseline_value: float,
    baseline_date: dt.date,
    target_value: float,
    target_date: dt.date,
    owner: Organisation,
    today: dt.date,
    goal: Goal | None = None,
    kind: str = Goal.Kind.LEVEL,
    gap_breakdown: str = "",
    gap_measure: str = "",
    gap_first: str = "",
    gap_second: str = "",
) -> dict[str, Any]:
    if kind != Goal.Kind.GAP:
        gap_breakdown = gap_measure = gap_first = gap_second = ""
    elif gap_measure == Goal.GapMeasure.SII:
        gap_first = gap_second = ""
    problems = goal_problems(
        kind=kind,
        gap_breakdown=gap_breakdown,
        gap_measure=gap_measure,
        gap_first=gap_first,
        gap_second=gap_second,
        metric=metric,
        layer=layer,
        organisation=organisation,
        place=place,
        neighbourhood=neighbourhood,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        target_value=target_value,
        target_date=target_date,
        today=today,
        goal=goal,
    )
    if not statement.strip():
        problems["statement"] = "enter the goal in plain English"
    _refuse(problems)
    return {
        "priority": priority,
        "statement": statement.strip(),
        "metric": metric,
        "layer": layer,
        "organisation": organisation,
        "place": place,
        "neighbourhood": neighbourhood,
        "baseline_value": baseline_value,
        "baseline_date": baseline_date,
        "target_value": target_value,
        "target_date": target_date,
        "owner": owner,
        "kind": kind,
        "gap_breakdown": gap_breakdown,
        "gap_measure": gap_measure,
        "gap_first": gap_first,
        "gap_second": gap_second,
    }


def create_goal(*, by: Any, today: dt.date, proposals: Sequence[Any] = (), **fields: Any) -> Goal:
    """Add a goal to a priority of the plan (the programme office only), with the decisions
    that serve it; every field is checked by ``goal_problems`` on ``today``. Fields:
    priority, statement, metric, layer, organisation, place, neighbourhood, baseline_value,
    baseline_date, target_value, target_date, owner."""
    require(by, Permission.CHANGE_GOAL)
    values = _goal_values(today=today, **fields)
    with transaction.atomic():
        goal = Goal(**values)
        audit.save_with_history(goal, by=by)
        audit.record(
            actor=by,
            action=AuditAction.CREATE_GOAL,
            summary=f"Goal added to {goal.priority.title}: {goal.statement} "
            f"({figures.figure(goal.target_value, goal.metric.unit)} by "
            f"{goal.target_date:%B %Y})",
            goal=goal.pk,
        )
        if proposals:
            goal.proposals.set(proposals)
    return goal


def change_goal(*, goal: Goal, by: Any, today: dt.date, **fields: Any) -> Goal:
    """Change a goal (the programme office only); checked as ``create_goal`` checks, except
    that a goal may keep a target month that is over (to correct its statement, say)."""
    require(by, Permission.CHANGE_GOAL)
    values = _goal_values(today=today, goal=goal, **fields)
    with transaction.atomic():
        changed = _changed(goal, values)
        audit.save_audited(
            goal,
            by=by,
            action=AuditAction.CHANGE_GOAL,
            summary=f"Goal {goal.statement}: changed {_words(changed)}",
            goal=goal.pk,
            changed=changed,
        )
    return goal


def link_goal_decisions(*, goal: Goal, proposals: Sequence[Any], by: Any) -> Goal:
    """Choose the decisions (proposals, decided or not) that serve ``goal``: the programme
    office, or an editor of the organisation that owns the goal. Its history and the audit
    trail say which were added and which taken away."""
    require(by, Permission.LINK_GOAL_DECISIONS, goal)
    before = {p.pk: p for p in goal.proposals.all()}
    after = {p.pk: p for p in proposals}
    added = [after[k].title for k in after.keys() - before.keys()]
    removed = [before[k].title for k in before.keys() - after.keys()]
    if not added and not removed:
        return goal
    with transaction.atomic():
        goal._history_user = _by(by)
        goal.proposals.set(list(after.values()))
        audit.record(
            actor=by,
            action=AuditAction.LINK_GOAL_DECISIONS,
            summary=f"Goal {goal.statement}: "
            + "; ".join(
                part
                for part in (
                    f"served by {', '.join(sorted(added))}" if added else "",
                    f"no longer by {', '.join(sorted(removed))}" if removed else "",
                )
                if part
            ),
            goal=goal.pk,
            added=sorted(added),
            removed=sorted(removed),
        )
    return goal


def link_goal_schemes(*, goal: Goal, schemes: Sequence[queries.SchemeChoice], by: Any) -> Goal:
    """Choose the demand schemes that serve ``goal`` (as for decisions: the programme office,
    or an editor of the organisation that owns the goal). The audit trail says which were
    added and which taken away."""
    require(by, Permission.LINK_GOAL_DECISIONS, goal)
    before = {(link.scenario_id, link.scheme_key): link for link in goal.scheme_links.all()}
    after = {(s.scenario.pk, s.key): s for s in schemes}
    added = [after[k] for k in after.keys() - before.keys()]
    removed = [before[k] for k in before.keys() - after.keys()]
    if not added and not removed:
        return goal
    with transaction.atomic():
        for link in removed:
            link.delete()
        for s in added:
            GoalScheme.objects.create(
                goal=goal, scenario=s.scenario, scheme_key=s.key, scheme_name=s.name
            )
        parts = [
            f"served by {', '.join(sorted(s.label for s in added))}" if added else "",
            "no longer by " + ", ".join(sorted(link.scheme_name for link in removed))
            if removed
            else "",
        ]
        audit.record(
            actor=by,
            action=AuditAction.LINK_GOAL_SCHEMES,
            summary=f"Goal {goal.statement}: " + "; ".join(p for p in parts if p),
            goal=goal.pk,
            added=sorted(s.value for s in added),
            removed=sorted(f"{link.scenario_id}:{link.scheme_key}" for link in removed),
        )
    return goal


def record_split_figures(
    *,
    metric: Metric,
    subject: Subject | SubjectRef,
    period: dt.date,
    breakdown: str,
    figures_by_group: Sequence[tuple[str, float | None, float | None]],
    by: Any,
    today: dt.date,
) -> list[Measurement]:
    """Record (or correct) one period's figures of a series by deprivation quintile or decile
    or by ethnic group: (group as written, value, population) each. Every quintile (or decile)
    must be there, each group once; each value is checked as ``figure_problems`` checks it and
    each population must be above 0. ``ValidationError`` naming the group and field, and
    nothing saved, otherwise."""
    require(by, Permission.RECORD_MEASUREMENT, SeriesRef(metric, subject.subject_key))
    try:
        kind = breakdowns.breakdown_of(breakdown)
    except ValueError as exc:
        raise ValidationError({"breakdown": _capitalised(str(exc))}) from None
    if kind is Breakdown.NONE:
        raise ValidationError({"breakdown": "Name the breakdown: quintile, decile or ethnic group"})
    problems: dict[str, str] = {}
    found: dict[str, tuple[float | None, float | None]] = {}
    for text, value, population in figures_by_group:
        try:
            code = breakdowns.category_of(kind, text)
        except ValueError as exc:
            problems.setdefault("figures", _capitalised(str(exc)))
            continue
        name = breakdowns.label(kind, code)
        if code in found:
            problems.setdefault("figures", f"{name} is given twice")
            continue
        found[code] = (value, population)
        for field, message in figure_problems(
            metric=metric, period=period, value=value, today=today
        ).items():
            problems.setdefault(field, f"{name}: {message}")
        if population is not None and not 0 < population < 1e9:
            problems.setdefault("figures", f"{name}: a population must be above 0")
    if kind.is_deprivation and not problems:
        missing = [name for code, name in breakdowns.categories(kind) if code not in found]
        if missing:
            problems["figures"] = (
                f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing: give "
                "every group, with no value for one that is not known"
            )
    _refuse(problems)
    saved = []
    with transaction.atomic():
        for code, (value, population) in found.items():
            m = Measurement.objects.filter(
                metric=metric,
                subject_key=subject.subject_key,
                breakdown=kind.value,
                category=code,
                period=period,
            ).first() or Measurement(
                metric=metric,
                organisation=subject.organisation,
                place=subject.place,
                neighbourhood=subject.neighbourhood,
                period=period,
                breakdown=kind.value,
                category=code,
            )
            m.value, m.population = value, population
            audit.save_with_history(m, by=by, validate=False)
            saved.append(m)
        audit.record(
            actor=by,
            action=AuditAction.RECORD_SPLIT_FIGURES,
            summary=f"{metric.name}, {subject.subject_key}, {period:%b %Y}: {len(saved)} "
            f"figures by {kind.label.lower()}",
            metric=metric.slug,
            subject=subject.subject_key,
            period=period.isoformat(),
            breakdown=kind.value,
        )
    return saved


# --- Metrics fed from the urgent-care daily returns -----------------------------------------

FLOW_FROM = dt.date(2000, 1, 1)


def _write_flow_series(
    metric: Metric, start: dt.date, end: dt.date, today: dt.date
) -> list[Measurement]:
    """Write the whole system's figure of every period the returns from ``start`` to ``end``
    touch whose month, quarter or year is over on ``today`` (each made from all the period's
    days, so a period is read whole); the period still running waits until it is over."""
    first = compute.period_of(start, metric.frequency)
    last = figures.add_months(
        compute.period_of(end, metric.frequency), figures.MONTHS_IN.get(metric.frequency, 1)
    )
    daily = queries.flow_daily_figures(metric.flow_measure, first, last - dt.timedelta(days=1))
    saved = []
    for f in compute.flow_figures(daily, metric.flow_aggregation, metric.frequency):
        if figure_problems(metric=metric, period=f.period, value=f.value, today=today):
            continue
        m = Measurement.objects.filter(
            metric=metric, subject_key="system", breakdown="", period=f.period
        ).first() or Measurement(metric=metric, period=f.period)
        note = f"Made from {f.days} days of daily returns"
        if m.pk and m.value == f.value and m.note == note:
            continue
        m.value, m.note = f.value, note
        m.save()
        saved.append(m)
    return saved


def refresh_flow_series(*, metric: Metric, by: Any, today: dt.date) -> list[Measurement]:
    """Write ``metric``'s whole-system series again from every daily return (the programme
    office's button on the metric's page): each period that is over, from all its days, as
    ``metric.flow_aggregation`` says. Returns the periods whose figure changed; audited."""
    require(by, Permission.CHANGE_PLAN)
    if not metric.is_fed_from_returns:
        raise ValidationError(f"{metric.name} is not made from the daily returns")
    with transaction.atomic():
        saved = _write_flow_series(metric, FLOW_FROM, today, today)
        audit.record(
            actor=by,
            action=AuditAction.REFRESH_FLOW_SERIES,
            summary=f"{metric.name}: made again from the daily returns, "
            f"{len(saved)} periods changed",
            metric=metric.slug,
            periods=[m.period.isoformat() for m in saved],
        )
    return saved


def refresh_after_return(*, day: dt.date, today: dt.date) -> list[Measurement]:
    """After a daily return for ``day`` is saved (``apps.py`` connects this to the flow app's
    returns, once they are committed): write again the period ``day`` falls in of every metric
    made from the returns, if that period is over on ``today``. The return's own permission
    was checked when it was saved; this is the system's write, audited without a person."""
    out = []
    with transaction.atomic():
        for metric in queries.fed_metrics():
            saved = _write_flow_series(metric, day, day, today)
            if saved:
                audit.record(
                    actor=None,
                    action=AuditAction.REFRESH_FLOW_SERIES,
                    summary=f"{metric.name}: {saved[0].period:%B %Y} made again from the "
                    f"daily returns after the return for {day:%-d %B %Y}",
                    metric=metric.slug,
                    periods=[m.period.isoformat() for m in saved],
                    day=day.isoformat(),
                )
            out += saved
    return out
