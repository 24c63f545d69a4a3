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

    @property
    def old_age_dependency(self) -> float:
        """People aged 65+ per person aged 18–64."""
        return self.aged_65_plus / self.aged_18_64 if self.aged_18_64 else 0.0


def summarise(
    female: Sequence[int] | IntArray, male: Sequence[int] | IntArray
) -> PopulationSummary:
    """Headline figures of a population, as a public page would show them."""
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
    )


def add_series(series: Sequence[Sequence[int] | IntArray]) -> IntArray:
    """Add several single-year-of-age series (e.g. neighbourhoods into a place)."""
    total = np.zeros(AGES, dtype=np.int64)
    for i, s in enumerate(series):
        total += as_counts(s, name=f"series {i}")
    return total


@dataclass(frozen=True)
class ProjectionAssumptions:
    """Cohort-component assumptions, the same every year.

    ``survival_*``: share of each age surviving to the next birthday (91 values; the last is
    the share of the 90+ group still alive a year later). ``fertility``: births per woman at
    each age (91 values, zero outside 15–49). ``net_migration_*``: people gained (or lost, if
    negative) each year at each age. ``male_birth_share``: share of births that are boys.
    """

    survival_female: FloatArray
    survival_male: FloatArray
    fertility: FloatArray
    net_migration_female: FloatArray
    net_migration_male: FloatArray
    male_birth_share: float = 105 / 205


def project(
    female: Sequence[int] | IntArray,
    male: Sequence[int] | IntArray,
    assumptions: ProjectionAssumptions,
    years: int,
) -> list[tuple[IntArray, IntArray]]:
    """Project a population forward ``years`` years by the cohort-component method.

    Each year: everyone ages one year with their survival rate (the 90+ group keeps its
    survivors and gains the survivors of 89-year-olds), births from women's age-specific
    fertility join age 0, then net migration is added. Counts are rounded to whole people
    each year and never fall below zero. Returns one ``(female, male)`` pair per year.
    """
    if years < 0:
        raise ValueError("years must not be negative")
    f = as_counts(female, name="female").astype(np.float64)
    m = as_counts(male, name="male").astype(np.float64)
    a = assumptions
    out: list[tuple[IntArray, IntArray]] = []
    for _ in range(years):
        births = float(np.dot(f, a.fertility))
        f = _age_one_year(f, a.survival_female, births * (1 - a.male_birth_share))
        m = _age_one_year(m, a.survival_male, births * a.male_birth_share)
        f = np.maximum(np.round(f + a.net_migration_female), 0)
        m = np.maximum(np.round(m + a.net_migration_male), 0)
        out.append((f.astype(np.int64), m.astype(np.int64)))
    return out


def _age_one_year(counts: FloatArray, survival: FloatArray, births: float) -> FloatArray:
    survivors = counts * survival
    aged = np.empty_like(counts)
    aged[0] = births
    aged[1:OPEN_AGE] = survivors[: OPEN_AGE - 1]
    aged[OPEN_AGE] = survivors[OPEN_AGE - 1] + survivors[OPEN_AGE]
    return aged
