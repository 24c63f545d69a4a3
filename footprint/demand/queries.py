"""Reads in demand: scenarios, baselines and runs for pages and the API; a run's results with
providers and items by name, the base year's activity by provider, and two runs side by side;
and what a run needs (the stored cells, the neighbourhoods and their population)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from footprint.core.breakdowns import Breakdown as Breakdown_
from footprint.core.breakdowns import label
from footprint.core.models import Job
from footprint.demand.models import (
    ActivityCell,
    Baseline,
    Breakdown,
    CellRow,
    Result,
    Run,
    Scenario,
)
from footprint.demand.pods import ALL, ALL_PODS, CODES, IN_PACKAGES, SCHEMES, item_name
from footprint.partnership.models import (
    Neighbourhood,
    Organisation,
    Place,
    Population,
    SmallArea,
)
from footprint.partnership.queries import deprivation_profile, names_by_code

MEASURES = [m.value for m in Result.Measure]


# Scenarios, baselines and runs


def scenarios() -> QuerySet[Scenario]:
    """Every scenario with its baseline, and its runs fetched alongside."""
    return Scenario.objects.select_related("baseline").prefetch_related("runs")


def scenario(pk: int) -> Scenario | None:
    return Scenario.objects.select_related("baseline").filter(pk=pk).first()


def recent_runs(sc: Scenario, limit: int = 10) -> list[Run]:
    return list(sc.runs.select_related("job")[:limit])


def baselines() -> QuerySet[Baseline]:
    return Baseline.objects.all()


def run(pk: int) -> Run | None:
    """A run with its scenario and job."""
    return Run.objects.select_related("scenario__baseline", "job").filter(pk=pk).first()


def run_of_job(job: Job) -> Run:
    """The run a model-run job is for."""
    return Run.objects.select_related("scenario__baseline", "created_by").get(job=job)


def job_of_run(run_id: int) -> int:
    """The key of the job that runs ``run_id``."""
    return int(Run.objects.values_list("job_id", flat=True).get(pk=run_id))


# A run's results


def provider_name(code: str, names: dict[str, str]) -> str:
    """A provider in a run's results by name: an organisation's name, or what the pseudo
    provider stands for (every provider together, the schemes' own cost)."""
    if code == SCHEMES:
        return "The schemes themselves"
    return names.get(code, code)


def providers(run: Run, measure: str) -> list[tuple[str, str]]:
    """The providers with results for ``measure``: (code, name), every provider together
    first, then by name."""
    codes = set(run.results.filter(measure=measure).values_list("provider", flat=True))
    names = names_by_code(codes - {ALL, SCHEMES})
    pairs = [(c, provider_name(c, names)) for c in codes]
    return sorted(pairs, key=lambda p: (p[0] != ALL, p[0] == SCHEMES, p[1].casefold()))


def items(run: Run, measure: str, provider: str) -> list[tuple[str, str]]:
    """What ``provider``'s results for ``measure`` are of: (code, name), in name order."""
    codes = set(
        run.results.filter(measure=measure, provider=provider).values_list("item", flat=True)
    )
    return sorted(((c, item_name(measure, c)) for c in codes), key=lambda p: p[1].casefold())


def results(run: Run, **where: Any) -> list[Result]:
    return list(run.results.filter(**where).order_by("year", "item"))


def all_results(run: Run) -> QuerySet[Result]:
    """Every result of a run, in the model's order (measure, provider, item, year)."""
    return run.results.all()


def results_of(run_id: int, *, measure: str = "", provider: str = "", item: str = "") -> Any:
    """A run's results for the API, narrowed by any of measure, provider and item given."""
    qs = Result.objects.filter(run_id=run_id)
    for field, value in (("measure", measure), ("provider", provider), ("item", item)):
        if value:
            qs = qs.filter(**{field: value})
    return qs.order_by("measure", "provider", "item", "year", "pk")


def step_pods(run: Run, measure: str) -> list[str]:
    return sorted(set(run.steps.filter(measure=measure).values_list("pod", flat=True)))


def steps(run: Run, measure: str, pod: str, year: int) -> list[Any]:
    return list(run.steps.filter(measure=measure, pod=pod, year=year).order_by("order"))


@dataclass(frozen=True)
class Comparison:
    measure: str
    item: str
    name: str
    a: Result | None
    b: Result | None


def comparison(a: Run, b: Run) -> list[Comparison]:
    """System totals at each run's horizon, side by side, by measure then item name."""

    def totals(r: Run) -> dict[tuple[str, str], Result]:
        year = r.parameters["horizon"]
        return {(x.measure, x.item): x for x in r.results.filter(provider=ALL, year=year)}

    ta, tb = totals(a), totals(b)
    rows = [
        Comparison(m, i, item_name(m, i), ta.get((m, i)), tb.get((m, i)))
        for m, i in set(ta) | set(tb)
    ]
    return sorted(rows, key=lambda r: (MEASURES.index(r.measure), r.name.casefold()))


# Base-year activity


def baseline_rows(baseline: Baseline) -> list[dict[str, Any]]:
    """Base-year activity and bed days by point of delivery and provider, providers by
    name."""
    rows = list(
        ActivityCell.objects.filter(baseline=baseline)
        .values("pod", "provider")
        .annotate(count=Sum("count"), bed_days=Sum("bed_days"))
    )
    names = names_by_code({r["provider"] for r in rows})
    for r in rows:
        r["provider_name"] = names.get(r["provider"], r["provider"])
        r["pod_name"] = item_name("activity", r["pod"])
        if r["pod"] in IN_PACKAGES:  # packages: their hours are the activity
            r["count"], r["bed_days"] = _package_hours(baseline, r["pod"], r["provider"]), 0
    return sorted(rows, key=lambda r: (CODES.index(r["pod"]), r["provider_name"].casefold()))


def _package_hours(baseline: Baseline, pod: str, provider: str = "") -> float:
    """The hours of a point of delivery counted in packages: each package cell keeps its
    hours as bed days; a cell without packages (an aggregated count of hours) counts its own."""
    cells = ActivityCell.objects.filter(baseline=baseline, pod=pod)
    if provider:
        cells = cells.filter(provider=provider)
    packaged = cells.filter(bed_days__gt=0).aggregate(h=Sum("bed_days"))["h"] or 0.0
    counted = cells.filter(bed_days=0).aggregate(h=Sum("count"))["h"] or 0.0
    return float(packaged + counted)


def pod_totals(baseline: Baseline) -> dict[str, float]:
    """Base-year activity at each point of delivery (hours for home care packages)."""
    rows = ActivityCell.objects.filter(baseline=baseline).values("pod").annotate(total=Sum("count"))
    return {
        r["pod"]: _package_hours(baseline, r["pod"]) if r["pod"] in IN_PACKAGES else r["total"]
        for r in rows
    }


# What a run and an import need


def cells(baseline: Baseline) -> list[CellRow]:
    """The baseline's stored cells as rows."""
    return list(
        ActivityCell.objects.filter(baseline=baseline).values_list(
            "provider",
            "pod",
            "neighbourhood",
            "sex",
            "age",
            "attribute",
            "los_band",
            "count",
            "bed_days",
            "quintile",
        )
    )


def small_area_deciles() -> dict[str, tuple[str, int | None]]:
    """Each of the partnership's small areas (LSOA code) with its neighbourhood's code and its
    national deprivation decile (None when not known): what an activity import checks a
    record's small area against."""
    return {
        code: (hood, decile)
        for code, hood, decile in SmallArea.objects.values_list(
            "code", "neighbourhood__code", "imd_decile"
        )
    }


def activity_by_age(baseline: Baseline, pod: str) -> list[tuple[str, int, float]]:
    """A baseline's activity at one point of delivery as (neighbourhood code, single year of
    age 0 … 90 with 90 meaning 90 and over, count), both sexes together: what an
    age-standardised rate needs (read by the inequalities app)."""
    return [
        (hood, int(age), float(n))
        for hood, age, n in ActivityCell.objects.filter(baseline=baseline, pod=pod)
        .values("neighbourhood", "age")
        .annotate(n=Sum("count"))
        .order_by("neighbourhood", "age")
        .values_list("neighbourhood", "age", "n")
    ]


def baseline_names(baseline: Baseline) -> dict[str, set[str]]:
    """The places, providers and attributes a baseline's activity holds, and the deprivation
    quintiles ("1" … "5") its activity counts in (a cell's own, or where it has none its
    neighbourhood's): what a scheme's cohort may name."""
    cells = ActivityCell.objects.filter(baseline=baseline)
    pairs = set(cells.values_list("neighbourhood", "quintile").distinct())
    quintiles = {q for _, q in pairs if q}
    if any(not q for _, q in pairs):  # cells without their own count in their neighbourhood's
        hoods = neighbourhood_quintiles()
        quintiles |= {hoods[h] for h, q in pairs if not q and h in hoods}
    return {
        "places": set(Neighbourhood.objects.values_list("place__code", flat=True)),
        "providers": set(cells.values_list("provider", flat=True).distinct()),
        "attributes": set(cells.values_list("attribute", flat=True).distinct()),
        "quintiles": {str(q) for q in quintiles},
    }


def neighbourhood_places() -> list[tuple[str, str]]:
    """Every neighbourhood's code with its place's code, in the footprint's order."""
    return list(Neighbourhood.objects.values_list("code", "place__code"))


def population_years() -> set[int]:
    """The years the footprint holds neighbourhood population for."""
    return set(
        Population.objects.filter(neighbourhood__isnull=False).values_list("year", flat=True)
    )


def neighbourhood_population(first: int, last: int) -> list[tuple[int, str, str, list[int]]]:
    """(year, neighbourhood code, sex, counts by single year of age) from ``first`` to
    ``last``."""
    return list(
        Population.objects.filter(neighbourhood__isnull=False, year__gte=first, year__lte=last)
        .order_by("year", "sex", "pk")
        .values_list("year", "neighbourhood__code", "sex", "counts")
    )


def provider_codes() -> set[str]:
    """The ODS codes of the footprint's organisations: the providers an import may name."""
    return set(Organisation.objects.values_list("ods_code", flat=True))


def neighbourhood_codes() -> set[str]:
    return set(Neighbourhood.objects.values_list("code", flat=True))


def results_where(
    run_id: int,
    *,
    measure: str = "",
    provider: str = "",
    item: str = "",
    year: int | None = None,
) -> QuerySet[Result]:
    """A run's results for the API, narrowed by any of measure, provider, item and year given,
    in the model's order."""
    qs = results_of(run_id, measure=measure, provider=provider, item=item)
    return qs.filter(year=year) if year is not None else qs


def result_keys(run: Run) -> list[tuple[str, str, str]]:
    """Every (measure, provider, item) a run has results for: the breakdowns its results
    hold."""
    return list(
        run.results.values_list("measure", "provider", "item")
        .distinct()
        .order_by("measure", "provider", "item")
    )


def result_years(run: Run) -> list[int]:
    return sorted(set(run.results.values_list("year", flat=True)))


def steps_where(run: Run, *, measure: str, pod: str = "", year: int | None = None) -> list[Any]:
    """A run's steps (the mean contribution of demography, growth and each scheme) for one
    measure, narrowed by any of point of delivery and year given, in order."""
    qs = run.steps.filter(measure=measure)
    if pod:
        qs = qs.filter(pod=pod)
    if year is not None:
        qs = qs.filter(year=year)
    return list(qs.order_by("pod", "year", "order"))


SEX_NAMES = {"F": "Women", "M": "Men"}


def breakdown_values(run: Run, by: str, measure: str) -> list[tuple[str, str]]:
    """The values a run's results are broken down into by ``by`` (place, sex, age band or
    condition group), each with its name (places by name, sexes in words), in order."""
    values = set(
        run.breakdowns.filter(by=by, measure=measure).values_list("value", flat=True).distinct()
    )
    names = breakdown_names(by)
    named = [(v, names.get(v, v)) for v in values]
    if by == "quintile":  # most deprived first, not known last
        return sorted(named, key=lambda x: (x[0] == "Unknown", x[0]))
    if by == "age_band":  # youngest first: "5–9" before "10–14"
        return sorted(named, key=lambda x: int(x[0].split("–")[0].rstrip("+")))
    return sorted(named, key=lambda x: x[1].casefold())


def breakdown_pods(run: Run, by: str, value: str, measure: str) -> list[str]:
    """The points of delivery a breakdown value has results for."""
    qs = run.breakdowns.filter(by=by, value=value, measure=measure).exclude(pod=ALL_PODS)
    return sorted(set(qs.values_list("pod", flat=True)), key=CODES.index)


def breakdown(run: Run, by: str, value: str, measure: str, pod: str) -> list[Breakdown]:
    """One breakdown value's results for a point of delivery, year by year."""
    return list(
        run.breakdowns.filter(by=by, value=value, measure=measure, pod=pod).order_by("year")
    )


def quintile_pods(run: Run) -> list[str]:
    """The points of delivery a run has results by deprivation quintile for."""
    qs = run.breakdowns.filter(by="quintile", measure="activity").exclude(pod=ALL_PODS)
    return sorted(set(qs.values_list("pod", flat=True)), key=CODES.index)


def residents_by_quintile() -> tuple[int | None, dict[str, int]]:
    """The partnership's residents in each national deprivation quintile ("1" … "5") in the
    latest year its small areas' population is held for, and that year."""
    profile = deprivation_profile()
    return profile.year, {str(q.key): q.residents for q in profile.quintiles}


def breakdown_names(by: str) -> dict[str, str]:
    """The name of each value of breakdown ``by`` where a value is a code (a place's or a
    sex's); other values (age bands, condition groups) are their own names."""
    if by == "place":
        return dict(Place.objects.values_list("code", "name"))
    if by == "neighbourhood":
        return dict(Neighbourhood.objects.values_list("code", "name"))
    if by == "quintile":
        names = {v: label(Breakdown_.QUINTILE, v) for v in ("1", "2", "3", "4", "5")}
        return {**names, "Unknown": "Quintile not known"}
    return SEX_NAMES if by == "sex" else {}


def breakdowns_where(
    run: Run,
    *,
    by: str = "",
    measure: str = "",
    value: str = "",
    pod: str = "",
    year: int | None = None,
) -> QuerySet[Breakdown]:
    """A run's breakdowns (by place, sex, age band or condition group) narrowed by any of
    ``by``, measure, value, point of delivery and year given, in the model's order."""
    qs = run.breakdowns.all()
    for field, wanted in (("by", by), ("measure", measure), ("value", value), ("pod", pod)):
        if wanted:
            qs = qs.filter(**{field: wanted})
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("by", "value", "measure", "pod", "year", "pk")


def all_steps(run: Run) -> QuerySet[Any]:
    """Every step of a run (system-wide, by point of delivery), in the model's order."""
    return run.steps.order_by("measure", "pod", "year", "order")


def goals_served(sc: Scenario) -> dict[str, list[tuple[str, str]]]:
    """The plan goals each of a scenario's schemes serves, by scheme key: each goal's
    statement and address, in the plan's order. Read through the plan's link to the scenario
    (``goals_served``, defined by the plans app, which demand does not import)."""
    served: dict[str, list[tuple[str, str]]] = {}
    for link in sc.goals_served.select_related("goal").order_by(
        "goal__priority__order", "goal__statement"
    ):
        goal = link.goal
        served.setdefault(link.scheme_key, []).append((goal.statement, goal.get_absolute_url()))
    return served


def neighbourhood_quintiles() -> dict[str, int]:
    """Each neighbourhood's deprivation quintile (1 most deprived … 5): the national quintile
    most of its residents live in, from its small areas' deciles (the partnership's
    deprivation profile). Neighbourhoods with no small-area figures are left out."""
    out = {}
    for hood in Neighbourhood.objects.all():
        profile = deprivation_profile(hood=hood)
        counts = [(q.residents, -int(q.key)) for q in profile.quintiles]
        most, key = max(counts)
        if most > 0:
            out[hood.code] = -key
    return out
