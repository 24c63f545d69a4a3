"""The demo's base year of activity: synthetic records for every point of delivery, drawn at
realistic rates per 1,000 residents by age band, and two scenarios ("do nothing" and the
five-year plan, whose virtual-ward scheme is the heroic one).

Admissions and A&E attendances are drawn as records (one per episode, with a condition group
and length of stay), home care as packages (one record each, with its hours) and care homes
as placements (with the days of the year they last), and compressed into cells; the rest are
drawn as counts per cell.
"""

from __future__ import annotations

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection

from footprint.demand import compute as demand
from footprint.demand import services
from footprint.demand.models import ActivityCell, Baseline, Scenario
from footprint.demand.tasks import run_scenario
from footprint.demo.constants import PRICES
from footprint.engine.demand import Records, compress
from footprint.engine.demand.pods import CODES
from footprint.partnership.models import (
    Neighbourhood,
    Organisation,
    OrganisationKind,
    Population,
    SmallAreaPopulation,
)

# Lower ages of the bands the rates are given for.
BANDS = np.array([0, 5, 18, 45, 65, 75, 85])

# Events per 1,000 residents a year in each band (hours for home care, placements for care homes).
RATES: dict[str, tuple[float, ...]] = {
    "ae": (450, 250, 300, 250, 300, 450, 800),
    "ip_emergency": (80, 30, 50, 70, 150, 300, 550),
    "ip_daycase": (10, 15, 60, 140, 250, 280, 180),
    "ip_elective": (5, 5, 15, 25, 45, 50, 35),
    "op_first": (150, 120, 250, 350, 500, 550, 450),
    "op_first_remote": (25, 20, 50, 70, 90, 90, 60),
    "op_followup": (250, 200, 400, 700, 1200, 1300, 1000),
    "op_followup_remote": (50, 40, 100, 150, 220, 220, 150),
    "amb_hear_treat": (10, 5, 15, 15, 25, 50, 110),
    "amb_see_treat": (15, 8, 25, 25, 45, 90, 200),
    "amb_conveyed": (40, 15, 45, 50, 90, 180, 380),
    "cs_nursing": (20, 10, 30, 80, 400, 1500, 5000),
    "cs_therapy": (30, 40, 50, 100, 250, 500, 800),
    "cs_beds": (0, 0, 0.5, 2, 6, 15, 35),
    "mh_contacts": (50, 300, 600, 400, 250, 300, 400),
    "mh_beds": (0, 0.5, 2.5, 2, 1.5, 2, 3),
    "gp_appointments": (5000, 2500, 4000, 5000, 7000, 9000, 11000),
    "sc_home_care": (0, 0, 20, 150, 800, 3000, 12000),
    "sc_care_home": (0, 0, 0.2, 1, 5, 20, 120),
}
RECORD_PODS = (
    "ae",
    "ip_emergency",
    "ip_elective",
    "cs_beds",
    "mh_beds",
    "sc_home_care",
    "sc_care_home",
)
MEAN_STAY = {"ip_emergency": 4.0, "ip_elective": 3.0, "cs_beds": 18.0, "mh_beds": 32.0}
PACKAGE_HOURS = 364.0  # a home care package's mean hours in a year (seven hours a week)
ATTRIBUTES = (
    "Ambulatory care sensitive",
    "End of life",
    "Falls",
    "Frailty",
    "Major",
    "Minor",
    "Other",
)


def _rate(pod: str, age: np.ndarray) -> np.ndarray:
    return np.asarray(RATES[pod])[np.searchsorted(BANDS, age, side="right") - 1] / 1000


def _provider(pod: str, place: str, pcn: str) -> str:
    acute = {"E10000099": "RW9", "E06000099": "RM9"}[place]
    council = {"E10000099": "LA901", "E06000099": "LA902"}[place]
    if pod.startswith(("ae", "ip_", "op_")):
        return acute
    if pod.startswith("amb_"):
        return "RY9"
    if pod.startswith(("cs_", "mh_")):
        return "RX9"
    if pod.startswith("sc_"):
        return council
    return pcn


def _emergency_attribute(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(len(age))
    out = np.full(len(age), ATTRIBUTES.index("Other"))
    older, oldest = age >= 65, age >= 75
    out[u < 0.20] = ATTRIBUTES.index("Ambulatory care sensitive")
    out[older & (u >= 0.20) & (u < 0.32)] = ATTRIBUTES.index("Falls")
    out[older & (u >= 0.32) & (u < 0.37)] = ATTRIBUTES.index("End of life")
    out[oldest & (u >= 0.37) & (u < 0.62)] = ATTRIBUTES.index("Frailty")
    return out


def synthetic_records(
    population: np.ndarray,
    hood_codes: list[str],
    places: list[str],
    pcns: list[str],
    rng: np.random.Generator,
    scale: float = 1.0,
) -> tuple[Records, list[tuple[str, str, int, int, int, float]]]:
    """Records for the record-level points of delivery, and (provider, pod, hood, sex, age,
    count) rows for the rest. ``population[hood, sex, age]``; the lists give each hood's code,
    place code and PCN code; ``scale`` multiplies the rates (ten for ten times the records)."""
    hoods, sexes, ages = np.indices(population.shape).reshape(3, -1)
    people = population.reshape(-1)
    providers = sorted(
        {_provider(p, pl, pc) for p in RATES for pl, pc in zip(places, pcns, strict=True)}
    )
    columns: dict[str, list[np.ndarray]] = {
        k: [] for k in ("provider", "pod", "hood", "sex", "age", "attribute", "los", "units")
    }
    aggregated = []
    for pod in RATES:
        lam = people * _rate(pod, ages) * scale
        if pod == "sc_home_care":  # the rates are hours: draw packages of their mean size
            lam = lam / PACKAGE_HOURS
        counts = rng.poisson(lam)
        prov = np.array(
            [providers.index(_provider(pod, places[h], pcns[h])) for h in range(len(places))]
        )
        if pod not in RECORD_PODS:
            for i in np.flatnonzero(counts):
                aggregated.append(
                    (
                        providers[prov[hoods[i]]],
                        pod,
                        int(hoods[i]),
                        int(sexes[i]),
                        int(ages[i]),
                        float(counts[i]),
                    )
                )
            continue
        cell = np.repeat(np.arange(len(people)), counts)
        n = len(cell)
        age = ages[cell]
        units = np.ones(n)
        if pod == "ae":
            attribute = np.where(
                rng.random(n) < 0.35, ATTRIBUTES.index("Minor"), ATTRIBUTES.index("Major")
            )
            los = np.zeros(n, dtype=np.int64)
        elif pod == "sc_home_care":  # one record a package, its hours spread (gamma, shape 2)
            attribute = np.full(n, ATTRIBUTES.index("Other"))
            los = np.zeros(n, dtype=np.int64)
            units = np.maximum(np.rint(rng.gamma(2.0, PACKAGE_HOURS / 2, n)), 1.0)
        elif pod == "sc_care_home":  # placements: most all year, the rest part of it
            attribute = np.full(n, ATTRIBUTES.index("Other"))
            los = np.where(rng.random(n) < 0.6, 365, rng.integers(1, 365, n)).astype(np.int64)
        else:
            attribute = (
                _emergency_attribute(age, rng)
                if pod == "ip_emergency"
                else np.full(n, ATTRIBUTES.index("Other"))
            )
            mean = MEAN_STAY[pod] * (1 + np.maximum(age - 50, 0) / 40)
            los = rng.geometric(1 / (mean + 1)) - 1
        columns["provider"].append(prov[hoods[cell]])
        columns["pod"].append(np.full(n, CODES.index(pod)))
        columns["hood"].append(hoods[cell])
        columns["sex"].append(sexes[cell])
        columns["age"].append(age)
        columns["attribute"].append(attribute)
        columns["los"].append(los)
        columns["units"].append(units)
    hours = np.concatenate(columns.pop("units"))
    joined = {k: np.concatenate(v).astype(np.int64) for k, v in columns.items()}
    records = Records(
        providers=tuple(providers),
        neighbourhoods=tuple(hood_codes),
        attributes=ATTRIBUTES,
        provider=joined["provider"],
        pod=joined["pod"],
        neighbourhood=joined["hood"],
        sex=joined["sex"],
        age=joined["age"],
        attribute=joined["attribute"],
        los=joined["los"],
        units=hours,
    )
    return records, aggregated


def base_population(year: int) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """``population[hood, sex, age]`` for a year, with each hood's code, place and PCN."""
    hoods = list(Neighbourhood.objects.select_related("place").order_by("code"))
    pcn = dict(
        Organisation.objects.filter(kind=OrganisationKind.PCN).values_list(
            "neighbourhood_id", "ods_code"
        )
    )
    population = np.zeros((len(hoods), 2, 91))
    index = {h.pk: i for i, h in enumerate(hoods)}
    for p in Population.objects.filter(neighbourhood__isnull=False, year=year):
        population[index[p.neighbourhood_id], 0 if p.sex == "F" else 1] = p.counts
    return (
        population,
        [h.code for h in hoods],
        [h.place.code for h in hoods],
        [pcn[h.pk] for h in hoods],
    )


BASELINE_NAME = "Wyvern and Hallowdale activity"


def build_activity(base_year: int, rng: np.random.Generator) -> dict[str, int]:
    """Store the demo baseline and its two scenarios."""
    population, codes, places, pcns = base_population(base_year)
    pmo = get_user_model().objects.get(username="pmo")
    records, aggregated = synthetic_records(population, codes, places, pcns, rng)
    cells = compress(records)
    rows = demand.cell_rows(cells)
    rows += [
        (provider, pod, codes[hood], "FM"[sex], age, "", 0, count, 0.0)
        for provider, pod, hood, sex, age, count in aggregated
    ]
    baseline = services.create_baseline(
        name=BASELINE_NAME,
        base_year=base_year,
        source="Synthetic records drawn at typical rates per 1,000 residents (the demo)",
        records=len(records) + len(aggregated),
        rows=rows,
        by=pmo,
    )
    horizon = base_year + 5
    Scenario.objects.create(
        name="Do nothing",
        description="Demography and the historical trend of growth; no schemes.",
        baseline=baseline,
        parameters=parameters(base_year, horizon),
    )
    Scenario.objects.create(
        name="Five-year plan",
        description="The partnership's ten schemes for care closer to home, and one aimed at "
        "the most deprived 20 % of residents (Core20PLUS5).",
        baseline=baseline,
        parameters={
            **parameters(base_year, horizon),
            "schemes": [*plan_schemes(base_year), core20_scheme(base_year)],
        },
    )
    return {"activity_records": len(records), "activity_cells": len(rows)}


def start_runs() -> None:
    """Start the demo scenarios' runs (they run when the demo's transaction commits). Call
    after ``place_in_small_areas``: the plan's Core20PLUS5 scheme names deprivation quintile
    1, and a scenario whose cohort names a quintile no activity counts in is refused."""
    pmo = get_user_model().objects.get(username="pmo")
    for scenario in Scenario.objects.filter(
        baseline__name=BASELINE_NAME, name__in=("Do nothing", "Five-year plan")
    ).order_by("pk"):
        services.start_run(scenario=scenario, by=pmo, enqueue=run_scenario.enqueue)


def core20_scheme(base_year: int) -> dict[str, object]:
    """The plan's Core20PLUS5 scheme: proactive care for long-term conditions (chronic
    respiratory disease and hypertension among them, two of the programme's five clinical
    areas for adults) that avoids 10–25 % of emergency admissions for ambulatory care
    sensitive conditions of residents of the most deprived 20 % (deprivation quintile 1),
    within the library's evidence of 3–59 %, on top of the plan's scheme for everyone."""
    return demand.scheme_from_library(
        "acsc_admissions",
        key="acsc_core20",
        name="Core20PLUS5: proactive care for long-term conditions in the most deprived 20 %",
        start_year=base_year + 1,
        ramp_years=3,
        yearly_cost=750_000,
        share={"low": 0.10, "high": 0.25},
        cohort={"attributes": ["Ambulatory care sensitive"], "quintiles": [1]},
    )


def parameters(base_year: int, horizon: int) -> dict[str, object]:
    """A "do nothing" document that costs activity at the demo's prices (the contracts'), per
    unit: admissions are priced per stay, as the payment scheme prices a spell."""
    doc = demand.default_parameters(base_year, horizon)
    capacity = dict(doc["capacity"])
    capacity["unit_costs"] = {pod: float(price) for pod, price in PRICES.items()}
    capacity["bed_day_costs"] = {}
    return {**doc, "capacity": capacity}


def plan_schemes(base_year: int) -> list[dict[str, object]]:
    """The demo plan's ten schemes. Virtual wards assume far more than the evidence supports."""
    y1, y2 = base_year + 1, base_year + 2
    s = demand.scheme_from_library
    return [
        s(
            "acsc_admissions",
            start_year=y1,
            ramp_years=3,
            yearly_cost=1_200_000,
            share={"low": 0.05, "high": 0.15},
        ),
        s(
            "virtual_ward_frailty",
            start_year=y1,
            ramp_years=2,
            yearly_cost=3_500_000,
            share={"low": 0.40, "high": 0.60},
        ),
        s(
            "falls_prevention",
            start_year=y1,
            ramp_years=2,
            yearly_cost=400_000,
            share={"low": 0.10, "high": 0.20},
        ),
        s(
            "end_of_life_at_home",
            start_year=y2,
            ramp_years=2,
            yearly_cost=800_000,
            share={"low": 0.05, "high": 0.15},
        ),
        s(
            "discharge_to_assess",
            start_year=y1,
            ramp_years=2,
            yearly_cost=1_500_000,
            share={"low": 0.10, "high": 0.20},
        ),
        s("pifu", start_year=y1, ramp_years=2, share={"low": 0.05, "high": 0.12}),
        s("remote_followup", start_year=y1, ramp_years=2, share={"low": 0.10, "high": 0.25}),
        s(
            "see_and_treat",
            start_year=y1,
            ramp_years=3,
            yearly_cost=600_000,
            share={"low": 0.05, "high": 0.12},
        ),
        s(
            "ae_streaming",
            start_year=y2,
            ramp_years=2,
            yearly_cost=900_000,
            share={"low": 0.05, "high": 0.12},
            convert_provider="GPF01",
        ),
        s(
            "reablement",
            start_year=y1,
            ramp_years=3,
            yearly_cost=2_000_000,
            share={"low": 0.05, "high": 0.15},
        ),
    ]


# How many times as much activity the most deprived tenth of small areas has as the least, at
# the same age and sex: emergency admissions about twice (the Nuffield Trust and the Health
# Foundation find roughly this gradient in age-standardised emergency admissions), A&E a
# little less; the other points of delivery follow residents alone.
GRADIENT = {"ip_emergency": 2.0, "ae": 1.6, "amb_conveyed": 1.7}


def place_in_small_areas(base_year: int, seed: int = 20) -> dict[str, int]:
    """Give the demo baseline's record-level activity its residents' small areas: each
    record's cell is shared out among the national deprivation quintiles of its
    neighbourhood's small areas, in proportion to their residents of its sex and age band
    times the gradient (``GRADIENT``, from 1 in decile 10 up to its figure in decile 1), so
    deprived areas have more emergency admissions than their neighbours in the same
    neighbourhood. Whole counts are split whole (multinomially) and bed days with them, so
    every total stays as it was. Call after the small areas exist; aggregated counts are left
    without a quintile (they count in their neighbourhood's)."""
    baseline = Baseline.objects.get(name=BASELINE_NAME)
    rng = np.random.default_rng(seed)
    hoods = sorted(Neighbourhood.objects.values_list("code", flat=True))
    # people[hood, decile − 1, sex, age band] in the base year
    people = np.zeros((len(hoods), 10, 2, 19))
    rows = SmallAreaPopulation.objects.filter(
        year=base_year, small_area__imd_decile__isnull=False
    ).values_list("small_area__neighbourhood__code", "small_area__imd_decile", "sex", "bands")
    for hood, decile, sex, bands in rows:
        people[hoods.index(hood), decile - 1, "FM".index(sex)] += bands
    cells = ActivityCell.objects.filter(baseline=baseline, pod__in=RECORD_PODS)
    fields = CELL_FIELDS[:-1]
    values = list(cells.values_list(*fields))
    if not values:
        return {"activity_cells_by_quintile": 0}
    provider, pod, hood, sex, age, attribute, band, count, bed_days = (
        np.array(c, dtype=object) for c in zip(*values, strict=True)
    )
    count, bed_days = count.astype(float), bed_days.astype(float)
    h = np.array([hoods.index(x) for x in hood])
    s = (sex == "M").astype(np.int64)
    a = np.minimum(age.astype(np.int64) // 5, 18)
    steps = (9 - np.arange(10)) / 9  # decile 1 … 10: the full gradient … none
    lift = np.array([GRADIENT.get(p, 1.0) for p in pod])[:, None] ** steps  # [cell, decile]
    weight = people[h, :, s, a] * lift
    empty = weight.sum(axis=1) <= 0  # nobody of the cell's age and sex: all residents
    weight[empty] = people[h[empty]].sum(axis=(2, 3)) * lift[empty]
    by_quintile = weight.reshape(-1, 5, 2).sum(axis=2)
    total = by_quintile.sum(axis=1, keepdims=True)
    known = total[:, 0] > 0
    chance = np.divide(by_quintile, total, out=np.zeros_like(by_quintile), where=total > 0)
    whole = known & (count == np.rint(count))
    shares = chance.copy()
    drawn = rng.multinomial(np.rint(count[whole]).astype(np.int64), chance[whole])
    shares[whole] = drawn / np.maximum(count[whole], 1)[:, None]
    out = [
        (
            *(x[i] for x in (provider, pod, hood, sex)),
            int(age[i]),
            attribute[i],
            int(band[i]),
            float(count[i] * shares[i, q]),
            float(bed_days[i] * shares[i, q]),
            int(q) + 1,
        )
        for i, q in zip(*np.nonzero(shares), strict=True)
    ]
    out += [
        (
            *(x[i] for x in (provider, pod, hood, sex)),
            int(age[i]),
            attribute[i],
            int(band[i]),
            float(count[i]),
            float(bed_days[i]),
            0,
        )
        for i in np.flatnonzero(~known | (count <= 0))
    ]
    cells.delete()
    table = connection.ops.quote_name(ActivityCell._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("baseline_id", *CELL_FIELDS))
    marks = ", ".join(["%s"] * (len(CELL_FIELDS) + 1))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", [(baseline.pk, *r) for r in out]
        )
    without = ActivityCell.objects.filter(baseline=baseline, quintile=0).count()
    Baseline.objects.filter(pk=baseline.pk).update(records_without_deprivation=without)
    return {"activity_cells_by_quintile": len(out)}


CELL_FIELDS = (
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
