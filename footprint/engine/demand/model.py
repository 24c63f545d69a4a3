"""The Monte Carlo demand model.

One seed derives everything: the parameter draws of every iteration are made up front (run 0
is the central case, with central parameters and expected rather than sampled activity), and
the sampling noise of each fixed-size chunk of iterations comes from its own child of the seed.
Chunks are independent, so they may run in any order, on threads in this process or on a Dask
cluster, and the same seed gives the same results.

In each projection year, for each stratum: expected activity (base × demography, scaled to the
iteration's population variant and by the health-status adjustment at the iteration's share of
life expectancy gained in good health, interpolated between the shares the strata were scaled
at) is grown by the iteration's non-demographic growth and sampled as Poisson; then each
scheme in turn removes a binomial share of its cohort (at its ramped effect), moving it to
another point of delivery at a ratio when it converts or to another provider (with its stays)
when it moves, or cuts each day of each stay with the scheme's probability when it shortens
stays (a binomial cut of every stay, as the per-record reference does). Every step's
contribution is recorded, so demography + health status + growth + each scheme add up to the
projection.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from footprint.engine.demand.baseline import CROSS, FloatArray, IntArray, Strata
from footprint.engine.demand.params import Effect, Scenario, Scheme, quintile_words
from footprint.engine.demand.pods import BY_CODE, CODES, IN_PACKAGES, LOS_BAND_LABELS

CHUNK = 50  # iterations per chunk: part of the model, so results never depend on the executor
FIXED_STEPS = ("Baseline", "Demography", "Other growth")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Draws:
    """Parameter draws: row 0 is the central case, rows 1… the iterations."""

    growth: FloatArray  # [run, pod]: yearly non-demographic growth rate
    effect: FloatArray  # [run, scheme]: share at full effect
    eligible: FloatArray  # [run, scheme]: share of the cohort the scheme reaches
    waiting: FloatArray  # [run, pod]: backlog cleared as a share of a year's demand
    variant: IntArray  # [run]: the population variant drawn (0, the first, when none)
    health: FloatArray  # [run]: the share of life expectancy gained in good health

    @property
    def reach(self) -> FloatArray:
        """[run, scheme]: the chance that a unit of the cohort is removed at full effect. Each
        unit is eligible with one chance and then removed with the other: two binomial cuts in
        turn are one binomial cut at their product, so the strata draw it in one."""
        return np.asarray(self.effect * self.eligible, dtype=np.float64)


def draw_parameters(scenario: Scenario, seed_sequence: np.random.SeedSequence) -> Draws:
    """Draw every iteration's parameters from normal distributions matching their 80 %
    intervals; shares are clipped to [0, 1] and growth rates to above −100 %. Growth of the
    points of delivery in one group of ``correlated_growth`` shares a common normal factor
    with weight √ρ (ρ the scenario's ``growth_correlation``), so any two of them correlate at
    ρ; other growth is independent."""
    rng = np.random.default_rng(seed_sequence)
    runs = scenario.iterations + 1
    growth = np.zeros((runs, len(CODES)))
    for code, interval in scenario.growth.items():
        i = CODES.index(code)
        growth[1:, i] = rng.normal(interval.central, interval.sd, runs - 1)
        growth[0, i] = interval.central
    effect = np.zeros((runs, len(scenario.schemes)))
    for j, scheme in enumerate(scenario.schemes):
        effect[1:, j] = rng.normal(scheme.share.central, scheme.share.sd, runs - 1)
        effect[0, j] = scheme.share.central
    rho = scenario.growth_correlation
    for group in scenario.correlated_growth:
        common = rng.standard_normal(runs - 1)
        for code in group:
            i, interval = CODES.index(code), scenario.growth[code]
            own = (growth[1:, i] - interval.central) / interval.sd if interval.sd > 0 else 0.0
            z = np.sqrt(rho) * common + np.sqrt(1 - rho) * own
            growth[1:, i] = interval.central + interval.sd * z
    eligible = np.ones((runs, len(scenario.schemes)))
    for j, scheme in enumerate(scenario.schemes):
        if scheme.eligible.sd > 0:
            eligible[1:, j] = rng.normal(scheme.eligible.central, scheme.eligible.sd, runs - 1)
        eligible[0, j] = scheme.eligible.central
    waiting = np.zeros((runs, len(CODES)))
    for code, backlog in scenario.waiting_list.items():
        i = CODES.index(code)
        waiting[1:, i] = rng.normal(backlog.change.central, backlog.change.sd, runs - 1)
        waiting[0, i] = backlog.change.central
    # drawn last, so adding them left every earlier draw of a seed as it was
    variant = np.zeros(runs, dtype=np.int64)
    if scenario.variants:
        chances = np.array([v.probability for v in scenario.variants])
        variant[1:] = rng.choice(len(chances), size=runs - 1, p=chances / chances.sum())
    health = np.zeros(runs)
    if scenario.health_status is not None:
        hs = scenario.health_status
        health[1:] = rng.normal(hs.share.central, hs.share.sd, runs - 1)
        health[0] = hs.share.central
        health = np.clip(health, *hs.bounds)
    return Draws(
        np.clip(growth, -0.99, None),
        np.clip(effect, 0.0, 1.0),
        np.clip(eligible, 0.0, 1.0),
        np.clip(waiting, -1.0, None),
        variant,
        health,
    )


def waiting_share(scenario: Scenario, draws: Draws, year_index: int) -> FloatArray:
    """[run, pod]: the extra share of demand done in projection year ``year_index`` (1 the
    first) to clear the waiting list (negative while it grows)."""
    out = np.zeros_like(draws.waiting)
    for code, backlog in scenario.waiting_list.items():
        i = CODES.index(code)
        out[:, i] = draws.waiting[:, i] / backlog.years if year_index <= backlog.years else 0.0
    return out


@dataclass(frozen=True)
class _CompiledScheme:
    effect: Effect
    strata: IntArray  # eligible strata, in group order
    starts: IntArray  # where each eligible group begins within ``strata``
    lengths: IntArray  # how many eligible strata each group has
    groups: IntArray  # the output group of each run of eligible strata
    targets: IntArray  # for conversions: the output group each run's activity moves to
    ratio: float
    ramp: FloatArray  # [year]


@dataclass(frozen=True)
class Plan:
    """A scenario compiled against its strata: what each step touches."""

    scenario: Scenario
    strata: Strata
    groups: tuple[tuple[str, str], ...]  # (provider or breakdown value, pod) of each group
    starts: IntArray  # where each strata group begins
    growth_pod: IntArray  # the pod index of each stratum
    schemes: tuple[_CompiledScheme, ...]

    @property
    def step_names(self) -> tuple[str, ...]:
        health = ("Health status",) if self.scenario.health_status else ()
        waiting = ("Waiting list",) if self.scenario.waiting_list else ()
        return (
            FIXED_STEPS[:2]
            + health
            + FIXED_STEPS[2:]
            + waiting
            + tuple(s.name for s in self.scenario.schemes)
        )

    @property
    def first_scheme(self) -> int:
        """The index of the first scheme's step."""
        return len(self.step_names) - len(self.scenario.schemes)


def _runs(idx: IntArray, group: IntArray) -> tuple[IntArray, IntArray]:
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    g = group[idx]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]).astype(np.int64)
    return starts, g[starts]


def describe_cohort(scheme: Scheme) -> str:
    """A scheme's cohort in words: ``Emergency admissions, aged 65 and over, attribute Falls``."""
    c = scheme.cohort
    parts = [BY_CODE[scheme.pod].name]
    if c.age_low or c.age_high is not None:
        parts.append(
            f"aged {c.age_low} and over"
            if c.age_high is None
            else f"aged {c.age_low} to {c.age_high}"
        )
    if c.sex:
        parts.append({"F": "women", "M": "men"}[c.sex])
    for label, values in (
        ("places", c.places),
        ("providers", c.providers),
        ("attributes", c.attributes),
    ):
        if values:
            parts.append(f"{label} {', '.join(values)}")
    if c.los_bands:
        parts.append(
            "stays of " + ", ".join(f"{LOS_BAND_LABELS[b]} days" for b in sorted(c.los_bands))
        )
    if c.quintiles:
        parts.append(f"residents of deprivation {quintile_words(c.quintiles)}")
    return ", ".join(parts)


def cohort_problems(scheme: Scheme, strata: Strata) -> list[str]:
    """Why a scheme's cohort would select nothing or less than it names: each place, provider
    or attribute it names that the activity does not hold, and a cohort that matches no
    activity at all. Empty when the cohort is sound."""
    c = scheme.cohort
    problems = []
    for label, values, names in (
        ("place", c.places, strata.places),
        ("provider", c.providers, strata.providers),
        ("attribute", c.attributes, strata.attributes),
    ):
        for value in values:
            if value not in names:
                known = ", ".join(sorted(n for n in names if n)) or "none"
                problems.append(
                    f"{scheme.name}: the cohort names {label} {value!r}, which the activity "
                    f"does not hold (it holds {known})"
                )
    if (
        c.quintiles
        and not strata.quintiles_apart
        and (scheme.pod, c) not in strata.quintile_cohorts
    ):
        problems.append(
            f"{scheme.name}: its cohort names deprivation quintiles but the strata do not keep "
            "them apart for it (pass the scenario's quintile_schemes and each "
            "neighbourhood's quintile to stratify)"
        )
    if not problems and not len(_cohort_strata(scheme, strata)):
        problems.append(
            f"{scheme.name}: its cohort ({describe_cohort(scheme)}) matches no activity"
        )
    return problems


def _cohort_strata(scheme: Scheme, strata: Strata) -> IntArray:
    c = scheme.cohort
    bounds = np.asarray((*strata.age_bounds, 1000))
    lows, highs = bounds[strata.age_band], bounds[strata.age_band + 1] - 1
    mask = strata.pod == CODES.index(scheme.pod)
    mask &= lows >= c.age_low
    if c.age_high is not None:
        mask &= highs <= c.age_high
    if c.sex:
        mask &= strata.sex == ("F", "M").index(c.sex)
    for values, column, names in (
        (c.places, strata.place, strata.places),
        (c.providers, strata.provider, strata.providers),
        (c.attributes, strata.attribute, strata.attributes),
    ):
        if values:
            wanted = [names.index(v) for v in values if v in names]
            mask &= np.isin(column, wanted)
    if c.los_bands:
        mask &= np.isin(strata.los_band, list(c.los_bands))
    if c.quintiles:  # each stratum's quintile is the one its activity counts in
        mask &= np.isin(strata.quintile, list(c.quintiles))
    return np.flatnonzero(mask).astype(np.int64)


def compile_plan(scenario: Scenario, strata: Strata) -> Plan:
    """Find each scheme's cohort among the strata and the groups it reports to. A cohort that
    names what the activity does not hold, or matches nothing, is an error that names it (a
    misspelt condition group would otherwise avoid nothing, silently)."""
    problems = [line for scheme in scenario.schemes for line in cohort_problems(scheme, strata)]
    hs = scenario.health_status
    if len(strata.variant_scale) != len(scenario.variants) or (
        hs is not None and len(strata.health_scale) != len(hs.grid)
    ):
        problems.append(
            "the strata were not built with the scenario's population variants and "
            "health-status adjustment (pass them to stratify)"
        )
    if problems:
        raise ValueError("; ".join(problems))
    groups = [(strata.labels[p], CODES[d]) for p, d in strata.groups]
    by_provider = strata.group_by == "provider"
    index = {g: i for i, g in enumerate(groups)}
    compiled = []
    for scheme in scenario.schemes:
        idx = _cohort_strata(scheme, strata)
        starts, runs = _runs(idx, strata.group)
        targets = np.zeros(0, dtype=np.int64)
        if scheme.effect in (Effect.CONVERT, Effect.MOVE):
            found = []
            to_pod = scheme.convert_to if scheme.effect is Effect.CONVERT else scheme.pod
            for g in runs:
                # moved activity goes to the named provider, or stays with its own group
                moved_to = scheme.convert_provider if by_provider else ""
                key = (moved_to or groups[g][0], to_pod)
                if key not in index:
                    index[key] = len(groups)
                    groups.append(key)
                found.append(index[key])
            targets = np.asarray(found, dtype=np.int64)
        ramp = np.array([scheme.ramp(y) for y in scenario.years])
        lengths = np.diff(np.r_[starts, len(idx)]).astype(np.int64)
        compiled.append(
            _CompiledScheme(scheme.effect, idx, starts, lengths, runs, targets, scheme.ratio, ramp)
        )
    starts = np.flatnonzero(np.r_[True, strata.group[1:] != strata.group[:-1]]).astype(np.int64)
    return Plan(scenario, strata, tuple(groups), starts, strata.pod.copy(), tuple(compiled))


def parameters_per_iteration(scenario: Scenario) -> int:
    """Parameters drawn for each iteration: a growth rate per point of delivery, a population
    variant, a share of life expectancy gained in good health, a common factor per group of
    correlated growth, a share per scheme and an eligible share per scheme whose eligibility
    is uncertain, and a backlog per waiting list."""
    uncertain = sum(1 for s in scenario.schemes if s.eligible.sd > 0)
    return (
        len(scenario.growth)
        + (1 if scenario.variants else 0)
        + (1 if scenario.health_status else 0)
        + len(scenario.correlated_growth)
        + len(scenario.schemes)
        + uncertain
        + len(scenario.waiting_list)
    )


def draws_per_iteration(plan: Plan) -> int:
    """Random draws of activity in each iteration: every year, a Poisson count per stratum, a
    binomial per stratum of each avoiding or converting scheme's cohort, and a binomial per
    output group of each shortening scheme's."""
    per_year = len(plan.strata) + sum(
        len(c.starts) if c.effect is Effect.SHORTEN else len(c.strata) for c in plan.schemes
    )
    return per_year * len(plan.scenario.years)


@dataclass(frozen=True)
class Outcome:
    """Per run, year and output group: activity and bed days, and each step's part in them
    (``steps[run, year, step, group]``; the steps sum to the totals)."""

    activity: FloatArray
    bed_days: FloatArray
    steps_activity: FloatArray
    steps_bed_days: FloatArray


def _cut_days(days: FloatArray, p: FloatArray, rng: np.random.Generator | None) -> FloatArray:
    """Bed days cut from ``days[run, group]`` when each day of each stay is cut with
    probability ``p[run]``: a binomial cut of every stay, summed over the group's stays (a
    sum of binomials with one probability is binomial in the summed days). Fractional days
    (a stay above the mean is rarely whole) are cut in proportion. Expected values when
    ``rng`` is None."""
    if rng is None:
        return np.asarray(days * p[:, None], dtype=np.float64)
    whole = np.rint(days)
    scale = np.divide(days, whole, out=np.zeros_like(days), where=whole > 0)
    return np.asarray(rng.binomial(whole.astype(np.int64), p[:, None]) * scale, dtype=np.float64)


def simulate(
    plan: Plan, draws: Draws, runs: Sequence[int], seed: np.random.SeedSequence | None
) -> Outcome:
    """Simulate the given runs. With ``seed`` None the runs are central: expected values, no
    sampling noise (used for run 0)."""
    s = plan.strata
    rng = np.random.default_rng(seed) if seed is not None else None
    rows = np.asarray(runs, dtype=np.int64)
    n, years, groups = len(rows), len(plan.scenario.years), len(plan.groups)
    steps = len(plan.step_names)
    act = np.zeros((n, years, steps, groups))
    bed = np.zeros((n, years, steps, groups))
    ng = len(plan.starts)

    def by_group(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.add.reduceat(x, plan.starts, axis=1) if x.shape[1] else np.zeros((n, ng))

    growth = draws.growth[rows][:, plan.growth_pod]  # [run, stratum]
    effect = draws.reach[rows]
    # a package's activity is its hours and it has no bed days; anything else counts one
    # unit of activity and its stay in bed days
    package = np.asarray(IN_PACKAGES)[s.pod]
    size = np.where(package, s.stay, 1.0)  # [t, stratum]: activity per unit counted
    days_per = np.where(package, 0.0, s.stay)  # [t, stratum]: bed days per unit counted
    base_act = s.base * size[0]
    base_bed = s.base * days_per[0]
    names = plan.step_names
    other, waiting_step = names.index("Other growth"), names.index("Other growth") + 1
    hs = plan.scenario.health_status
    if hs is not None:  # where each run's share lies on the grid the strata were scaled at
        grid = hs.grid
        at = np.interp(draws.health[rows], grid, np.arange(len(grid)))
        low = np.minimum(np.floor(at).astype(np.int64), len(grid) - 1)
        high = np.minimum(low + 1, len(grid) - 1)
        blend = (at - low)[:, None]
    for t in range(years):
        act[:, t, 0, :ng] = np.add.reduceat(base_act, plan.starts)
        bed[:, t, 0, :ng] = np.add.reduceat(base_bed, plan.starts)
        # demography: the principal projection, or the iteration's variant of it
        demo = np.broadcast_to(s.expected[t + 1], (n, len(s))).copy()
        if plan.scenario.variants:
            demo *= s.variant_scale[draws.variant[rows], t + 1]
        act[:, t, 1, :ng] = by_group(demo * size[t + 1]) - act[:, t, 0, :ng]
        bed[:, t, 1, :ng] = by_group(demo * days_per[t + 1]) - bed[:, t, 0, :ng]
        if hs is not None:  # the health-status adjustment at the iteration's share
            scale = (1 - blend) * s.health_scale[low, t + 1] + blend * s.health_scale[high, t + 1]
            act[:, t, 2, :ng] = by_group(demo * (scale - 1) * size[t + 1])
            bed[:, t, 2, :ng] = by_group(demo * (scale - 1) * days_per[t + 1])
            demo *= scale
        extra = waiting_share(plan.scenario, draws, t + 1)[rows][:, plan.growth_pod]
        lam = demo * (1 + growth) ** (t + 1) * (1 + extra)
        k = lam if rng is None else rng.poisson(lam).astype(np.float64)
        stay = np.broadcast_to(days_per[t + 1], k.shape).copy()
        sz = size[t + 1]
        # the waiting list's part of what was drawn, its own step when there is one
        part = np.divide(extra, 1 + extra, out=np.zeros_like(extra), where=extra > -1)
        waiting_act, waiting_bed = by_group(k * sz * part), by_group(k * stay * part)
        if plan.scenario.waiting_list:
            act[:, t, waiting_step, :ng] = waiting_act
            bed[:, t, waiting_step, :ng] = waiting_bed
        act[:, t, other, :ng] = by_group(k * sz) - act[:, t, :other, :ng].sum(1) - waiting_act
        bed[:, t, other, :ng] = by_group(k * stay) - bed[:, t, :other, :ng].sum(1) - waiting_bed
        first = plan.first_scheme
        for j, c in enumerate(plan.schemes):
            if len(c.strata) == 0:
                continue
            p = effect[:, j] * c.ramp[t]
            here = k[:, c.strata]
            if c.effect is Effect.SHORTEN:
                # one binomial per output group: a sum of binomial cuts with one probability
                # is the binomial cut of the summed days; each stratum keeps its share
                days = np.add.reduceat(here * stay[:, c.strata], c.starts, axis=1)
                cut = _cut_days(days, p, rng)
                kept = np.divide(
                    days - cut,
                    days,
                    out=np.repeat(1 - p[:, None], len(c.starts), 1),
                    where=days > 0,
                )
                stay[:, c.strata] *= np.repeat(kept, c.lengths, axis=1)
                bed[:, t, first + j, c.groups] -= cut
                continue
            if rng is None:
                gone = here * p[:, None]
            else:
                gone = rng.binomial(here.astype(np.int64), p[:, None]).astype(np.float64)
            k[:, c.strata] = here - gone
            gone_by_group = np.add.reduceat(gone * sz[c.strata], c.starts, axis=1)
            gone_days = np.add.reduceat(gone * stay[:, c.strata], c.starts, axis=1)
            act[:, t, first + j, c.groups] -= gone_by_group
            bed[:, t, first + j, c.groups] -= gone_days
            if c.effect is Effect.CONVERT:
                for i, target in enumerate(c.targets):
                    act[:, t, first + j, target] += gone_by_group[:, i] * c.ratio
            elif c.effect is Effect.MOVE:  # to another provider, stays and all
                for i, target in enumerate(c.targets):
                    act[:, t, first + j, target] += gone_by_group[:, i]
                    bed[:, t, first + j, target] += gone_days[:, i]
    return Outcome(act.sum(axis=2), bed.sum(axis=2), act, bed)


@dataclass(frozen=True)
class Split:
    """How a plan grouped by several dimensions at once (``regroup`` with a tuple) adds up
    into each dimension's own breakdown: for each, its groups (value, pod) and where each of
    the plan's groups goes. Calling it on an outcome gives one outcome per dimension."""

    by: tuple[str, ...]
    groups: tuple[tuple[tuple[str, str], ...], ...]
    order: tuple[IntArray, ...]  # the plan's groups sorted by their breakdown group
    starts: tuple[IntArray, ...]  # where each breakdown group begins in that order

    def __call__(self, out: Outcome) -> tuple[Outcome, ...]:
        # groups first, so that gathering a group is copying a row; totals from the steps
        steps = [
            np.ascontiguousarray(np.moveaxis(x, -1, 0))
            for x in (out.steps_activity, out.steps_bed_days)
        ]
        parts = []
        for order, starts in zip(self.order, self.starts, strict=True):
            act, bed = (
                np.moveaxis(np.add.reduceat(x[order], starts, axis=0), 0, -1) for x in steps
            )
            parts.append(Outcome(act.sum(axis=2), bed.sum(axis=2), act, bed))
        return tuple(parts)


def split_of(plan: Plan) -> Split:
    """The split of a plan compiled on strata regrouped by several dimensions (every group a
    combination of their values and a point of delivery) into each dimension's breakdown,
    groups in the order of their values' names and then of the points of delivery."""
    by = tuple(plan.strata.group_by.split("+"))
    groups, orders, starts = [], [], []
    for d in range(len(by)):
        keys = [(label.split(CROSS)[d], pod) for label, pod in plan.groups]
        mine = sorted(set(keys), key=lambda k: (k[0], CODES.index(k[1])))
        index = {k: i for i, k in enumerate(mine)}
        target = np.array([index[k] for k in keys], dtype=np.int64)
        order = np.argsort(target, kind="stable")
        groups.append(tuple(mine))
        orders.append(order)
        starts.append(np.flatnonzero(np.r_[True, np.diff(target[order]) != 0]).astype(np.int64))
    return Split(by, tuple(groups), tuple(orders), tuple(starts))


def _simulate_split(
    plan: Plan, draws: Draws, runs: Sequence[int], seed: np.random.SeedSequence | None, split: Split
) -> tuple[Outcome, ...]:
    return split(simulate(plan, draws, runs, seed))


def run_split(
    plan: Plan, executor: Executor | None = None, progress: Progress | None = None
) -> tuple[Draws, Split, tuple[Outcome, ...]]:
    """Run a plan grouped by several dimensions at once (``regroup`` with a tuple) and add
    each chunk up into each dimension's breakdown as it finishes, so that only the breakdowns
    are kept: one run instead of one per dimension, sampling the same distributions (a sum of
    Poisson counts, or of binomial cuts with one probability, is one of the sum)."""
    split = split_of(plan)
    draws, parts = _run(plan, executor, progress, _simulate_split, split)
    return draws, split, tuple(_concat([p[d] for p in parts]) for d in range(len(split.by)))


def _concat(parts: Sequence[Outcome]) -> Outcome:
    return Outcome(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in Outcome.__dataclass_fields__)
    )


def run(
    plan: Plan, executor: Executor | None = None, progress: Progress | None = None
) -> tuple[Draws, Outcome]:
    """Run 0 and every iteration of the plan's scenario. Chunks go to ``executor`` (any
    ``concurrent.futures.Executor``, such as a Dask client's) or to threads in this process."""
    draws, parts = _run(plan, executor, progress, simulate)
    return draws, _concat(parts)


def _run(
    plan: Plan,
    executor: Executor | None,
    progress: Progress | None,
    task: Callable[..., Any],
    *extra: Any,
) -> tuple[Draws, list[Any]]:
    """Run 0 and every chunk of iterations through ``task(plan, draws, runs, seed, *extra)``,
    in order."""
    scenario = plan.scenario
    root = np.random.SeedSequence(scenario.seed)
    chunks = [
        list(range(start, min(start + CHUNK, scenario.iterations + 1)))
        for start in range(1, scenario.iterations + 1, CHUNK)
    ]
    param_seed, *chunk_seeds = root.spawn(1 + len(chunks))
    draws = draw_parameters(scenario, param_seed)
    parts = [task(plan, draws, [0], None, *extra)]
    own = executor is None
    pool = executor or ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    try:
        futures = [
            pool.submit(task, plan, draws, rows, seed, *extra)
            for rows, seed in zip(chunks, chunk_seeds, strict=True)
        ]
        for done, future in enumerate(futures, start=1):
            parts.append(future.result())
            if progress:
                progress(done, len(futures))
    finally:
        if own:
            pool.shutdown()
    return draws, parts
