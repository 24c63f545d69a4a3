"""The plan's pages: at a glance, a goal's chart, early warning, metrics, imports, and the
public plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from footprint.core import charts
from footprint.core.jobs import start_upload
from footprint.core.models import Job
from footprint.core.permissions import can, permission_required, require
from footprint.plans import compute, publication, queries, services
from footprint.plans.forms import MeasurementForm, MeasurementImportForm, RebaseForm
from footprint.plans.models import Goal, Metric, Plan, Priority
from footprint.plans.tasks import run_measurement_import

partner_only = permission_required("plans.view_plan")

VARIATIONS = [
    ("improvement", "Special-cause improvement"),
    ("common", "Common cause"),
    ("concern", "Special-cause concern"),
    ("neutral", "Special cause, neither"),
    ("too_few_points", "Too few points to judge"),
]
ASSURANCES = [
    ("pass", "Will meet the target"),
    ("inconsistent", "Hit and miss"),
    ("fail", "Will not meet the target"),
    ("none", "No target to judge"),
]


def _judged(published_only: bool) -> tuple[Plan | None, list[compute.GoalView]]:
    plan = queries.current_plan(published_only=published_only)
    if plan is None:
        return None, []
    return plan, compute.judge_goals(queries.goals_of(plan))


def _by_priority(views: list[compute.GoalView]) -> list[tuple[Priority, list[compute.GoalView]]]:
    """Goals grouped under their priorities, in the plan's order."""
    groups: dict[int, tuple[Priority, list[compute.GoalView]]] = {}
    for view in views:
        groups.setdefault(view.goal.priority_id, (view.goal.priority, []))[1].append(view)
    return list(groups.values())


@partner_only
def plan_overview(request: HttpRequest) -> HttpResponse:
    """The plan at a glance: goals by priority and horizon, and the summary matrix."""
    plan, views = _judged(published_only=False)
    matrix = compute.summary_matrix(views)
    return render(
        request,
        "plans/overview.jinja",
        {
            "plan": plan,
            "groups": _by_priority(views),
            "matrix": matrix,
            "variations": VARIATIONS,
            "assurances": ASSURANCES,
            **_publication_state(plan, views),
        },
    )


def _publication_state(plan: Plan | None, views: list[compute.GoalView]) -> dict[str, Any]:
    """What the public sees of ``plan``, and whether the plan has changed since (a draft),
    with what would change if it were published again."""
    if plan is None:
        return {"publications": [], "latest_publication": None, "draft": False, "pending": []}
    latest = queries.latest_publication(plan)
    live = publication.content_of(plan, views)
    draft = latest is not None and latest.content != live
    return {
        "publications": list(queries.publications(plan).defer("content")),
        "latest_publication": latest,
        "draft": draft,
        "pending": publication.changes(latest.content, live) if draft and latest else [],
    }


@require_POST
@partner_only
def plan_publish(request: HttpRequest) -> HttpResponse:
    """Publish the plan as it stands (the programme office only)."""
    require(request.user, "plans.change_plan")
    plan = queries.current_plan()
    if plan is None:
        raise Http404("No plan to publish")
    try:
        kept = services.publish_plan(plan=plan, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Published the plan: the public sees it as it was on {kept.published_on:%-d %B %Y}.",
        )
    return redirect("plans:overview")


@partner_only
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal: its SPC chart with the data table, the reading, and (for those allowed)
    forms to record a measurement or a rebase."""
    goal = get_object_or_404(
        Goal.objects.select_related(
            "metric", "owner", "priority__plan", "organisation", "place", "neighbourhood"
        ),
        pk=pk,
    )
    may_record = can(request.user, "plans.record_measurement", goal)
    measurement_form = MeasurementForm(prefix="m")
    rebase_form = RebaseForm(prefix="r")
    if request.method == "POST":
        require(request.user, "plans.record_measurement", goal)
        if "m-period" in request.POST:
            measurement_form = MeasurementForm(request.POST, prefix="m")
            if measurement_form.is_valid():
                d = measurement_form.cleaned_data
                services.record_measurement(
                    metric=goal.metric,
                    subject=goal,
                    period=d["period"],
                    value=d["value"],
                    note=d["note"],
                    by=request.user,
                )
                messages.success(request, f"Recorded {goal.metric.name} for {d['period']:%B %Y}.")
                return redirect(goal)
        else:
            rebase_form = RebaseForm(request.POST, prefix="r")
            if rebase_form.is_valid():
                d = rebase_form.cleaned_data
                services.add_rebase(
                    metric=goal.metric,
                    subject=goal,
                    period=d["period"],
                    reason=d["reason"],
                    by=request.user,
                )
                messages.success(request, f"New limits from {d['period']:%B %Y}.")
                return redirect(goal)
    view = compute.judge_goal(goal)
    points = compute.chart_points(view.series)
    return render(
        request,
        "plans/goal.jinja",
        {
            "goal": goal,
            "view": view,
            "points": points,
            "reading": compute.reading(view),
            "spc_chart": charts.spc_chart(
                points,
                goal.metric.name,
                goal.metric.unit,
                goal.target_value,
                measure=goal.metric.name,
            ),
            "may_record": may_record,
            "measurement_form": measurement_form,
            "rebase_form": rebase_form,
            "rule_words": compute.RULE_WORDS,
        },
    )


@partner_only
def early_warning(request: HttpRequest) -> HttpResponse:
    """Every series whose latest point is a special-cause concern, newest first."""
    warnings = compute.early_warnings(queries.metrics())
    return render(
        request,
        "plans/early_warning.jinja",
        {
            "warnings": warnings,
            "rule_words": compute.RULE_WORDS,
        },
    )


@partner_only
def metric_list(request: HttpRequest) -> HttpResponse:
    """Every metric as reviewed content, with reviews that are due shown first."""
    today = dt.date.today()
    metrics = sorted(queries.metrics(), key=lambda m: (m.next_review > today, m.name))
    return render(
        request,
        "plans/metrics.jinja",
        {
            "metrics": metrics,
            "today": today,
        },
    )


@partner_only
def metric_series(request: HttpRequest, slug: str, subject_key: str) -> HttpResponse:
    """The SPC chart of any series, such as one listed on the early-warning page."""
    metric = get_object_or_404(Metric, slug=slug)
    series = compute.series_for(metric, subject_key)
    if not series.periods:
        raise Http404("No measurements for this series")
    points = compute.chart_points(series)
    return render(
        request,
        "plans/series.jinja",
        {
            "metric": metric,
            "series": series,
            "points": points,
            "spc_chart": charts.spc_chart(
                points,
                f"{metric.name}: {series.subject_label}",
                metric.unit,
                None,
                measure=metric.name,
            ),
            "rule_words": compute.RULE_WORDS,
        },
    )


@partner_only
def measurement_import(request: HttpRequest) -> HttpResponse:
    """Upload measurements; each row must be one the uploader may change."""
    form = MeasurementImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload(
            form, request, job_kind="import:measurements", task=run_measurement_import
        )
        if job is not None:
            return redirect("core:job", job.pk)
    return render(
        request,
        "plans/import.jinja",
        {
            "form": form,
            "recent": Job.objects.filter(kind="import:measurements", created_by=request.user)[:10],
        },
    )


def public_plan(request: HttpRequest) -> HttpResponse:
    """The published plan in plain language: its goals and how each was going, exactly as
    the programme office last published them, never the plan as it stands now."""
    shown = queries.public_plan()
    return render(
        request,
        "plans/public.jinja",
        {
            "shown": shown,
            "plan": publication.for_display(shown.latest.content) if shown else None,
        },
    )
