"""Winter: a Monte Carlo simulation of each provider's daily bed occupancy (issue 19).

Each day, for every run and provider at once (numpy arrays runs × providers; the only Python
loop is over days and, inside a day, over stay lengths):

1. acute stays ending today leave their acute bed; of them, a share in each discharge pathway
   (0: home, 1: home with support, 2: a rehabilitation or assessment bed, 3: a care home) are
   *no longer meeting the criteria to reside* (NCTR) and join their pathway's queue;
2. each pathway takes up to its places for the day from its queue, first come first served;
3. escalation beds are open today if yesterday's occupancy reached the trigger;
4. arrivals are Poisson with the day's rate; with ``turn_away`` an arrival to a full unit is
   turned away (diverted), otherwise everyone is admitted (occupancy may exceed the beds);
5. each admission draws its stay (whole days, at least one) from the provider's distribution.

Occupancy is the midnight census: patients in an acute stay plus NCTR patients waiting. A patient
admitted on day ``d`` with a stay of ``L`` days is counted on ``L`` midnights, so with no delays
and unlimited beds the mean census is arrival rate × mean stay (Little's law) and, with Poisson
arrivals, the census is Poisson (M/G/∞). With ``turn_away`` and no delays the share of arrivals
turned away approaches the Erlang B formula (:func:`erlang_b`) as stays grow long against a day.

Random numbers are drawn in a fixed order from ``numpy.random.default_rng(seed)``; without
``turn_away`` no draw depends on pathway capacity, so two plans with the same seed differ only by
their capacity (common random numbers). The slow reference is
``footprint.engine.reference.winter``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

PATHWAYS = 4  # discharge pathways 0 to 3
UNLIMITED = 1_000_000_000  # places a day standing for "no limit"

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def erlang_b(servers: int, offered_load: float) -> float:
    """The Erlang loss formula: the probability that all ``servers`` beds are busy when the
    offered load is ``offered_load`` (arrival rate × mean stay), by the stable recursion
    B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1))."""
    if servers < 0 or not math.isfinite(offered_load) or offered_load < 0:
        raise ValueError("servers must be at least 0 and the offered load finite and at least 0")
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking


def daily_rates(
    base: Sequence[float],
    weekly: Sequence[float],
    seasonal: Sequence[float],
    start_weekday: int = 0,
) -> FloatArray:
    """Expected admissions per provider and day: ``base[p] × weekly[weekday] × seasonal[day]``,
    with ``weekly`` indexed Monday 0 to Sunday 6 and day 0 on ``start_weekday``."""
    weekly_arr = np.asarray(weekly, dtype=np.float64)
    seasonal_arr = np.asarray(seasonal, dtype=np.float64)
    if weekly_arr.shape != (7,):
        raise ValueError("weekly needs 7 multipliers, Monday to Sunday")
    days = np.arange(seasonal_arr.size)
    per_day = weekly_arr[(start_weekday + days) % 7] * seasonal_arr
    rates: FloatArray = np.asarray(base, dtype=np.float64)[:, None] * per_day[None, :]
    return rates


def stay_pmf_from_histogram(counts: Sequence[float]) -> FloatArray:
    """Probabilities of a stay of 1, 2, … days from counts of past stays of those lengths
    (``counts[0]`` is stays of one day)."""
    arr = np.asarray(counts, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0 or (arr < 0).any() or arr.sum() <= 0:
        raise ValueError("stay counts must be a non-empty list of non-negative numbers")
    pmf: FloatArray = arr / arr.sum()
    return pmf


def lognormal_stay_pmf(mean: float, sd: float, max_days: int) -> FloatArray:
    """A lognormal stay of the given mean and standard deviation (days), discretised to whole
    days: a stay of ``k`` days has the probability of (k − 1, k], the first day takes (0, 1]
    and the last, ``max_days``, takes the tail beyond it."""
    if mean <= 0 or sd <= 0 or max_days < 1:
        raise ValueError("mean and sd must be positive and max_days at least 1")
    sigma2 = math.log(1 + (sd / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2
    sigma = math.sqrt(sigma2)

    def cdf(x: float) -> float:
        return 0.5 * (1 + math.erf((math.log(x) - mu) / (sigma * math.sqrt(2))))

    edges = [cdf(k) for k in range(1, max_days)] + [1.0]
    pmf = np.diff(np.asarray([0.0, *edges], dtype=np.float64))
    return np.asarray(pmf / pmf.sum(), dtype=np.float64)


@dataclass(frozen=True)
class WinterInputs:
    """Everything the simulation needs, as arrays over providers ``P``, days ``D``, stay
    lengths ``K`` and the four pathways.

    - ``rates`` (P, D): expected arrivals a day (see :func:`daily_rates`);
    - ``stay_pmf`` (P, K), or (K,) for every provider: probability of a stay of 1 … K days;
    - ``beds`` (P,), or (P, D) when they change over the winter (a ward closed for some
      weeks): general and acute beds; ``escalation_beds`` (P,) opened on a day after
      midnight occupancy reached ``escalation_trigger`` (P,) × that day's beds (a trigger of
      ``inf`` never opens them);
    - ``pathway_share`` (P, 4): share of discharges by pathway (rows sum to 1);
      ``nctr_probability`` (P, 4): chance a discharge on that pathway waits (NCTR);
    - ``capacity`` (P, D, 4), or (P, 4) or (4,) the same every day: places a day each pathway
      offers the provider's patients (:data:`UNLIMITED` for no limit);
    - ``turn_away``: arrivals to a full unit (all open beds occupied) are turned away.
    """

    rates: FloatArray
    stay_pmf: FloatArray
    beds: IntArray
    pathway_share: FloatArray
    nctr_probability: FloatArray
    capacity: IntArray
    escalation_beds: IntArray | None = None
    escalation_trigger: FloatArray | None = None
    turn_away: bool = False
    warmup_days: int | None = None  # default: the longest stay

    def validated(self) -> WinterInputs:
        rates = np.asarray(self.rates, dtype=np.float64)
        if rates.ndim != 2:
            raise ValueError("rates must be providers × days")
        providers, days = rates.shape
        pmf = np.asarray(self.stay_pmf, dtype=np.float64)
        if pmf.ndim == 1:
            pmf = np.broadcast_to(pmf, (providers, pmf.size)).copy()
        beds = np.asarray(self.beds, dtype=np.int64)
        if beds.ndim == 1 and beds.shape == (providers,):
            beds = np.broadcast_to(beds[:, None], (providers, days)).copy()
        share = np.asarray(self.pathway_share, dtype=np.float64)
        share = np.broadcast_to(share, (providers, PATHWAYS)).copy()
        nctr = np.broadcast_to(
            np.asarray(self.nctr_probability, dtype=np.float64), (providers, PATHWAYS)
        ).copy()
        cap = np.asarray(self.capacity, dtype=np.int64)
        if cap.ndim == 1:
            cap = np.broadcast_to(cap, (providers, days, PATHWAYS)).copy()
        elif cap.ndim == 2:
            cap = np.broadcast_to(cap[:, None, :], (providers, days, PATHWAYS)).copy()
        esc = (
            np.zeros(providers, dtype=np.int64)
            if self.escalation_beds is None
            else np.asarray(self.escalation_beds, dtype=np.int64)
        )
        trig = (
            np.full(providers, np.inf)
            if self.escalation_trigger is None
            else np.asarray(self.escalation_trigger, dtype=np.float64)
        )
        checks = [
            (np.isfinite(rates).all() and (rates >= 0).all(), "rates must be finite and >= 0"),
            (pmf.shape[0] == providers and pmf.shape[1] >= 1, "stay_pmf must be providers × K"),
            ((pmf >= 0).all() and np.allclose(pmf.sum(axis=1), 1), "stay_pmf rows must sum to 1"),
            (
                beds.shape == (providers, days) and (beds >= 0).all(),
                "beds must be >= 0 per provider (and day)",
            ),
            ((share >= 0).all() and np.allclose(share.sum(axis=1), 1), "pathway shares sum to 1"),
            (((nctr >= 0) & (nctr <= 1)).all(), "NCTR probabilities must be within 0 and 1"),
            (cap.shape == (providers, days, PATHWAYS), "capacity must be providers × days × 4"),
            ((cap >= 0).all(), "capacity must be >= 0"),
            (esc.shape == (providers,) and (esc >= 0).all(), "escalation beds must be >= 0"),
            (trig.shape == (providers,) and not np.isnan(trig).any(), "triggers must be numbers"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        return WinterInputs(
            rates=rates,
            stay_pmf=pmf,
            beds=beds,
            pathway_share=share,
            nctr_probability=nctr,
            capacity=cap,
            escalation_beds=esc,
            escalation_trigger=trig,
            turn_away=self.turn_away,
            warmup_days=pmf.shape[1] if self.warmup_days is None else self.warmup_days,
        )


@dataclass(frozen=True)
class WinterResult:
    """Daily arrays are runs × providers × days; weekly summaries providers × weeks (a last,
    partial week is summarised over its days)."""

    occupancy: IntArray  # midnight census: acute stays plus NCTR waiting
    open_beds: IntArray  # beds plus escalation beds open that day
    nctr: IntArray  # runs × providers × days × 4: NCTR waiting at midnight by pathway
    ready: IntArray  # acute stays ended that day (discharges wanted)
    new_nctr: IntArray  # of those, how many had to wait for their pathway
    arrivals: IntArray
    admitted: IntArray
    p_over_92: FloatArray  # providers × weeks: share of (run, day) with occupancy > 92 % of open
    p_over_100: FloatArray  # … > 100 % of open beds
    expected_nctr: FloatArray  # providers × weeks × 4: mean NCTR waiting at midnight
    bed_days_lost: FloatArray  # providers × weeks: expected bed days occupied by NCTR patients
    weeks_at_risk: IntArray  # providers × weeks: week numbers, most at risk first


def simulate(inputs: WinterInputs, runs: int, seed: int, top_weeks: int = 3) -> WinterResult:
    """Run the winter ``runs`` times; deterministic for a given ``seed``."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    v = inputs.validated()
    assert v.escalation_beds is not None and v.escalation_trigger is not None
    assert v.warmup_days is not None
    rng = np.random.default_rng(seed)
    providers, days = v.rates.shape
    max_stay = v.stay_pmf.shape[1]
    warm = v.warmup_days
    total_days = warm + days
    # categories of a discharge: waiting on pathway 0..3, or leaving (the last)
    wait_pmf = v.pathway_share * v.nctr_probability
    wait_pmf = np.concatenate([wait_pmf, np.clip(1 - wait_pmf.sum(1, keepdims=True), 0, 1)], 1)
    wait_pmf /= wait_pmf.sum(1, keepdims=True)
    week_rates = v.rates[:, : min(7, days)]
    stay_pmf_t = np.ascontiguousarray(v.stay_pmf.T)  # K × providers

    shape = (runs, providers)
    calendar = np.zeros((total_days + max_stay + 1, *shape), dtype=np.int64)  # day-major
    acute = np.zeros(shape, dtype=np.int64)
    queue = np.zeros((*shape, PATHWAYS), dtype=np.int64)
    escalated = np.zeros(shape, dtype=bool)
    out_shape = (days, runs, providers)  # day-major while filling, runs first when returned
    occupancy = np.zeros(out_shape, dtype=np.int64)
    open_beds = np.zeros(out_shape, dtype=np.int64)
    nctr = np.zeros((*out_shape, PATHWAYS), dtype=np.int64)
    ready_out = np.zeros(out_shape, dtype=np.int64)
    new_out = np.zeros(out_shape, dtype=np.int64)
    arrivals_out = np.zeros(out_shape, dtype=np.int64)
    admitted_out = np.zeros(out_shape, dtype=np.int64)

    for t in range(total_days):
        day = t - warm
        if day >= 0:
            rate = v.rates[:, day]
            cap = v.capacity[:, day, :]
            general = v.beds[:, day]
        else:  # warm-up: the first week's pattern, repeated, with day 0's places and beds
            rate = week_rates[:, (day % week_rates.shape[1])]
            cap = v.capacity[:, 0, :]
            general = v.beds[:, 0]
        ready = calendar[t]
        acute -= ready
        new = rng.multinomial(ready, wait_pmf)[:, :, :PATHWAYS]
        queue += new
        queue -= np.minimum(queue, cap[None, :, :])
        beds_today = general[None, :] + np.where(escalated, v.escalation_beds[None, :], 0)
        # arrivals by length of stay are independent Poisson streams (thinning), drawn at once
        by_stay = rng.poisson(rate[None, None, :] * stay_pmf_t[:, None, :], (max_stay, *shape))
        arrivals = by_stay.sum(axis=0)
        in_beds = acute + queue.sum(-1)
        if v.turn_away:
            admitted = np.minimum(arrivals, np.maximum(beds_today - in_beds, 0))
            turned = np.nonzero(admitted < arrivals)
            if turned[0].size:
                # those admitted are a random few of the arrivals: their stays are again
                # independent draws from the provider's distribution
                redrawn = rng.multinomial(admitted[turned], v.stay_pmf[turned[1]])
                by_stay[:, turned[0], turned[1]] = redrawn.T
        else:
            admitted = arrivals
        calendar[t + 1 : t + 1 + max_stay] += by_stay
        acute += admitted
        census = in_beds + admitted
        escalated = census >= (v.escalation_trigger * general)[None, :]
        if day >= 0:
            occupancy[day] = census
            open_beds[day] = beds_today
            nctr[day] = queue
            ready_out[day] = ready
            new_out[day] = new.sum(-1)
            arrivals_out[day] = arrivals
            admitted_out[day] = admitted

    def runs_first(a: IntArray) -> IntArray:
        return np.moveaxis(a, 0, 2)  # a view: runs × providers × days (× pathways)

    return _summarise(
        runs_first(occupancy),
        runs_first(open_beds),
        runs_first(nctr),
        runs_first(ready_out),
        runs_first(new_out),
        runs_first(arrivals_out),
        runs_first(admitted_out),
        top_weeks,
    )


def _summarise(
    occupancy: IntArray,
    open_beds: IntArray,
    nctr: IntArray,
    ready: IntArray,
    new_nctr: IntArray,
    arrivals: IntArray,
    admitted: IntArray,
    top_weeks: int,
) -> WinterResult:
    days = occupancy.shape[2]
    weeks = -(-days // 7)
    week_of_day = np.arange(days) // 7
    counts = np.bincount(week_of_day, minlength=weeks).astype(np.float64)

    def weekly_mean(daily: FloatArray) -> FloatArray:
        """providers × days (mean over runs) → providers × weeks, mean over the week's days."""
        sums = np.zeros((daily.shape[0], weeks), dtype=np.float64)
        np.add.at(sums.T, week_of_day, daily.T)
        out: FloatArray = sums / counts[None, :]
        return out

    over_92 = (occupancy > 0.92 * open_beds).mean(axis=0)
    over_100 = (occupancy > open_beds).mean(axis=0)
    p92 = weekly_mean(over_92)
    p100 = weekly_mean(over_100)
    mean_nctr = nctr.mean(axis=0)  # providers × days × 4
    expected = np.stack([weekly_mean(mean_nctr[:, :, j]) for j in range(PATHWAYS)], axis=-1)
    lost = weekly_mean(mean_nctr.sum(-1)) * counts[None, :]
    # most at risk: highest chance of being over 100 %, ties broken by over 92 %, then earliest
    order = np.lexsort((np.arange(weeks)[None, :].repeat(p100.shape[0], 0), -p92, -p100), axis=1)
    return WinterResult(
        occupancy=occupancy,
        open_beds=open_beds,
        nctr=nctr,
        ready=ready,
        new_nctr=new_nctr,
        arrivals=arrivals,
        admitted=admitted,
        p_over_92=p92,
        p_over_100=p100,
        expected_nctr=expected,
        bed_days_lost=lost,
        weeks_at_risk=order[:, :top_weeks].astype(np.int64),
    )


# What a scenario costs


@dataclass(frozen=True)
class UnitCosts:
    """Pounds for one place offered on a day (paid whether used or not) on each pathway, and
    for one escalation bed open for a day."""

    package: float = 0.0  # a home-care package (pathway 1)
    virtual_ward: float = 0.0  # a virtual-ward place (pathway 1)
    step_down: float = 0.0  # a step-down bed (pathway 2)
    care_home: float = 0.0  # a care-home bed (pathway 3)
    escalation_bed_day: float = 0.0


@dataclass(frozen=True)
class Places:
    """One provider's places offered a day on each pathway."""

    packages: float
    virtual_ward: float
    step_down: float
    care_home: float


@dataclass(frozen=True)
class Cost:
    """A scenario's cost over the winter, in pounds, by what pays for it."""

    packages: float
    virtual_ward: float
    step_down: float
    care_home: float
    escalation: float
    other: float

    @property
    def total(self) -> float:
        return (
            self.packages
            + self.virtual_ward
            + self.step_down
            + self.care_home
            + self.escalation
            + self.other
        )


def winter_cost(
    days: int,
    places: Sequence[Places],
    escalation_bed_days: float,
    unit: UnitCosts,
    other: float = 0.0,
) -> Cost:
    """What a scenario costs over ``days``: every provider's places a day on each pathway,
    every day, at their unit cost; the escalation bed-days the simulation expects to open at
    theirs; and ``other`` (fixed costs the scenario names, such as a team to run it).

    10 packages a day for 100 days at £50 a package: £50,000."""
    if days < 0 or escalation_bed_days < 0 or other < 0:
        raise ValueError("days, escalation bed days and other costs must be at least 0")
    return Cost(
        packages=days * sum(p.packages for p in places) * unit.package,
        virtual_ward=days * sum(p.virtual_ward for p in places) * unit.virtual_ward,
        step_down=days * sum(p.step_down for p in places) * unit.step_down,
        care_home=days * sum(p.care_home for p in places) * unit.care_home,
        escalation=escalation_bed_days * unit.escalation_bed_day,
        other=other,
    )
