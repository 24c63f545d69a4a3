"""Base-year activity and its compression into strata.

Activity arrives either as **records** (one row per episode, with its length of stay) or as
**aggregated counts**. Both become a :class:`Baseline` of fine cells: provider × point of
delivery × neighbourhood × sex × single year of age × attribute (such as a condition group) ×
length-of-stay band, each with its count and bed days.

Records keep their **stays**: cells are told apart by the exact length of stay, so every
admission in a cell stays as long. Aggregated counts give a band and its bed days: their stays
are taken to be at the cell's mean stay (the spread between bands, ages and places is kept, the
spread inside one aggregated cell is not, so their bed days' spread is a lower bound).

For a model run the cells are compressed further into :class:`Strata`: the cells that the
scenario's schemes and the outputs can tell apart (provider, point of delivery, place, sex, the
scenario's age bands, attribute, length-of-stay band). Each stratum keeps its expected activity
in every projection year, grown by the demography of the cells it holds. Because a sum of
independent Poisson counts is Poisson with the summed mean, and binomial thinning with one
probability commutes with that sum, sampling a stratum gives the same distribution of activity
as sampling each of its records. Its stays are kept as a two-stay histogram that has the mean
and the variance of the records' stays (see :func:`stratify`), so its bed days have the
records' mean and variance too, where a single mean stay would lose the spread of stays. The
cost of a run grows with the number of strata, not the number of records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from footprint.engine.demand.params import Cohort, HealthStatus, Scheme, Variant
from footprint.engine.demand.pods import CODES, IN_PACKAGES, LOS_BAND_STARTS

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
AGES = 91  # single years 0…89, then 90 and over
SEXES = ("F", "M")


@dataclass(frozen=True)
class Records:
    """Record-level activity: one row per episode. ``units`` is 1 for an episode, or the hours
    of a home care package (one record, one package); ``los`` is the length of stay in days (0
    when none), or of a care home placement in the year."""

    providers: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    attributes: tuple[str, ...]
    provider: IntArray
    pod: IntArray
    neighbourhood: IntArray
    sex: IntArray
    age: IntArray
    attribute: IntArray
    los: IntArray
    units: FloatArray
    # each record's own national deprivation quintile (1 most deprived … 5), from its small
    # area or a decile it gave; 0 where it gave none (its neighbourhood's is used). Empty: none
    quintile: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.provider)


def own_quintile(quintile: IntArray, n: int) -> IntArray:
    """Each row's own quintile (0 not known): ``quintile``, or zeros where it is empty."""
    if len(quintile) == 0:
        return np.zeros(n, dtype=np.int64)
    q = np.asarray(quintile, dtype=np.int64)
    if len(q) != n or ((q < 0) | (q > 5)).any():
        raise ValueError("each row's quintile must be 0 (not known) or 1 to 5")
    return q


@dataclass(frozen=True)
class Baseline:
    """Base-year activity in fine cells (see the module docstring)."""

    providers: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    attributes: tuple[str, ...]
    provider: IntArray
    pod: IntArray
    neighbourhood: IntArray
    sex: IntArray
    age: IntArray
    attribute: IntArray
    los_band: IntArray
    count: FloatArray
    bed_days: FloatArray
    # each cell's own deprivation quintile (see :attr:`Records.quintile`); empty: none known
    quintile: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.provider)

    def total(self, pod_code: str) -> float:
        """Total base-year activity at one point of delivery."""
        return float(self.count[self.pod == CODES.index(pod_code)].sum())


def _group(keys: Sequence[IntArray], sizes: Sequence[int]) -> tuple[IntArray, IntArray]:
    """Mixed-radix encode the key columns; return (first row of each group, group of each row)."""
    code = np.zeros(len(keys[0]), dtype=np.int64)
    for column, size in zip(keys, sizes, strict=True):
        code = code * size + column
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.astype(np.int64)


def _sums(inverse: IntArray, weights: FloatArray, n: int) -> FloatArray:
    return np.bincount(inverse, weights=weights, minlength=n).astype(np.float64)


def compress(records: Records) -> Baseline:
    """Group records into fine cells, summing units and bed days (units × length of stay).
    Records with different stays are kept in different cells, so each cell's stays are one
    length and the spread of stays survives."""
    los = np.asarray(records.los, dtype=np.int64)
    if (los < 0).any():
        raise ValueError("a length of stay cannot be negative")
    band = np.searchsorted(np.asarray(LOS_BAND_STARTS), los, side="right").astype(np.int64) - 1
    # packages of different hours are kept apart as stays of different lengths are
    size = np.where(
        np.asarray(IN_PACKAGES)[records.pod], np.rint(np.asarray(records.units) * 100), los
    ).astype(np.int64)
    keys = [
        records.provider,
        records.pod,
        records.neighbourhood,
        own_quintile(records.quintile, len(records)),
        records.sex,
        records.age,
        records.attribute,
        size,  # the exact stay (or package's hours), finer than the band it determines
    ]
    sizes = [
        len(records.providers),
        len(CODES),
        len(records.neighbourhoods),
        6,
        2,
        AGES,
        max(1, len(records.attributes)),
        int(size.max(initial=0)) + 1,
    ]
    first, inverse = _group(keys, sizes)
    units = np.asarray(records.units, dtype=np.float64)
    # a record of a package (home care) is one package of ``units`` hours: the package is
    # counted and its hours kept as its "stay", so hours carry the spread of package sizes
    package = np.asarray(IN_PACKAGES)[records.pod]
    count = _sums(inverse, np.where(package, 1.0, units), len(first))
    bed_days = _sums(inverse, np.where(package, units, units * los), len(first))
    provider, pod, neighbourhood, quintile, sex, age, attribute, _ = (k[first] for k in keys)
    band = band[first]
    return Baseline(
        providers=records.providers,
        neighbourhoods=records.neighbourhoods,
        attributes=records.attributes,
        provider=provider,
        pod=pod,
        neighbourhood=neighbourhood,
        sex=sex,
        age=age,
        attribute=attribute,
        los_band=band,
        count=count,
        bed_days=bed_days,
        quintile=quintile,
    )


@dataclass(frozen=True)
class Demography:
    """Population of each neighbourhood, sex and single year of age in each projection year,
    as a multiple of the base year's: ``factor[t, neighbourhood, sex, age]``, ``t = 0`` being
    the base year (all ones). ``place_of[neighbourhood]`` names each neighbourhood's place."""

    factor: FloatArray
    places: tuple[str, ...]
    place_of: IntArray
    # base-year residents by sex and single year of age, for activity rates per head (the
    # health-status adjustment); None when only the factors are known
    population: FloatArray | None = None

    @property
    def years(self) -> int:
        """The number of projection years after the base year."""
        return int(self.factor.shape[0]) - 1


def demography_from_counts(
    populations: FloatArray, place_of: IntArray, places: tuple[str, ...]
) -> Demography:
    """``populations[t, neighbourhood, sex, age]`` → factors relative to year 0. A cell with no
    residents in the base year keeps a factor of 1: its activity cannot be scaled per head."""
    base = populations[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(base > 0, populations / np.where(base > 0, base, 1), 1.0)
    return Demography(
        factor.astype(np.float64),
        places,
        np.asarray(place_of, dtype=np.int64),
        np.asarray(base, dtype=np.float64).sum(axis=0),
    )


def activity_rates(baseline: Baseline, demography: Demography) -> FloatArray:
    """``[pod, sex, age]``: base-year activity per resident, smooth in age (the shape the
    health-status adjustment shifts). Rates are taken in five-year bands (0–4 … 85–89, then 90
    and over), so that a thin single year of age does not make the shape jump, and read at
    each single age by interpolating between the bands' middles (flat beyond the first and
    last). Without a population the counts stand for the rates (as if every age had as many
    residents)."""
    band = np.minimum(np.arange(AGES) // 5, (AGES - 1) // 5)
    counts = np.zeros((len(CODES), 2, band[-1] + 1))
    np.add.at(counts, (baseline.pod, baseline.sex, band[baseline.age]), baseline.count)
    if demography.population is not None:
        people = np.zeros((2, band[-1] + 1))
        for sex in (0, 1):
            np.add.at(people[sex], band, demography.population[sex])
        counts = np.divide(counts, people, out=np.zeros_like(counts), where=people > 0)
    middles = np.array([min(5 * b + 2, AGES - 1) for b in range(band[-1] + 1)], dtype=float)
    ages = np.arange(AGES, dtype=float)
    flat = counts.reshape(-1, counts.shape[-1])
    rates = np.stack([np.interp(ages, middles, r) for r in flat])
    return np.asarray(rates.reshape(len(CODES), 2, AGES), dtype=np.float64)


@dataclass(frozen=True)
class Strata:
    """The scenario's strata, sorted by (provider, point of delivery) group."""

    providers: tuple[str, ...]
    places: tuple[str, ...]
    attributes: tuple[str, ...]
    age_bounds: tuple[int, ...]  # lower bounds of the age bands
    provider: IntArray
    pod: IntArray
    place: IntArray
    sex: IntArray
    age_band: IntArray
    attribute: IntArray
    los_band: IntArray
    upper_stay: npt.NDArray[np.bool_]  # the upper of a group's two stays (see :func:`stratify`)
    base: FloatArray  # base-year count
    expected: FloatArray  # [t, s]: count expected from demography alone, t = 0 … years
    stay: FloatArray  # [t, s]: bed days per unit
    group: IntArray  # index into ``groups``
    groups: tuple[tuple[int, int], ...]  # (provider, pod) indexes, or (breakdown value, pod)
    group_by: str = "provider"  # what the groups break activity down by (see :func:`regroup`)
    group_labels: tuple[str, ...] = ()  # the name of each value of ``group_by``
    # [variant, t, s]: expected activity under each population variant over the principal's
    variant_scale: FloatArray = field(default_factory=lambda: np.ones((0, 0, 0)))
    # [k, t, s]: expected activity after the health-status adjustment at the k-th share of
    # its grid (:attr:`params.HealthStatus.grid`) over that before it
    health_scale: FloatArray = field(default_factory=lambda: np.ones((0, 0, 0)))
    # with ``stratify(..., by_neighbourhood=True)``: each stratum's neighbourhood, an index
    # into ``neighbourhoods`` (otherwise both empty: strata then mix a place's neighbourhoods)
    neighbourhoods: tuple[str, ...] = ()
    neighbourhood: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # each neighbourhood's deprivation quintile (1 most deprived … 5; 0 not known), set with
    # ``dataclasses.replace`` on strata made by neighbourhood, for results by quintile
    neighbourhood_quintile: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # with ``by_neighbourhood``: each stratum's own quintile (its records', 0 where they gave
    # none); a breakdown by quintile falls back to the neighbourhood's only where it is 0.
    # When ``stratify`` is given the neighbourhoods' quintiles, the fallback is already made
    # (each stratum's quintile is the one results by quintile count it in). Without
    # ``by_neighbourhood``, strata keep quintiles apart only in the cells that the cohorts in
    # ``quintile_cohorts`` hold (0 elsewhere), for the schemes whose cohorts name quintiles
    quintile: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    quintiles_apart: bool = False  # every stratum keeps its quintile (made by neighbourhood)
    # (point of delivery, cohort) of each scheme the strata keep quintiles apart for
    quintile_cohorts: tuple[tuple[str, Cohort], ...] = ()

    def __len__(self) -> int:
        return len(self.base)

    @property
    def labels(self) -> tuple[str, ...]:
        """The names of the values the groups break activity down by."""
        return self.group_labels or self.providers


BREAKDOWNS = ("provider", "place", "neighbourhood", "sex", "age_band", "attribute")
# the value of a breakdown by condition group for activity whose records gave none (a blank
# attribute, as aggregated counts have)
NO_CONDITION_GROUP = "No condition group recorded"
# the values of a breakdown by deprivation quintile: 0 for a neighbourhood whose is not known
QUINTILES = ("Unknown", "1", "2", "3", "4", "5")


def age_band_labels(bounds: Sequence[int]) -> tuple[str, ...]:
    """``(0, 65, 75)`` → ``("0–64", "65–74", "75+")``; ages 90 and over count as 90."""
    edges = (*bounds, None)
    return tuple(
        f"{low}+" if high is None else f"{low}–{high - 1}" for low, high in pairwise(edges)
    )


CROSS = "\x1f"  # joins the values of a cross grouping's dimensions in one label


def regroup(strata: Strata, by: str | Sequence[str]) -> Strata:
    """The same strata grouped by (``by``, point of delivery) instead of (provider, point of
    delivery), for results by place, neighbourhood (strata made with ``by_neighbourhood``),
    sex, age band or attribute (condition group). Reordered so each group is contiguous; a
    run of them samples the same distributions.

    ``by`` may name several dimensions: the groups are then every combination of their values
    with activity (and point of delivery), labelled with the values joined by ``CROSS``, and
    ``group_by`` joins the dimensions with "+"; one run of them adds up into each dimension's
    breakdown (:func:`~footprint.engine.demand.model.split_of`)."""
    if not isinstance(by, str):
        return _cross(strata, tuple(by))
    if by == "provider":
        return strata
    column, labels = _column(strata, by)
    return _reordered(
        strata, column * len(CODES) + strata.pod, by, tuple(label or "None" for label in labels)
    )


def _column(strata: Strata, by: str) -> tuple[IntArray, tuple[str, ...]]:
    """Each stratum's value of dimension ``by`` and the values' names."""
    if by in ("neighbourhood", "quintile") and not strata.neighbourhoods:
        raise ValueError(f"a breakdown by {by} needs strata made by_neighbourhood")
    if by == "quintile":
        return quintile_of(strata), QUINTILES
    columns: dict[str, tuple[IntArray, tuple[str, ...]]] = {
        "place": (strata.place, strata.places),
        "neighbourhood": (strata.neighbourhood, strata.neighbourhoods),
        "sex": (strata.sex, SEXES),
        "age_band": (strata.age_band, age_band_labels(strata.age_bounds)),
        "attribute": (
            strata.attribute,
            tuple(a or NO_CONDITION_GROUP for a in strata.attributes or ("",)),
        ),
    }
    if by not in columns:
        raise ValueError(f"unknown breakdown {by!r}; expected one of {', '.join(BREAKDOWNS)}")
    return columns[by]


def cell_quintile(baseline: Baseline, quintiles: IntArray | None) -> IntArray:
    """Each cell's deprivation quintile as results by quintile count it: its records' own, or
    where they gave none its neighbourhood's (``quintiles[neighbourhood]``, 0 not known)."""
    own = own_quintile(baseline.quintile, len(baseline))
    if quintiles is None or len(quintiles) == 0:
        return own
    if len(quintiles) != len(baseline.neighbourhoods):
        raise ValueError("a quintile is needed for each neighbourhood (0 where not known)")
    q = np.asarray(quintiles, dtype=np.int64)
    if ((q < 0) | (q > 5)).any():
        raise ValueError("a neighbourhood's quintile must be 0 (not known) or 1 to 5")
    return np.where(own > 0, own, q[baseline.neighbourhood])


def quintile_of(strata: Strata) -> IntArray:
    """Each stratum's deprivation quintile (0 not known): its records' own, or where they gave
    none their neighbourhood's (``neighbourhood_quintile``, the quintile most of its residents
    live in). Needs strata made by neighbourhood, and the neighbourhoods' quintiles unless
    every stratum has its own."""
    own = own_quintile(strata.quintile, len(strata))
    if len(strata.neighbourhood_quintile) != len(strata.neighbourhoods):
        if (own == 0).any():
            raise ValueError("a breakdown by quintile needs each neighbourhood's quintile")
        return own
    return np.where(own > 0, own, strata.neighbourhood_quintile[strata.neighbourhood])


def _cross(strata: Strata, dims: tuple[str, ...]) -> Strata:
    """The strata grouped by every combination of the dimensions' values (see regroup)."""
    if not dims or "provider" in dims or len(set(dims)) != len(dims):
        raise ValueError(f"a cross grouping needs distinct dimensions other than provider: {dims}")
    columns = [_column(strata, d) for d in dims]
    combo = np.zeros(len(strata), dtype=np.int64)
    for column, labels in columns:
        combo = combo * max(1, len(labels)) + column
    present, value = np.unique(combo, return_inverse=True)
    names = []
    for c in present:
        rest, parts = int(c), []
        for _, labels in reversed(columns):
            rest, i = divmod(rest, max(1, len(labels)))
            parts.append((labels[i] or "None") if labels else "None")
        names.append(CROSS.join(reversed(parts)))
    key = value.astype(np.int64) * len(CODES) + strata.pod
    return _reordered(strata, key, "+".join(dims), tuple(names))


def _reordered(strata: Strata, key: IntArray, by: str, labels: tuple[str, ...]) -> Strata:
    """The strata in the order of ``key`` (value × pods + pod), grouped by it."""
    order = np.argsort(key, kind="stable")
    unique, group = np.unique(key[order], return_inverse=True)
    arrays = {
        f: getattr(strata, f)[..., order]
        for f in (
            "provider",
            "pod",
            "place",
            "sex",
            "age_band",
            "attribute",
            "los_band",
            "upper_stay",
            "base",
            "expected",
            "stay",
            "variant_scale",
            "health_scale",
            *(("neighbourhood",) if strata.neighbourhoods else ()),
            *(("quintile",) if len(strata.quintile) else ()),
        )
    }
    return replace(
        strata,
        **arrays,
        group=group.astype(np.int64),
        groups=tuple((int(u // len(CODES)), int(u % len(CODES))) for u in unique),
        group_by=by,
        group_labels=labels,
    )


def _named_by(schemes: Sequence[Scheme]) -> tuple[npt.NDArray[np.bool_], ...]:
    """For each point of delivery: whether any scheme's cohort there names providers, a sex,
    ages or attributes (each ``[pod]``)."""
    out = tuple(np.zeros(len(CODES), dtype=bool) for _ in range(4))
    for s in schemes:
        c, pod = s.cohort, CODES.index(s.pod)
        named = (
            bool(c.providers),
            bool(c.sex),
            bool(c.age_low or c.age_high is not None),
            bool(c.attributes),
        )
        for flags, yes in zip(out, named, strict=True):
            flags[pod] |= yes
    return out


def _held(
    schemes: Sequence[Scheme],
    baseline: Baseline,
    place: IntArray,
    places: tuple[str, ...],
    lows: IntArray,
    highs: IntArray,
    quintile: IntArray | None,
) -> npt.NDArray[np.bool_]:
    """``[cell, scheme]``: whether each scheme's cohort holds each cell, by the rule
    ``model.compile_plan`` selects strata with (on the cell's age band's bounds); with
    ``quintile`` None, whatever the deprivation quintiles the cohort names."""
    held = np.zeros((len(baseline), len(schemes)), dtype=bool)
    for j, s in enumerate(schemes):
        c = s.cohort
        mask = (baseline.pod == CODES.index(s.pod)) & (lows >= c.age_low)
        if c.age_high is not None:
            mask &= highs <= c.age_high
        if c.sex:
            mask &= baseline.sex == SEXES.index(c.sex)
        for wanted, column, names in (
            (c.places, place, places),
            (c.providers, baseline.provider, baseline.providers),
            (c.attributes, baseline.attribute, baseline.attributes),
        ):
            if wanted:
                mask &= np.isin(column, [names.index(v) for v in wanted if v in names])
        if c.los_bands:
            mask &= np.isin(baseline.los_band, list(c.los_bands))
        if c.quintiles and quintile is not None:
            mask &= np.isin(quintile, list(c.quintiles))
        held[:, j] = mask
    return held


def _cohort_pattern(
    schemes: Sequence[Scheme],
    baseline: Baseline,
    place: IntArray,
    places: tuple[str, ...],
    lows: IntArray,
    highs: IntArray,
    quintile: IntArray,
) -> IntArray:
    """Each cell's pattern of cohorts, numbered: cells share a number when the same schemes'
    cohorts hold them (:func:`_held`)."""
    held = _held(schemes, baseline, place, places, lows, highs, quintile)
    held = np.concatenate([held, np.zeros((len(baseline), 1), dtype=bool)], axis=1)
    _, pattern = np.unique(held, axis=0, return_inverse=True)
    return np.asarray(pattern, dtype=np.int64).reshape(-1)


def _two_points(
    count: FloatArray, bed_days: FloatArray, squares: FloatArray, shortest: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Two stays, the shortest ``a`` and ``b`` above the mean, and the share of admissions at
    ``b``, that keep the mean stay and the variance of stays exactly: ``b = m + v / (m − a)``
    and the share at ``b`` is ``(m − a)² / ((m − a)² + v)``, for ``count`` admissions with
    ``bed_days`` and ``squares`` (the sum of squared stays). ``b`` never exceeds the longest
    stay, so both stays lie in the stratum's band. All arrays are ``[t, stratum]``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, bed_days / np.where(count > 0, count, 1), 0.0)
        variance = np.where(count > 0, squares / np.where(count > 0, count, 1) - mean**2, 0.0)
        gap = mean - shortest
        spread = (variance > 1e-9 * np.maximum(mean, 1) ** 2) & (gap > 0)
        upper = np.where(spread, mean + variance / np.where(spread, gap, 1), mean)
        share = np.where(spread, gap**2 / (gap**2 + variance), 0.0)
    lower = np.where(spread, shortest, mean)
    return lower, upper, share


def stratify(
    baseline: Baseline,
    demography: Demography,
    age_bounds: Sequence[int],
    variants: Sequence[Variant] = (),
    health: HealthStatus | None = None,
    *,
    by_neighbourhood: bool = False,
    pool_for: Sequence[Scheme] | None = None,
    quintiles: IntArray | None = None,
    quintile_schemes: Sequence[Scheme] = (),
) -> Strata:
    """Compress fine cells into the strata a scenario can tell apart. ``age_bounds`` are the
    lower ages of the bands that schemes or outputs need (0 is always included). With
    ``by_neighbourhood`` the strata keep each neighbourhood apart (more strata, the same
    distributions), for results by neighbourhood; otherwise a place's neighbourhoods mix.

    Each group of cells the scenario can tell apart becomes one stratum when all its stays are
    equal, and two when they differ: one at the group's shortest stay and one above its mean,
    sharing its expected activity so that the mean stay and the variance of stays are the
    group's own in every year (:func:`_two_points`). Bed days are then a sum of Poisson counts
    times their stays with the records' mean and variance, as if each record were sampled.

    Population ``variants`` and the ``health`` adjustment scale each group's expected count:
    the group's cells are grown by the variant's multipliers (or shifted in age by the
    adjustment at each share of its grid) and the group's total over its principal total is
    the scale. The split between the two stays is the principal projection's.

    With ``pool_for`` (the scenario's schemes), the strata keep apart only what those schemes'
    cohorts tell apart: cells of one point of delivery (and neighbourhood or place, and
    quintile) that the same cohorts hold share strata whatever their sex, age band, condition
    group or stay band (each stratum reports its first cell's, which the same cohorts hold),
    and providers are pooled where no cohort there names one (the column 0). Results by
    neighbourhood or quintile need nothing else, so they run on far fewer strata. A sum of
    Poisson counts is Poisson and binomial cuts with one probability commute with it, so
    activity's distribution is unchanged; the two stays keep bed days' mean and variance.

    ``quintiles`` gives each neighbourhood's deprivation quintile (0 not known): a cell whose
    records gave none counts in its neighbourhood's (:func:`cell_quintile`), and each
    stratum's ``quintile`` is the one it counts in. For ``quintile_schemes``
    (``Scenario.quintile_schemes``: those whose cohorts name quintiles) the strata keep
    quintiles apart even when not made by neighbourhood, but only in the cells the rest of
    such a cohort holds (its point of delivery, ages, sex, places, providers, condition groups
    and stays), so the cohort selects whole strata and no other strata are split; and only as
    far as those cohorts' quintiles tell cells apart (a cohort of quintile 1 splits its cells
    into quintile 1 and the rest)."""
    if len(demography.place_of) != len(baseline.neighbourhoods):
        raise ValueError("the demography must cover the baseline's neighbourhoods")
    bounds = tuple(sorted({0, *(int(b) for b in age_bounds if 0 < b < AGES)}))
    age_band = np.searchsorted(np.asarray(bounds), baseline.age, side="right").astype(np.int64) - 1
    place = demography.place_of[baseline.neighbourhood]
    # a neighbourhood lies in one place, so keying by it keeps the place apart too; by
    # neighbourhood, cells of different deprivation quintiles are kept apart too
    area = baseline.neighbourhood if by_neighbourhood else place
    own = own_quintile(baseline.quintile, len(baseline))
    counted = cell_quintile(baseline, quintiles)  # own, or the neighbourhood's where none
    kept = np.zeros(len(baseline), dtype=bool)  # cells a quintile-naming cohort may hold
    if quintile_schemes and not by_neighbourhood:
        edges = np.asarray((*bounds, 1000))
        kept = np.asarray(
            _held(
                quintile_schemes,
                baseline,
                place,
                demography.places,
                edges[age_band],
                edges[age_band + 1] - 1,
                None,
            ).any(axis=1),
            dtype=bool,
        )
    # which quintile-naming cohorts' quintiles each cell's quintile is among: cells that agree
    # on every one share strata, so a cohort of quintile 1 splits its cells in two, not five
    member = np.stack(
        [np.isin(counted, list(s.cohort.quintiles)) for s in quintile_schemes]
        or [np.zeros(len(baseline), dtype=bool)],
        axis=1,
    )
    _, membership = np.unique(member, axis=0, return_inverse=True)
    membership = np.asarray(membership, dtype=np.int64).reshape(-1)
    keys = [
        baseline.provider,
        baseline.pod,
        area,
        # by neighbourhood, the own quintile (with the neighbourhood it gives the counted one);
        # otherwise, in the cells a quintile-naming cohort may hold, the cohorts' quintiles
        # the cell's is among
        own if by_neighbourhood else np.where(kept, membership + 1, 0),
        baseline.sex,
        age_band,
        baseline.attribute,
        baseline.los_band,
    ]
    sizes = [
        len(baseline.providers),
        len(CODES),
        len(baseline.neighbourhoods) if by_neighbourhood else len(demography.places),
        max(6, int(membership.max(initial=0)) + 2),
        2,
        len(bounds),
        max(1, len(baseline.attributes)),
        len(LOS_BAND_STARTS),
    ]
    values = list(keys)  # what each stratum reports (its first cell's, where pooled)
    # a stratum reports its first cell's quintile: where quintiles were pooled by membership,
    # every cell of it is in (or out of) each cohort's quintiles alike, so the cohorts select
    # it as they would each of its cells
    values[3] = counted if by_neighbourhood else np.where(kept, counted, 0)
    if pool_for is not None:
        # only which schemes' cohorts hold a cell tells cells apart (and the provider where a
        # cohort names one): sex, age band, attribute and stay band give way to that pattern
        named = _named_by(pool_for)[0]
        keys[0] = np.where(named[baseline.pod], keys[0], 0)
        values[0] = keys[0]
        bounds_ = np.asarray((*bounds, 1000))
        pattern = _cohort_pattern(
            pool_for,
            baseline,
            place,
            demography.places,
            bounds_[age_band],
            bounds_[age_band + 1] - 1,
            counted,
        )
        keys = [*keys[:4], pattern]
        sizes = [*sizes[:4], int(pattern.max(initial=0)) + 1]
    first, inverse = _group(keys, sizes)  # sorted by provider then pod: the group order
    n = len(first)
    with np.errstate(divide="ignore", invalid="ignore"):
        cell_stay = np.where(baseline.count > 0, baseline.bed_days / baseline.count, 0.0)
    shortest = np.full(n, np.inf)
    np.minimum.at(shortest, inverse, np.where(baseline.count > 0, cell_stay, np.inf))
    shortest = np.where(np.isfinite(shortest), shortest, 0.0)
    f = demography.factor[:, baseline.neighbourhood, baseline.sex, baseline.age]  # [t, cell]
    count = np.stack([_sums(inverse, baseline.count * ft, n) for ft in f])
    bed_days = np.stack([_sums(inverse, baseline.bed_days * ft, n) for ft in f])
    squares = np.stack([_sums(inverse, baseline.bed_days * cell_stay * ft, n) for ft in f])
    lower, upper, share = _two_points(count, bed_days, squares, shortest[None, :])
    # a group with spread in any year becomes two strata, the lower then the upper stay
    points = np.where(share.max(axis=0) > 0, 2, 1)
    source = np.repeat(np.arange(n), points)
    is_upper = np.zeros(len(source), dtype=bool)
    is_upper[np.cumsum(points)[points == 2] - 1] = True
    weight = np.where(is_upper, share[:, source], 1 - share[:, source])  # [t, stratum]
    expected = count[:, source] * weight
    stay = np.where(is_upper, upper[:, source], lower[:, source])
    base_count = _sums(inverse, baseline.count, n)[source] * weight[0]
    years = f.shape[0] - 1

    def scale(multiplier: FloatArray) -> FloatArray:  # [t, cell] → [t, stratum]
        grown = np.stack([_sums(inverse, baseline.count * ft, n) for ft in f * multiplier])
        ratio = np.divide(grown, count, out=np.ones_like(count), where=count > 0)
        return np.asarray(ratio[:, source], dtype=np.float64)

    cells = (baseline.sex, baseline.age)
    variant_scale = (
        np.stack([scale(v.factor(years)[:, cells[0], cells[1]]) for v in variants])
        if variants
        else np.ones((0, years + 1, len(source)))
    )
    health_scale = np.ones((0, years + 1, len(source)))
    if health is not None:
        rates = activity_rates(baseline, demography)
        health_scale = np.stack(
            [
                scale(
                    np.stack(
                        [
                            health.factor(rates, health.shift(share, t))[
                                baseline.pod, baseline.sex, baseline.age
                            ]
                            for t in range(years + 1)
                        ]
                    )
                )
                for share in health.grid
            ]
        )
    provider, pod, area, quintile, sex, band, attribute, los = (k[first][source] for k in values)
    place = demography.place_of[area] if by_neighbourhood else area
    unique_pairs, group = np.unique(provider * len(CODES) + pod, return_inverse=True)
    return Strata(
        providers=baseline.providers,
        places=demography.places,
        attributes=baseline.attributes,
        age_bounds=bounds,
        provider=provider,
        pod=pod,
        place=place,
        sex=sex,
        age_band=band,
        attribute=attribute,
        los_band=los,
        upper_stay=is_upper,
        base=base_count,
        expected=expected,
        stay=stay,
        group=group.astype(np.int64),
        groups=tuple((int(p // len(CODES)), int(p % len(CODES))) for p in unique_pairs),
        variant_scale=variant_scale,
        health_scale=health_scale,
        neighbourhoods=baseline.neighbourhoods if by_neighbourhood else (),
        neighbourhood=area if by_neighbourhood else np.zeros(0, dtype=np.int64),
        quintile=(
            quintile if by_neighbourhood or quintile_schemes else np.zeros(0, dtype=np.int64)
        ),
        quintiles_apart=by_neighbourhood,
        quintile_cohorts=tuple((s.pod, s.cohort) for s in quintile_schemes),
        neighbourhood_quintile=(
            np.asarray(quintiles, dtype=np.int64)
            if by_neighbourhood and quintiles is not None and len(quintiles)
            else np.zeros(0, dtype=np.int64)
        ),
    )
