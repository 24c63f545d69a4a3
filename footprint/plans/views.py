"""The plan's pages: at a glance, a goal's chart, early warning, metrics, imports, and the
public plan."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from footprint.core import charts
from footprint.core.breakdowns import Breakdown
from footprint.core.jobs import refuse_big_uploads, start_upload
from footprint.core.permissions import can, permission_required, require
from footprint.plans import compute, publication, queries, services
from footprint.plans.figures import figure, number
from footprint.plans.forms import (
    GoalForm,
    MeasurementForm,
    MeasurementImportForm,
    MetricForm,
    PlanForm,
    PriorityForm,
    RebaseForm,
    RemoveMeasurementForm,
    ServingDecisionsForm,
    ServingSchemesForm,
)
from footprint.plans.models import Goal, Metric, Plan, Priority
from footprint.plans.rules import Permission
from footprint.plans.tasks import run_measurement_import

partner_only = permission_required(Permission.VIEW_PLAN)
# Every page writes figures as their unit is written ('65.0%', '174', '8.6 per 1,000').
FIGURES = {"figure": figure, "number": number}


def _judged(published_only: bool) -> tuple[Plan | None, list[compute.GoalView]]:
    plan = queries.current_plan(published_only=published_only)
    if plan is None:
        return None, []
    goals = list(queries.goals_of(plan))
    return plan, compute.judge_goals(
        goals, queries.series_of_goals(goals), today=timezone.localdate()
    )


def _spc_chart(
    points: list[dict[str, object]],
    title: str,
    metric: Metric,
    target: float | None,
    unit: str | None = None,
) -> dict[str, Any]:
    """The SPC chart of a series, its target line labelled as every page writes the figure
    ('Target 80.0%', 'Target 0'); ``unit`` for a gap series (percentage points)."""
    measure = title if unit else metric.name
    unit = unit or metric.unit
    spec = charts.spc_chart(points, title, unit, target, measure=measure)
    if target is not None:
        for layer in spec["layer"]:
            for row in layer.get("data", {}).get("values", []):
                if "target" in row and "label" in row:
                    row["label"] = f"Target {figure(target, unit)}"
    return spec


TITLE_LINE = 32  # characters a line of a chart's title holds at 390 px


def _group_chart(table: compute.GroupFigures, metric: Metric) -> dict[str, Any]:
    """A line per group of a breakdown over time (its table is on the page beside it)."""
    return _lines_by_group(table, metric.name, metric.unit)


def _lines_by_group(
    table: compute.GroupFigures | queries.PublishedSplit,
    name: str,
    unit: str,
    label: str | None = None,
) -> dict[str, Any]:
    """A line per group over time, the groups in their order (quintile 1, the most deprived,
    first), named, never coded."""
    if label is None:
        label = table.label if isinstance(table, compute.GroupFigures) else table.breakdown_name
    rows = [
        {"period": p.isoformat(), "group": group, "order": k, "value": v}
        for p, values in zip(table.periods, table.values, strict=True)
        for k, ((_, group), v) in enumerate(zip(table.groups, values, strict=True))
        if v is not None
    ]
    title = f"{name} by {label.lower()}"
    return {
        "$schema": charts.SCHEMA,
        "description": title,
        # In lines of at most 32 characters, so that a phone (390 px) never cuts it short;
        # the table beside the chart has it whole in its caption.
        "title": {"text": textwrap.wrap(title, TITLE_LINE), "anchor": "start"},
        "width": "container",
        "height": 240,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {
                "field": "period",
                "type": "temporal",
                "timeUnit": "utcyearmonth",
                "title": "Month",
                "axis": {"format": "%b %Y", "labelOverlap": "greedy"},
            },
            "y": {"field": "value", "type": "quantitative", "title": unit},
            "color": {
                "field": "group",
                "type": "nominal",
                "title": label,
                "sort": [group for _, group in table.groups],
                "legend": {"orient": "bottom", "columns": 2, "labelLimit": 320},
            },
            "tooltip": [
                {
                    "field": "period",
                    "type": "temporal",
                    "timeUnit": "utcyearmonth",
                    "title": "Month",
                    "format": "%B %Y",
                },
                {"field": "group", "title": label},
                {"field": "value", "title": unit, "format": ",.1f"},
            ],
        },
    }


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
    return render(
        request,
        "plans/overview.jinja",
        {
            "plan": plan,
            "groups": _by_priority(views),
            "matrix": compute.summary_matrix(views),
            "rows": compute.MATRIX_ROWS,
            "columns": compute.MATRIX_COLUMNS,
            "symbols": compute.SYMBOLS,
            **_publication_state(plan, views),
            **FIGURES,
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
@permission_required(Permission.CHANGE_PLAN)
def plan_publish(request: HttpRequest) -> HttpResponse:
    """Publish the plan as it stands (the programme office only)."""
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


def _goal(pk: int) -> Goal:
    goal = queries.goal(pk)
    if goal is None:
        raise Http404("No such goal")
    return goal


@require_GET
@partner_only
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A goal: its SPC chart with the data table, the reading, and (for those allowed)
    forms to record a measurement or a rebase."""
    return _goal_page(request, _goal(pk))


READ_PROPOSAL = "decisions.read_proposal"  # decisions' own: who reads a confidential one


def _readable(request: HttpRequest) -> Callable[[Any], bool]:
    """Whether the visitor may read a proposal (a confidential one, until its publication
    date, only its forum, its parties and the programme office may: decisions' rule)."""
    return lambda proposal: can(request.user, READ_PROPOSAL, proposal)


def _goal_page(
    request: HttpRequest,
    goal: Goal,
    measurement_form: Form | None = None,
    rebase_form: Form | None = None,
    remove_form: Form | None = None,
    decisions_form: Form | None = None,
    schemes_form: Form | None = None,
) -> HttpResponse:
    data = queries.series(goal.metric, goal.subject_key, split=True)
    may_link = can(request.user, Permission.LINK_GOAL_DECISIONS, goal)
    serving = list(queries.serving(goal))
    if decisions_form is None and may_link:
        decisions_form = ServingDecisionsForm(
            prefix="d",
            proposals=queries.proposal_choices(),
            readable=_readable(request),
            initial={"proposals": [p.pk for p in serving]},
        )
    serving_schemes = queries.serving_schemes(goal)
    if schemes_form is None and may_link:
        schemes_form = ServingSchemesForm(
            prefix="s",
            choices=[(c.value, c.label) for c in queries.scheme_choices()],
            initial={"schemes": [f"{x.scenario_id}:{x.scheme_key}" for x in serving_schemes]},
        )
    view = compute.judge_goal(goal, data, today=timezone.localdate())
    points = compute.chart_points(view.series)
    fed = services.fed_problem(goal.metric, goal.subject_key) is not None
    may_record = not fed and can(request.user, Permission.RECORD_MEASUREMENT, goal)
    if remove_form is None and may_record:
        remove_form = _remove_form(goal, data)
    return render(
        request,
        "plans/goal.jinja",
        {
            "goal": goal,
            "view": view,
            "points": points,
            "reading": compute.reading(view),
            "spc_chart": _spc_chart(
                points,
                compute.gap_name(goal) if goal.is_gap else goal.metric.name,
                goal.metric,
                goal.target_value,
                unit=view.series.figure_unit,
            ),
            "unit": view.series.figure_unit,
            "gap_name": compute.gap_name(goal) if goal.is_gap else "",
            "gap_trend": compute.gap_trend(view.series) if goal.is_gap else None,
            "splits": [
                (b, _group_chart(b.table, goal.metric)) for b in compute.breakdown_views(data)
            ],
            "gap_unit": compute.gap_unit(goal.metric.unit),
            "may_record": may_record,
            "fed_from_returns": fed,
            "may_rebase": can(request.user, Permission.ADD_REBASE, goal),
            "measurement_form": measurement_form or MeasurementForm(prefix="m"),
            "rebase_form": rebase_form or RebaseForm(prefix="r"),
            "remove_form": remove_form,
            "serving": [(p, _readable(request)(p)) for p in serving],
            "may_link": may_link,
            "decisions_form": decisions_form,
            "serving_schemes": serving_schemes,
            "schemes_form": schemes_form,
            "may_change_goal": can(request.user, Permission.CHANGE_GOAL, goal),
            "history": queries.history_of(goal),
            "figure_history": queries.figure_history(goal),
            "symbols": compute.SYMBOLS,
            **FIGURES,
        },
    )


def _remove_form(goal: Goal, data: queries.SeriesData, post: Any = None) -> RemoveMeasurementForm:
    """The form to remove one of the series' figures, newest first."""
    periods = [
        (m.period, f"{m.period:%B %Y}: {figure(m.value, goal.metric.unit)}")
        for m in reversed(data.measurements)
    ]
    return RemoveMeasurementForm(post, prefix="x", periods=periods)


def _submit(
    request: HttpRequest,
    goal: Goal,
    form: Any,
    form_name: str,
    act: Callable[[dict[str, Any]], object],
    done: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """One of the goal page's forms: validate it and run its service, then go back to the goal
    saying what was done, or show the page again with the form's errors."""
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done(form.cleaned_data))
            return redirect(goal)
    return _goal_page(request, goal, **{form_name: form})


@require_POST
@partner_only
def record_measurement(request: HttpRequest, pk: int) -> HttpResponse:
    """Record (or correct) a month's figure of a goal's series."""
    goal = _goal(pk)
    require(request.user, Permission.RECORD_MEASUREMENT, goal)
    return _submit(
        request,
        goal,
        MeasurementForm(request.POST, prefix="m"),
        "measurement_form",
        lambda d: services.record_measurement(
            metric=goal.metric,
            subject=goal,
            period=d["period"],
            value=d["value"],
            note=d["note"],
            by=request.user,
            today=timezone.localdate(),
        ),
        lambda d: f"Recorded {goal.metric.name} for {d['period']:%B %Y}.",
    )


@require_POST
@partner_only
def remove_measurement(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a figure of a goal's series recorded in error, with the reason."""
    goal = _goal(pk)
    require(request.user, Permission.RECORD_MEASUREMENT, goal)
    return _submit(
        request,
        goal,
        _remove_form(goal, queries.series(goal.metric, goal.subject_key), request.POST),
        "remove_form",
        lambda d: services.remove_measurement(
            metric=goal.metric,
            subject=goal,
            period=d["period"],
            reason=d["reason"],
            by=request.user,
        ),
        lambda d: f"Removed the figure for {d['period']:%B %Y}.",
    )


@require_POST
@partner_only
def add_rebase(request: HttpRequest, pk: int) -> HttpResponse:
    """Start new limits on a goal's series from a period, with the reason."""
    goal = _goal(pk)
    require(request.user, Permission.ADD_REBASE, goal)
    return _submit(
        request,
        goal,
        RebaseForm(request.POST, prefix="r"),
        "rebase_form",
        lambda d: services.add_rebase(
            metric=goal.metric,
            subject=goal,
            period=d["period"],
            reason=d["reason"],
            by=request.user,
        ),
        lambda d: f"New limits from {d['period']:%B %Y}.",
    )


@partner_only
def early_warning(request: HttpRequest) -> HttpResponse:
    """Every series whose latest point is a special-cause concern, newest first."""
    warnings = compute.early_warnings(queries.measured_values(queries.metrics()))
    return render(
        request,
        "plans/early_warning.jinja",
        {"warnings": warnings, "symbols": compute.SYMBOLS, **FIGURES},
    )


@partner_only
def metric_list(request: HttpRequest) -> HttpResponse:
    """Every metric as reviewed content, with reviews that are due shown first."""
    today = timezone.localdate()
    metrics = sorted(queries.metrics(), key=lambda m: (m.next_review > today, m.name))
    return render(
        request,
        "plans/metrics.jinja",
        {
            "metrics": metrics,
            "today": today,
            "may_add": can(request.user, Permission.ADD_METRIC),
        },
    )


@partner_only
def metric_series(request: HttpRequest, code: str, subject_key: str) -> HttpResponse:
    """The SPC chart of any series, such as one listed on the early-warning page."""
    metric = queries.metric(code)
    if metric is None:
        raise Http404("No such metric")
    series = compute.judge_series(queries.series(metric, subject_key))
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
            "spc_chart": _spc_chart(points, f"{metric.name}: {series.subject_label}", metric, None),
            "symbols": compute.SYMBOLS,
            **FIGURES,
        },
    )


@partner_only
@refuse_big_uploads
def measurement_import(request: HttpRequest) -> HttpResponse:
    """Upload measurements; each row must be one the uploader may change."""
    form = MeasurementImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload(
            form,
            request,
            job_kind="import:measurements",
            task=run_measurement_import,
            today=timezone.localdate().isoformat(),  # the service judges periods against it
        )
        if job is not None:
            return redirect("core:job", job.pk)
    return render(
        request,
        "plans/import.jinja",
        {
            "form": form,
            "recent": queries.recent_imports(request.user),
        },
    )


def public_plan(request: HttpRequest) -> HttpResponse:
    """The published plan in plain language: its goals and how each was going, exactly as
    the programme office last published them, never the plan as it stands now."""
    shown = queries.public_plan()
    frozen = queries.published_splits(shown.latest) if shown else []
    return render(
        request,
        "plans/public.jinja",
        {
            "shown": shown,
            "plan": publication.for_display(shown.latest.content) if shown else None,
            "symbols": compute.SYMBOLS,
            "splits": {
                g.goal_id: {
                    "goal": g,
                    "gap_chart": _gap_chart(g) if g.gap_periods else None,
                    "charts": [_lines_by_group(s, g.metric_name, s.unit) for s in g.splits],
                }
                for g in frozen
            },
            **FIGURES,
        },
    )


def _gap_chart(goal: queries.PublishedGoalSplits) -> dict[str, Any]:
    """A published gap goal's gap over time, as published (its table is beside it)."""
    gap = compute.GroupFigures(
        Breakdown.NONE,
        [("gap", goal.gap_name or "The gap")],
        goal.gap_periods,
        [[v] for v in goal.gap_values],
        [[None] for _ in goal.gap_values],
    )
    spec = _lines_by_group(gap, "The gap", goal.gap_unit or "", label="Gap")
    spec["description"] = f"The gap: {goal.gap_name}"
    spec["title"] = {"text": textwrap.wrap(spec["description"], TITLE_LINE), "anchor": "start"}
    return spec


# --- Setting up the plan: the plan, its priorities, metrics and goals -----------------------


def _form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    button: str,
    back: str,
    lede: str = "",
    caption: str = "",
    history: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "plans/form.jinja",
        {
            "form": form,
            "title": title,
            "button_text": button,
            "back": back,
            "lede": lede,
            "caption": caption,
            "history": history,
        },
    )


def _saved(
    request: HttpRequest, form: Any, act: Callable[[dict[str, Any]], Any], done: str
) -> Any | None:
    """Validate ``form`` and run its service; the saved object, or None with the service's
    refusal on the form by field."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = act(form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
    messages.success(request, done)
    return saved


@permission_required(Permission.CHANGE_PLAN)
def plan_new(request: HttpRequest) -> HttpResponse:
    """Start a plan (the programme office)."""
    form = PlanForm(request.POST or None)
    plan = _saved(
        request,
        form,
        lambda d: services.create_plan(**d, by=request.user),
        "The plan has been started. Add its priorities, then its goals.",
    )
    if plan is not None:
        return redirect("plans:overview")
    return _form_page(
        request,
        form,
        title="Start a plan",
        button="Start the plan",
        back=reverse("plans:overview"),
        lede="The plan is a draft until the programme office publishes it.",
    )


def _plan(pk: int) -> Plan:
    plan = queries.plan(pk)
    if plan is None:
        raise Http404("No such plan")
    return plan


@permission_required(Permission.CHANGE_PLAN)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the plan's title, years and summary, and see its priorities (the programme
    office)."""
    plan = _plan(pk)
    form = PlanForm(request.POST or None, instance=plan)
    if _saved(
        request,
        form,
        lambda d: services.change_plan(plan=plan, **d, by=request.user),
        "The plan has been changed.",
    ):
        return redirect("plans:plan_edit", plan.pk)
    return render(
        request,
        "plans/plan_edit.jinja",
        {
            "plan": plan,
            "form": form,
            "priorities": queries.priorities(plan),
            "history": queries.history_of(plan),
        },
    )


@permission_required(Permission.CHANGE_PLAN)
def priority_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a priority to a plan (the programme office)."""
    plan = _plan(pk)
    form = PriorityForm(request.POST or None)
    if _saved(
        request,
        form,
        lambda d: services.create_priority(plan=plan, **d, by=request.user),
        "The priority has been added.",
    ):
        return redirect("plans:plan_edit", plan.pk)
    return _form_page(
        request,
        form,
        title="Add a priority",
        caption=plan.title,
        button="Add the priority",
        back=reverse("plans:plan_edit", args=[plan.pk]),
    )


@permission_required(Permission.CHANGE_PLAN)
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a priority (the programme office)."""
    priority = queries.priority(pk)
    if priority is None:
        raise Http404("No such priority")
    form = PriorityForm(request.POST or None, instance=priority)
    if _saved(
        request,
        form,
        lambda d: services.change_priority(priority=priority, **d, by=request.user),
        "The priority has been changed.",
    ):
        return redirect("plans:plan_edit", priority.plan_id)
    return _form_page(
        request,
        form,
        title=f"Change the priority: {priority.title}",
        caption=priority.plan.title,
        button="Save the priority",
        back=reverse("plans:plan_edit", args=[priority.plan_id]),
        history=queries.history_of(priority),
    )


def _metric(code: str) -> Metric:
    metric = queries.metric(code)
    if metric is None:
        raise Http404("No such metric")
    return metric


@permission_required(Permission.ADD_METRIC)
def metric_new(request: HttpRequest) -> HttpResponse:
    """Add a metric; its code is made from its name (the programme office)."""
    form = MetricForm(request.POST or None)
    metric = _saved(
        request,
        form,
        lambda d: services.create_metric(**d, by=request.user, today=timezone.localdate()),
        "The metric has been added.",
    )
    if metric is not None:
        return redirect("plans:metric", metric.code)
    return _form_page(
        request,
        form,
        title="Add a metric",
        button="Add the metric",
        back=reverse("plans:metrics"),
        lede="A metric is reviewed content: a definition anyone would count the same way, "
        "an owner, a checker and a date by which it is reviewed again. Its code, which "
        "import files use, is made from its name.",
    )


@require_GET
@partner_only
def metric_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A metric: its definition as reviewed content, the goals judged on it, its history."""
    metric = _metric(code)
    return render(
        request,
        "plans/metric.jinja",
        {
            "metric": metric,
            "goals": list(metric.goals.select_related("priority").order_by("statement")),
            "history": queries.history_of(metric),
            "may_change": can(request.user, Permission.CHANGE_METRIC, metric),
            "may_refresh": metric.is_fed_from_returns and can(request.user, Permission.CHANGE_PLAN),
            "flow_measure": queries.flow_measure_name(metric.flow_measure),
            "today": timezone.localdate(),
        },
    )


@require_POST
@partner_only
def metric_refresh_flow(request: HttpRequest, code: str) -> HttpResponse:
    """Make a metric's series again from every daily return (the programme office)."""
    metric = _metric(code)
    require(request.user, Permission.CHANGE_PLAN)
    try:
        saved = services.refresh_flow_series(
            metric=metric, by=request.user, today=timezone.localdate()
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        periods = "period" if len(saved) == 1 else "periods"
        messages.success(
            request,
            f"Made the series again from the daily returns: {len(saved)} {periods} changed.",
        )
    return redirect("plans:metric", code=metric.code)


@partner_only
def metric_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a metric (the programme office, or an editor of its owner)."""
    metric = _metric(code)
    require(request.user, Permission.CHANGE_METRIC, metric)
    form = MetricForm(request.POST or None, instance=metric)
    if not can(request.user, Permission.ADD_METRIC):
        form.fields["owner"].disabled = True
        form.fields[
            "owner"
        ].help_text = "Only the programme office gives a metric to another organisation"
    if _saved(
        request,
        form,
        lambda d: services.change_metric(
            metric=metric, **d, by=request.user, today=timezone.localdate()
        ),
        "The metric has been changed.",
    ):
        return redirect("plans:metric", metric.code)
    return _form_page(
        request,
        form,
        title=f"Change the metric: {metric.name}",
        caption=f"Code {metric.code}",
        button="Save the metric",
        back=reverse("plans:metric", args=[metric.code]),
        lede="Its code stays as it was made, so files and links that use it keep working.",
    )


def _goal_services_fields(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "proposals"}


@permission_required(Permission.CHANGE_GOAL)
def goal_new(request: HttpRequest) -> HttpResponse:
    """Add a goal to the current plan (the programme office)."""
    plan = queries.current_plan()
    if plan is None:
        messages.error(request, "Start a plan before adding goals.")
        return redirect("plans:overview")
    form = GoalForm(request.POST or None, plan=plan)
    goal = _saved(
        request,
        form,
        lambda d: services.create_goal(**d, by=request.user, today=timezone.localdate()),
        "The goal has been added. Choose the decisions that serve it below.",
    )
    if goal is not None:
        return redirect(goal)
    return _form_page(
        request,
        form,
        title="Add a goal",
        caption=plan.title,
        button="Add the goal",
        back=reverse("plans:overview"),
        lede="A goal is judged on its metric's figures for what it is about. Its horizon "
        "(short, medium or long term) follows from its baseline and target months.",
    )


@permission_required(Permission.CHANGE_GOAL)
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a goal (the programme office)."""
    goal = _goal(pk)
    form = GoalForm(request.POST or None, instance=goal, plan=goal.priority.plan)
    if _saved(
        request,
        form,
        lambda d: services.change_goal(goal=goal, **d, by=request.user, today=timezone.localdate()),
        "The goal has been changed.",
    ):
        return redirect(goal)
    return _form_page(
        request,
        form,
        title="Change the goal",
        caption=goal.statement,
        button="Save the goal",
        back=reverse("plans:goal", args=[goal.pk]),
    )


@require_POST
@partner_only
def goal_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the decisions that serve a goal (the programme office, or an editor of the
    goal's owner)."""
    goal = _goal(pk)
    require(request.user, Permission.LINK_GOAL_DECISIONS, goal)
    form = ServingDecisionsForm(
        request.POST,
        prefix="d",
        proposals=queries.proposal_choices(),
        readable=_readable(request),
    )
    if form.is_valid():
        services.link_goal_decisions(
            goal=goal, proposals=list(form.cleaned_data["proposals"]), by=request.user
        )
        messages.success(request, "The decisions that serve this goal have been saved.")
        return redirect(goal)
    return _goal_page(request, goal, decisions_form=form)


@require_POST
@partner_only
def goal_schemes(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the demand schemes that serve a goal (as for its decisions)."""
    goal = _goal(pk)
    require(request.user, Permission.LINK_GOAL_DECISIONS, goal)
    choices = {c.value: c for c in queries.scheme_choices()}
    form = ServingSchemesForm(
        request.POST, prefix="s", choices=[(c.value, c.label) for c in choices.values()]
    )
    if form.is_valid():
        services.link_goal_schemes(
            goal=goal, schemes=[choices[v] for v in form.cleaned_data["schemes"]], by=request.user
        )
        messages.success(request, "The demand schemes that serve this goal have been saved.")
        return redirect(goal)
    return _goal_page(request, goal, schemes_form=form)
