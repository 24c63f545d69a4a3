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
) -> tuple[list[int], list[int]]:
    """One cohort-component step, person by person of arithmetic."""
    births = sum(w * r for w, r in zip(female, fertility, strict=True))

    def step(
        counts: Sequence[float], survival: Sequence[float], born: float, migration: Sequence[float]
    ) -> list[int]:
        n = len(counts)
        new = [0.0] * n
        new[0] = born
        for age in range(n - 1):
            new[age + 1] += counts[age] * survival[age]
        new[n - 1] += counts[n - 1] * survival[n - 1]
        return [max(round(v + mig), 0) for v, mig in zip(new, migration, strict=True)]

    return (
        step(female, survival_female, births * (1 - male_birth_share), migration_female),
        step(male, survival_male, births * male_birth_share, migration_male),
    )
