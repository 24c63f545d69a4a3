"""The only module of the demand app that calls the engine: it turns stored activity, the
footprint's population and a parameters document into a model run, and stores the results."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from pydantic import ValidationError

from footprint.core.jobs import Progress, WorkRefused
from footprint.demand import defaults
from footprint.demand.importers import Activity
from footprint.demand.models import ActivityCell, Baseline, CellRow, Result, Run, Step
from footprint.demand.parameters import ParametersDoc, problems
from footprint.engine import demand as dm
from footprint.engine.demand import library
from footprint.engine.demand.pods import BY_CODE, CODES, LOS_BAND_LABELS, POINTS_OF_DELIVERY
from footprint.partnership.models import Neighbourhood, Population
from footprint.partnership.staff import StaffGroup

ALL = "All providers"
POINTS = POINTS_OF_DELIVERY
LOS_BANDS = LOS_BAND_LABELS


class ParameterError(WorkRefused):
    """A parameters document that cannot be run, with one line per problem."""


def default_parameters(
    base_year: int, horizon: int, *, iterations: int = 1000, seed: int = 1
) -> dict[str, Any]:
    """A "do nothing" document: growth at the historical trend, no schemes, default capacity."""
    return {
        "base_year": base_year,
        "horizon": horizon,
        "seed": seed,
        "iterations": iterations,
        "growth": {
            code: {"low": t.growth.low, "high": t.growth.high} for code, t in library.TRENDS.items()
        },
        "schemes": [],
        "capacity": {
            "occupancy": dict(defaults.OCCUPANCY),
            "share_of_days": 0.95,
            "daily_variation": 0.1,
            "hours_per_wte": 1600,
            "staff_minutes": defaults.STAFF_MINUTES,
            "unit_costs": defaults.UNIT_COSTS,
            "bed_day_costs": defaults.BED_DAY_COSTS,
        },
    }


def scheme_from_library(evidence: str, /, **overrides: Any) -> dict[str, Any]:
    """A scheme document that starts from a library entry's cohort and effect."""
    key = evidence
    e = library.BY_KEY[key]
    c = e.cohort
    doc = {
        "key": key,
        "name": e.name,
        "pod": e.pod,
        "effect": e.effect.value,
        "share": {"low": e.share.low, "high": e.share.high},
        "start_year": 0,
        "ramp_years": 1,
        "cohort": {
            "age_low": c.age_low,
            "age_high": c.age_high,
            "sex": c.sex,
            "places": list(c.places),
            "providers": list(c.providers),
            "attributes": list(c.attributes),
            "los_bands": list(c.los_bands),
        },
        "yearly_cost": 0,
        "convert_to": e.convert_to,
        "ratio": e.ratio,
        "convert_provider": "",
        "evidence": key,
    }
    doc.update(overrides)
    return doc


def to_engine(document: Any) -> tuple[dm.Scenario, dm.Capacity]:
    """Validate a parameters document against the schema and the model's rules."""
    try:
        doc = ParametersDoc.model_validate(document)
    except ValidationError as exc:
        raise ParameterError(problems(exc)) from None
    try:
        schemes = tuple(
            dm.Scheme(
                key=s.key,
                name=s.name,
                pod=s.pod,
                effect=dm.Effect(s.effect),
                share=dm.Interval(s.share.low, s.share.high),
                start_year=s.start_year,
                ramp_years=s.ramp_years,
                cohort=dm.Cohort(
                    s.cohort.age_low,
                    s.cohort.age_high,
                    s.cohort.sex,
                    tuple(s.cohort.places),
                    tuple(s.cohort.providers),
                    tuple(s.cohort.attributes),
                    tuple(s.cohort.los_bands),
                ),
                yearly_cost=s.yearly_cost,
                convert_to=s.convert_to,
                ratio=s.ratio,
                convert_provider=s.convert_provider,
                evidence=s.evidence,
            )
            for s in doc.schemes
        )
        scenario = dm.Scenario(
            base_year=doc.base_year,
            horizon=doc.horizon,
            growth={k: dm.Interval(v.low, v.high) for k, v in doc.growth.items()},
            schemes=schemes,
            seed=doc.seed,
            iterations=doc.iterations,
        )
        c = doc.capacity
        capacity = dm.Capacity(
            occupancy=c.occupancy,
            share_of_days=c.share_of_days,
            daily_variation=c.daily_variation,
            staff_minutes={
                (pod, group): minutes
                for pod, groups in c.staff_minutes.items()
                for group, minutes in groups.items()
            },
            hours_per_wte=c.hours_per_wte,
            unit_costs=c.unit_costs,
            bed_day_costs=c.bed_day_costs,
        )
    except ValueError as exc:
        raise ParameterError([str(exc)]) from None
    return scenario, capacity


def check(document: Any, baseline: Baseline) -> list[str]:
    """Every reason the document cannot run on this baseline; empty if it can."""
    try:
        scenario, _ = to_engine(document)
    except ParameterError as exc:
        return exc.lines
    lines = []
    if scenario.base_year != baseline.base_year:
        lines.append(
            f"base_year: the baseline is for {baseline.base_year}, not {scenario.base_year}"
        )
    years = set(
        Population.objects.filter(neighbourhood__isnull=False).values_list("year", flat=True)
    )
    missing = [y for y in range(scenario.base_year, scenario.horizon + 1) if y not in years]
    if missing:
        years_missing = ", ".join(map(str, missing))
        lines.append(f"horizon: the footprint has no neighbourhood population for {years_missing}")
    return lines


def load_baseline(baseline: Baseline) -> dm.Baseline:
    """The stored cells as the engine's arrays."""
    rows = list(
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
        )
    )
    providers = tuple(sorted({r[0] for r in rows}))
    hoods = tuple(Neighbourhood.objects.order_by("code").values_list("code", flat=True))
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
    )


def load_demography(base_year: int, horizon: int, hoods: tuple[str, ...]) -> dm.Demography:
    """Neighbourhood populations from the base year to the horizon, as growth factors."""
    years = horizon - base_year + 1
    counts = np.zeros((years, len(hoods), 2, 91))
    position = {code: i for i, code in enumerate(hoods)}
    places: list[str] = []
    place_of = np.zeros(len(hoods), dtype=np.int64)
    for hood in Neighbourhood.objects.select_related("place"):
        if hood.place.code not in places:
            places.append(hood.place.code)
        place_of[position[hood.code]] = places.index(hood.place.code)
    for p in Population.objects.filter(
        neighbourhood__isnull=False, year__gte=base_year, year__lte=horizon
    ).select_related("neighbourhood"):
        counts[p.year - base_year, position[p.neighbourhood.code], 0 if p.sex == "F" else 1] = (
            p.counts
        )
    return dm.demography_from_counts(counts, place_of, tuple(places))


@contextmanager
def executor() -> Iterator[Executor | None]:
    """A Dask cluster's executor when ``FOOTPRINT_DASK_SCHEDULER`` names one, else None
    (threads in this process)."""
    address = getattr(settings, "FOOTPRINT_DASK_SCHEDULER", "")
    if not address:
        yield None
        return
    from distributed import Client

    with Client(address) as client:
        yield client.get_executor()


def _rows(
    run: Run,
    measure: str,
    keys: Iterable[tuple[str, str]],
    values: Any,
    base: Any,
    years: tuple[int, ...],
) -> list[Result]:
    s = dm.summarise(values)
    out = []
    for k, (provider, item) in enumerate(keys):
        for t, year in enumerate(years):
            out.append(
                Result(
                    run=run,
                    measure=measure,
                    provider=provider,
                    item=item,
                    year=year,
                    baseline=None if base is None else float(base[k]),
                    central=float(s.central[t, k]),
                    mean=float(s.mean[t, k]),
                    p10=float(s.p10[t, k]),
                    p50=float(s.p50[t, k]),
                    p90=float(s.p90[t, k]),
                )
            )
    return out


def _by_pod(plan: dm.Plan, values: Any) -> tuple[list[tuple[str, str]], Any]:
    """Sum the last axis (output groups) into system totals per point of delivery."""
    pods = sorted({code for _, code in plan.groups}, key=CODES.index)
    out = np.zeros((*values.shape[:-1], len(pods)))
    for g, (_, code) in enumerate(plan.groups):
        out[..., pods.index(code)] += values[..., g]
    return [(ALL, code) for code in pods], out


def execute(run: Run, progress: Progress) -> str:
    """Run a scenario and store its results. Returns a one-line summary."""
    started = time.perf_counter()
    scenario_doc = run.parameters
    baseline_row = run.scenario.baseline
    lines = check(scenario_doc, baseline_row)
    if lines:
        raise ParameterError(lines)
    scenario, capacity = to_engine(scenario_doc)
    baseline = load_baseline(baseline_row)
    demography = load_demography(scenario.base_year, scenario.horizon, baseline.neighbourhoods)
    strata = dm.stratify(baseline, demography, scenario.age_bounds)
    plan = dm.compile_plan(scenario, strata)
    with executor() as pool:
        _, outcome = dm.run(plan, executor=pool, progress=progress)
    years = scenario.years
    base_activity = outcome.steps_activity[0, 0, 0]
    base_bed_days = outcome.steps_bed_days[0, 0, 0]
    base = dm.Outcome(
        np.broadcast_to(base_activity, outcome.activity.shape[1:])[None],
        np.broadcast_to(base_bed_days, outcome.activity.shape[1:])[None],
        outcome.steps_activity[:1],
        outcome.steps_bed_days[:1],
    )
    results: list[Result] = []
    results += _rows(run, "activity", plan.groups, outcome.activity, base_activity, years)
    stays = [g for g, (_, code) in enumerate(plan.groups) if BY_CODE[code].has_stay]
    results += _rows(
        run,
        "bed_days",
        [plan.groups[g] for g in stays],
        outcome.bed_days[..., stays],
        base_bed_days[stays],
        years,
    )
    keys, totals = _by_pod(plan, outcome.activity)
    results += _rows(run, "activity", keys, totals, _by_pod(plan, base_activity)[1], years)
    keys, totals = _by_pod(plan, outcome.bed_days)
    stay_keys = [i for i, (_, code) in enumerate(keys) if BY_CODE[code].has_stay]
    results += _rows(
        run,
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
        m_base = np.where([k[0] == "Schemes" for k in m.keys], 0.0, m_base)
        results += _rows(run, measure, m.keys, m.values, m_base, years)
        total_keys = sorted({k[1] for k in m.keys}) if measure != "cost" else ["Total"]
        total = np.zeros((*m.values.shape[:2], len(total_keys)))
        total_base = np.zeros(len(total_keys))
        for i, (_, item) in enumerate(m.keys):
            j = 0 if measure == "cost" else total_keys.index(item)
            total[:, :, j] += m.values[:, :, i]
            total_base[j] += m_base[i]
        results += _rows(run, measure, [(ALL, k) for k in total_keys], total, total_base, years)
    steps = []
    for measure, values in (
        ("activity", outcome.steps_activity),
        ("bed_days", outcome.steps_bed_days),
    ):
        mean = (values[1:] if len(values) > 1 else values).mean(axis=0)  # [year, step, group]
        pods, per_pod = _by_pod(plan, mean)
        for p, (_, code) in enumerate(pods):
            if measure == "bed_days" and not BY_CODE[code].has_stay:
                continue
            for t, year in enumerate(years):
                for order, name in enumerate(plan.step_names):
                    steps.append(
                        Step(
                            run=run,
                            measure=measure,
                            pod=code,
                            year=year,
                            order=order,
                            name=name,
                            mean=float(per_pod[t, order, p]),
                        )
                    )
    flags = dm.check_schemes(scenario) + dm.check_plan(scenario, *dm.plan_totals(plan, outcome))
    with transaction.atomic():
        Result.objects.bulk_create(results, batch_size=2000)
        Step.objects.bulk_create(steps, batch_size=2000)
        run.flags = [{"subject": f.subject, "kind": f.kind, "message": f.message} for f in flags]
        run.strata = len(strata)
        run.seconds = round(time.perf_counter() - started, 2)
        run.status = Run.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
    return (
        f"{scenario.iterations:,} iterations over {len(strata):,} strata in {run.seconds:.1f} s; "
        f"{len(flags)} evidence flags"
    )


def pod_totals(baseline: Baseline) -> dict[str, float]:
    """Base-year activity at each point of delivery."""
    rows = ActivityCell.objects.filter(baseline=baseline).values("pod").annotate(total=Sum("count"))
    return {r["pod"]: r["total"] for r in rows}


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
        )
        for p, d, h, s, a, t, b, c, bd in zip(
            cells.provider,
            cells.pod,
            cells.neighbourhood,
            cells.sex,
            cells.age,
            cells.attribute,
            cells.los_band,
            cells.count,
            cells.bed_days,
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
    )
    return cell_rows(dm.compress(records))


def library_choices() -> list[tuple[str, str]]:
    """The scheme library for a form: key and a label with the evidence range."""
    return [
        (e.key, f"{e.name} ({BY_CODE[e.pod].name}: {e.share.low:.0%}–{e.share.high:.0%})")
        for e in library.LIBRARY
    ]


def describe_schemes(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The scenario's schemes for display, each with its evidence range and any flag."""
    try:
        scenario, _ = to_engine(document)
    except ParameterError:
        return []
    flags = {f.subject: f for f in dm.check_schemes(scenario)}
    rows = []
    for s in scenario.schemes:
        evidence = library.BY_KEY.get(s.evidence)
        flag = flags.get(s.name)
        rows.append(
            {
                "key": s.key,
                "name": s.name,
                "pod": BY_CODE[s.pod].name,
                "effect": s.effect.value,
                "convert_to": BY_CODE[s.convert_to].name if s.convert_to else "",
                "ratio": s.ratio,
                "low": s.share.low,
                "high": s.share.high,
                "start_year": s.start_year,
                "ramp_years": s.ramp_years,
                "yearly_cost": s.yearly_cost,
                "evidence": evidence,
                "flag": flag,
            }
        )
    return rows


def growth_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Growth assumptions beside the lowest growth ever seen, per point of delivery."""
    return [
        {
            "pod": BY_CODE[code].name,
            "low": g["low"],
            "high": g["high"],
            "lowest": library.TRENDS[code].lowest if code in library.TRENDS else None,
        }
        for code, g in document.get("growth", {}).items()
        if code in BY_CODE
    ]


def pod_name(code: str) -> str:
    """A point of delivery's name, or the code itself when it is not one."""
    return BY_CODE[code].name if code in BY_CODE else code


def item_name(measure: str, code: str) -> str:
    """What a result is of, by name: a point of delivery, a staff group ("Nurses and health
    visitors", not "nurses"), a kind of bed or a line of cost."""
    if measure == "workforce" and code in StaffGroup.values:
        return StaffGroup(code).label
    return pod_name(code)
