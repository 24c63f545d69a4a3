"""Changes to winter plans: plans, scenarios and each provider's inputs, runs and their
results, publishing to the boards.

Each is a keyword-only function that refuses a caller who may not make the change
(``PermissionDenied``), makes it in one transaction and records it in the audit trail inside
that transaction. Inputs that cannot run are refused with ``InputError`` naming every problem,
and nothing is saved.

Bringing a scheme to a decision creates a draft proposal through ``decisions.services``, whose
own permission checks apply too.

Starting a run queues it with the ``enqueue`` function the caller passes
(``tasks.run_scenario.enqueue``), so this module does not import the tasks module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from footprint.core import audit
from footprint.core.jobs import Progress, create_job, no_progress
from footprint.core.permissions import require
from footprint.decisions import services as decision_services
from footprint.decisions.models import DecisionType, Forum, Proposal
from footprint.demand.models import Run as DemandRun
from footprint.partnership.models import Organisation, OrganisationKind
from footprint.winter import compute, queries
from footprint.winter.models import (
    DayResult,
    ProviderInputs,
    Scenario,
    WeekResult,
    WinterPlan,
    WinterRun,
)
from footprint.winter.rules import Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    SAVE_PLAN = "winter.save_plan"
    PUBLISH = "winter.publish"
    WITHDRAW = "winter.withdraw"
    SAVE_SCENARIO = "winter.save_scenario"
    SAVE_INPUTS = "winter.save_inputs"
    ADMISSIONS_FROM_DEMAND = "winter.admissions_from_demand"
    INPUTS_FROM_HISTORY = "winter.inputs_from_history"
    RUN = "winter.run"
    STORE_RESULTS = "winter.store_results"
    BRING_TO_DECISION = "winter.bring_to_decision"


class InputError(Exception):
    """Inputs that cannot run: ``problems`` are (field, message), one problem each."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in problems))
        self.problems = problems

    @property
    def lines(self) -> list[str]:
        return [m for _, m in self.problems]


@transaction.atomic
def save_plan(
    *,
    plan: WinterPlan | None = None,
    by: Any,
    name: str,
    description: str = "",
    start: dt.date,
    days: int,
    peak: dt.date,
    runs: int,
    seed: int = 1,
    cost_package: int = 0,
    cost_virtual_ward: int = 0,
    cost_step_down: int = 0,
    cost_care_home: int = 0,
    cost_escalation_bed_day: int = 0,
) -> WinterPlan:
    """Create a winter plan, or change one's name, dates, runs and seed, and what a place a
    day on each pathway and an escalation bed-day cost (whole pounds)."""
    require(by, Permission.CHANGE_WINTER, plan)
    problems = compute.check_plan(start=start, days=days, peak=peak, runs=runs, seed=seed)
    costs = {
        "cost_package": cost_package,
        "cost_virtual_ward": cost_virtual_ward,
        "cost_step_down": cost_step_down,
        "cost_care_home": cost_care_home,
        "cost_escalation_bed_day": cost_escalation_bed_day,
    }
    problems += _cost_problems(costs)
    if problems:
        raise InputError(problems)
    verb = "Changed" if plan else "Created"
    plan = plan or WinterPlan(created_by=by if getattr(by, "is_authenticated", False) else None)
    for field, value in {
        "name": name,
        "description": description,
        "start": start,
        "days": days,
        "peak": peak,
        "runs": runs,
        "seed": seed,
        **costs,
    }.items():
        setattr(plan, field, value)
    audit.save_with_history(plan, by=by)
    audit.record(
        actor=by,
        action=AuditAction.SAVE_PLAN,
        summary=f"{verb} the winter plan {name}",
        plan=plan.pk,
    )
    return plan


@transaction.atomic
def publish(*, plan: WinterPlan, by: Any, now: dt.datetime) -> WinterPlan:
    """Publish the plan to the boards: everyone, the public too, may then read it. Refused
    until every scenario has a finished run of its inputs as they stand. What is published is
    frozen (each scenario's run and cost now) and shown until the plan is published again."""
    require(by, Permission.PUBLISH_WINTER, plan)
    unrun = [sc.name for sc in queries.scenarios(plan) if not _is_current(sc)]
    if not queries.scenarios(plan):
        raise InputError([("plan", "Add a scenario and run it before publishing")])
    if unrun:
        raise InputError([("plan", f"Run {', '.join(unrun)} as it stands before publishing")])
    plan.status = WinterPlan.Status.PUBLISHED
    plan.published_at = now
    # freeze what is published: each scenario's run, cost and wording as they are now, and
    # the plan's own wording and settings (what the public reads until published again)
    plan.published_runs = _frozen(plan)
    plan.published_as = queries.wording_of(plan)
    audit.save_audited(
        plan,
        by=by,
        action=AuditAction.PUBLISH,
        summary=f"Published {plan.name} to the boards",
        plan=plan.pk,
    )
    return plan


def _frozen(plan: WinterPlan) -> list[dict[str, Any]]:
    """What publishing freezes, for each scenario with a run: the run, its cost over the
    winter (the total, what pays for it, and the extra cost against the do-nothing case) at
    the plan's unit costs and the scenario's inputs now, and its name and description."""
    base = queries.baseline(plan)
    out = []
    for sc in queries.scenarios(plan):
        r = queries.latest_run(sc)
        if r is None:
            continue
        cost = cost_of(sc)[0]
        out.append(
            {
                "scenario": sc.pk,
                "run": r.pk,
                "cost": cost.total,
                "breakdown": dataclasses.asdict(cost),
                "cost_note": sc.cost_note,
                "name": sc.name,
                "description": sc.description,
            }
        )
    totals = {f["scenario"]: f["cost"] for f in out}
    for f in out:
        is_base = base is None or f["scenario"] == base.pk or base.pk not in totals
        f["extra"] = None if is_base else f["cost"] - totals[base.pk]
    return out


@transaction.atomic
def withdraw(*, plan: WinterPlan, by: Any) -> WinterPlan:
    """Take the plan back to draft: the public no longer sees it."""
    require(by, Permission.PUBLISH_WINTER, plan)
    plan.status = WinterPlan.Status.DRAFT
    plan.published_at = None
    plan.published_runs = []
    plan.published_as = {}
    audit.save_audited(
        plan,
        by=by,
        action=AuditAction.WITHDRAW,
        summary=f"Withdrew {plan.name} to draft",
        plan=plan.pk,
    )
    return plan


NAME_LENGTH = 100  # a scenario's name: a heading, a table row and a proposal's title
MOST_POUNDS = 100_000_000  # £100m: a unit or other cost above this is a typing slip


COST_NAMES = {
    "cost_package": "Cost of a home-care package",
    "cost_virtual_ward": "Cost of a virtual-ward place",
    "cost_step_down": "Cost of a step-down bed placement",
    "cost_care_home": "Cost of a care-home bed placement",
    "cost_escalation_bed_day": "Cost of an escalation bed open for a day",
    "other_cost": "Other costs over the winter",
}


def _cost_problems(costs: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (
            field,
            f"{COST_NAMES.get(field, field)} must be a whole number of pounds from £0 to "
            f"£{MOST_POUNDS:,}",
        )
        for field, value in costs.items()
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MOST_POUNDS
    ]


def _is_current(sc: Scenario) -> bool:
    """Whether the scenario's latest finished run used its inputs as they stand."""
    latest = queries.latest_run(sc)
    return latest is not None and latest.inputs == queries.run_document(sc)


def is_current(sc: Scenario) -> bool:
    return _is_current(sc)


@transaction.atomic
def save_scenario(
    *,
    plan: WinterPlan,
    scenario: Scenario | None = None,
    by: Any,
    name: str,
    description: str = "",
    copy_from: Scenario | None = None,
    other_cost: int = 0,
    cost_note: str = "",
) -> Scenario:
    """Create a scenario, with a copy of ``copy_from``'s inputs or, with none, a typical
    acute trust's inputs for every acute trust in the partnership (to be replaced with each
    trust's own); or change a scenario's name and description. ``other_cost`` (whole pounds)
    is what the scheme costs beyond its places and escalation beds, ``cost_note`` what it
    is."""
    require(by, Permission.CHANGE_WINTER, plan)
    problems = _cost_problems({"other_cost": other_cost})
    if len(name) > NAME_LENGTH:
        problems.append(("name", f"Name must be at most {NAME_LENGTH} characters"))
    if problems:
        raise InputError(problems)
    new = scenario is None
    sc = scenario or Scenario(plan=plan, order=plan.scenarios.count())
    sc.name, sc.description = name, description
    sc.other_cost, sc.cost_note = other_cost, cost_note
    audit.save_with_history(sc, by=by)
    if new:
        if copy_from is not None:
            for pi in queries.inputs(copy_from):
                _put_inputs(sc, pi.organisation, queries.values_of(pi), by)
        else:
            trusts = list(queries.acute_trusts())
            if not trusts:
                raise InputError([("plan", "The partnership has no acute trust to plan for")])
            for org in trusts:
                _put_inputs(sc, org, compute.default_inputs(), by)
    summary = (
        f"Created the scenario {name}" + (f" from {copy_from.name}" if copy_from else "")
        if new
        else f"Changed the scenario {name}"
    )
    audit.record(actor=by, action=AuditAction.SAVE_SCENARIO, summary=summary, scenario=sc.pk)
    return sc


def _put_inputs(
    sc: Scenario, organisation: Organisation, values: Mapping[str, Any], by: Any
) -> ProviderInputs:
    problems = compute.check_provider(values, (sc.plan.start, sc.plan.days))
    if organisation.kind != OrganisationKind.ACUTE_TRUST:
        problems.append(("organisation", f"{organisation.name} is not an acute trust"))
    for field, what in (("closures", "Beds closed"), ("place_cuts", "Places lost")):
        if not problems and values.get(field):
            for n in compute.closures_outside(values[field], sc.plan.start, sc.plan.days):
                problems.append((field, f"{what}, line {n}: no day of it falls in the winter"))
    if problems:
        raise InputError(problems)
    pi = sc.providers.filter(organisation=organisation).first() or ProviderInputs(
        scenario=sc, organisation=organisation
    )
    for field in queries.INPUT_FIELDS:
        if field in values:
            setattr(pi, field, values[field])
    audit.save_with_history(pi, by=by)
    return pi


@transaction.atomic
def save_inputs(
    *, scenario: Scenario, organisation: Organisation, by: Any, values: Mapping[str, Any]
) -> ProviderInputs:
    """Set one provider's inputs in the scenario (adding the provider if it is not in it
    yet); refused, changing nothing, if any of them cannot run."""
    require(by, Permission.CHANGE_WINTER, scenario.plan)
    pi = _put_inputs(scenario, organisation, values, by)
    audit.record(
        actor=by,
        action=AuditAction.SAVE_INPUTS,
        summary=f"Changed {organisation.name}'s inputs in {scenario.name}",
        scenario=scenario.pk,
        organisation=organisation.ods_code,
    )
    return pi


@transaction.atomic
def admissions_from_demand(
    *, scenario: Scenario, by: Any, demand_run: DemandRun, year: int
) -> list[str]:
    """Take each provider's emergency admissions a day from a demand run's mean projection
    for ``year`` (admissions in the year / 365). Returns the names of the providers changed;
    refused if the run projects none of them."""
    require(by, Permission.CHANGE_WINTER, scenario.plan)
    projected = queries.projected_admissions(demand_run, year)
    changed = []
    for pi in queries.inputs(scenario):
        yearly = projected.get(pi.organisation.ods_code)
        if yearly is None or yearly <= 0:
            continue
        before = queries.values_of(pi)
        values = {
            **before,
            "admissions_per_day": compute.admissions_from_projection(yearly),
            "admissions_source": ProviderInputs.AdmissionsSource.DEMAND,
            "admissions_note": f"{demand_run.scenario.name}, {year} (demand run {demand_run.pk})",
        }
        values["fitted"] = compute.fitted_after_change(before["fitted"], before, values)
        _put_inputs(scenario, pi.organisation, values, by)
        changed.append(pi.organisation.name)
    if not changed:
        years = queries.projected_years(demand_run)
        projects = (
            f"; it projects {years[0]} to {years[-1]}"
            if len(years) > 1
            else f"; it projects {years[0]}"
            if years
            else ""
        )
        raise InputError(
            [
                (
                    "demand_run",
                    f"{demand_run.scenario.name} projects no emergency admissions in {year} "
                    f"for the providers in this scenario{projects}",
                )
            ]
        )
    audit.record(
        actor=by,
        action=AuditAction.ADMISSIONS_FROM_DEMAND,
        summary=f"Took {scenario.name}'s admissions from {demand_run.scenario.name}, {year}",
        scenario=scenario.pk,
        demand_run=demand_run.pk,
    )
    return changed


@transaction.atomic
def inputs_from_history(*, scenario: Scenario, by: Any, first: dt.date, last: dt.date) -> list[str]:
    """Fit each provider's admissions a day, weekly pattern, winter uplift (with 300 days or
    more), beds, mean length of stay and pathway shares (where the returns report them) to
    its daily returns from ``first`` to ``last`` (``compute.fit_returns``), keeping a record
    of what was fitted from how many days and what was kept and why. Returns the names of the
    providers fitted; refused, changing nothing, if none can be."""
    require(by, Permission.CHANGE_WINTER, scenario.plan)
    if not 0 <= (last - first).days <= 731:
        raise InputError(
            [
                (
                    "first",
                    "First day of the returns must be on or before the last day, and at most "
                    "two years before it",
                )
            ]
        )
    pis = queries.inputs(scenario)
    organisations = [pi.organisation for pi in pis]
    history = queries.daily_history(first, last, organisations)
    returns = queries.daily_returns(first, last, organisations)
    changed, problems = [], []
    for pi in pis:
        days = [(h.date, h.admissions, h.beds_open) for h in history.get(pi.organisation.pk, [])]
        current = queries.values_of(pi)
        fitted, problem = compute.fit_returns(
            days,
            returns.get(pi.organisation.pk, []),
            first=first,
            last=last,
            peak=scenario.plan.peak,
            current=current,
        )
        if problem:
            problems.append(("first", f"{pi.organisation.name}: {problem}"))
            continue
        values = {
            **current,
            **fitted,
            "admissions_source": ProviderInputs.AdmissionsSource.HISTORY,
            "admissions_note": f"daily returns {first.isoformat()} to {last.isoformat()}",
        }
        _put_inputs(scenario, pi.organisation, values, by)
        changed.append(pi.organisation.name)
    if not changed:
        raise InputError(problems)
    audit.record(
        actor=by,
        action=AuditAction.INPUTS_FROM_HISTORY,
        summary=f"Fitted {scenario.name}'s inputs to the daily returns "
        f"from {first.isoformat()} to {last.isoformat()}",
        scenario=scenario.pk,
    )
    return changed


@transaction.atomic
def start_run(*, scenario: Scenario, by: Any, enqueue: Callable[[int], object]) -> WinterRun:
    """Queue a run of the scenario as it stands: ``enqueue(run.pk)`` is called once the
    transaction commits (pass ``tasks.run_scenario.enqueue``)."""
    require(by, Permission.CHANGE_WINTER, scenario.plan)
    # one run at a time per scenario: a second press of "Run" while one waits is refused
    Scenario.objects.select_for_update().filter(pk=scenario.pk).first()
    latest = queries.latest_job_run(scenario)
    if latest is not None and latest.status in (WinterRun.Status.QUEUED, WinterRun.Status.RUNNING):
        raise InputError(
            [
                (
                    "scenario",
                    f"{scenario.name} is already running (run {latest.pk}): wait for it to "
                    "finish before running it again",
                )
            ]
        )
    doc = queries.run_document(scenario)
    if not doc["providers"]:
        raise InputError([("scenario", f"{scenario.name} has no provider to run")])
    winter = (dt.date.fromisoformat(doc["start"]), doc["days"])
    problems = [
        (f, f"{p['name']}: {m}")
        for p in doc["providers"]
        for f, m in compute.check_provider(p, winter)
    ]
    if problems:
        raise InputError(problems)
    user = by if getattr(by, "is_authenticated", False) else None  # None: an operator
    job = create_job(kind="winter:run", title=f"Run {scenario.name}", user=user, payload={})
    r = WinterRun.objects.create(scenario=scenario, job=job, inputs=doc, created_by=user)
    audit.record(actor=by, action=AuditAction.RUN, summary=f"Ran {scenario.name}", run=r.pk)
    transaction.on_commit(lambda: enqueue(r.pk))
    return r


def fail_runs_of_swept_jobs(*, ids: list[int], now: dt.datetime, **_: Any) -> int:
    """Mark failed the runs whose jobs ``core.jobs.sweep_stuck_jobs`` has just failed."""
    return WinterRun.objects.filter(
        job_id__in=ids, status__in=[WinterRun.Status.QUEUED, WinterRun.Status.RUNNING]
    ).update(status=WinterRun.Status.FAILED, finished_at=now)


def run_simulation(*, run: WinterRun, by: Any, progress: Progress = no_progress) -> str:
    """Simulate a queued run's winter now and store its results (the run's task calls this;
    so may a test or a notebook). The run is marked running, then succeeded with its results,
    or failed with nothing stored. Returns a one-line summary."""
    require(by, Permission.CHANGE_WINTER, run.scenario.plan)
    started = time.perf_counter()
    WinterRun.objects.filter(pk=run.pk).update(status=WinterRun.Status.RUNNING)
    try:
        outcome = compute.simulate(run.inputs, progress)
        seconds = round(time.perf_counter() - started, 2)
        store_results(run=run, outcome=outcome, seconds=seconds, by=by)
    except BaseException:
        WinterRun.objects.filter(pk=run.pk).update(
            status=WinterRun.Status.FAILED, finished_at=timezone.now()
        )
        raise
    providers = len(run.inputs["providers"])
    return (
        f"{outcome.runs:,} runs of {run.inputs['days']} days for {providers} "
        f"provider{'s' if providers != 1 else ''} in {seconds:.1f} s"
    )


@transaction.atomic
def store_results(
    *, run: WinterRun, outcome: compute.Outcome, seconds: float, by: Any
) -> WinterRun:
    """Store a run's weekly and daily results and mark it succeeded."""
    require(by, Permission.CHANGE_WINTER, run.scenario.plan)
    WeekResult.objects.bulk_create([WeekResult(run=run, **w) for w in outcome.weeks])
    DayResult.objects.bulk_create([DayResult(run=run, **d) for d in outcome.days], batch_size=2000)
    run.seconds = seconds
    run.status = WinterRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    audit.save_audited(
        run,
        by=by,
        action=AuditAction.STORE_RESULTS,
        summary=f"Stored the results of {run}",
        validate=False,
        run=run.pk,
    )
    return run


# What a scheme costs, and bringing it to a decision


def cost_of(sc: Scenario) -> tuple[compute.Cost, bool]:
    """The scenario's cost over the winter at its plan's unit costs, and whether its escalation
    beds are costed (they are once it has a finished run: the run says how many open)."""
    latest = queries.latest_run(sc)
    bed_days = compute.escalation_bed_days(queries.open_beds(latest)) if latest else 0.0
    values = [queries.values_of(pi) for pi in queries.inputs(sc)]
    return compute.scenario_cost(sc.plan, values, bed_days, sc.other_cost), latest is not None


def extra_cost(sc: Scenario) -> float | None:
    """What the scheme costs beyond the plan's do-nothing case (its first scenario); None for
    the do-nothing case itself."""
    base = queries.baseline(sc.plan)
    if base is None or base.pk == sc.pk:
        return None
    return cost_of(sc)[0].total - cost_of(base)[0].total


def effects(sc: Scenario, base: Scenario) -> list[tuple[str, compute.Effect, compute.Effect]]:
    """Per provider: its name, what the baseline's latest run shows, and the scheme's."""
    new_run, base_run = queries.latest_run(sc), queries.latest_run(base)
    if new_run is None or base_run is None:
        return []
    return [
        (
            name,
            compute.effect(queries.weeks(base_run, code)),
            compute.effect(queries.weeks(new_run, code)),
        )
        for code, name in queries.result_providers(new_run)
    ]


RECOMMEND = ("scheme", "baseline")


@transaction.atomic
def bring_to_decision(
    *,
    scenario: Scenario,
    by: Any,
    decision_type: DecisionType,
    brought_to: Forum,
    recommend: str = "scheme",
) -> Proposal:
    """Bring a winter scheme to a decision: a draft proposal in decisions, titled with the
    scheme, saying what the simulation shows against the plan's do-nothing case (weeks at
    risk, the average daily chance over 92 %, bed days lost saved), with the two options (fund the
    scheme, or stay with the do-nothing case), the one ``recommend``-ed, and the scheme's
    extra cost as the money at stake. The scenario keeps the proposal. Refused unless both
    scenarios have runs of their inputs as they stand, and while the scheme has a proposal
    that is not withdrawn."""
    require(by, Permission.BRING_TO_DECISION, scenario)
    plan = scenario.plan
    base = queries.baseline(plan)
    if base is None or base.pk == scenario.pk:
        raise InputError(
            [("scenario", f"{scenario.name} is the case the schemes are compared with")]
        )
    current = scenario.proposal
    if current is not None and current.status != Proposal.Status.WITHDRAWN:
        raise InputError(
            [("scenario", f"{scenario.name} is already brought to a decision: {current.title}")]
        )
    unrun = [sc.name for sc in (base, scenario) if not _is_current(sc)]
    if unrun:
        raise InputError([("scenario", f"Run {' and '.join(unrun)} as it stands first")])
    if recommend not in RECOMMEND:
        raise InputError([("recommend", "Recommend funding the scheme or staying as we are")])
    extra = cost_of(scenario)[0].total - cost_of(base)[0].total
    fund = f"Fund {scenario.name} ({compute.pounds(extra)} over the winter)"
    stay = f"Stay with {base.name}"
    summary = compute.scheme_summary(
        scenario.name, base.name, effects(scenario, base), extra, plan.days
    )
    if scenario.description:
        summary = f"{scenario.description}\n\n{summary}"
    proposal = decision_services.create_proposal(
        title=f"{plan.name}: {scenario.name}"[:200],
        summary=summary,
        options=f"{fund}\n{stay}",
        recommended_option=fund if recommend == "scheme" else stay,
        decision_type=decision_type,
        value_pence=round(abs(extra) * 100),
        brought_to=brought_to,
        by=by,
    )
    scenario.proposal = proposal
    audit.save_with_history(scenario, by=by)
    audit.record(
        actor=by,
        action=AuditAction.BRING_TO_DECISION,
        summary=f"Brought {scenario.name} to a decision",
        scenario=scenario.pk,
        proposal=proposal.pk,
    )
    return proposal
