"""Plain-Python versions of ``footprint.engine.population``, one loop at a time."""

from __future__ import annotations

from collections.abc import Sequence


def band_totals(counts: Sequence[int], bands: Sequence[tuple[int, int | None]]) -> list[int]:
    """Sum ages ``low`` to ``high`` (None: to the end) by walking every age."""
    totals = []
    for low, high in bands:
        total = 0
        for age, count in enumerate(counts):
            if age >= low and (high is None or age <= high):
                total += count
        totals.append(total)
    return totals


def median_age(counts: Sequence[int]) -> float | None:
    """Walk up the ages until half the population is passed, then interpolate."""
    total = sum(counts)
    if total == 0:
        return None
    half = total / 2
    below = 0
    for age, count in enumerate(counts):
        if below + count >= half and count > 0:
            return age + (half - below) / count
        below += count
    raise AssertionError("unreachable")


def project_one_year(
    female: Sequence[float],
    male: Sequence[float],
    survival_female: Sequence[float],
    survival_male: Sequence[float],
    fertility: Sequence[float],
    migration_female: Sequence[float],
    migration_male: Sequence[float],
    male_birth_share: float,
    birth_survival_female: float = 1.0,
    birth_survival_male: float = 1.0,
    improvement: float = 0.0,
    year: int = 1,
) -> tuple[list[float], list[float]]:
    """One cohort-component step, person by person of arithmetic, keeping fractions: death
    rates fall by ``improvement`` a year after the first (``year`` 1); everyone ages; migrants
    join; births come from the average of the women of each age at the start and end of the
    year, less the infant deaths of their birth year."""

    def step(
        counts: Sequence[float], survival: Sequence[float], migration: Sequence[float]
    ) -> list[float]:
        n = len(counts)
        new = [0.0] * n
        for age in range(n):
            death_rate = (1 - survival[age]) * (1 - improvement) ** (year - 1)
            survivors = counts[age] * (1 - death_rate)
            new[min(age + 1, n - 1)] += survivors
        return [max(v + mig, 0.0) for v, mig in zip(new, migration, strict=True)]

    f_end = step(female, survival_female, migration_female)
    m_end = step(male, survival_male, migration_male)
    births = 0.0
    for age, rate in enumerate(fertility):
        births += rate * (female[age] + f_end[age]) / 2
    f_end[0] += births * (1 - male_birth_share) * birth_survival_female
    m_end[0] += births * male_birth_share * birth_survival_male
    return f_end, m_end
