"""A straightforward per-record implementation of the demand model, to check the fast one.

Every record is grown and sampled on its own, every scheme tested against every record, with no
strata: a record's admissions are a Poisson count, each with the record's own length of stay;
a scheme that avoids or moves activity first finds which of the record's admissions it may
reach (each eligible with the iteration's eligible share; a cohort naming deprivation
quintiles reaches the records of those quintiles, their own or their neighbourhood's) and
then takes a binomial share of those (with their stays); one that shortens stays cuts each
eligible day of each stay with its probability. Schemes build up by their time profiles.
Each record is grown by its neighbourhood's demography times the iteration's population
variant for its sex and age, and by the health-status adjustment at its own age (the rate at
its age less the iteration's shift over the rate at its age, exactly rather than on a grid).
It shares the parameter draws (:func:`draw_parameters`) so the two differ only in how they
sample, and its cost grows with the number of records.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from footprint.engine.demand.baseline import (
    NO_CONDITION_GROUP,
    Demography,
    FloatArray,
    Records,
    activity_rates,
    compress,
)
from footprint.engine.demand.model import Draws
from footprint.engine.demand.params import Effect, Scenario
from footprint.engine.demand.pods import CODES, IN_PACKAGES, LOS_BAND_STARTS

BoolArray = npt.NDArray[np.bool_]
Totals = dict[tuple[str, str], FloatArray]  # (provider, pod) → [run, year]


def counted_quintile(records: Records, quintiles: Sequence[int] = ()) -> list[int]:
    """Each record's deprivation quintile: its own, or where it gave none its neighbourhood's
    in ``quintiles`` (0 when neither is known)."""
    own = list(records.quintile) or [0] * len(records)
    return [
        int(q) if q else (int(quintiles[h]) if len(quintiles) else 0)
        for q, h in zip(own, records.neighbourhood, strict=True)
    ]


def cohorts(
    records: Records, demography: Demography, scenario: Scenario, quintiles: Sequence[int] = ()
) -> list[BoolArray]:
    """Each scheme's cohort: which records it may touch (``quintiles``: each neighbourhood's
    deprivation quintile, for records that gave none of their own)."""
    place = demography.place_of[records.neighbourhood]
    quintile = np.asarray(counted_quintile(records, quintiles), dtype=np.int64)
    band = np.searchsorted(np.asarray(LOS_BAND_STARTS), records.los, side="right") - 1
    masks = []
    for s in scenario.schemes:
        c = s.cohort
        mask = (records.pod == CODES.index(s.pod)) & (records.age >= c.age_low)
        if c.age_high is not None:
            mask &= records.age <= c.age_high
        if c.sex:
            mask &= records.sex == ("F", "M").index(c.sex)
        if c.places:
            mask &= np.isin([demography.places[p] for p in place], c.places)
        if c.providers:
            mask &= np.isin([records.providers[p] for p in records.provider], c.providers)
        if c.attributes:
            mask &= np.isin([records.attributes[a] for a in records.attribute], c.attributes)
        if c.los_bands:
            mask &= np.isin(band, c.los_bands)
        if c.quintiles:
            mask &= np.isin(quintile, c.quintiles)
        masks.append(mask)
    return masks


def draws_per_iteration(
    records: Records, demography: Demography, scenario: Scenario, quintiles: Sequence[int] = ()
) -> int:
    """Random draws in each iteration: every year, a Poisson count per record and two binomials
    (eligible, then removed or cut) per record of each scheme's cohort."""
    touched = 2 * sum(int(m.sum()) for m in cohorts(records, demography, scenario, quintiles))
    return (len(records) + touched) * len(scenario.years)


def _labels(
    records: Records,
    demography: Demography,
    scenario: Scenario,
    by: str,
    quintiles: Sequence[int] = (),
) -> list[str]:
    """Each record's provider, place, neighbourhood, sex, age band, attribute or deprivation
    quintile (its own, or where it has none its neighbourhood's in ``quintiles``), by name."""
    if by == "quintile":
        return [str(q) if q else "Unknown" for q in counted_quintile(records, quintiles)]
    if by == "provider":
        return [records.providers[p] for p in records.provider]
    if by == "neighbourhood":
        return [records.neighbourhoods[h] for h in records.neighbourhood]
    if by == "place":
        return [demography.places[demography.place_of[h]] for h in records.neighbourhood]
    if by == "sex":
        return ["FM"[s] for s in records.sex]
    if by == "age_band":
        bounds = sorted({0, *(b for b in scenario.age_bounds if 0 < b < 91)})
        out = []
        for age in records.age:
            low = max(b for b in bounds if b <= age)
            higher = [b for b in bounds if b > low]
            out.append(f"{low}+" if not higher else f"{low}–{higher[0] - 1}")
        return out
    return [records.attributes[a] or NO_CONDITION_GROUP for a in records.attribute]


def run_records(
    records: Records,
    demography: Demography,
    scenario: Scenario,
    draws: Draws,
    runs: Sequence[int],
    seed: int,
    by: str = "provider",
    quintiles: Sequence[int] = (),
) -> tuple[Totals, Totals]:
    """Activity and bed days per (provider, point of delivery), run and year, or per (place,
    neighbourhood, sex, age band, attribute or quintile, point of delivery) by ``by``
    (``quintiles``: each neighbourhood's, for records without their own). Run 0 is central
    (expected values); the others are sampled with ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    label = _labels(records, demography, scenario, by, quintiles)
    years = scenario.years
    activity: Totals = {}
    bed_days: Totals = {}

    def add(table: Totals, key: tuple[str, str], r: int, t: int, value: float) -> None:
        table.setdefault(key, np.zeros((len(runs), len(years))))[r, t] += value

    names = [(label[i], CODES[d]) for i, d in enumerate(records.pod)]
    keys = sorted(set(names))
    group = np.array([keys.index(n) for n in names], dtype=np.int64)

    masks = cohorts(records, demography, scenario, quintiles)
    variant_factor = [v.factor(len(years)) for v in scenario.variants]
    hs = scenario.health_status
    rates = activity_rates(compress(records), demography) if hs else np.zeros(0)
    # a home care record is one package of ``units`` hours: packages are counted, and each
    # brings its hours; any other record counts ``units`` of activity
    package = np.asarray(IN_PACKAGES)[records.pod]
    counted = np.where(package, 1.0, records.units)
    size = np.where(package, records.units, 1.0)

    for r, row in enumerate(runs):
        for t in range(len(years)):
            factor = demography.factor[t + 1, records.neighbourhood, records.sex, records.age]
            if variant_factor:  # the iteration's population variant
                chosen = variant_factor[draws.variant[row]]
                factor = factor * chosen[t + 1, records.sex, records.age]
            if hs is not None:  # each older resident's activity as at a younger age
                shift = hs.shift(float(draws.health[row]), t + 1)
                factor = factor * hs.factor(rates, shift)[records.pod, records.sex, records.age]
            lam = counted * factor * (1 + draws.growth[row, records.pod]) ** (t + 1)
            for code, backlog in scenario.waiting_list.items():  # clearing a waiting list
                here = records.pod == CODES.index(code)
                lam[here] *= 1 + backlog.share(draws.waiting[row, CODES.index(code)], t + 1)
            k = lam if row == 0 else rng.poisson(lam).astype(np.float64)
            days = k * records.los  # each record's bed days: its stays, each of its length
            for j, s in enumerate(scenario.schemes):
                p = draws.effect[row, j] * s.ramp(years[t])
                q = draws.eligible[row, j]
                m = masks[j]
                if s.effect is Effect.SHORTEN:
                    # each day of each stay is eligible with probability q, and an eligible
                    # day is cut with probability p
                    if row == 0:
                        cut = days[m] * q * p
                    else:
                        cut = rng.binomial(rng.binomial(days[m].astype(np.int64), q), p)
                    days[m] = days[m] - cut
                    continue
                # each admission is eligible with probability q; an eligible one is removed
                # with probability p
                if row == 0:
                    gone = k[m] * q * p
                else:
                    gone = rng.binomial(rng.binomial(k[m].astype(np.int64), q), p)
                # the admissions avoided take their share of the record's (shortened) stays
                stay = np.divide(days[m], k[m], out=np.zeros(int(m.sum())), where=k[m] > 0)
                days[m] = days[m] - gone * stay
                k[m] = k[m] - gone
                if s.effect in (Effect.CONVERT, Effect.MOVE):
                    moving = s.effect is Effect.MOVE
                    for i, amount, moved_days in zip(
                        np.flatnonzero(m), gone * size[m], gone * stay, strict=True
                    ):
                        # to the named provider, or staying with the record's own group
                        moved_to = s.convert_provider if by == "provider" else ""
                        target = (moved_to or label[i], s.pod if moving else s.convert_to)
                        add(activity, target, r, t, float(amount) * (1.0 if moving else s.ratio))
                        if moving:  # a move to another provider takes its stays along
                            add(bed_days, target, r, t, float(moved_days))
            by_group = np.bincount(group, weights=k * size, minlength=len(keys))
            days_by_group = np.bincount(group, weights=days, minlength=len(keys))
            for g, key in enumerate(keys):
                add(activity, key, r, t, float(by_group[g]))
                add(bed_days, key, r, t, float(days_by_group[g]))
    return activity, bed_days
