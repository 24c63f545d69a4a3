"""Reads for the inequalities pages: each place's deprivation profile (from ``partnership``),
the PLUS groups, which plan metric tracks each clinical area, its figures by quintile (from
``plans``) and what the published plan says of it; and a baseline's activity by neighbourhood
and age with the residents by age (from ``demand`` and ``partnership``) for age-standardised
rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet, Sum

from footprint.core.breakdowns import Breakdown
from footprint.demand import queries as demand
from footprint.demand.models import ActivityCell, Baseline
from footprint.demand.pods import IN_PACKAGES, POD_CHOICES
from footprint.inequalities.core20plus5 import CLINICAL_AREAS, ClinicalArea
from footprint.inequalities.models import ClinicalAreaMetric, PlusGroup
from footprint.partnership import queries as partnership
from footprint.partnership.models import AGE_BANDS, Place, SmallAreaPopulation
from footprint.partnership.queries import DeprivationProfile
from footprint.plans import queries as plans
from footprint.plans.models import Metric

SYSTEM = "system"  # the subject key of a series about the whole partnership


@dataclass(frozen=True)
class PlaceProfile:
    place: Place | None  # None: the whole partnership
    name: str
    profile: DeprivationProfile


def profiles_by_place() -> list[PlaceProfile]:
    """Each place's deprivation profile, then the whole partnership's."""
    system = partnership.the_system()
    rows = [
        PlaceProfile(p, p.name, partnership.deprivation_profile(place=p))
        for p in partnership.places()
    ]
    rows.append(
        PlaceProfile(
            None,
            system.name if system else "The whole partnership",
            partnership.deprivation_profile(),
        )
    )
    return rows


def the_system_name() -> str:
    system = partnership.the_system()
    return system.name if system else "The whole partnership"


def footprint_profile() -> DeprivationProfile:
    return partnership.deprivation_profile()


def plus_groups(*, public_only: bool = False) -> QuerySet[PlusGroup]:
    qs = PlusGroup.objects.all()
    return qs.filter(public=True) if public_only else qs


def plus_group(pk: int) -> PlusGroup | None:
    return PlusGroup.objects.filter(pk=pk).first()


def metrics() -> QuerySet[Metric]:
    return Metric.objects.order_by("name")


def metric(pk: int) -> Metric | None:
    return Metric.objects.filter(pk=pk).first()


def clinical_area_metrics() -> dict[str, Metric | None]:
    """The plan metric chosen for each clinical area (None where none is)."""
    chosen = {c.area: c.metric for c in ClinicalAreaMetric.objects.select_related("metric")}
    return {a.code: chosen.get(a.code) for a in CLINICAL_AREAS}


def clinical_area_link(code: str) -> ClinicalAreaMetric | None:
    return ClinicalAreaMetric.objects.filter(area=code).first()


@dataclass(frozen=True)
class QuintileFigures:
    """A metric's latest figures for the whole partnership by deprivation quintile (1 most
    deprived), where all five are supplied for one period."""

    period: dt.date
    values: dict[int, float]
    populations: dict[int, float] | None  # each figure's denominator, where all five have one


def quintile_figures(metric: Metric) -> QuintileFigures | None:
    """The latest period for which the plan holds all five quintiles' figures of ``metric``
    for the whole partnership, or None (none supplied, or none complete)."""
    by_period: dict[dt.date, dict[int, float]] = {}
    denominators: dict[dt.date, dict[int, float]] = {}
    for m in plans.split_figures(metric, SYSTEM):
        if m.breakdown != Breakdown.QUINTILE or m.value is None:
            continue
        by_period.setdefault(m.period, {})[int(m.category)] = float(m.value)
        if m.population:
            denominators.setdefault(m.period, {})[int(m.category)] = float(m.population)
    complete = [p for p, v in by_period.items() if set(v) == {1, 2, 3, 4, 5}]
    if not complete:
        return None
    latest = max(complete)
    people = denominators.get(latest, {})
    return QuintileFigures(
        latest,
        dict(sorted(by_period[latest].items())),
        dict(sorted(people.items())) if set(people) == {1, 2, 3, 4, 5} else None,
    )


@dataclass(frozen=True)
class PublishedGoal:
    """A goal of the published plan on a clinical area's metric, as published."""

    statement: str
    unit: str
    latest_value: float | None
    latest_period: dt.date | None


def published_goals_by_metric() -> dict[str, list[PublishedGoal]]:
    """The published plan's goals by their metric's slug, exactly as last published (the
    public page reads nothing else of the plan)."""
    shown = plans.public_plan()
    if shown is None:
        return {}
    found: dict[str, list[PublishedGoal]] = {}
    for priority in shown.latest.content.get("priorities", []):
        for goal in priority.get("goals", []):
            found.setdefault(goal["metric"], []).append(
                PublishedGoal(
                    goal["statement"],
                    goal["unit"],
                    goal["latest_value"],
                    dt.date.fromisoformat(goal["latest_period"]) if goal["latest_period"] else None,
                )
            )
    return found


def areas_with_metrics() -> list[tuple[ClinicalArea, Metric | None]]:
    chosen = clinical_area_metrics()
    return [(a, chosen[a.code]) for a in CLINICAL_AREAS]


# --- Age-standardised rates of a baseline's activity -----------------------------------------

#: The points of delivery a rate per 100,000 residents can be of: counted in events, not hours.
RATE_PODS: dict[str, str] = {code: name for code, name in POD_CHOICES if code not in IN_PACKAGES}
DEFAULT_RATE_POD = "ip_emergency"


@dataclass(frozen=True)
class Hood:
    code: str
    name: str
    place: str  # the place's name


@dataclass(frozen=True)
class RateInputs:
    """What the age-standardised rates of one point of delivery need: the baseline's activity
    by neighbourhood in ``AGE_BANDS`` (both sexes), the residents of each neighbourhood in the
    same bands in the baseline's year (from its small areas), each neighbourhood's deprivation
    quintile, and the footprint's neighbourhoods and places."""

    baseline: Baseline
    pod: str
    year: int
    activity: dict[str, list[float]]
    population: dict[str, list[int]]
    quintiles: dict[str, int]
    hoods: list[Hood]  # by place, then name
    population_years: list[int]
    # The same activity by neighbourhood and the records' own deprivation quintile (0 where
    # they gave none), and the residents of the small areas of each quintile, in the same
    # bands. None (inputs made by hand): every record falls back to its neighbourhood's
    # quintile, and each quintile's residents are those of its neighbourhoods.
    own_quintiles: dict[tuple[str, int], list[float]] | None = None
    quintile_population: dict[int, list[int]] | None = None


def rate_baselines() -> list[Baseline]:
    return list(demand.baselines())


def rate_baseline(pk: int | None) -> Baseline | None:
    """The baseline asked for, or the latest."""
    found = demand.baselines()
    return (found.filter(pk=pk) if pk is not None else found).first()


def _band(age: int) -> int:
    return min(age // 5, len(AGE_BANDS) - 1)


def _own_quintiles(baseline: Baseline, pod: str) -> dict[tuple[str, int], list[float]]:
    """A baseline's activity at ``pod`` by neighbourhood, the records' own deprivation quintile
    (0 where they gave none) and age band."""
    out: dict[tuple[str, int], list[float]] = {}
    rows = (
        ActivityCell.objects.filter(baseline=baseline, pod=pod)
        .values("neighbourhood", "quintile", "age")
        .annotate(n=Sum("count"))
        .values_list("neighbourhood", "quintile", "age", "n")
    )
    for hood, quintile, age, n in rows:
        out.setdefault((hood, int(quintile)), [0.0] * len(AGE_BANDS))[_band(int(age))] += n
    return out


def _quintile_population(year: int) -> dict[int, list[int]]:
    """Residents in ``year`` of the small areas in each national deprivation quintile, both
    sexes, in ``AGE_BANDS``; small areas with no decile are in none."""
    out: dict[int, list[int]] = {}
    rows = SmallAreaPopulation.objects.filter(
        year=year, small_area__imd_decile__isnull=False
    ).values_list("small_area__imd_decile", "bands")
    for decile, bands in rows:
        total = out.setdefault((int(decile) + 1) // 2, [0] * len(AGE_BANDS))
        for i, n in enumerate(bands):
            total[i] += int(n)
    return out


def rate_inputs(baseline: Baseline, pod: str) -> RateInputs:
    own = _own_quintiles(baseline, pod)
    activity: dict[str, list[float]] = {}
    for (hood, _), counts in own.items():
        total = activity.setdefault(hood, [0.0] * len(AGE_BANDS))
        for i, n in enumerate(counts):
            total[i] += n
    hoods = sorted(
        (Hood(h.code, h.name, h.place.name) for h in partnership.neighbourhoods()),
        key=lambda h: (h.place.casefold(), h.name.casefold()),
    )
    return RateInputs(
        baseline=baseline,
        pod=pod,
        year=baseline.base_year,
        activity=activity,
        population=partnership.population_by_band(baseline.base_year),
        quintiles=demand.neighbourhood_quintiles(),
        hoods=hoods,
        population_years=partnership.small_area_population_years(),
        own_quintiles=own,
        quintile_population=_quintile_population(baseline.base_year),
    )


def _mid_sentence(name: str) -> str:
    """'Emergency admissions' → 'emergency admissions'; 'A&E attendances' keeps its capitals
    (as the templates' ``mid_sentence``)."""
    first = name.split(" ", 1)[0]
    return name if len(first) > 1 and first.isupper() else name[:1].lower() + name[1:]


def rates_unavailable(baseline: Baseline | None, inputs: RateInputs | None, pod: str) -> str | None:
    """Why no rate can be given, in plain English (None when rates can be given): no activity
    at all, none of this kind, or no small-area population for the activity's year (a rate is
    never divided by another year's residents)."""
    if baseline is None or inputs is None:
        return (
            "No activity has been imported yet, so there are no rates. The programme office "
            "imports the base year's activity on the demand pages."
        )
    if not inputs.activity:
        return (
            f"{baseline} holds no {_mid_sentence(RATE_PODS[pod])}, so there are no rates of it. "
            "Choose another kind of activity."
        )
    if not inputs.population:
        held = (
            f"Small-area population is held for {', '.join(map(str, inputs.population_years))}."
            if inputs.population_years
            else "No small-area population is held for any year."
        )
        return (
            f"No small-area population by age for {inputs.year} has been loaded, so no rate can "
            f"be given: the rates need the residents of the same year as the activity "
            f"({baseline}). {held}"
        )
    return None


# --- The published plan's figures by deprivation ----------------------------------------------


@dataclass(frozen=True)
class PublishedDeprivation:
    """A published goal with one of its deprivation breakdowns (by quintile or decile), both
    exactly as the plan's latest publication froze them."""

    goal: plans.PublishedGoalSplits
    split: plans.PublishedSplit


def published_deprivation() -> list[PublishedDeprivation]:
    """Each goal of the published plan that was published with figures by deprivation
    quintile or decile, in the plan's order, read from the latest publication alone (nothing
    unpublished: no later figure, no goal added since)."""
    shown = plans.public_plan()
    if shown is None:
        return []
    return [
        PublishedDeprivation(goal, split)
        for goal in plans.published_splits(shown.latest)
        for split in goal.splits
        if split.is_deprivation and split.periods
    ]


def published_ethnicity() -> list[PublishedDeprivation]:
    """Each goal of the published plan that was published with figures by ethnic group, in
    the plan's order, read from the latest publication alone, as ``published_deprivation``."""
    shown = plans.public_plan()
    if shown is None:
        return []
    return [
        PublishedDeprivation(goal, split)
        for goal in plans.published_splits(shown.latest)
        for split in goal.splits
        if split.breakdown == Breakdown.ETHNIC_GROUP and split.periods
    ]
