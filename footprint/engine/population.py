"""Resident population by single year of age and sex: bands, summaries and projection.

Counts are arrays of 91 whole numbers: ages 0 to 89, then 90 and over (the ONS
mid-year-estimate layout).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

AGES = 91
OPEN_AGE = 90

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def as_counts(values: Sequence[int] | IntArray, *, name: str = "counts") -> IntArray:
    """Check and convert a single-year-of-age series: 91 non-negative whole numbers."""
    arr = np.asarray(values)
    if arr.shape != (AGES,):
        raise ValueError(f"{name} must have {AGES} values (ages 0–89 and 90+), not {arr.size}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must be whole numbers")
    elif arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must be whole numbers")
    out = arr.astype(np.int64)
    if np.any(out < 0):
        raise ValueError(f"{name} must not be negative")
    return out


@dataclass(frozen=True)
class AgeBand:
    """Ages ``low`` to ``high`` inclusive; ``high`` of None means "and over"."""

    low: int
    high: int | None

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}–{self.high}"


def five_year_bands() -> list[AgeBand]:
    """0–4, 5–9 … 85–89, 90+: the bands of a population pyramid."""
    return [AgeBand(a, a + 4) for a in range(0, OPEN_AGE, 5)] + [AgeBand(OPEN_AGE, None)]


def band_totals(counts: Sequence[int] | IntArray, bands: Sequence[AgeBand]) -> list[int]:
    """Sum single years of age into bands. Bands may overlap or leave ages out."""
    arr = as_counts(counts)
    cumulative = np.concatenate([[0], np.cumsum(arr)])
    totals = []
    for band in bands:
        high = OPEN_AGE if band.high is None else min(band.high, OPEN_AGE)
        totals.append(int(cumulative[high + 1] - cumulative[band.low]))
    return totals


@dataclass(frozen=True)
class PyramidRow:
    band: str
    female: int
    male: int


def pyramid(female: Sequence[int] | IntArray, male: Sequence[int] | IntArray) -> list[PyramidRow]:
    """Five-year bands for each sex, youngest first."""
    bands = five_year_bands()
    f = band_totals(female, bands)
    m = band_totals(male, bands)
    return [PyramidRow(b.label, fv, mv) for b, fv, mv in zip(bands, f, m, strict=True)]


def median_age(counts: Sequence[int] | IntArray) -> float | None:
    """Median age, interpolated within the single year it falls in (ONS method).

    A year of age ``a`` is taken to span [a, a+1); the median is the age below which half
    the population lies. None for an empty population.
    """
    arr = as_counts(counts)
    total = int(arr.sum())
    if total == 0:
        return None
    half = total / 2
    cumulative = np.cumsum(arr)
    age = int(np.searchsorted(cumulative, half, side="left"))
    below = float(cumulative[age - 1]) if age > 0 else 0.0
    return age + (half - below) / float(arr[age])


@dataclass(frozen=True)
class PopulationSummary:
    total: int
    female: int
    male: int
    under_18: int
    aged_18_64: int
    aged_65_plus: int
    aged_85_plus: int
    median_age: float | None

    @property
    def share_65_plus(self) -> float:
        """Share of residents aged 65 and over, 0–1."""
        return self.aged_65_plus / self.total if self.total else 0.0

    old_age_dependency_ratio: float = 0.0  # ONS: of pension age per 1,000 aged 16 to it

    @property
    def old_age_dependency(self) -> float:
        """People aged 65+ per person aged 18–64 (a simple ratio; ONS's is
        ``old_age_dependency_ratio``)."""
        return self.aged_65_plus / self.aged_18_64 if self.aged_18_64 else 0.0


def summarise(
    female: Sequence[int] | IntArray, male: Sequence[int] | IntArray, pension_age: float = 66.0
) -> PopulationSummary:
    """Headline figures of a population, as a public page would show them; the ONS old-age
    dependency ratio at ``pension_age`` (:func:`state_pension_age` gives it for a year)."""
    f = as_counts(female, name="female")
    m = as_counts(male, name="male")
    both = f + m
    under_18, working, over_65, over_85 = band_totals(
        both, [AgeBand(0, 17), AgeBand(18, 64), AgeBand(65, None), AgeBand(85, None)]
    )
    return PopulationSummary(
        total=int(both.sum()),
        female=int(f.sum()),
        male=int(m.sum()),
        under_18=under_18,
        aged_18_64=working,
        aged_65_plus=over_65,
        aged_85_plus=over_85,
        median_age=median_age(both),
        old_age_dependency_ratio=old_age_dependency_ratio(f, m, pension_age),
    )


def add_series(series: Sequence[Sequence[int] | IntArray]) -> IntArray:
    """Add several single-year-of-age series (e.g. neighbourhoods into a place)."""
    total = np.zeros(AGES, dtype=np.int64)
    for i, s in enumerate(series):
        total += as_counts(s, name=f"series {i}")
    return total


def state_pension_age(year: int) -> float:
    """The State Pension age in the middle of ``year`` as legislated (Pensions Acts 2011 and
    2014): 66 to 2026, rising to 67 between April 2026 and March 2028 (66.5 in mid-2027), 67
    to 2044, rising to 68 between April 2044 and March 2046. A later review may move it: pass
    the age you need to :func:`old_age_dependency_ratio` instead."""
    if year <= 2026:
        return 66.0
    if year == 2027:
        return 66.5
    if year <= 2044:
        return 67.0
    if year == 2045:
        return 67.5
    return 68.0


def old_age_dependency_ratio(
    female: Sequence[int] | IntArray | FloatArray,
    male: Sequence[int] | IntArray | FloatArray,
    pension_age: float = 66.0,
) -> float:
    """The old-age dependency ratio as ONS defines it: people of State Pension age and over
    for every 1,000 people aged 16 to State Pension age. A fractional pension age counts that
    share of the single year below it as of working age (66.5: half of the 66-year-olds are
    of pension age). 0 when there is nobody of working age."""
    both = np.asarray(female, dtype=np.float64) + np.asarray(male, dtype=np.float64)
    if both.shape != (AGES,):
        raise ValueError(f"a population must have {AGES} values (ages 0–89 and 90+)")
    if not 16 < pension_age <= OPEN_AGE:
        raise ValueError("the pension age must lie between 16 and 90")
    whole = int(np.floor(pension_age))
    part = pension_age - whole  # the share of age ``whole`` still of working age
    working = both[16:whole].sum() + part * both[whole]
    older = both[whole + 1 :].sum() + (1 - part) * both[whole]
    return float(1000 * older / working) if working > 0 else 0.0


@dataclass(frozen=True)
class ProjectionAssumptions:
    """Cohort-component assumptions.

    ``survival_*``: share of each age surviving to the next birthday (91 values; the last is
    the share of the 90+ group still alive a year later) in the first projected year.
    ``fertility``: births per woman at each age in a year (91 values, zero outside 15–49),
    applied to the average number of women of that age in the year. ``net_migration_*``:
    people gained (or lost, if negative) each year at each age. ``male_birth_share``: share of
    births that are boys. ``birth_survival_*``: share of the babies born in a year still alive
    at its end (infant deaths in the birth year; most infant deaths are in the first weeks).
    ``mortality_improvement``: the share by which every death rate (or each age's, given 91
    values) falls each year after the first, as the ONS projections assume.
    """

    survival_female: FloatArray
    survival_male: FloatArray
    fertility: FloatArray
    net_migration_female: FloatArray
    net_migration_male: FloatArray
    male_birth_share: float = 105 / 205
    birth_survival_female: float = 1.0
    birth_survival_male: float = 1.0
    mortality_improvement: float | FloatArray = 0.0

    def survival(self, year: int) -> tuple[FloatArray, FloatArray]:
        """Survival by age in projection year ``year`` (1 the first), death rates improved."""
        keep = (1 - np.asarray(self.mortality_improvement, dtype=np.float64)) ** (year - 1)
        return 1 - (1 - self.survival_female) * keep, 1 - (1 - self.survival_male) * keep


def project_exact(
    female: Sequence[int] | IntArray,
    male: Sequence[int] | IntArray,
    assumptions: ProjectionAssumptions,
    years: int,
) -> list[tuple[FloatArray, FloatArray]]:
    """Project a population forward ``years`` years by the cohort-component method, keeping
    fractional people as ONS does (rounding every cell every year would lose a small cell's
    deaths or migration entirely: 5 people with a 2 % death rate stay 5 for ever).

    Each year: everyone ages one year with their survival rate, improved as the assumptions
    say (the 90+ group keeps its survivors and gains the survivors of 89-year-olds); net
    migration is added; births are the fertility of each age times the average of the women
    of that age at the start and the end of the year, and join age 0 less the infant deaths
    of their birth year. No cell falls below zero. Returns one ``(female, male)`` pair of
    unrounded counts per year."""
    if years < 0:
        raise ValueError("years must not be negative")
    f = as_counts(female, name="female").astype(np.float64)
    m = as_counts(male, name="male").astype(np.float64)
    a = assumptions
    out: list[tuple[FloatArray, FloatArray]] = []
    for year in range(1, years + 1):
        survival_f, survival_m = a.survival(year)
        f_end = np.maximum(_age_one_year(f, survival_f, 0.0) + a.net_migration_female, 0)
        m_end = np.maximum(_age_one_year(m, survival_m, 0.0) + a.net_migration_male, 0)
        births = float(np.dot((f + f_end) / 2, a.fertility))
        f_end[0] += births * (1 - a.male_birth_share) * a.birth_survival_female
        m_end[0] += births * a.male_birth_share * a.birth_survival_male
        f, m = f_end, m_end
        out.append((f, m))
    return out


def project(
    female: Sequence[int] | IntArray,
    male: Sequence[int] | IntArray,
    assumptions: ProjectionAssumptions,
    years: int,
) -> list[tuple[IntArray, IntArray]]:
    """:func:`project_exact`, each year rounded to whole people for showing and storing (the
    projection itself carries the fractions from year to year)."""
    return [
        (np.round(f).astype(np.int64), np.round(m).astype(np.int64))
        for f, m in project_exact(female, male, assumptions, years)
    ]


def _age_one_year(counts: FloatArray, survival: FloatArray, births: float) -> FloatArray:
    survivors = counts * survival
    aged = np.empty_like(counts)
    aged[0] = births
    aged[1:OPEN_AGE] = survivors[: OPEN_AGE - 1]
    aged[OPEN_AGE] = survivors[OPEN_AGE - 1] + survivors[OPEN_AGE]
    return aged
