"""The plan in the JSON API: the plan as published, with each goal's verdict as published, for
everyone; any series with its SPC verdict, and recording figures, for partners with a
token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Body, Error, Text
from footprint.core import breakdowns
from footprint.core.permissions import can
from footprint.plans import compute, publication, queries, services
from footprint.plans.importers import parse_period
from footprint.plans.rules import Permission

router = Router(tags=["plan"])


class GapGroupOut(Schema):
    code: str = Field(description="1 (most deprived) …, or an ethnic group's code")
    name: str = Field(description="The group's name: 'Quintile 1 (most deprived)', 'White'")


class GapOut(Schema):
    breakdown: str = Field(description="imd_quintile, imd_decile or ethnic_group")
    breakdown_name: str
    measure: str = Field(
        description=(
            "ends: first group less second; sii: the slope index of inequality, the most "
            "deprived end less the least deprived end (OHID's sign negated)"
        )
    )
    measure_name: str
    first: GapGroupOut | None = Field(None, description="The gap is first less second (ends)")
    second: GapGroupOut | None = None
    name: str = Field(description="The gap in words")


class GroupValueOut(Schema):
    group: str = Field(description="1 (most deprived) …, or an ethnic group's code")
    group_name: str
    value: float | None


class SplitPeriodOut(Schema):
    period: dt.date
    figures: list[GroupValueOut]
    gap: float | None = Field(None, description="Most less least deprived (deprivation only)")


class SiiOut(Schema):
    period: dt.date
    value: float = Field(
        description="the most deprived end less the least deprived end, as every gap reads"
    )
    lower: float | None
    upper: float | None
    confidence: float


class SplitOut(Schema):
    breakdown: str = Field(description="imd_quintile, imd_decile or ethnic_group")
    breakdown_name: str
    unit: str
    gap_unit: str
    trend: str | None = Field(
        None, description="narrowing, widening, no_clear_change or too_few_points"
    )
    sii: SiiOut | None = None
    periods: list[SplitPeriodOut]


class GapPointOut(Schema):
    period: dt.date
    value: float | None


class GoalOut(Schema):
    id: int
    priority: str
    statement: str
    metric: str
    unit: str
    subject: str
    horizon: str
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date
    latest_value: float | None
    latest_period: dt.date | None
    status: str
    variation: str
    assurance: str | None
    kind: str = Field(
        "level", description="level: judged on the figure itself; gap: on a gap between groups"
    )
    gap: GapOut | None = Field(None, description="For a gap goal, the gap it is judged on")
    gap_series: list[GapPointOut] = Field(
        [], description="For a gap goal, its gap each period, as published"
    )
    splits: list[SplitOut] = Field(
        [],
        description="The figures by deprivation quintile or decile and ethnic group, as "
        "published (no populations)",
    )


class PlanChangeOut(Schema):
    figure: str
    before: str | None
    after: str | None


class PlanOut(Schema):
    title: str
    period: str
    summary: str
    goals: list[GoalOut]
    published_on: dt.date
    first_published_on: dt.date
    revised: bool
    changes: list[PlanChangeOut]


class PointOut(Schema):
    period: dt.date
    value: float | None
    mean: float | None
    lower: float | None
    upper: float | None
    rule: str | None
    point_type: str


class SeriesOut(Schema):
    metric: str
    subject: str
    fed_from_daily_returns: bool = Field(
        description="whether the metric's figures are made from the urgent-care daily "
        "returns (its whole-system series is then written from them, never by hand)"
    )
    daily_return_measure: str = Field(
        description="the daily returns' figure it is made from; blank when not fed from them"
    )
    improvement: str
    variation: str
    points: list[PointOut]


class MeasurementIn(Body):
    period: Text = Field(
        ..., max_length=20, description="A month (2025-06), a quarter or a financial year"
    )
    value: float | None = Field(None, allow_inf_nan=False)
    note: Text = Field("", max_length=300)


@router.get("/plan", response={200: PlanOut, 404: Error})
def published_plan(request: HttpRequest) -> Any:
    """The plan exactly as the partnership last published it: each goal with its figures,
    status and SPC verdict as they stood then, the date, and (for a revision) what changed
    from the publication before."""
    shown = queries.public_plan()
    if shown is None:
        return Status(404, {"detail": "The partnership has not published a plan yet"})
    content = publication.for_display(shown.latest.content)
    frozen = {g.goal_id: g for g in queries.published_splits(shown.latest)}
    return Status(
        200,
        {
            "title": content["title"],
            "period": content["period"],
            "summary": content["summary"],
            "goals": [_with_splits(g, frozen.get(g["id"])) for g in publication.goals(content)],
            "published_on": shown.latest.published_on,
            "first_published_on": shown.first_published_on,
            "revised": shown.revised,
            "changes": shown.latest.changes if shown.revised else [],
        },
    )


def _with_splits(
    goal: dict[str, Any], frozen: queries.PublishedGoalSplits | None
) -> dict[str, Any]:
    """A published goal with its figures by group and gap series, as published."""
    if frozen is None:
        return {**goal, "gap_series": [], "splits": []}
    return {
        **goal,
        "gap_series": [
            {"period": p, "value": v}
            for p, v in zip(frozen.gap_periods, frozen.gap_values, strict=True)
        ],
        "splits": [
            {
                "breakdown": s.breakdown.value,
                "breakdown_name": s.breakdown_name,
                "unit": s.unit,
                "gap_unit": s.gap_unit,
                "trend": s.trend,
                "sii": None
                if s.sii is None
                else {
                    "period": s.sii.period,
                    "value": s.sii.value,
                    "lower": s.sii.lower,
                    "upper": s.sii.upper,
                    "confidence": s.sii.confidence,
                },
                "periods": [
                    {
                        "period": p,
                        "figures": [
                            {"group": code, "group_name": name, "value": v}
                            for (code, name), v in zip(s.groups, s.values[i], strict=True)
                        ],
                        "gap": s.ends_gap[i] if s.ends_gap else None,
                    }
                    for i, p in enumerate(s.periods)
                ],
            }
            for s in frozen.splits
        ],
    }


@router.get(
    "/metrics/{slug}/series/{subject}",
    response={200: SeriesOut, 403: Error, 404: Error},
    auth=TokenAuth(),
)
def series(request: HttpRequest, slug: str, subject: str) -> Any:
    """A series with its SPC verdict, point by point (partners only)."""
    if not can(request.user, Permission.VIEW_PLAN):
        return Status(403, {"detail": "Partners only"})
    metric = queries.metric(slug)
    if metric is None:
        return Status(404, {"detail": f"No metric has the code '{slug}'"})
    s = compute.judge_series(queries.series(metric, subject))
    if not s.periods:
        return Status(404, {"detail": "No measurements for this series"})
    return Status(
        200,
        {
            "metric": metric.slug,
            "subject": subject,
            "fed_from_daily_returns": metric.is_fed_from_returns,
            "daily_return_measure": metric.flow_measure if metric.is_fed_from_returns else "",
            "improvement": metric.improvement,
            "variation": s.result.variation_icon,
            "points": [
                {**p, "period": dt.date.fromisoformat(str(p["period"]))}
                for p in compute.chart_points(s)
            ],
        },
    )


def _series_to_change(request: HttpRequest, slug: str, subject: str, period_text: str) -> Any:
    """The metric, subject and period a write names, or the answer that refuses it: 404 for
    an unknown metric or subject, 403 when the caller may not change the series, 422 for a
    period that is not one."""
    metric = queries.metric(slug)
    if metric is None:
        return Status(404, {"detail": f"No metric has the code '{slug}'"})
    target = queries.subject_for(subject)
    if target is None:
        return Status(404, {"detail": f"No organisation, place or neighbourhood is '{subject}'"})
    if not can(
        request.user, Permission.RECORD_MEASUREMENT, queries.SeriesRef(metric, target.subject_key)
    ):
        return Status(403, {"detail": "You may not change this series"})
    try:
        return metric, target, parse_period(period_text)
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})


@router.put(
    "/metrics/{slug}/series/{subject}",
    response={200: PointOut, 403: Error, 404: Error, 422: Error},
    auth=TokenAuth(),
)
def record(request: HttpRequest, slug: str, subject: str, body: MeasurementIn) -> Any:
    """Record or correct one period's figure, through the same service, rules and checks as
    the pages: a period from January 2000 to the last one that is over, and a value its unit
    allows (a percentage from 0 to 100; counts, rates and times 0 or more); 422 says what is
    wrong."""
    found = _series_to_change(request, slug, subject, body.period)
    if isinstance(found, Status):
        return found
    metric, target, period = found
    refused = Status(403, {"detail": "You may not change this series"})
    try:
        services.record_measurement(
            metric=metric,
            subject=target,
            period=period,
            value=body.value,
            note=body.note,
            by=request.user,
            today=timezone.localdate(),
        )
    except PermissionDenied:
        return refused
    except ValidationError as exc:
        return Status(422, {"detail": _in_words(exc)})
    s = compute.judge_series(queries.series(metric, target.subject_key))
    point = next(p for p in compute.chart_points(s) if p["period"] == period.isoformat())
    return Status(200, {**point, "period": period})


def _in_words(exc: ValidationError) -> str:
    """A service's refusal as one line that names each field: 'value: 250.0 is not …'."""
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class RemovedOut(Schema):
    period: dt.date
    removed: bool


@router.delete(
    "/metrics/{slug}/series/{subject}",
    response={200: RemovedOut, 403: Error, 404: Error, 422: Error},
    auth=TokenAuth(),
)
def remove(request: HttpRequest, slug: str, subject: str, period: str, reason: str) -> Any:
    """Remove one period's figure recorded in error (``period`` as a month, 2025-03, a quarter
    or a financial year), with the ``reason``: through the same service and rules as the goal
    page's 'Remove a figure'."""
    metric = queries.metric(slug)
    if metric is None:
        return Status(404, {"detail": f"No metric has the code '{slug}'"})
    target = queries.subject_for(subject)
    if target is None:
        return Status(404, {"detail": f"No organisation, place or neighbourhood is '{subject}'"})
    refused = Status(403, {"detail": "You may not change this series"})
    if not can(
        request.user, Permission.RECORD_MEASUREMENT, queries.SeriesRef(metric, target.subject_key)
    ):
        return refused
    try:
        day = parse_period(period)
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
    try:
        services.remove_measurement(
            metric=metric, subject=target, period=day, reason=reason, by=request.user
        )
    except PermissionDenied:
        return refused
    except ValidationError as exc:
        return Status(422, {"detail": _in_words(exc)})
    return Status(200, {"period": day, "removed": True})


class GroupFigureOut(Schema):
    breakdown: str = Field(description="imd_quintile, imd_decile or ethnic_group")
    group: str = Field(description="The group's code: 1 (most deprived) …, or an ethnic group")
    group_name: str
    period: dt.date
    value: float | None
    population: float | None


class GroupFigureIn(Body):
    group: Text = Field(
        ..., max_length=80, description="1 to 5 (or 10) from the most deprived, or a group"
    )
    value: float | None = Field(None, allow_inf_nan=False)
    population: float | None = Field(None, allow_inf_nan=False)


class SplitIn(Body):
    period: Text = Field(..., max_length=20, description="A month (2025-06), quarter or year")
    breakdown: Text = Field(..., max_length=40, description="quintile, decile or ethnic group")
    figures: list[GroupFigureIn] = Field(..., max_length=10)


@router.get(
    "/metrics/{slug}/series/{subject}/groups",
    response={200: list[GroupFigureOut], 403: Error, 404: Error},
    auth=TokenAuth(),
)
def split_figures(request: HttpRequest, slug: str, subject: str) -> Any:
    """A series' figures by deprivation quintile or decile and by ethnic group, by
    breakdown, period and group (partners only)."""
    if not can(request.user, Permission.VIEW_PLAN):
        return Status(403, {"detail": "Partners only"})
    metric = queries.metric(slug)
    if metric is None:
        return Status(404, {"detail": f"No metric has the code '{slug}'"})
    return Status(
        200,
        [
            {
                "breakdown": m.breakdown,
                "group": m.category,
                "group_name": breakdowns.label(m.breakdown, m.category),
                "period": m.period,
                "value": m.value,
                "population": m.population,
            }
            for m in queries.split_figures(metric, subject)
        ],
    )


@router.put(
    "/metrics/{slug}/series/{subject}/groups",
    response={200: list[GroupFigureOut], 403: Error, 404: Error, 422: Error},
    auth=TokenAuth(),
)
def record_groups(request: HttpRequest, slug: str, subject: str, body: SplitIn) -> Any:
    """Record or correct one period's figures by deprivation quintile or decile (every one of
    them) or by ethnic group, through the same service and checks as the import; 422 says
    what is wrong."""
    found = _series_to_change(request, slug, subject, body.period)
    if isinstance(found, Status):
        return found
    metric, target, period = found
    refused = Status(403, {"detail": "You may not change this series"})
    try:
        saved = services.record_split_figures(
            metric=metric,
            subject=target,
            period=period,
            breakdown=body.breakdown,
            figures_by_group=[(f.group, f.value, f.population) for f in body.figures],
            by=request.user,
            today=timezone.localdate(),
        )
    except PermissionDenied:
        return refused
    except ValidationError as exc:
        return Status(422, {"detail": _in_words(exc)})
    return Status(
        200,
        [
            {
                "breakdown": m.breakdown,
                "group": m.category,
                "group_name": breakdowns.label(m.breakdown, m.category),
                "period": m.period,
                "value": m.value,
                "population": m.population,
            }
            for m in saved
        ],
    )
