"""Plain-Python version of ``footprint.engine.winter``: one provider, one run, one patient at a
time. Slow and meant to be read; the fast engine must agree with it in distribution (it draws
its random numbers differently, so not number for number)."""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Patient:
    admitted: int  # day of admission
    leaves_acute: int  # day the acute stay ends (admitted + stay)
    pathway: int = 0
    nctr_since: int | None = None  # day the patient started waiting for the pathway


@dataclass
class Day:
    occupancy: int
    open_beds: int
    nctr: list[int]  # waiting at midnight, by pathway 0..3
    ready: int
    new_nctr: int
    arrivals: int
    admitted: int


@dataclass
class Ward:
    beds: int
    escalation_beds: int = 0
    escalation_trigger: float = math.inf
    in_acute_stay: list[Patient] = field(default_factory=list)
    waiting: list[deque[Patient]] = field(default_factory=lambda: [deque() for _ in range(4)])
    escalated: bool = False


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: multiply uniforms until the product falls below exp(−mean)."""
    if mean <= 0:
        return 0
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def draw(rng: random.Random, probabilities: Sequence[float]) -> int:
    """An index drawn with the given probabilities (walk up the cumulative sum)."""
    u = rng.random()
    running = 0.0
    for index, p in enumerate(probabilities):
        running += p
        if u < running:
            return index
    return len(probabilities) - 1


def simulate_one(
    rates: Sequence[float],
    stay_pmf: Sequence[float],
    beds: int | Sequence[int],
    pathway_share: Sequence[float],
    nctr_probability: Sequence[float],
    capacity: Sequence[Sequence[int]],
    seed: int,
    escalation_beds: int = 0,
    escalation_trigger: float = math.inf,
    turn_away: bool = False,
    warmup_days: int | None = None,
) -> list[Day]:
    """One provider through ``len(rates)`` days; ``capacity[d][j]`` places on pathway ``j`` on
    day ``d``; ``beds`` the same every day, or ``beds[d]`` on day ``d`` (a ward closed for some
    weeks). Warm-up days repeat the first week's rates with day 0's places and beds."""
    rng = random.Random(seed)
    beds_by_day = [beds] * len(rates) if isinstance(beds, int) else list(beds)
    ward = Ward(beds_by_day[0], escalation_beds, escalation_trigger)
    warm = len(stay_pmf) if warmup_days is None else warmup_days
    week = list(rates[:7])
    days: list[Day] = []
    for t in range(-warm, len(rates)):
        rate = rates[t] if t >= 0 else week[t % len(week)]
        places = list(capacity[t] if t >= 0 else capacity[0])
        ward.beds = beds_by_day[t] if t >= 0 else beds_by_day[0]
        # 1. acute stays ending today: each leaves, or waits for its pathway (NCTR)
        ready = [p for p in ward.in_acute_stay if p.leaves_acute == t]
        ward.in_acute_stay = [p for p in ward.in_acute_stay if p.leaves_acute != t]
        new_nctr = 0
        for patient in ready:
            patient.pathway = draw(rng, pathway_share)
            if rng.random() < nctr_probability[patient.pathway]:
                patient.nctr_since = t
                ward.waiting[patient.pathway].append(patient)
                new_nctr += 1
        # 2. each pathway takes its places for the day, longest waiting first
        for pathway, queue in enumerate(ward.waiting):
            for _ in range(places[pathway]):
                if not queue:
                    break
                queue.popleft()
        # 3. escalation beds open if last night's census reached the trigger
        open_beds = ward.beds + (ward.escalation_beds if ward.escalated else 0)
        # 4. arrivals, each admitted unless the unit is full and we turn away
        arrivals = poisson(rng, rate)
        admitted = 0
        for _ in range(arrivals):
            in_beds = len(ward.in_acute_stay) + sum(len(q) for q in ward.waiting)
            if turn_away and in_beds >= open_beds:
                continue
            stay = draw(rng, stay_pmf) + 1
            ward.in_acute_stay.append(Patient(admitted=t, leaves_acute=t + stay))
            admitted += 1
        # 5. the midnight census
        census = len(ward.in_acute_stay) + sum(len(q) for q in ward.waiting)
        ward.escalated = census >= ward.escalation_trigger * ward.beds
        if t >= 0:
            days.append(
                Day(
                    occupancy=census,
                    open_beds=open_beds,
                    nctr=[len(q) for q in ward.waiting],
                    ready=len(ready),
                    new_nctr=new_nctr,
                    arrivals=arrivals,
                    admitted=admitted,
                )
            )
    return days
