"""From activity to beds, staff and money, run by run, and distributions of the results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from footprint.engine.demand.baseline import FloatArray
from footprint.engine.demand.model import Outcome, Plan
from footprint.engine.demand.params import BedRule, Capacity
from footprint.engine.demand.pods import BY_CODE

DAYS_IN_YEAR = 365


def bed_candidates(
    bed_days: FloatArray, occupancy: float, share_of_days: float, daily_variation: float
) -> tuple[FloatArray, FloatArray]:
    """The two numbers of beds a year's bed days may need: the mean daily occupied beds at the
    target occupancy, and the beds that meet daily demand on ``share_of_days`` of days when
    daily demand is normal with variance ``mean + (daily_variation × mean)²`` (Poisson arrivals
    and stays, plus the day-of-week and seasonal swing ``daily_variation`` as a share of the
    mean)."""
    mean = np.asarray(bed_days, dtype=np.float64) / DAYS_IN_YEAR
    z = NormalDist().inv_cdf(share_of_days)
    peak = mean + z * np.sqrt(mean + (daily_variation * mean) ** 2)
    return np.asarray(mean / occupancy, dtype=np.float64), np.asarray(peak, dtype=np.float64)


def beds_needed(
    bed_days: FloatArray,
    occupancy: float,
    share_of_days: float,
    daily_variation: float,
    rule: BedRule = BedRule.LARGER,
) -> FloatArray:
    """Beds for a year's bed days by ``rule``: the beds at the target occupancy, the beds for
    peak days, or the larger of the two (see :func:`bed_candidates`)."""
    at_occupancy, for_peaks = bed_candidates(bed_days, occupancy, share_of_days, daily_variation)
    if rule is BedRule.OCCUPANCY:
        return at_occupancy
    if rule is BedRule.PEAK:
        return for_peaks
    return np.asarray(np.maximum(at_occupancy, for_peaks), dtype=np.float64)


def daily_variation(daily_occupied: FloatArray) -> float:
    """The day-to-day variation of a series of daily occupied beds (from daily bed returns), as
    :func:`bed_candidates` takes it: the standard deviation beyond Poisson's as a share of the
    mean, ``√max(variance − mean, 0) ÷ mean``. Day-of-week and seasonal swings are in it."""
    x = np.asarray(daily_occupied, dtype=np.float64)
    if len(x) < 2 or x.mean() <= 0:
        raise ValueError("the daily variation needs at least two days with beds occupied")
    return float(np.sqrt(max(x.var(ddof=1) - x.mean(), 0.0)) / x.mean())


@dataclass(frozen=True)
class BedsSetBy:
    """For one provider and bed type in one year's central case: the beds at the target
    occupancy, the beds for peak days, the beds the rule gives and which of the two set them."""

    provider: str
    bed_type: str
    at_occupancy: float
    for_peak_days: float
    beds: float
    set_by: str  # "target occupancy" or "peak days"


@dataclass(frozen=True)
class Measure:
    """One output measure per run, year and key: ``values[run, year, key]``."""

    name: str
    unit: str
    keys: tuple[tuple[str, str], ...]
    values: FloatArray


def _collect(
    plan: Plan, source: FloatArray, key_of: dict[int, tuple[str, str]], weights: dict[int, float]
) -> tuple[tuple[tuple[str, str], ...], FloatArray]:
    keys = sorted(set(key_of.values()))
    position = {k: i for i, k in enumerate(keys)}
    out = np.zeros((*source.shape[:2], len(keys)))
    for g, key in key_of.items():
        out[:, :, position[key]] += source[:, :, g] * weights.get(g, 1.0)
    return tuple(keys), out


def beds(plan: Plan, outcome: Outcome, capacity: Capacity) -> Measure:
    """Beds per provider and bed type."""
    key_of = {
        g: (provider, BY_CODE[code].bed_type)
        for g, (provider, code) in enumerate(plan.groups)
        if BY_CODE[code].has_stay
    }
    keys, bed_days = _collect(plan, outcome.bed_days, key_of, {})
    values = np.empty_like(bed_days)
    for i, (_, bed_type) in enumerate(keys):
        values[:, :, i] = beds_needed(bed_days[:, :, i], *capacity.bed_settings(bed_type))
    return Measure("Beds", "beds", keys, values)


def beds_set_by(plan: Plan, outcome: Outcome, capacity: Capacity, year: int) -> list[BedsSetBy]:
    """Which rule set each provider's beds of each type in the central case of ``year`` (an
    index into the scenario's years), with both candidate numbers, so a reader sees whether
    the target occupancy or the peak days decided it."""
    key_of = {
        g: (provider, BY_CODE[code].bed_type)
        for g, (provider, code) in enumerate(plan.groups)
        if BY_CODE[code].has_stay
    }
    keys, bed_days = _collect(plan, outcome.bed_days[:1], key_of, {})
    rows = []
    for i, (provider, bed_type) in enumerate(keys):
        occupancy, share, variation, rule = capacity.bed_settings(bed_type)
        days = bed_days[0, year, i : i + 1]
        at_occupancy, for_peaks = bed_candidates(days, occupancy, share, variation)
        beds = float(beds_needed(days, occupancy, share, variation, rule)[0])
        if rule is BedRule.LARGER:
            set_by = "target occupancy" if at_occupancy[0] >= for_peaks[0] else "peak days"
        else:
            set_by = "target occupancy" if rule is BedRule.OCCUPANCY else "peak days"
        rows.append(
            BedsSetBy(provider, bed_type, float(at_occupancy[0]), float(for_peaks[0]), beds, set_by)
        )
    return rows


def workforce(plan: Plan, outcome: Outcome, capacity: Capacity) -> Measure:
    """Whole-time equivalent staff per provider and staff group."""
    per_group: dict[tuple[str, str], FloatArray] = defaultdict(
        lambda: np.zeros(outcome.activity.shape[:2])
    )
    for g, (provider, code) in enumerate(plan.groups):
        units = outcome.bed_days if BY_CODE[code].has_stay else outcome.activity
        for (pod_code, staff_group), minutes in capacity.staff_minutes.items():
            if pod_code == code:
                per_group[(provider, staff_group)] += (
                    units[:, :, g] * minutes / 60 / capacity.hours_per_wte
                )
    keys = tuple(sorted(per_group))
    values = np.stack([per_group[k] for k in keys], axis=2) if keys else np.zeros((0, 0, 0))
    return Measure("Workforce", "WTE", keys, values)


def cost(plan: Plan, outcome: Outcome, capacity: Capacity) -> Measure:
    """Cost in pounds per provider, with each scheme's delivery cost as its own line."""
    per_key: dict[tuple[str, str], FloatArray] = defaultdict(
        lambda: np.zeros(outcome.activity.shape[:2])
    )
    for g, (provider, code) in enumerate(plan.groups):
        per_key[(provider, "Activity")] += outcome.activity[:, :, g] * capacity.unit_costs.get(
            code, 0.0
        ) + outcome.bed_days[:, :, g] * capacity.bed_day_costs.get(code, 0.0)
    years = plan.scenario.years
    for scheme in plan.scenario.schemes:
        yearly = np.array([scheme.yearly_cost if y >= scheme.start_year else 0.0 for y in years])
        per_key[("Schemes", scheme.name)] += yearly[np.newaxis, :]
    keys = tuple(sorted(per_key))
    return Measure("Cost", "£", keys, np.stack([per_key[k] for k in keys], axis=2))


@dataclass(frozen=True)
class ByValue:
    """A breakdown's bed days, beds and cost for each of its values, every point of delivery
    together: ``[run, year, value]``, with the bed days' and cost's part of each step
    (``[run, year, step, value]``; both are sums over groups, so their steps add up). Beds are
    each value's own need for its bed days (by bed type, then added), so with the peak-days
    rule the values' beds may add up to a little more than the beds for all of them."""

    values: tuple[str, ...]
    bed_days: FloatArray
    steps_bed_days: FloatArray
    beds: FloatArray
    base_beds: FloatArray  # [value]: the beds the base year's bed days need
    cost: FloatArray
    steps_cost: FloatArray
    has_cost: bool


def by_value(groups: tuple[tuple[str, str], ...], outcome: Outcome, capacity: Capacity) -> ByValue:
    """Bed days, beds and the cost of activity (its unit costs and bed-day costs, not the
    schemes' own delivery cost, which belongs to no value) for each value of a breakdown whose
    outcome has groups ``(value, pod)``, run by run."""
    values = tuple(sorted({v for v, _ in groups}))
    which = np.array([values.index(v) for v, _ in groups], dtype=np.int64)
    onto = np.zeros((len(groups), len(values)))
    onto[np.arange(len(groups)), which] = 1.0
    stays = np.array([BY_CODE[code].has_stay for _, code in groups], dtype=np.float64)
    steps_bed_days = outcome.steps_bed_days @ (onto * stays[:, None])
    per_unit = np.array([capacity.unit_costs.get(code, 0.0) for _, code in groups])
    per_day = np.array([capacity.bed_day_costs.get(code, 0.0) for _, code in groups])
    steps_cost = (outcome.steps_activity * per_unit + outcome.steps_bed_days * per_day) @ onto
    beds_out = np.zeros((*outcome.bed_days.shape[:2], len(values)))
    base_beds = np.zeros(len(values))
    bed_types = sorted({BY_CODE[code].bed_type for _, code in groups if BY_CODE[code].has_stay})
    for bed_type in bed_types:
        mine = np.array(
            [BY_CODE[code].has_stay and BY_CODE[code].bed_type == bed_type for _, code in groups],
            dtype=np.float64,
        )
        days = outcome.bed_days @ (onto * mine[:, None])
        beds_out += beds_needed(days, *capacity.bed_settings(bed_type))
        base_days = outcome.steps_bed_days[0, 0, 0] @ (onto * mine[:, None])
        base_beds += beds_needed(base_days, *capacity.bed_settings(bed_type))
    return ByValue(
        values,
        np.asarray(steps_bed_days.sum(axis=2), dtype=np.float64),
        np.asarray(steps_bed_days, dtype=np.float64),
        beds_out,
        base_beds,
        np.asarray(steps_cost.sum(axis=2), dtype=np.float64),
        np.asarray(steps_cost, dtype=np.float64),
        bool(per_unit.any() or per_day.any()),
    )


@dataclass(frozen=True)
class Summary:
    """Distributions over the iterations (run 0, the central case, is reported separately)."""

    central: FloatArray
    mean: FloatArray
    p10: FloatArray
    p50: FloatArray
    p90: FloatArray


def summarise(values: FloatArray) -> Summary:
    """Summarise ``values[run, …]`` over runs 1…; with no iterations, over run 0 alone."""
    runs = values[1:] if len(values) > 1 else values[:1]
    p10, p50, p90 = np.percentile(runs, [10, 50, 90], axis=0)
    return Summary(values[0], runs.mean(axis=0), p10, p50, p90)
