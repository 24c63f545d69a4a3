"""The demo's small areas (issue 20): each neighbourhood cut into LSOA-sized small areas of
about 1,500 residents, with a deprivation spread that reads true — the city of Wyvern mostly in
the most deprived fifth of England, its market towns in the middle with affluent villages round
them, the dales comfortable but with rural pockets of deprivation — their population by age and
sex adding up exactly to the neighbourhood's, and Census 2021 ethnic groups (the city more
diverse, the dales least). Also the partnership's PLUS groups and the plan metrics that track
the Core20PLUS5 clinical areas.

Seeded on its own, so adding it changed none of the other parts' draws."""

from __future__ import annotations

import numpy as np

from footprint.core.breakdowns import ETHNIC_GROUPS
from footprint.demo.places import RURALITY
from footprint.inequalities.models import ClinicalAreaMetric, PlusGroup
from footprint.partnership.models import (
    MAX_AGE,
    SMALL_AREAS_IN_ENGLAND,
    Neighbourhood,
    Population,
    SmallArea,
    SmallAreaEthnicity,
    SmallAreaPopulation,
)
from footprint.plans.models import Metric

SEED = 2020
RESIDENTS_PER_SMALL_AREA = 1_600
FIRST_CODE = 900_001  # E01900001 on: beyond every real LSOA code (E01000001 … E01035xxx)

# Chance of each national decile (1 most deprived … 10) for a small area, by kind of place.
DECILES = {
    "city": (0.30, 0.22, 0.14, 0.09, 0.07, 0.06, 0.05, 0.03, 0.02, 0.02),
    "town": (0.04, 0.06, 0.08, 0.10, 0.12, 0.13, 0.14, 0.13, 0.11, 0.09),
    "rural": (0.01, 0.03, 0.05, 0.08, 0.12, 0.16, 0.18, 0.17, 0.12, 0.08),
}
# Shares of the Census 2021 high-level ethnic groups (asian, black, mixed, white, other), by
# kind of place; the most deprived city areas are the most diverse.
ETHNICITY = {
    "city": (0.10, 0.04, 0.035, 0.80, 0.025),
    "town": (0.035, 0.01, 0.02, 0.925, 0.01),
    "rural": (0.008, 0.002, 0.01, 0.975, 0.005),
}
PLUS_GROUPS = (
    (
        "Gypsy, Roma and Traveller communities",
        "Families living on the permanent sites at Fallowmead and Bramblecote and those "
        "travelling through the county in summer.",
        "Few are registered with a GP; Healthwatch heard of children missing immunisations.",
        True,
    ),
    (
        "People experiencing homelessness",
        "People sleeping rough in Wyvern and Hallowford, or living in hostels and temporary "
        "accommodation.",
        "Emergency admissions many times the average and deaths decades earlier.",
        True,
    ),
    (
        "Farming households in the dales",
        "Farmers, farm workers and their families in the Upper and East Dales.",
        "Late diagnosis of cancer and a high rate of suicide among farm workers; long journeys "
        "to every service.",
        False,
    ),
)
# Core20PLUS5 clinical areas and the demo plan's metric that tracks each.
AREA_METRICS = {
    "respiratory": "flu-vaccination-65",
    "smi": "smi-health-checks",
    "cancer": "cancer-faster-diagnosis",
    "hypertension": "health-checks",
    "cyp_mental_health": "cyp-mh-access",
}


def _kind(rurality: float) -> str:
    return "city" if rurality <= 0.15 else "town" if rurality <= 0.5 else "rural"


def _rank(decile: int, rng: np.random.Generator) -> int:
    low = (decile - 1) * SMALL_AREAS_IN_ENGLAND // 10 + 1
    high = decile * SMALL_AREAS_IN_ENGLAND // 10
    return int(rng.integers(low, high + 1))


def build_inequalities(base_year: int) -> dict[str, int]:
    """Small areas for every neighbourhood, in the base year, with their figures."""
    rng = np.random.default_rng(SEED)
    counts = {
        (p.neighbourhood_id, p.sex): np.array(p.counts)
        for p in Population.objects.filter(year=base_year, neighbourhood__isnull=False)
    }
    areas: list[SmallArea] = []
    sizes: list[tuple[int, str, np.ndarray]] = []  # (area index, sex, 19 bands)
    number = FIRST_CODE
    per_town: dict[str, int] = {}
    for hood in Neighbourhood.objects.order_by("code"):
        female, male = counts[(hood.pk, "F")], counts[(hood.pk, "M")]
        n = max(3, round((female.sum() + male.sum()) / RESIDENTS_PER_SMALL_AREA))
        kind = _kind(RURALITY.get(hood.code, 0.5))
        # Each small area's share of every age: roughly equal, as LSOAs are drawn to be.
        weights = rng.dirichlet(np.full(n, 40.0))
        deciles = rng.choice(np.arange(1, 11), size=n, p=DECILES[kind])
        first = len(areas)
        town = hood.name.split(" and ")[0].split(" ")[0]
        for i in range(n):
            decile = int(deciles[i])
            k = per_town[town] = per_town.get(town, 0) + 1
            areas.append(
                SmallArea(
                    code=f"E01{number:06d}",
                    name=f"{town} {(k - 1) // 4 + 1:03d}{'ABCD'[(k - 1) % 4]}",
                    neighbourhood=hood,
                    imd_decile=decile,
                    imd_rank=_rank(decile, rng),
                )
            )
            number += 1
        for sex, by_age in (("F", female), ("M", male)):
            split = np.array([rng.multinomial(int(c), weights) for c in by_age])  # ages × n
            for i in range(n):
                single = split[:, i]
                bands = np.add.reduceat(single[:MAX_AGE], np.arange(0, MAX_AGE, 5)).tolist()
                sizes.append((first + i, sex, np.array([*bands, int(single[MAX_AGE])])))
    SmallArea.objects.bulk_create(areas, batch_size=1000)
    SmallAreaPopulation.objects.bulk_create(
        [
            SmallAreaPopulation(
                small_area=areas[i], year=base_year, sex=sex, bands=b.tolist(), total=int(b.sum())
            )
            for i, sex, b in sizes
        ],
        batch_size=1000,
    )
    residents = np.zeros(len(areas), dtype=np.int64)
    for i, _, b in sizes:
        residents[i] += int(b.sum())
    ethnic: list[SmallAreaEthnicity] = []
    groups = list(ETHNIC_GROUPS)
    for i, area in enumerate(areas):
        kind = _kind(RURALITY.get(area.neighbourhood.code, 0.5))
        shares = np.array(ETHNICITY[kind])
        if kind == "city" and (area.imd_decile or 10) <= 2:
            shares = shares * np.array([1.8, 2.0, 1.4, 1.0, 1.6])  # the most diverse
        shares = shares / shares.sum()
        census = int(residents[i] * 0.97)  # the Census counted some years before the base year
        for group, n in zip(groups, rng.multinomial(census, shares), strict=True):
            ethnic.append(SmallAreaEthnicity(small_area=area, group=group, residents=int(n)))
    SmallAreaEthnicity.objects.bulk_create(ethnic, batch_size=1000)
    PlusGroup.objects.bulk_create(
        PlusGroup(name=name, who=who, why=why, order=k, public=public)
        for k, (name, who, why, public) in enumerate(PLUS_GROUPS)
    )
    metrics = {m.slug: m for m in Metric.objects.filter(slug__in=AREA_METRICS.values())}
    ClinicalAreaMetric.objects.bulk_create(
        ClinicalAreaMetric(area=area, metric=metrics[slug])
        for area, slug in AREA_METRICS.items()
        if slug in metrics
    )
    return {"small_areas": len(areas)}
