"""The demo footprint's residents: an older, rural English age structure, projected forward.

The shape starts from England's mid-year estimate by five-year band (ONS, mid-2022, rounded),
tilted towards older ages as in rural counties, and varied by neighbourhood. Projections use
the engine's cohort-component method with assumptions close to England's (life expectancy
about 79 for men and 83 for women, death rates improving about 1 % a year, infant deaths in the
birth year, 1.55 children per woman, and net migration into the footprint at working and
retirement ages with students leaving at 18–22).
"""

from __future__ import annotations

import numpy as np

from footprint.engine.population import AGES, OPEN_AGE, ProjectionAssumptions

# England, mid-2022: per cent of residents in each five-year band, 0–4 … 85–89, then 90+.
ENGLAND_BAND_SHARE = np.array(
    [
        5.4,
        5.9,
        6.1,
        5.9,
        6.0,
        6.5,
        6.9,
        6.7,
        6.4,
        6.2,
        6.8,
        6.8,
        6.0,
        5.1,
        5.0,
        4.1,
        2.6,
        1.6,
        0.9,
    ]
)
# Share of each band that is female: more boys are born, more women reach old age.
FEMALE_SHARE = np.array(
    [
        0.487,
        0.487,
        0.487,
        0.487,
        0.490,
        0.495,
        0.500,
        0.505,
        0.505,
        0.507,
        0.508,
        0.508,
        0.510,
        0.515,
        0.525,
        0.545,
        0.565,
        0.615,
        0.700,
    ]
)


def rural_tilt(rurality: float) -> np.ndarray:
    """Multipliers by band: fewer young adults and more older people as rurality rises
    (0 is England's average shape, 1 is a very rural district)."""
    tilt = np.ones(19)
    tilt[3:5] -= 0.25 * rurality  # 15–24
    tilt[5:7] -= 0.20 * rurality  # 25–34
    tilt[7:10] -= 0.06 * rurality  # 35–49
    tilt[10:13] += 0.10 * rurality  # 50–64
    tilt[13:] += 0.35 * rurality  # 65+
    return tilt


def single_years(band_totals: np.ndarray) -> np.ndarray:
    """Spread five-year band totals over single years smoothly, keeping each band's total."""
    mids = np.arange(2.0, OPEN_AGE, 5.0)
    density = band_totals[:-1] / 5.0
    ages = np.arange(OPEN_AGE, dtype=float)
    smooth = np.interp(ages, mids, density)
    out = np.empty(AGES)
    for b in range(18):
        part = smooth[5 * b : 5 * b + 5]
        out[5 * b : 5 * b + 5] = part / part.sum() * band_totals[b]
    out[OPEN_AGE] = band_totals[-1]
    return out


def base_population(
    total: int, rurality: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(female, male) by single year of age for one neighbourhood of about ``total`` people."""
    shares = ENGLAND_BAND_SHARE * rural_tilt(rurality) * rng.normal(1.0, 0.02, 19)
    bands = shares / shares.sum() * total
    female_bands = bands * FEMALE_SHARE
    male_bands = bands - female_bands
    female = np.round(single_years(female_bands)).astype(np.int64)
    male = np.round(single_years(male_bands)).astype(np.int64)
    return female, male


def assumptions(total: int, rurality: float) -> ProjectionAssumptions:
    """Cohort-component assumptions for a neighbourhood of ``total`` residents."""
    ages = np.arange(AGES, dtype=float)
    # Gompertz mortality from age 30, with infant and child mortality at English levels.
    q_male = np.minimum(0.000025 * np.exp(0.098 * ages), 0.6)
    q_male[0] = 0.0010  # the rest of infancy: most of its deaths fall in the birth year
    q_male[1:15] = 0.0001
    q_male[OPEN_AGE] = 0.26
    q_female = q_male * 0.72
    q_female[OPEN_AGE] = 0.21
    fertility = np.where((ages >= 15) & (ages <= 49), np.exp(-0.5 * ((ages - 31) / 5.5) ** 2), 0)
    fertility = fertility / fertility.sum() * 1.55
    # Net migration: 0.75 % of residents a year, more in rural places, students leave.
    migration = np.zeros(AGES)
    migration[25:75] = 1.0
    migration[55:70] += 0.6 * rurality
    migration = migration / migration.sum() * total * (0.0075 + 0.002 * rurality)
    migration[18:23] -= total * 0.0015 * rurality / 5
    return ProjectionAssumptions(
        survival_female=1 - q_female,
        survival_male=1 - q_male,
        fertility=fertility,
        net_migration_female=migration / 2,
        net_migration_male=migration / 2,
        # infant deaths in the birth year: about 3 in 1,000 boys and 2.2 in 1,000 girls
        birth_survival_female=1 - 0.0030 * 0.72,
        birth_survival_male=1 - 0.0030,
        # death rates falling about 1 % a year, near the ONS long-term assumption
        mortality_improvement=0.01,
    )
