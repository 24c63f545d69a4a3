"""Reads in winter: plans, scenarios and runs for pages and the API; a scenario's inputs as
plain values and as the document a run keeps; a run's weekly and daily results; the acute
trusts a scenario covers; a demand scenario's projected emergency admissions (through
``demand.queries``, the only way this app reads demand); what each scenario costs; and the
proposal a scheme was brought to a decision as (through ``decisions.queries``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from footprint.core.models import Job
from footprint.decisions import queries as decision_queries
from footprint.decisions.models import Decision, DecisionType, Forum, Proposal
from footprint.demand import queries as demand_queries
from footprint.demand.models import Run as DemandRun
from footprint.flow import queries as flow_queries
from footprint.partnership.models import Organisation, OrganisationKind
from footprint.plans import queries as plans_queries
from footprint.plans.models import Goal
from footprint.winter.models import (
    DayResult,
    ProviderInputs,
    Scenario,
    WeekResult,
    WinterPlan,
    WinterRun,
)

INPUT_FIELDS = (
    "beds",
    "escalation_beds",
    "escalation_trigger",
    "admissions_per_day",
    "admissions_source",
    "admissions_note",
    "weekly",
    "winter_uplift",
    "stay_mean",
    "stay_sd",
    "stay_counts",
    "pathway_shares",
    "nctr_probability",
    "home_care_packages",
    "step_down_beds",
    "care_home_beds",
    "virtual_ward_places",
    "closures",
    "place_cuts",
    "fitted",
)


def plans(*, published_only: bool = False) -> QuerySet[WinterPlan]:
    """Winter plans, the latest winter first; only the published ones if asked."""
    qs = WinterPlan.objects.prefetch_related("scenarios")
    return qs.filter(status=WinterPlan.Status.PUBLISHED) if published_only else qs


def plan(pk: int) -> WinterPlan | None:
    return WinterPlan.objects.filter(pk=pk).first()


def scenarios(p: WinterPlan) -> list[Scenario]:
    """A plan's scenarios in their order, each with its inputs."""
    return list(p.scenarios.prefetch_related("providers__organisation"))


def scenario(pk: int) -> Scenario | None:
    return Scenario.objects.select_related("plan").filter(pk=pk).first()


def scenario_by_name(p: WinterPlan, name: str) -> Scenario | None:
    return p.scenarios.filter(name=name).first()


def inputs(sc: Scenario) -> list[ProviderInputs]:
    """A scenario's inputs, one per provider, by the provider's name."""
    return list(sc.providers.select_related("organisation").order_by("organisation__name"))


def provider_inputs(sc: Scenario, ods_code: str) -> ProviderInputs | None:
    return (
        sc.providers.select_related("organisation").filter(organisation__ods_code=ods_code).first()
    )


def values_of(pi: ProviderInputs) -> dict[str, Any]:
    """One provider's inputs as plain values."""
    return {f: getattr(pi, f) for f in INPUT_FIELDS}


def run_document(sc: Scenario) -> dict[str, Any]:
    """Everything a run of the scenario needs, as plain values (kept on the run)."""
    p = sc.plan
    return {
        "plan": p.name,
        "scenario": sc.name,
        "start": p.start.isoformat(),
        "days": p.days,
        "peak": p.peak.isoformat(),
        "runs": p.runs,
        "seed": p.seed,
        "providers": [_provider_document(pi) for pi in inputs(sc)],
    }


def _provider_document(pi: ProviderInputs) -> dict[str, Any]:
    """One provider in a run's document; beds closed, places lost and a fit's record only when
    there are any, so a run made before they could be entered still counts as run as it
    stands."""
    values = values_of(pi)
    for changes in ("closures", "place_cuts", "fitted"):
        if not values[changes]:
            del values[changes]
    return {"code": pi.organisation.ods_code, "name": pi.organisation.name, **values}


def acute_trusts() -> QuerySet[Organisation]:
    """The partnership's acute trusts, by name: the providers a winter plan covers."""
    return Organisation.objects.filter(kind=OrganisationKind.ACUTE_TRUST).order_by("name")


# Runs and results


def latest_run(sc: Scenario) -> WinterRun | None:
    """The scenario's latest finished run."""
    return sc.runs.filter(status=WinterRun.Status.SUCCEEDED).order_by("-finished_at", "-pk").first()


def latest_job_run(sc: Scenario) -> WinterRun | None:
    """The scenario's latest run, finished or not."""
    return sc.runs.select_related("job").order_by("-created_at", "-pk").first()


def published_runs(
    p: WinterPlan, *, as_published: bool = False
) -> list[tuple[Scenario, WinterRun, float | None]]:
    """What the plan was published with, frozen: each scenario (in the plan's order), the run
    the boards saw and its cost then (None: not recorded). With ``as_published``, each
    scenario as it was worded then (``published_scenario``): what the public reads."""
    frozen = {int(f["scenario"]): f for f in p.published_runs}
    found = WinterRun.objects.in_bulk([int(f["run"]) for f in frozen.values()])
    return [
        (published_scenario(sc, f) if as_published else sc, found[int(f["run"])], f.get("cost"))
        for sc in scenarios(p)
        if (f := frozen.get(sc.pk)) is not None and int(f["run"]) in found
    ]


#: What the public reads of a published plan, frozen when it is published (``published_as``).
PLAN_WORDING = ("name", "description", "start", "days", "peak", "runs", "seed")


def wording_of(p: WinterPlan) -> dict[str, Any]:
    """The plan's wording and settings as they stand, as plain values (publishing keeps
    them)."""
    out = {f: getattr(p, f) for f in PLAN_WORDING}
    return {**out, "start": p.start.isoformat(), "peak": p.peak.isoformat()}


def as_published(p: WinterPlan) -> WinterPlan:
    """A published plan as it was published: an unsaved copy (never to be saved) with the
    name, description, dates and run settings frozen then, whatever the workspace says since;
    a draft, or a plan published before the wording was kept, as it stands."""
    frozen = p.published_as
    if not p.published or not frozen:
        return p
    shown = WinterPlan(**{f.attname: getattr(p, f.attname) for f in p._meta.concrete_fields})
    shown._state.adding = False
    for f in PLAN_WORDING:
        if f in frozen:
            setattr(shown, f, frozen[f])
    shown.start = dt.date.fromisoformat(str(shown.start))
    shown.peak = dt.date.fromisoformat(str(shown.peak))
    return shown


def published_scenario(sc: Scenario, frozen: dict[str, Any] | None) -> Scenario:
    """A scenario as its plan was published (``frozen``: its entry in ``published_runs``): an
    unsaved copy (never to be saved) with the name and description then; as it stands when
    they were not kept."""
    if not frozen or "name" not in frozen:
        return sc
    shown = Scenario(**{f.attname: getattr(sc, f.attname) for f in sc._meta.concrete_fields})
    shown._state.adding = False
    shown.name, shown.description = frozen["name"], frozen.get("description", "")
    return shown


def published_scenario_of_run(r: WinterRun) -> Scenario:
    """The scenario of a run its plan was published with, as worded then (the run's scenario
    as it stands otherwise)."""
    frozen = next((f for f in r.scenario.plan.published_runs if int(f.get("run", 0)) == r.pk), None)
    return published_scenario(r.scenario, frozen)


def published_cost(sc: Scenario) -> dict[str, Any] | None:
    """What the scenario's plan was published with for it, frozen: its run, its cost over the
    winter then (``cost``, the total; ``breakdown``, by what pays for it; ``extra``, against
    the do-nothing case; ``cost_note``; a plan published before they were kept has only the
    total); None in a draft or for a scenario added since."""
    if not sc.plan.published:
        return None
    for f in sc.plan.published_runs:
        if int(f["scenario"]) == sc.pk:
            return dict(f)
    return None


def run(pk: int) -> WinterRun | None:
    return WinterRun.objects.select_related("scenario__plan", "job").filter(pk=pk).first()


def run_of_job(job: Job) -> WinterRun:
    return WinterRun.objects.select_related("scenario__plan", "created_by").get(job=job)


def job_of_run(run_id: int) -> int:
    return int(WinterRun.objects.values_list("job_id", flat=True).get(pk=run_id))


def weeks(r: WinterRun, provider: str = "") -> list[WeekResult]:
    """A run's weekly results, by provider name then week; one provider's if given."""
    qs = r.weeks.all()
    return list(qs.filter(provider=provider) if provider else qs)


def days(r: WinterRun, provider: str = "") -> list[DayResult]:
    """A run's daily occupancy spread, by provider then day; one provider's if given."""
    qs = r.days.all()
    return list(qs.filter(provider=provider) if provider else qs)


def result_providers(r: WinterRun) -> list[tuple[str, str]]:
    """The providers a run has results for: (code, name), by name."""
    pairs = set(r.weeks.values_list("provider", "provider_name"))
    return sorted(pairs, key=lambda p: p[1].casefold())


# A demand scenario's projection


def demand_runs() -> list[DemandRun]:
    """Each demand scenario's latest finished run, by scenario name: the projections a winter
    scenario may take its admissions from."""
    found = [sc.latest_run for sc in demand_queries.scenarios()]
    return [r for r in found if r is not None]


def demand_run(pk: int) -> DemandRun | None:
    return demand_queries.run(pk)


def projected_admissions(r: DemandRun, year: int) -> dict[str, float]:
    """A demand run's mean emergency admissions in ``year``, by provider ODS code."""
    rows = demand_queries.results_where(r.pk, measure="activity", item="ip_emergency", year=year)
    return {x.provider: x.mean for x in rows}


#: Daily-return measures a winter plan acts on: patients with no criteria to reside (by
#: pathway, by reason, or all) and ambulance handovers.
SERVED_MEASURES = ("nctr", "handover")


def served_goals() -> list[Goal]:
    """The partnership plan's goals (the latest plan, published or not: partners read them)
    measured on the daily returns' patients with no criteria to reside or ambulance
    handovers: what a winter plan's schemes are meant to move."""
    p = plans_queries.current_plan()
    if p is None:
        return []
    return [
        g for g in plans_queries.goals_of(p) if g.metric.flow_measure.startswith(SERVED_MEASURES)
    ]


def projected_years(r: DemandRun) -> list[int]:
    """The years a demand run projects emergency admissions for, in order."""
    rows = demand_queries.results_where(r.pk, measure="activity", item="ip_emergency")
    return sorted(set(rows.values_list("year", flat=True)))


# The daily returns (the flow app)


def daily_history(
    first: dt.date, last: dt.date, organisations: list[Organisation]
) -> dict[int, list[Any]]:
    """The organisations' daily admissions and beds from their returns, by organisation key,
    days in order (``flow.queries.daily_history``)."""
    return flow_queries.daily_history(first, last, organisations)


def daily_returns(
    first: dt.date, last: dt.date, organisations: list[Organisation]
) -> dict[int, list[dict[str, float]]]:
    """The organisations' daily returns, every figure, by organisation key, days in order
    (``flow.queries.returns_between``): what stays and discharge pathways are fitted to."""
    out: dict[int, list[dict[str, float]]] = {}
    found = flow_queries.returns_between(first, last, organisations)
    for (org, _), values in sorted(found.items(), key=lambda kv: kv[0][1]):
        out.setdefault(org, []).append(values)
    return out


# What a scenario costs


def open_beds(r: WinterRun) -> list[tuple[int, list[float]]]:
    """For each provider in a run: its general and acute beds, and the beds open on average
    each day (with the escalation beds the run opened)."""
    out = []
    for p in r.inputs["providers"]:
        opened = r.days.filter(provider=p["code"]).order_by("day")
        out.append((p["beds"], list(opened.values_list("open_beds", flat=True))))
    return out


def baseline(p: WinterPlan) -> Scenario | None:
    """The plan's first scenario: the do-nothing case every scheme is costed and compared
    against."""
    return p.scenarios.order_by("order", "pk").first()


# Bringing a scheme to a decision


def decision_types() -> list[DecisionType]:
    return list(decision_queries.decision_types())


def forums() -> list[Forum]:
    return list(decision_queries.forums())


def decision_type(pk: int) -> DecisionType | None:
    return DecisionType.objects.filter(pk=pk).first()


def forum(pk: int) -> Forum | None:
    return Forum.objects.filter(pk=pk).first()


def decision_on(proposal: Proposal | None) -> Decision | None:
    """The decision that settled the proposal (not a deferral), if one is taken."""
    if proposal is None:
        return None
    taken = [d for d in decision_queries.decisions(proposal) if d.outcome != "deferred"]
    return taken[-1] if taken else None
