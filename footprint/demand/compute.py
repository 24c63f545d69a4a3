"""The only module of the demand app that calls the engine. It turns values (a parameters
document, stored cells, the footprint's neighbourhoods and population) into the engine's
inputs, runs the model, and turns its outcome into the rows a run's results are stored as. It
neither reads the database (``queries.py`` does) nor writes it (``services.py`` does)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from footprint.core.jobs import Progress, no_progress
from footprint.demand import defaults
from footprint.demand.importers import Activity
from footprint.demand.models import CellRow
from footprint.demand.parameters import (
    CohortDoc,
    IntervalDoc,
    ParameterError,
    SchemeDoc,
    validate,
    validate_scheme,
)
from footprint.demand.pods import ALL, ALL_PODS, SCHEMES, pod_name
from footprint.engine import demand as dm
from footprint.engine.demand import library
from footprint.engine.demand.pods import BY_CODE, CODES, LOS_BAND_LABELS, POINTS_OF_DELIVERY

POINTS = POINTS_OF_DELIVERY
LOS_BANDS = LOS_BAND_LABELS

# The parameters document


def default_parameters(
    base_year: int, horizon: int, *, iterations: int = 1000, seed: int = 1
) -> dict[str, Any]:
    """A "do nothing" document: growth at the historical trend, no schemes, default capacity."""
    growth = {code: (t.growth.low, t.growth.high) for code, t in library.TRENDS.items()}
    return defaults.document(base_year, horizon, growth=growth, iterations=iterations, seed=seed)


def with_settings(
    document: dict[str, Any] | None, *, base_year: int, horizon: int, iterations: int, seed: int
) -> dict[str, Any]:
    """A scenario's document (a new "do nothing" one when there is none yet) with its years,
    iterations and seed set."""
    doc = dict(document) if document else default_parameters(base_year, horizon)
    doc.update(base_year=base_year, horizon=horizon, iterations=iterations, seed=seed)
    return doc


def scheme_library() -> dict[str, library.Evidence]:
    """The scheme library by key: the built-in entries, extended (or replaced, key by key) by
    the partnership's own file when ``FOOTPRINT_SCHEME_LIBRARY`` names one (a JSON list of
    entries in the built-in ``library.json``'s form)."""
    path = getattr(settings, "FOOTPRINT_SCHEME_LIBRARY", "")
    return {e.key: e for e in _library(str(path))}


@lru_cache(maxsize=4)
def _library(path: str) -> tuple[library.Evidence, ...]:
    if not path:
        return library.LIBRARY
    try:
        entries = json.loads(Path(path).read_text(encoding="utf-8"))
        return library.extend(library.LIBRARY, entries)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"FOOTPRINT_SCHEME_LIBRARY ({path}): {exc}") from None


def scheme_from_library(evidence: str, /, **overrides: Any) -> dict[str, Any]:
    """A scheme document that starts from a library entry's cohort and effect, validated
    (ParameterError names any problem with ``overrides``)."""
    e = scheme_library()[evidence]
    cohort = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(e.cohort).items()}
    scheme = SchemeDoc(
        key=evidence,
        name=e.name,
        pod=e.pod,
        effect=e.effect.value,
        share=IntervalDoc(**asdict(e.share)),
        start_year=0,
        cohort=CohortDoc(**cohort),
        convert_to=e.convert_to,
        ratio=e.ratio,
        evidence=evidence,
    )
    return validate_scheme({**scheme.model_dump(mode="json"), **overrides}).model_dump(mode="json")


def to_engine(document: Any) -> tuple[dm.Scenario, dm.Capacity]:
    """The engine's scenario and capacity settings from a parameters document (or its
    validated model): the one place they are built. Every field passes by name, so a field
    the schema and the engine do not share fails here. Raises ParameterError for a document
    that breaks the schema or the model's own rules."""
    doc = validate(document)
    try:
        schemes = tuple(_scheme(s) for s in doc.schemes)
        scenario = dm.Scenario(
            **doc.model_dump(
                exclude={
                    "growth",
                    "schemes",
                    "capacity",
                    "correlated_growth",
                    "waiting_list",
                    "variants",
                    "health_status",
                }
            ),
            variants=tuple(
                dm.Variant(
                    v.name,
                    v.probability,
                    tuple(v.age_bounds),
                    tuple(tuple(tuple(sex) for sex in year) for year in v.multipliers),
                )
                for v in doc.variants
            ),
            health_status=(
                dm.HealthStatus(
                    _interval(doc.health_status.share),
                    doc.health_status.life_expectancy_gain,
                    doc.health_status.age_from,
                )
                if doc.health_status
                else None
            ),
            correlated_growth=tuple(tuple(g) for g in doc.correlated_growth),
            waiting_list={
                code: dm.WaitingList(_interval(w.change), w.years)
                for code, w in doc.waiting_list.items()
            },
            growth={code: _interval(g) for code, g in doc.growth.items()},
            schemes=schemes,
        )
        c = doc.capacity
        capacity = dm.Capacity(
            **c.model_dump(exclude={"staff_minutes"}),
            staff_minutes={
                (pod, group): minutes
                for pod, groups in c.staff_minutes.items()
                for group, minutes in groups.items()
            },
        )
    except ValueError as exc:
        raise ParameterError([str(exc)]) from None
    return scenario, capacity


def _interval(i: IntervalDoc) -> dm.Interval:
    return dm.Interval(**i.model_dump())


def _scheme(s: SchemeDoc) -> dm.Scheme:
    cohort = {k: tuple(v) if isinstance(v, list) else v for k, v in s.cohort.model_dump().items()}
    return dm.Scheme(
        **s.model_dump(exclude={"effect", "share", "cohort", "profile_shares", "eligible"}),
        effect=dm.Effect(s.effect),
        share=_interval(s.share),
        cohort=dm.Cohort(**cohort),
        profile_shares=tuple(s.profile_shares),
        eligible=_interval(s.eligible),
    )


def check(
    document: Any,
    *,
    base_year: int,
    population_years: Collection[int],
    names: Mapping[str, Collection[str]] | None = None,
) -> list[str]:
    """Every reason the document cannot run on a baseline of ``base_year`` with neighbourhood
    population held for ``population_years``; empty if it can. ``names`` (from
    ``queries.baseline_names``) holds the places, providers and attributes the baseline's
    activity has, and the deprivation quintiles it counts in: a scheme's cohort that names
    another is refused, naming it."""
    try:
        scenario, _ = to_engine(document)
    except ParameterError as exc:
        return exc.lines
    lines = []
    for i, scheme in enumerate(scenario.schemes):
        counted = (names or {}).get("quintiles")
        missing = [q for q in scheme.cohort.quintiles if str(q) not in (counted or {str(q)})]
        if counted is not None and missing:
            held_q = sorted(int(q) for q in counted)
            lines.append(
                f"schemes.{i}.cohort.quintiles: {scheme.name} names deprivation "
                f"{dm.quintile_words(missing)}, in which none of the baseline's activity counts "
                + (
                    f"(it counts in {dm.quintile_words(held_q)})"
                    if held_q
                    else "(its records give no small area and its neighbourhoods no quintile)"
                )
            )
        for field in ("places", "providers", "attributes"):
            held = set((names or {}).get(field, ()))
            for value in getattr(scheme.cohort, field):
                if names is not None and value not in held:
                    known = ", ".join(sorted(n for n in held if n)) or "none"
                    lines.append(
                        f"schemes.{i}.cohort.{field}: {scheme.name} names {value!r}, which "
                        f"the baseline's activity does not hold (it holds {known})"
                    )
    if scenario.base_year != base_year:
        lines.append(f"base_year: the baseline is for {base_year}, not {scenario.base_year}")
    years = set(population_years)
    missing = [y for y in range(scenario.base_year, scenario.horizon + 1) if y not in years]
    if missing:
        years_missing = ", ".join(map(str, missing))
        lines.append(f"horizon: the footprint has no neighbourhood population for {years_missing}")
    return lines


# A run


def baseline_arrays(rows: Sequence[CellRow], hoods: tuple[str, ...]) -> dm.Baseline:
    """Stored cells as the engine's arrays, neighbourhoods numbered in the order of ``hoods``
    (a row without its tenth field, the cells' own quintile, has none)."""
    providers = tuple(sorted({r[0] for r in rows}))
    attributes = tuple(sorted({r[5] for r in rows}))
    index = {
        name: {v: i for i, v in enumerate(values)}
        for name, values in (
            ("provider", providers),
            ("hood", hoods),
            ("attribute", attributes),
            ("pod", CODES),
        )
    }
    unknown = {r[2] for r in rows} - set(hoods)
    if unknown:
        raise ParameterError([f"baseline: unknown neighbourhoods {', '.join(sorted(unknown))}"])

    def column(values: Iterable[int]) -> Any:
        return np.fromiter(values, dtype=np.int64, count=len(rows))

    return dm.Baseline(
        providers=providers,
        neighbourhoods=hoods,
        attributes=attributes,
        provider=column(index["provider"][r[0]] for r in rows),
        pod=column(index["pod"][r[1]] for r in rows),
        neighbourhood=column(index["hood"][r[2]] for r in rows),
        sex=column(0 if r[3] == "F" else 1 for r in rows),
        age=column(r[4] for r in rows),
        attribute=column(index["attribute"][r[5]] for r in rows),
        los_band=column(r[6] for r in rows),
        count=np.fromiter((r[7] for r in rows), dtype=np.float64, count=len(rows)),
        bed_days=np.fromiter((r[8] for r in rows), dtype=np.float64, count=len(rows)),
        quintile=column(r[9] if len(r) > 9 else 0 for r in rows),
    )


def demography(
    base_year: int,
    horizon: int,
    hoods: tuple[str, ...],
    places_of: Iterable[tuple[str, str]],
    population: Iterable[tuple[int, str, str, Sequence[int]]],
) -> dm.Demography:
    """Neighbourhood populations from the base year to the horizon, as growth factors.
    ``places_of`` gives each neighbourhood's place, ``population`` (year, neighbourhood, sex,
    counts by single year of age)."""
    years = horizon - base_year + 1
    counts = np.zeros((years, len(hoods), 2, 91))
    position = {code: i for i, code in enumerate(hoods)}
    places: list[str] = []
    place_of = np.zeros(len(hoods), dtype=np.int64)
    for hood, place in places_of:
        if place not in places:
            places.append(place)
        place_of[position[hood]] = places.index(place)
    for year, hood, sex, ages in population:
        counts[year - base_year, position[hood], 0 if sex == "F" else 1] = ages
    return dm.demography_from_counts(counts, place_of, tuple(places))


@contextmanager
def executor() -> Iterator[Executor | None]:
    """A Dask cluster's executor when ``FOOTPRINT_DASK_SCHEDULER`` names one, else None
    (threads in this process). Dask is imported only here, so it is needed only then."""
    address = getattr(settings, "FOOTPRINT_DASK_SCHEDULER", "")
    if not address:
        yield None
        return
    from distributed import Client

    with Client(address) as client:
        yield client.get_executor()


@dataclass(frozen=True)
class Projection:
    """A run's outcome as values to store: result and step rows (the fields of ``Result``
    and ``Step`` by name), the evidence flags, and how many iterations over how many strata."""

    results: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    flags: list[dict[str, str]]
    strata: int
    iterations: int
    beds_set_by: list[dict[str, Any]]
    breakdowns: list[dict[str, Any]]


def project(
    document: Any,
    *,
    cells: Sequence[CellRow],
    places_of: Sequence[tuple[str, str]],
    population: Iterable[tuple[int, str, str, Sequence[int]]],
    progress: Progress = no_progress,
    quintiles: Mapping[str, int] | None = None,
) -> Projection:
    """Run the model for a parameters document on a baseline's cells, with the footprint's
    neighbourhoods (code and place, in the footprint's order) and their population from the
    base year to the horizon, and each neighbourhood's deprivation quintile where known (for
    results by quintile)."""
    scenario, capacity = to_engine(document)
    hoods = tuple(sorted(code for code, _ in places_of))
    baseline = baseline_arrays(cells, hoods)
    people = demography(scenario.base_year, scenario.horizon, hoods, places_of, population)
    strata = dm.stratify(
        baseline,
        people,
        scenario.age_bounds,
        scenario.variants,
        scenario.health_status,
        quintiles=hood_quintiles(hoods, quintiles),
        quintile_schemes=scenario.quintile_schemes,
    )
    try:
        plan = dm.compile_plan(scenario, strata)
    except ValueError as exc:  # a cohort that names what the activity lacks, or matches nothing
        raise ParameterError(str(exc).split("; ")) from None
    with executor() as pool:
        _, outcome = dm.run(plan, executor=pool, progress=_part(progress, 0, 2))
        breakdowns = breakdown_rows(
            scenario,
            baseline,
            people,
            executor=pool,
            progress=_part(progress, 1, 2),
            quintiles=quintiles,
            capacity=capacity,
        )
    flags = dm.check_schemes(scenario, scheme_library()) + dm.check_plan(
        scenario, *dm.plan_totals(plan, outcome)
    )
    return Projection(
        results=_results(plan, outcome, capacity, scenario.years),
        steps=_steps(plan, outcome, scenario.years),
        flags=[{"subject": f.subject, "kind": f.kind, "message": f.message} for f in flags],
        strata=len(strata),
        iterations=scenario.iterations,
        beds_set_by=[
            asdict(b) for b in dm.beds_set_by(plan, outcome, capacity, len(scenario.years) - 1)
        ],
        breakdowns=breakdowns,
    )


def hood_quintiles(hoods: Sequence[str], quintiles: Mapping[str, int] | None) -> Any:
    """Each neighbourhood's deprivation quintile in the order of ``hoods`` (0 not known)."""
    return np.array([(quintiles or {}).get(code, 0) for code in hoods], dtype=np.int64)


def _part(progress: Progress, i: int, parts: int) -> Progress:
    """Progress of the ``i``-th of ``parts`` equal parts of a run."""
    return lambda done, total: progress(i * total + done, parts * total)


def breakdown_rows(
    scenario: dm.Scenario,
    baseline: dm.Baseline,
    people: dm.Demography,
    *,
    executor: Executor | None = None,
    progress: Progress = no_progress,
    quintiles: Mapping[str, int] | None = None,
    capacity: dm.Capacity | None = None,
) -> list[dict[str, Any]]:
    """Every breakdown of a scenario's activity and bed days (by place, neighbourhood, sex,
    age band and condition group) as rows of ``Breakdown``, from the same seed as the model:
    one run of the strata grouped by every combination of place, sex, age band and condition
    group, added up into each of those breakdowns chunk by chunk, and one run of the strata
    that keep each neighbourhood apart. Each has the distributions of a run grouped that way
    alone (:func:`footprint.engine.demand.model.run_split`)."""
    rows: list[dict[str, Any]] = []
    # the breakdown by age band has the usual bands besides those the schemes' cohorts need
    # (without them a scenario with no age-specific scheme would have one band, "0+")
    ages = tuple(sorted({*BREAKDOWN_AGE_BOUNDS, *scenario.age_bounds}))
    args = (baseline, people, ages, scenario.variants, scenario.health_status)
    # cohorts naming deprivation quintiles find them by each cell's own quintile, or its
    # neighbourhood's where it gave none, as results by quintile count it
    known = hood_quintiles(baseline.neighbourhoods, quintiles)
    cross = dm.compile_plan(
        scenario,
        dm.regroup(
            dm.stratify(*args, quintiles=known, quintile_schemes=scenario.quintile_schemes),
            SPLIT_TOGETHER,
        ),
    )
    _, split, outcomes = dm.run_split(cross, executor=executor, progress=_part(progress, 0, 2))
    for dimension, groups, out in zip(split.by, split.groups, outcomes, strict=True):
        rows += _breakdown_rows(dimension, groups, cross.step_names, out, scenario.years)
    # a place's neighbourhoods share strata otherwise: many more strata, so a run of its own,
    # split by deprivation quintile too when ``quintiles`` gives neighbourhoods theirs
    # (neighbourhood code → 1 most deprived … 5; 0 or missing: not known)
    # (neighbourhood code → 1 most deprived … 5; 0 or missing: not known), or cells theirs
    # it needs none of provider, sex, age band or condition group beyond what the schemes'
    # cohorts name, so the strata pool the rest (the same distributions, far fewer strata)
    strata = dm.stratify(*args, by_neighbourhood=True, pool_for=scenario.schemes, quintiles=known)
    dims: tuple[str, ...] = ("neighbourhood",)
    if quintiles or strata.quintile.any():
        strata = replace(strata, neighbourhood_quintile=known)
        dims = ("neighbourhood", "quintile")
    hoods = dm.compile_plan(scenario, dm.regroup(strata, dims))
    _, split, outcomes = dm.run_split(hoods, executor=executor, progress=_part(progress, 1, 2))
    for dimension, groups, out in zip(split.by, split.groups, outcomes, strict=True):
        rows += _breakdown_rows(dimension, groups, hoods.step_names, out, scenario.years)
        if dimension == "quintile" and capacity is not None:
            rows += _all_pods_rows(
                dimension, dm.by_value(groups, out, capacity), hoods.step_names, scenario.years
            )
    return rows


def _all_pods_rows(
    by: str, v: dm.ByValue, step_names: Sequence[str], years: tuple[int, ...]
) -> list[dict[str, Any]]:
    """A breakdown's bed days, beds and (where the run prices activity) cost for each value,
    every point of delivery together, by year: rows of ``Breakdown`` with ``pod`` "all". Bed
    days and cost have each step's part; beds, which do not add up, have none."""
    rows = []
    measures: list[tuple[str, Any, Any, Any]] = [
        ("bed_days", v.bed_days, v.steps_bed_days, v.steps_bed_days[0, 0, 0]),
        ("beds", v.beds, None, v.base_beds),
    ]
    if v.has_cost:
        measures.append(("cost", v.cost, v.steps_cost, v.steps_cost[0, 0, 0]))
    for measure, values, steps, base in measures:
        s = dm.summarise(values)
        if steps is not None:
            drawn = steps[1:] if len(steps) > 1 else steps
            mean_steps = drawn.mean(axis=0)
            p10_steps, p90_steps = np.percentile(drawn, [10, 90], axis=0)
        for i, value in enumerate(v.values):
            for t, year in enumerate(years):
                rows.append(
                    {
                        "by": by,
                        "value": value,
                        "measure": measure,
                        "pod": ALL_PODS,
                        "year": year,
                        "baseline": float(base[i]),
                        "central": float(s.central[t, i]),
                        "mean": float(s.mean[t, i]),
                        "p10": float(s.p10[t, i]),
                        "p50": float(s.p50[t, i]),
                        "p90": float(s.p90[t, i]),
                        "steps": []
                        if steps is None
                        else [
                            {
                                "name": name,
                                "mean": float(mean_steps[t, k, i]),
                                "p10": float(p10_steps[t, k, i]),
                                "p90": float(p90_steps[t, k, i]),
                            }
                            for k, name in enumerate(step_names)
                        ],
                    }
                )
    return rows


SPLIT_TOGETHER = ("place", "sex", "age_band", "attribute")
# the lower ages of the bands every breakdown by age band has: 0–17, 18–64, 65–74, 75–84, 85+
BREAKDOWN_AGE_BOUNDS = (0, 18, 65, 75, 85)


def _breakdown_rows(
    by: str,
    groups: Sequence[tuple[str, str]],
    step_names: Sequence[str],
    outcome: dm.Outcome,
    years: tuple[int, ...],
) -> list[dict[str, Any]]:
    """A breakdown's activity (and bed days where there are stays) for each value and point of
    delivery, by year, with each step's mean: the fields of ``Breakdown`` by name."""
    rows = []
    for measure, values, steps in (
        ("activity", outcome.activity, outcome.steps_activity),
        ("bed_days", outcome.bed_days, outcome.steps_bed_days),
    ):
        s = dm.summarise(values)
        drawn = steps[1:] if len(steps) > 1 else steps
        mean_steps = drawn.mean(axis=0)  # [year, step, g]
        # each step's spread over the iterations (the demographic variant, the health-status
        # share and growth are drawn per iteration, so their steps have one)
        p10_steps, p90_steps = np.percentile(drawn, [10, 90], axis=0)
        for g, (value, code) in enumerate(groups):
            if measure == "bed_days" and not BY_CODE[code].has_stay:
                continue
            for t, year in enumerate(years):
                rows.append(
                    {
                        "by": by,
                        "value": value,
                        "measure": measure,
                        "pod": code,
                        "year": year,
                        "baseline": float(steps[0, 0, 0, g]),
                        "central": float(s.central[t, g]),
                        "mean": float(s.mean[t, g]),
                        "p10": float(s.p10[t, g]),
                        "p50": float(s.p50[t, g]),
                        "p90": float(s.p90[t, g]),
                        "steps": [
                            {
                                "name": name,
                                "mean": float(mean_steps[t, k, g]),
                                "p10": float(p10_steps[t, k, g]),
                                "p90": float(p90_steps[t, k, g]),
                            }
                            for k, name in enumerate(step_names)
                        ],
                    }
                )
    return rows


def _rows(
    measure: str,
    keys: Iterable[tuple[str, str]],
    values: Any,
    base: Any,
    years: tuple[int, ...],
) -> list[dict[str, Any]]:
    s = dm.summarise(values)
    return [
        {
            "measure": measure,
            "provider": provider,
            "item": item,
            "year": year,
            "baseline": None if base is None else float(base[k]),
            "central": float(s.central[t, k]),
            "mean": float(s.mean[t, k]),
            "p10": float(s.p10[t, k]),
            "p50": float(s.p50[t, k]),
            "p90": float(s.p90[t, k]),
        }
        for k, (provider, item) in enumerate(keys)
        for t, year in enumerate(years)
    ]


def _by_pod(plan: dm.Plan, values: Any) -> tuple[list[tuple[str, str]], Any]:
    """Sum the last axis (output groups) into system totals per point of delivery."""
    pods = sorted({code for _, code in plan.groups}, key=CODES.index)
    out = np.zeros((*values.shape[:-1], len(pods)))
    for g, (_, code) in enumerate(plan.groups):
        out[..., pods.index(code)] += values[..., g]
    return [(ALL, code) for code in pods], out


def _results(
    plan: dm.Plan, outcome: dm.Outcome, capacity: dm.Capacity, years: tuple[int, ...]
) -> list[dict[str, Any]]:
    """Activity and bed days by provider and in total, then beds, workforce and cost."""
    base_activity = outcome.steps_activity[0, 0, 0]
    base_bed_days = outcome.steps_bed_days[0, 0, 0]
    base = dm.Outcome(
        np.broadcast_to(base_activity, outcome.activity.shape[1:])[None],
        np.broadcast_to(base_bed_days, outcome.activity.shape[1:])[None],
        outcome.steps_activity[:1],
        outcome.steps_bed_days[:1],
    )
    results: list[dict[str, Any]] = []
    results += _rows("activity", plan.groups, outcome.activity, base_activity, years)
    stays = [g for g, (_, code) in enumerate(plan.groups) if BY_CODE[code].has_stay]
    results += _rows(
        "bed_days",
        [plan.groups[g] for g in stays],
        outcome.bed_days[..., stays],
        base_bed_days[stays],
        years,
    )
    keys, totals = _by_pod(plan, outcome.activity)
    results += _rows("activity", keys, totals, _by_pod(plan, base_activity)[1], years)
    keys, totals = _by_pod(plan, outcome.bed_days)
    stay_keys = [i for i, (_, code) in enumerate(keys) if BY_CODE[code].has_stay]
    results += _rows(
        "bed_days",
        [keys[i] for i in stay_keys],
        totals[..., stay_keys],
        _by_pod(plan, base_bed_days)[1][stay_keys],
        years,
    )
    for measure, fn in (("beds", dm.beds), ("workforce", dm.workforce), ("cost", dm.cost)):
        m = fn(plan, outcome, capacity)
        if not m.keys:
            continue
        m_base = fn(plan, base, capacity).values[0, 0]
        m_base = np.where([k[0] == SCHEMES for k in m.keys], 0.0, m_base)
        results += _rows(measure, m.keys, m.values, m_base, years)
        total_keys = sorted({k[1] for k in m.keys}) if measure != "cost" else ["Total"]
        total = np.zeros((*m.values.shape[:2], len(total_keys)))
        total_base = np.zeros(len(total_keys))
        for i, (_, item) in enumerate(m.keys):
            j = 0 if measure == "cost" else total_keys.index(item)
            total[:, :, j] += m.values[:, :, i]
            total_base[j] += m_base[i]
        results += _rows(measure, [(ALL, k) for k in total_keys], total, total_base, years)
    return results


def _steps(plan: dm.Plan, outcome: dm.Outcome, years: tuple[int, ...]) -> list[dict[str, Any]]:
    """Each step's contribution to each point of delivery's system total, by year: its mean
    over the iterations and its 10th and 90th percentiles (of the step's system total per
    iteration, so a step drawn per iteration has its spread; with no iterations, run 0's)."""
    steps = []
    for measure, values in (
        ("activity", outcome.steps_activity),
        ("bed_days", outcome.steps_bed_days),
    ):
        drawn = values[1:] if len(values) > 1 else values  # [run, year, step, group]
        pods, totals = _by_pod(plan, drawn)
        per_pod = totals.mean(axis=0)
        p10, p90 = np.percentile(totals, [10, 90], axis=0)
        for p, (_, code) in enumerate(pods):
            if measure == "bed_days" and not BY_CODE[code].has_stay:
                continue
            for t, year in enumerate(years):
                for order, name in enumerate(plan.step_names):
                    steps.append(
                        {
                            "measure": measure,
                            "pod": code,
                            "year": year,
                            "order": order,
                            "name": name,
                            "mean": float(per_pod[t, order, p]),
                            "p10": float(p10[t, order, p]),
                            "p90": float(p90[t, order, p]),
                        }
                    )
    return steps


# Imports

VARIANT_BANDS = list(range(0, 91, 5))  # the multipliers' age bands: 0–4, 5–9, … 90+


def variants_from_projections(
    projections: Mapping[str, np.ndarray], document: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A parameters document's ``variants`` from an area's projections (``importers.
    parse_variants``: each variant's residents by projection year, sex and age, the principal
    first): each variant's multipliers are its residents over the principal's by year, sex and
    five-year age band (1 where the principal has nobody in a band). The probabilities stay as
    the document gives them when it has the same variants; otherwise the principal is drawn
    half the time and the others share the other half. ParameterError names a variant, year,
    sex and band whose multiplier is not above 0 and below 10 (the document's bounds)."""
    names = list(projections)
    principal = projections[names[0]]
    edges = [*VARIANT_BANDS, 91]

    def banded(x: np.ndarray) -> np.ndarray:
        return np.stack([x[..., a:b].sum(axis=-1) for a, b in pairwise(edges)], axis=-1)

    base = banded(principal)
    current = {v["name"]: v["probability"] for v in document.get("variants", [])}
    keep = sorted(current) == sorted(names)
    problems, out = [], []
    for name in names:
        people = banded(projections[name])
        ratio = np.divide(people, base, out=np.ones_like(people), where=base > 0)
        for t, sex, band in zip(*np.nonzero((ratio <= 0) | (ratio >= 10)), strict=True):
            low = VARIANT_BANDS[band]
            ages = f"{low}+" if low == 90 else f"{low}–{low + 4}"
            problems.append(
                f"{name}, {document['base_year'] + 1 + int(t)}, {'FM'[int(sex)]}, ages {ages}: "
                f"{people[t, sex, band]:,.0f} residents against the principal's "
                f"{base[t, sex, band]:,.0f}; a variant must be above 0 and under 10 times it"
            )
        first = name == names[0]
        if keep:
            chance = current[name]
        elif len(names) == 1:
            chance = 1.0
        else:
            chance = 0.5 if first else 0.5 / (len(names) - 1)
        out.append(
            {
                "name": name,
                "probability": chance,
                "age_bounds": VARIANT_BANDS,
                "multipliers": [] if first else np.round(ratio, 6).tolist(),
            }
        )
    if problems:
        raise ParameterError(problems[:20])
    return out


def cell_rows(cells: dm.Baseline) -> list[CellRow]:
    """The engine's fine cells as rows to store."""
    return [
        (
            cells.providers[p],
            CODES[d],
            cells.neighbourhoods[h],
            "FM"[s],
            int(a),
            cells.attributes[t],
            int(b),
            float(c),
            float(bd),
            int(q),
        )
        for p, d, h, s, a, t, b, c, bd, q in zip(
            cells.provider,
            cells.pod,
            cells.neighbourhood,
            cells.sex,
            cells.age,
            cells.attribute,
            cells.los_band,
            cells.count,
            cells.bed_days,
            dm.baseline.own_quintile(cells.quintile, len(cells)),
            strict=True,
        )
    ]


def _codes(values: Any) -> tuple[tuple[str, ...], Any]:
    names, inverse = np.unique(np.asarray(values, dtype=object).astype(str), return_inverse=True)
    return tuple(str(n) for n in names), inverse.astype(np.int64)


def cells_from_activity(activity: Activity) -> list[CellRow]:
    """Rows to store from a checked file: records are compressed into cells first."""
    f = activity.frame
    if activity.aggregated:
        return list(
            zip(
                f["provider"],
                f["pod"],
                f["neighbourhood"],
                f["sex"],
                f["age"],
                f["attribute"],
                f["los_band"],
                f["count"],
                f["bed_days"],
                f["quintile"],
                strict=True,
            )
        )
    providers, provider = _codes(f["provider"].to_numpy())
    hoods, hood = _codes(f["neighbourhood"].to_numpy())
    attributes, attribute = _codes(f["attribute"].to_numpy())
    records = dm.Records(
        providers=providers,
        neighbourhoods=hoods,
        attributes=attributes,
        provider=provider,
        pod=np.array([CODES.index(p) for p in f["pod"]], dtype=np.int64),
        neighbourhood=hood,
        sex=(f["sex"].to_numpy() == "M").astype(np.int64),
        age=f["age"].to_numpy().astype(np.int64),
        attribute=attribute,
        los=f["los"].to_numpy().astype(np.int64),
        units=f["units"].to_numpy().astype(np.float64),
        quintile=f["quintile"].to_numpy().astype(np.int64),
    )
    return cell_rows(dm.compress(records))


# Pages


def library_choices() -> list[tuple[str, str]]:
    """The scheme library for a form: key and a label with the evidence range."""
    return [
        (e.key, f"{e.name} ({pod_name(e.pod)}: {e.share.low:.0%}–{e.share.high:.0%})")
        for e in scheme_library().values()
    ]


PROFILE_WORDS = {
    "linear": "",
    "front": "front-loaded",
    "back": "back-loaded",
    "step": "all in its last year",
    "custom": "by its own yearly shares",
}


def describe_schemes(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenario's schemes for display, each with its evidence range and any flag."""
    try:
        scenario, _ = to_engine(document)
    except ParameterError:
        return []
    known = scheme_library()
    flags = {f.subject: f for f in dm.check_schemes(scenario, known)}
    rows = []
    for s in scenario.schemes:
        evidence = known.get(s.evidence)
        flag = flags.get(s.name)
        rows.append(
            {
                "key": s.key,
                "name": s.name,
                "pod": pod_name(s.pod),
                "effect": s.effect.value,
                "convert_to": pod_name(s.convert_to) if s.convert_to else "",
                "ratio": s.ratio,
                "low": s.share.low,
                "high": s.share.high,
                "start_year": s.start_year,
                "ramp_years": s.ramp_years,
                "profile": PROFILE_WORDS[s.profile],
                "eligible": (s.eligible.low, s.eligible.high),
                "moves_to": s.convert_provider if s.effect is dm.Effect.MOVE else "",
                "yearly_cost": s.yearly_cost,
                "cohort": dm.describe_cohort(s),
                "quintiles": list(s.cohort.quintiles),
                "quintile_words": dm.quintile_words(s.cohort.quintiles),
                "evidence": evidence,
                "flag": flag,
            }
        )
    return rows


def growth_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Growth assumptions beside the lowest growth ever seen, per point of delivery."""
    return [
        {
            "pod": pod_name(code),
            "low": g["low"],
            "high": g["high"],
            "lowest": library.TRENDS[code].lowest if code in library.TRENDS else None,
            "trend": library.TRENDS.get(code),
        }
        for code, g in document.get("growth", {}).items()
        if code in BY_CODE
    ]


def growth_trends() -> dict[str, library.Trend]:
    """The library's growth trend of each point of delivery (the default for a new scenario),
    each saying whether its range has been checked against a source."""
    return dict(library.TRENDS)


# Results by deprivation quintile


def per_thousand(count: float, residents: int | None) -> float | None:
    """``count`` per 1,000 residents; None without residents."""
    return count / residents * 1000 if residents else None


def gradient_sentence(
    rows: Sequence[Mapping[str, Any]], what: str, base_year: int, horizon: int, year: int | None
) -> str:
    """The gap between the most and the least deprived quintile in words: the projection per
    1,000 residents in each (residents counted in ``year``) and how many times as many, with
    the base year's for comparison. ``rows`` have ``value`` ("1" … "5"), ``rate`` and
    ``rate_base``; without residents in both quintiles it says what is missing."""
    by = {r["value"]: r for r in rows}
    most, least = by.get("1"), by.get("5")
    if not most or not least or most["rate"] is None or least["rate"] is None:
        return (
            f"No rate per resident can be given for {what.lower()}: the partnership holds no "
            "small-area population for both the most and the least deprived quintile."
        )
    lines = (
        f"In {horizon} the most deprived fifth of residents (quintile 1) are projected to have "
        f"{most['rate']:,.1f} {what.lower()} per 1,000 residents, against "
        f"{least['rate']:,.1f} in the least deprived fifth (quintile 5)"
    )
    if least["rate"] > 0:
        ratio = most["rate"] / least["rate"]
        lines += f": {ratio:,.1f} times as many"
    lines += (
        f". In the base year, {base_year}, it was {most['rate_base']:,.1f} against "
        f"{least['rate_base']:,.1f}. Residents are counted in {year}; the rates are crude "
        "(not standardised for age)."
    )
    return lines


def scheme_shares(
    rows: Sequence[Mapping[str, Any]],
    schemes: Sequence[str],
    quintiles: Sequence[Sequence[int]] = (),
) -> list[dict[str, Any]]:
    """Each scheme's change in each quintile (``rows[i]["schemes"][j]`` its mean) and the
    share of its whole change that falls in the most and in the least deprived quintile (None
    when it changes nothing). ``quintiles[j]`` are the deprivation quintiles scheme ``j``'s
    cohort names (none: everywhere): ``aimed_at`` says them in words and ``named`` is the
    share of its change that falls in them."""
    out = []
    for j, name in enumerate(schemes):
        parts = {r["value"]: r["schemes"][j]["mean"] for r in rows}
        whole = sum(parts.values())
        named = sorted({int(q) for q in quintiles[j]}) if j < len(quintiles) else []
        out.append(
            {
                "index": j,
                "name": name,
                "whole": whole,
                "most": parts.get("1", 0.0) / whole if whole else None,
                "least": parts.get("5", 0.0) / whole if whole else None,
                "aimed_at": dm.quintile_words(named),
                "named": (
                    sum(parts.get(str(q), 0.0) for q in named) / whole if whole and named else None
                ),
            }
        )
    return out


def scheme_cohorts(document: dict[str, Any]) -> list[dict[str, str]]:
    """Each scheme of a run's or scenario's document with its cohort in words (the
    deprivation quintiles it names among them: "residents of deprivation quintile 1 (most
    deprived 20 %)"); empty for a document that no longer validates."""
    try:
        scenario, _ = to_engine(document)
    except ParameterError:
        return []
    return [
        {
            "name": s.name,
            "cohort": dm.describe_cohort(s),
            "quintile_words": dm.quintile_words(s.cohort.quintiles),
        }
        for s in scenario.schemes
    ]
