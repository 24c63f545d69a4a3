"""Winter plan pages: the plans, a plan with its scenarios side by side (per provider and
week, the weeks most at risk and a fan chart with its table), a scenario's inputs, the forms
that change them, runs with their progress, exports and publishing."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from footprint.core.exports import csv_response, xlsx_response
from footprint.core.jobs import may_watch
from footprint.core.permissions import can, permission_required, require
from footprint.winter import charts, compute, queries, services
from footprint.winter.forms import (
    DecisionForm,
    DemandForm,
    HistoryForm,
    InputsForm,
    PlanForm,
    ScenarioForm,
)
from footprint.winter.models import PATHWAY_NAMES, Scenario, WinterPlan, WinterRun
from footprint.winter.rules import Permission
from footprint.winter.tasks import run_scenario

programme_office_only = permission_required(Permission.CHANGE_WINTER)


def _post_or_back_to(
    name: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view that only acts on a POST; any other request (opening its address) is sent to
    the page with its form (``name``: the plan's or the scenario's page) instead of a blank
    405."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return redirect(name, pk)
            return view(request, pk, *args, **kwargs)

        return wrapper

    return decorator


post_on_plan = _post_or_back_to("winter:plan")
post_on_scenario = _post_or_back_to("winter:scenario")
AT_RISK = compute.AT_RISK
VIEW_DECISIONS = "decisions.view_decisions"  # decisions' own: who sees a proposal's status
READ_PROPOSAL = "decisions.read_proposal"  # and who reads one (a confidential one: few)


def _viewable(request: HttpRequest, obj: Any) -> HttpResponse | None:
    """None if the visitor may see ``obj`` (a plan, scenario or run); otherwise the log-in
    page for the public, a 403 for anyone else."""
    if can(request.user, Permission.VIEW_PLAN, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(request.user, Permission.VIEW_PLAN, obj)
    return None


def _plan_or_404(pk: int) -> WinterPlan:
    p = queries.plan(pk)
    if p is None:
        raise Http404("No such winter plan")
    return p


def _scenario_or_404(pk: int) -> Scenario:
    sc = queries.scenario(pk)
    if sc is None:
        raise Http404("No such scenario")
    return sc


def _put_problems(form: Any, problems: list[tuple[str, str]]) -> None:
    fields = {"pathway_shares": "share_0", "nctr_probability": "nctr_0"}
    for field, message in problems:
        name = fields.get(field, field)
        form.add_error(name if name in form.fields else None, message)


def index(request: HttpRequest) -> HttpResponse:
    everything = can(request.user, Permission.VIEW_WINTER)
    found = queries.plans(published_only=not everything)
    # partners read the workspace; everyone else each plan as it was published
    shown = list(found) if everything else [queries.as_published(p) for p in found]
    return render(request, "winter/index.jinja", {"plans": shown, "everything": everything})


def _save_plan(request: HttpRequest, plan: WinterPlan | None) -> HttpResponse:
    initial = (
        {
            f: getattr(plan, f)
            for f in (
                "name",
                "description",
                "start",
                "days",
                "peak",
                "runs",
                "seed",
                *compute.UNIT_COST_FIELDS,
            )
        }
        if plan
        else {}
    )
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.save_plan(plan=plan, by=request.user, **form.cleaned_data)
        except services.InputError as exc:
            _put_problems(form, exc.problems)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect(plan)
    return render(request, "winter/plan_form.jinja", {"form": form, "plan": plan})


@programme_office_only
def plan_new(request: HttpRequest) -> HttpResponse:
    return _save_plan(request, None)


@programme_office_only
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_plan(request, _plan_or_404(pk))


def _pct(x: float) -> str:
    return f"{x:.0%}"


Frozen = list[tuple[Scenario, WinterRun, float | None]]


def comparison(plan: WinterPlan, provider: str, frozen: Frozen | None = None) -> dict[str, Any]:
    """The plan's scenarios side by side for one provider: a row each across the winter,
    week by week, and day by day for the fan chart. With ``frozen`` (what the plan was
    published with), those runs and costs (and the scenarios as they are in it: as worded
    then, for the public); without, each scenario's latest run and live cost."""
    scs = queries.scenarios(plan)
    if frozen is None:
        ran = [(sc, r) for sc in scs if (r := queries.latest_run(sc)) is not None]
        costs = {sc.pk: services.cost_of(sc)[0].total for sc in scs}
    else:
        ran = [(sc, r) for sc, r, _ in frozen]
        costs = {
            sc.pk: cost if cost is not None else services.cost_of(sc)[0].total
            for sc, _, cost in frozen
        }
    providers = sorted(
        {pair for _, r in ran for pair in queries.result_providers(r)},
        key=lambda p: p[1].casefold(),
    )
    codes = [c for c, _ in providers]
    provider = provider if provider in codes else (codes[0] if codes else "")
    summary, by_week, fan = [], {}, []
    base = queries.baseline(plan)
    if base is not None:  # named as the scenarios are (as published, for the public)
        base = next((sc for sc, _ in ran if sc.pk == base.pk), base)
    for sc, r in ran:
        weeks = queries.weeks(r, provider)
        n = max(len(weeks), 1)
        summary.append(
            {
                "scenario": sc,
                "run": r,
                "p92": sum(w.p_over_92 * w.days for w in weeks)
                / max(sum(w.days for w in weeks), 1),
                "p100": sum(w.p_over_100 * w.days for w in weeks)
                / max(sum(w.days for w in weeks), 1),
                "weeks_at_risk": sum(1 for w in weeks if w.p_over_100 >= AT_RISK),
                "nctr": sum(w.nctr for w in weeks) / n,
                "nctr_by_pathway": [
                    sum(getattr(w, f"nctr_{j}") for w in weeks) / n for j in range(4)
                ],
                "bed_days_lost": sum(w.bed_days_lost for w in weeks),
                "worst": sorted((w for w in weeks if w.risk_rank), key=lambda w: w.risk_rank),
                "cost": costs[sc.pk],
                "extra": costs[sc.pk] - costs[base.pk]
                if base and base.pk != sc.pk and base.pk in costs
                else None,
            }
        )
        for w in weeks:
            by_week.setdefault((w.week, w.starts), {})[sc.pk] = w
        for d in queries.days(r, provider):
            fan.append(
                {
                    "day": d.day.isoformat(),
                    "date": d.day,
                    "scenario": sc.name,
                    "p10": d.p10,
                    "p50": d.p50,
                    "p90": d.p90,
                    "beds": d.open_beds,
                }
            )
    name = dict(providers).get(provider, provider)
    return {
        "scenarios": scs,
        "costed": compute.is_costed(plan) or any(sc.other_cost for sc in scs),
        "baseline": base,
        "ran": [sc for sc, _ in ran],
        "providers": providers,
        "provider": provider,
        "provider_name": name,
        "summary": summary,
        "weeks": sorted(by_week.items()),
        "fan": fan,
        "fan_chart": charts.occupancy_fan(
            [{k: v for k, v in f.items() if k != "date"} for f in fan],
            f"Beds occupied at midnight, {name}: median and 80 % range",
        )
        if fan
        else None,
    }


def plan(request: HttpRequest, pk: int) -> HttpResponse:
    p = _plan_or_404(pk)
    if refused := _viewable(request, p):
        return refused
    provider = request.GET.get("provider", "")
    partner = can(request.user, Permission.VIEW_WINTER)
    # partners read the workspace (the plan and scenarios as they stand, beside the figures
    # published); everyone else the plan as it was published, worded as it was then
    if not partner:
        p = queries.as_published(p)
    frozen = queries.published_runs(p, as_published=not partner) if p.published else None
    context = comparison(p, provider, frozen)
    changed: list[dict[str, Any]] = []
    if frozen is not None and partner:
        # partners see, beside what was published, the live figures where they differ
        published = {s["scenario"].pk: s for s in context["summary"]}
        live = comparison(p, context["provider"])
        changed = [
            s
            for s in live["summary"]
            if (was := published.get(s["scenario"].pk)) is None
            or was["run"].pk != s["run"].pk
            or round(was["cost"]) != round(s["cost"])
        ]
    change = can(request.user, Permission.CHANGE_WINTER, p)
    return render(
        request,
        "winter/plan.jinja",
        {
            "plan": p,
            **context,
            "changed": changed,
            "goals": queries.served_goals() if partner else [],
            "status": {sc.pk: _status(sc) for sc in context["scenarios"]},
            "may_change": change,
            "may_publish": can(request.user, Permission.PUBLISH_WINTER, p),
            "pathways": PATHWAY_NAMES,
            "at_risk": AT_RISK,
            "pct": _pct,
        },
    )


def _status(sc: Scenario) -> str:
    latest = queries.latest_job_run(sc)
    if latest is None:
        return "Not run yet"
    if latest.status in (WinterRun.Status.QUEUED, WinterRun.Status.RUNNING):
        return "Running"
    if latest.status == WinterRun.Status.FAILED:
        return "The last run failed"
    return "Run as it stands" if services.is_current(sc) else "Changed since its last run"


def _export_rows(p: WinterPlan, *, as_published: bool) -> tuple[list[str], list[list[Any]]]:
    """Every scenario's weekly results for every provider: a published plan's as published
    (its scenarios named as they were then with ``as_published``: for all but partners)."""
    header = [  # as a reader of the plan page calls them
        "Scenario",
        "Provider code",
        "Provider",
        "Week",
        "Week starting",
        "Days",
        "Average daily chance over 92 % of beds (0 to 1)",
        "Average daily chance over 100 % of beds (0 to 1)",
        "Patients waiting, pathway 0 (NCTR, average at midnight)",
        "Patients waiting, pathway 1 (NCTR, average at midnight)",
        "Patients waiting, pathway 2 (NCTR, average at midnight)",
        "Patients waiting, pathway 3 (NCTR, average at midnight)",
        "Bed days lost",
        "Rank among the weeks most at risk (1 most)",
        "Run",
    ]
    rows = []
    ran = (
        [(sc, r) for sc, r, _ in queries.published_runs(p, as_published=as_published)]
        if p.published
        else [(sc, r) for sc in queries.scenarios(p) if (r := queries.latest_run(sc)) is not None]
    )
    for sc, r in ran:
        for w in queries.weeks(r):
            rows.append(
                [
                    sc.name,
                    w.provider,
                    w.provider_name,
                    w.week,
                    w.starts,
                    w.days,
                    round(w.p_over_92, 4),
                    round(w.p_over_100, 4),
                    round(w.nctr_0, 2),
                    round(w.nctr_1, 2),
                    round(w.nctr_2, 2),
                    round(w.nctr_3, 2),
                    round(w.bed_days_lost, 1),
                    w.risk_rank,
                    r.pk,
                ]
            )
    return header, rows


def plan_csv(request: HttpRequest, pk: int) -> HttpResponse:
    p = _plan_or_404(pk)
    if refused := _viewable(request, p):
        return refused
    header, rows = _export_rows(p, as_published=not can(request.user, Permission.VIEW_WINTER))
    return csv_response(f"winter-plan-{p.pk}-weeks.csv", header, rows)


def plan_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    p = _plan_or_404(pk)
    if refused := _viewable(request, p):
        return refused
    header, rows = _export_rows(p, as_published=not can(request.user, Permission.VIEW_WINTER))
    return xlsx_response(f"winter-plan-{p.pk}-weeks.xlsx", header, rows, sheet="Weeks")


@post_on_plan
@programme_office_only
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    p = _plan_or_404(pk)
    try:
        services.publish(plan=p, by=request.user, now=timezone.now())
    except services.InputError as exc:
        for line in exc.lines:
            messages.error(request, line)
    else:
        messages.success(request, f"{p.name} is published to the boards: everyone may read it")
    return redirect(p)


@post_on_plan
@programme_office_only
def plan_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    p = _plan_or_404(pk)
    services.withdraw(plan=p, by=request.user)
    messages.success(request, f"{p.name} is a draft again: only partners may read it")
    return redirect(p)


@post_on_plan
@programme_office_only
def plan_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Run every scenario of the plan that is not run as it stands."""
    p = _plan_or_404(pk)
    started = 0
    for sc in queries.scenarios(p):
        if _status(sc) in ("Running", "Run as it stands"):
            continue
        try:
            services.start_run(scenario=sc, by=request.user, enqueue=run_scenario.enqueue)
            started += 1
        except services.InputError as exc:
            for line in exc.lines:
                messages.error(request, f"{sc.name}: {line}")
    if started:
        messages.success(request, f"Started {started} run{'s' if started != 1 else ''}")
    return redirect(p)


def _save_scenario(request: HttpRequest, p: WinterPlan, sc: Scenario | None) -> HttpResponse:
    initial = (
        {
            "name": sc.name,
            "description": sc.description,
            "other_cost": sc.other_cost,
            "cost_note": sc.cost_note,
        }
        if sc
        else {}
    )
    form = ScenarioForm(request.POST or None, initial=initial, plan=p, new=sc is None)
    if request.method == "POST" and form.is_valid():
        try:
            sc = services.save_scenario(
                plan=p,
                scenario=sc,
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                copy_from=form.cleaned_data.get("copy_from"),
                other_cost=form.cleaned_data["other_cost"],
                cost_note=form.cleaned_data["cost_note"],
            )
        except services.InputError as exc:
            _put_problems(form, exc.problems)
        except ValidationError:
            form.add_error("name", f"{p.name} already has a scenario of that name")
        else:
            return redirect(sc)
    return render(request, "winter/scenario_form.jinja", {"form": form, "plan": p, "scenario": sc})


@programme_office_only
def scenario_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_scenario(request, _plan_or_404(pk), None)


@programme_office_only
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    return _save_scenario(request, sc.plan, sc)


def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    if refused := _viewable(request, sc):
        return refused
    may_change = can(request.user, Permission.CHANGE_WINTER, sc.plan)
    runs = queries.demand_runs() if may_change else []
    cost, escalation_costed = services.cost_of(sc)
    extra = services.extra_cost(sc)
    live = {
        "cost": cost,
        "total": cost.total,
        "extra": extra,
        "note": sc.cost_note,
        "published": False,
    }
    partner = can(request.user, Permission.VIEW_WINTER)
    shown: dict[str, Any] | None = live
    changed = False
    if sc.plan.published:
        # a published plan shows the cost it was published with (frozen) to everyone;
        # partners also see the live cost when it differs
        frozen = queries.published_cost(sc)
        shown = _frozen_cost(frozen) if frozen else (live if partner else None)
        changed = bool(frozen and partner and _cost_differs(shown, live))
    base = queries.baseline(sc.plan)
    proposal = sc.proposal if can(request.user, VIEW_DECISIONS) else None
    readable = proposal is not None and can(request.user, READ_PROPOSAL, proposal)
    inputs = queries.inputs(sc)
    return render(
        request,
        "winter/scenario.jinja",
        {
            "scenario": sc,
            "plan": sc.plan,
            "cost": shown,
            "live_cost": live if changed else None,
            "extra": extra,
            "costed": compute.is_costed(sc.plan)
            or sc.other_cost > 0
            or bool(shown and shown.get("published") and shown["total"]),
            "escalation_costed": escalation_costed,
            "baseline": base,
            "proposal": proposal,
            "proposal_readable": readable,
            "decision": queries.decision_on(proposal) if readable else None,
            "decision_form": _decision_form(request, sc, base),
            "staff": _escalation_staff(sc),
            "as_date": dt.date.fromisoformat,
            "pounds": compute.pounds,
            "inputs": inputs,
            "fits": [(pi.organisation.name, compute.fit_lines(pi.fitted)) for pi in inputs],
            "latest": queries.latest_job_run(sc),
            "status": _status(sc),
            "may_change": may_change,
            "demand_form": DemandForm(runs=runs, initial={"year": sc.plan.peak.year})
            if runs
            else None,
            "history_form": HistoryForm(
                initial={
                    "first": sc.plan.start - dt.timedelta(days=365),
                    "last": sc.plan.start - dt.timedelta(days=1),
                }
            )
            if may_change
            else None,
            "pathways": PATHWAY_NAMES,
        },
    )


def _frozen_cost(frozen: dict[str, Any]) -> dict[str, Any]:
    """A scenario's cost as its plan was published with (``queries.published_cost``); only
    the total for a plan published before the breakdown was kept."""
    breakdown = frozen.get("breakdown")
    return {
        "cost": compute.Cost(**breakdown) if breakdown else None,
        "total": frozen.get("cost") or 0.0,
        "extra": frozen.get("extra"),
        "note": frozen.get("cost_note", ""),
        "published": True,
    }


def _cost_differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two costs differ in whole pounds: the total, a part or the extra cost."""
    if round(a["total"]) != round(b["total"]) or a["note"] != b["note"]:
        return True
    if (a["extra"] is None) != (b["extra"] is None) or (
        a["extra"] is not None and round(a["extra"]) != round(b["extra"])
    ):
        return True
    parts = ("packages", "virtual_ward", "step_down", "care_home", "escalation", "other")
    return a["cost"] is not None and any(
        round(getattr(a["cost"], f)) != round(getattr(b["cost"], f)) for f in parts
    )


@post_on_scenario
@programme_office_only
def scenario_history(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    form = HistoryForm(request.POST)
    if not form.is_valid():
        for name in form.errors:
            messages.error(request, f"{form.fields[name].label}: enter a date, like 2025-12-01")
        return redirect(sc)
    try:
        changed = services.inputs_from_history(
            scenario=sc,
            by=request.user,
            first=form.cleaned_data["first"],
            last=form.cleaned_data["last"],
        )
    except services.InputError as exc:
        for line in exc.lines:
            messages.error(request, line)
    else:
        messages.success(request, f"Fitted {', '.join(changed)} to the daily returns")
    return redirect(sc)


@programme_office_only
def inputs_edit(request: HttpRequest, pk: int, ods_code: str) -> HttpResponse:
    sc = _scenario_or_404(pk)
    pi = queries.provider_inputs(sc, ods_code)
    if pi is None:
        raise Http404("No such provider in this scenario")
    base = queries.values_of(pi)
    form = InputsForm(request.POST or None, initial=InputsForm.initial_from(base))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_inputs(
                scenario=sc, organisation=pi.organisation, by=request.user, values=form.values(base)
            )
        except services.InputError as exc:
            _put_problems(form, exc.problems)
        else:
            messages.success(request, f"Saved {pi.organisation.name}'s inputs")
            return redirect(sc)
    return render(
        request,
        "winter/inputs_form.jinja",
        {"form": form, "scenario": sc, "plan": sc.plan, "inputs": pi},
        status=400 if form.errors else 200,
    )


@post_on_scenario
@programme_office_only
def scenario_demand(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    form = DemandForm(request.POST, runs=queries.demand_runs())
    if not form.is_valid():
        if "demand_run" in form.errors:
            messages.error(request, "Demand scenario: choose one of the demand scenarios listed")
        if "year" in form.errors:
            messages.error(
                request, "Year of the projection: enter a whole number from 2000 to 2100"
            )
        return redirect(sc)
    dr = queries.demand_run(int(form.cleaned_data["demand_run"]))
    if dr is None:
        raise Http404("No such demand run")
    try:
        changed = services.admissions_from_demand(
            scenario=sc, by=request.user, demand_run=dr, year=form.cleaned_data["year"]
        )
    except services.InputError as exc:
        for line in exc.lines:
            messages.error(request, line)
    else:
        messages.success(
            request, f"Took the admissions of {', '.join(changed)} from {dr.scenario.name}"
        )
    return redirect(sc)


@post_on_scenario
@programme_office_only
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    try:
        r = services.start_run(scenario=sc, by=request.user, enqueue=run_scenario.enqueue)
    except services.InputError as exc:
        for line in exc.lines:
            messages.error(request, line)
        return redirect(sc)
    return redirect(r)


def run(request: HttpRequest, pk: int) -> HttpResponse:
    r = queries.run(pk)
    if r is None:
        raise Http404("No such run")
    if refused := _viewable(request, r):
        return refused
    finished = r.status == WinterRun.Status.FAILED or (r.job is not None and r.job.finished)
    if r.status != WinterRun.Status.SUCCEEDED and request.headers.get("HX-Request") and finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    providers = queries.result_providers(r) if r.status == WinterRun.Status.SUCCEEDED else []
    sc, p = r.scenario, r.scenario.plan
    if not can(request.user, Permission.VIEW_WINTER):
        # everyone but partners sees only a run a plan was published with: worded as then
        sc, p = queries.published_scenario_of_run(r), queries.as_published(p)
    return render(
        request,
        "winter/run.jinja",
        {
            "run": r,
            # the progress bar: for whoever may see the plan, not only who started the run
            "may_watch": r.job is not None and may_watch(r.job, request.user),
            "scenario": sc,
            "plan": p,
            "providers": [(name, queries.weeks(r, code)) for code, name in providers],
            "pct": _pct,
            "started": dt.datetime.fromisoformat(r.inputs["start"]).date()
            if "start" in r.inputs
            else None,
        },
    )


def _escalation_staff(sc: Scenario) -> list[compute.EscalationStaff]:
    """Each provider's escalation beds and the staff they need; with the scenario's latest
    run if it is run as it stands, the beds it opens on an average day too."""
    pis = queries.inputs(sc)
    latest = queries.latest_run(sc) if services.is_current(sc) else None
    return compute.escalation_staff(
        [(pi.organisation.name, pi.escalation_beds) for pi in pis],
        queries.open_beds(latest) if latest else None,
    )


def _decision_form(
    request: HttpRequest, sc: Scenario, base: Scenario | None, data: Any = None
) -> DecisionForm | None:
    """The form that brings the scheme to a decision, for a partner who may bring proposals,
    on a scheme (not the do-nothing case) without a live proposal."""
    if base is None or base.pk == sc.pk:
        return None
    if sc.proposal is not None and sc.proposal.status != "withdrawn":
        return None
    if not can(request.user, Permission.BRING_TO_DECISION, sc):
        return None
    return DecisionForm(
        data,
        types=queries.decision_types(),
        forums=queries.forums(),
        scheme=sc.name,
        baseline=base.name,
    )


@post_on_scenario
def scenario_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring the scheme to a decision: a draft proposal with what the simulation shows."""
    sc = _scenario_or_404(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(sc.get_absolute_url())
    require(request.user, Permission.BRING_TO_DECISION, sc)
    form = _decision_form(request, sc, queries.baseline(sc.plan), request.POST)
    if form is None:
        messages.error(request, f"{sc.name} cannot be brought to a decision now")
        return redirect(sc)
    if not form.is_valid():
        messages.error(request, "Choose the type of decision, the forum and what you recommend")
        return redirect(sc)
    decision_type = queries.decision_type(int(form.cleaned_data["decision_type"]))
    forum = queries.forum(int(form.cleaned_data["brought_to"]))
    if decision_type is None or forum is None:
        raise Http404("No such type of decision or forum")
    try:
        proposal = services.bring_to_decision(
            scenario=sc,
            by=request.user,
            decision_type=decision_type,
            brought_to=forum,
            recommend=form.cleaned_data["recommend"],
        )
    except services.InputError as exc:
        for line in exc.lines:
            messages.error(request, line)
        return redirect(sc)
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
        return redirect(sc)
    messages.success(
        request, f"{sc.name} is a draft proposal: ask the boards for consent from its page"
    )
    return redirect(proposal)
