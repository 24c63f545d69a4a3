"""Health-inequality statistics the way OHID's Fingertips computes them.

Every method follows the R package PHEindicatormethods (OHID, formerly PHE), which analysts
treat as the reference; docs/inequalities.md gives the formulas and their sources.

- ``crude_rate``: events per ``multiplier`` people, with Byar's confidence limits for counts of
  10 or more and the exact Poisson limits (from the chi-squared distribution) below 10, as
  ``phe_rate`` does.
- ``proportion``: with Wilson score limits, as ``phe_proportion`` does.
- ``dsr``: the directly age-standardised rate against the 2013 European Standard Population
  (``ESP2013``), with Dobson's limits built on Byar's; not calculated (NaN, ``suppressed``)
  when the total count is below 10, as ``phe_dsr`` does.
- ``sii`` and ``sii_many``: the slope and relative indices of inequality across deprivation
  quantiles, ordered from the most deprived (quantile 1) to the least. Each quantile's relative
  rank is the midpoint of its share of the cumulative population; the SII is the slope of a
  regression of the values on the ranks weighted by population share (``phe_sii``'s
  ``Y·√a = β₀·√a + β₁·b·√a``): the fitted value at the least deprived end (rank 1) less the
  one at the most deprived end (rank 0). The RII is their ratio, fitted(1) / fitted(0). The
  confidence limits come from simulation: each quantile's value is drawn ``repetitions`` times
  from a normal distribution with its standard error (on the log scale for rates, the logit
  scale for proportions, and transformed back), the regression refitted, and the limits read
  from the sorted simulated slopes at ``phe_sii``'s positions.
  ``gap`` is the most deprived quantile's value less the least deprived's.

``sii_many`` computes thousands of series at once. One seeded set of standard normal draws
(quantile by repetition) is shared by every series in a call, so each series' limits come from
the same sampling distribution ``phe_sii`` uses, and a series' limits do not depend on which
other series are in the batch (see docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: The 2013 European Standard Population per 100,000, in 19 five-year bands 0-4 … 85-89, 90+.
ESP2013: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip
ESP2013_BANDS: tuple[str, ...] = (
    *(f"{a}-{a + 4}" for a in range(0, 90, 5)),
    "90+",
)

EXACT_BELOW = 10  # counts below this get exact Poisson limits, not Byar's (phe_rate)
DSR_MIN_COUNT = 10  # phe_dsr does not calculate a DSR from fewer events
MIN_QUANTILES = 5  # phe_sii's range of quantiles
MAX_QUANTILES = 100
MIN_REPETITIONS = 1000  # phe_sii refuses fewer
DEFAULT_REPETITIONS = 10_000  # see docs/decisions.md: phe_sii defaults to 100,000
SE_CONFIDENCE = 0.95  # phe_sii derives standard errors from 95 % limits
_CHUNK = 250_000  # simulated values per array at once in sii_many (2 MB: stays in cache)


class InequalityInputError(ValueError):
    """Input the methods cannot use; the message names what is wrong and where."""


class ValueType(StrEnum):
    """How an indicator's values are simulated for the SII (``phe_sii``'s ``value_type``)."""

    NORMAL = "normal"  # symmetric intervals, e.g. life expectancy
    RATE = "rate"  # drawn on the log scale
    PROPORTION = "proportion"  # drawn on the logit scale


@dataclass(frozen=True)
class Estimate:
    """A rate, proportion or DSR with its confidence limits, one entry per input row.

    ``method`` says per row how the limits were found: "byar", "exact", "wilson", "dobson", or
    "not calculated" (a DSR from fewer than 10 events, whose value and limits are NaN)."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    method: npt.NDArray[np.str_]
    confidence: float


@dataclass(frozen=True)
class SiiLimits:
    sii_lower: FloatArray
    sii_upper: FloatArray
    rii_lower: FloatArray
    rii_upper: FloatArray


@dataclass(frozen=True)
class SiiBatch:
    """The SII, RII and gap of each series, and their simulated limits by confidence level."""

    sii: FloatArray
    rii: FloatArray
    gap: FloatArray  # most deprived less least deprived
    limits: dict[float, SiiLimits]
    repetitions: int
    seed: int


@dataclass(frozen=True)
class SiiResult:
    """One series' SII, RII and gap, with limits by confidence level as (lower, upper)."""

    sii: float
    rii: float
    gap: float
    sii_limits: dict[float, tuple[float, float]]
    rii_limits: dict[float, tuple[float, float]]
    repetitions: int
    seed: int


# --- Checks -----------------------------------------------------------------------------------


def z_value(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level given as 0.9-1 or 90-100."""
    level = check_confidence(confidence)
    return float(stats.norm.ppf(level + (1 - level) / 2))


def check_confidence(confidence: float) -> float:
    """A confidence level as a fraction; 95 and 99.8 are read as 0.95 and 0.998."""
    level = float(confidence)
    if 90 <= level <= 100:
        level /= 100
    if not 0.9 <= level < 1:
        raise InequalityInputError(
            f"confidence level {confidence} must be between 0.9 and 1 (or 90 and 100)"
        )
    return level


def _array(values: npt.ArrayLike, name: str) -> FloatArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InequalityInputError(f"{name} must be numbers") from error
    return array


def _first(mask: BoolArray) -> str:
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    return "" if not index else "[" + ", ".join(str(i) for i in index) + "]"


def _check_counts(counts: FloatArray, name: str) -> None:
    bad = ~np.isfinite(counts)
    if bad.any():
        raise InequalityInputError(f"{name}{_first(bad)} is missing or not finite")
    negative = counts < 0
    if negative.any():
        where = _first(negative)
        raise InequalityInputError(
            f"{name}{where} is negative ({counts[negative][0]:g}): counts must be 0 or more"
        )


def _check_denominators(denominators: FloatArray, name: str) -> None:
    bad = ~np.isfinite(denominators)
    if bad.any():
        raise InequalityInputError(f"{name}{_first(bad)} is missing or not finite")
    empty = denominators <= 0
    if empty.any():
        raise InequalityInputError(
            f"{name}{_first(empty)} is {denominators[empty][0]:g}: {name} must be greater than zero"
        )


# --- Counts: Byar's and exact Poisson limits --------------------------------------------------


def byar_limits(counts: npt.ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation to the Poisson limits of observed counts (Breslow & Day 1987):
    lower = O(1 − 1/(9O) − z/(3√O))³, upper = (O+1)(1 − 1/(9(O+1)) + z/(3√(O+1)))³."""
    o = _array(counts, "counts")
    _check_counts(o, "counts")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    lower = np.where(o == 0, 0.0, lower)
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lower, upper


def exact_poisson_limits(
    counts: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson limits of observed counts (Armitage & Berry): χ²(α/2; 2O)/2 and
    χ²(1 − α/2; 2O + 2)/2; the lower limit of a count of 0 is 0."""
    o = _array(counts, "counts")
    _check_counts(o, "counts")
    level = check_confidence(confidence)
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(o == 0, 0.0, stats.chi2.ppf(alpha / 2, 2 * o) / 2)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def crude_rate(
    counts: npt.ArrayLike,
    populations: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    multiplier: float = 100_000,
) -> Estimate:
    """Events per ``multiplier`` people, with Byar's limits for counts of 10 or more and exact
    Poisson limits below (``phe_rate``)."""
    o = _array(counts, "counts")
    n = _array(populations, "populations")
    _check_counts(o, "counts")
    _check_denominators(n, "populations")
    o, n = np.broadcast_arrays(o, n)
    level = check_confidence(confidence)
    b_low, b_up = byar_limits(o, level)
    e_low, e_up = exact_poisson_limits(o, level)
    exact = o < EXACT_BELOW
    scale = multiplier / n
    return Estimate(
        value=o * scale,
        lower=np.where(exact, e_low, b_low) * scale,
        upper=np.where(exact, e_up, b_up) * scale,
        method=np.where(exact, "exact", "byar"),
        confidence=level,
    )


# --- Proportions: Wilson score ---------------------------------------------------------------


def wilson_limits(
    counts: npt.ArrayLike, denominators: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits of x out of n (Wilson 1927; Newcombe & Altman 2000):
    (2x + z² ∓ z√(z² + 4x(1 − x/n))) / (2(n + z²))."""
    x = _array(counts, "counts")
    n = _array(denominators, "denominators")
    _check_counts(x, "counts")
    _check_denominators(n, "denominators")
    x, n = np.broadcast_arrays(x, n)
    over = x > n
    if over.any():
        raise InequalityInputError(
            f"counts{_first(over)} is {x[over][0]:g}, more than its denominator "
            f"{n[over][0]:g}: a proportion cannot exceed 1"
        )
    z = z_value(confidence)
    root = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    lower = (2 * x + z**2 - root) / (2 * (n + z**2))
    upper = (2 * x + z**2 + root) / (2 * (n + z**2))
    # At x = 0 or x = n a limit is 0 or 1 exactly; keep rounding from putting it a hair inside.
    p = x / n
    return np.clip(np.minimum(lower, p), 0.0, 1.0), np.clip(np.maximum(upper, p), 0.0, 1.0)


def proportion(
    counts: npt.ArrayLike,
    denominators: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    multiplier: float = 1,
) -> Estimate:
    """x out of n (times ``multiplier``, 100 for a percentage), with Wilson score limits
    (``phe_proportion``)."""
    lower, upper = wilson_limits(counts, denominators, confidence)
    x, n = np.broadcast_arrays(_array(counts, "counts"), _array(denominators, "denominators"))
    return Estimate(
        value=x / n * multiplier,
        lower=lower * multiplier,
        upper=upper * multiplier,
        method=np.full(x.shape, "wilson"),
        confidence=check_confidence(confidence),
    )


# --- Directly standardised rates: ESP2013 and Dobson -----------------------------------------


def dsr(
    counts: npt.ArrayLike,
    populations: npt.ArrayLike,
    *,
    standard: Sequence[float] = ESP2013,
    confidence: float = 0.95,
    multiplier: float = 100_000,
) -> Estimate:
    """Directly standardised rates, one per row of ``counts`` (rows × age bands, the bands in
    the order of ``standard``), with Dobson's limits (Dobson et al. 1991) built on Byar's.

    DSR = Σ wᵢ xᵢ/nᵢ / Σ wᵢ; var = Σ xᵢ (wᵢ/nᵢ)² / (Σ wᵢ)²; each limit is
    DSR + √(var/O) × (Byar's limit of O − O), O the total count. Rows with O < 10 are not
    calculated (NaN), as ``phe_dsr``."""
    x = _array(counts, "counts")
    n = _array(populations, "populations")
    w = _array(standard, "standard population")
    if x.shape != n.shape:
        raise InequalityInputError(
            f"counts have shape {x.shape} but populations {n.shape}: one count per population"
        )
    if x.ndim == 0 or x.shape[-1] != w.shape[0]:
        raise InequalityInputError(
            f"each row needs {w.shape[0]} age bands, one per band of the standard population; "
            f"got {x.shape[-1] if x.ndim else 0}"
        )
    _check_counts(x, "counts")
    bad = ~np.isfinite(n) | (n <= 0)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        band = ESP2013_BANDS[index[-1]] if w.shape[0] == len(ESP2013_BANDS) else index[-1]
        row = f"row {index[0]}, " if len(index) > 1 else ""
        raise InequalityInputError(
            f"populations: {row}age band {band} has a population of {n[bad][0]:g}; "
            "every age band needs a population greater than zero"
        )
    if (w < 0).any() or w.sum() <= 0:
        raise InequalityInputError("the standard population must be positive")
    level = check_confidence(confidence)
    total = w.sum()
    value = (x * w / n).sum(axis=-1) / total
    variance = (x * (w / n) ** 2).sum(axis=-1) / total**2
    observed = x.sum(axis=-1)
    low, up = byar_limits(observed, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(variance / observed)
    shown = observed >= DSR_MIN_COUNT
    nan = np.float64(np.nan)
    return Estimate(
        value=np.where(shown, value * multiplier, nan),
        lower=np.where(shown, (value + spread * (low - observed)) * multiplier, nan),
        upper=np.where(shown, (value + spread * (up - observed)) * multiplier, nan),
        method=np.where(shown, "dobson", "not calculated"),
        confidence=level,
    )


# --- Slope and relative index of inequality --------------------------------------------------


def quantile_word(count: int) -> str:
    return {5: "quintile", 10: "decile"}.get(count, "quantile")


def relative_ranks(populations: npt.ArrayLike) -> FloatArray:
    """Each quantile's relative rank: the midpoint of its slice of the cumulative population
    share, quantiles in order from the most deprived. Works along the last axis."""
    p = _array(populations, "populations")
    share = p / p.sum(axis=-1, keepdims=True)
    return np.asarray(np.cumsum(share, axis=-1) - share / 2, dtype=np.float64)


def standard_errors_from_limits(
    lower: npt.ArrayLike, upper: npt.ArrayLike, value_type: ValueType | str = ValueType.NORMAL
) -> FloatArray:
    """Standard errors from 95 % limits, on the scale the SII simulates (``phe_sii``):
    (T(upper) − T(lower)) / (2 × 1.96), T the log for rates and the logit for proportions."""
    kind = ValueType(value_type)
    lo = _array(lower, "lower limits")
    up = _array(upper, "upper limits")
    t_lo, t_up = _transform(lo, kind, "lower limits"), _transform(up, kind, "upper limits")
    return np.asarray((t_up - t_lo) / (2 * z_value(SE_CONFIDENCE)), dtype=np.float64)


def _transform(values: FloatArray, kind: ValueType, name: str) -> FloatArray:
    if kind is ValueType.RATE:
        if (values <= 0).any():
            raise InequalityInputError(f"{name}{_first(values <= 0)} must be above 0 for a rate")
        return np.log(values)
    if kind is ValueType.PROPORTION:
        outside = (values <= 0) | (values >= 1)
        if outside.any():
            raise InequalityInputError(
                f"{name}{_first(outside)} is {values[outside][0]:g}: a proportion must be "
                "between 0 and 1 (exclusive) for the SII's logit scale"
            )
        return np.log(values / (1 - values))
    return values


def _back(values: FloatArray, kind: ValueType) -> FloatArray:
    if kind is ValueType.RATE:
        return np.exp(values, out=values)
    if kind is ValueType.PROPORTION:
        # exp(y)/(1 + exp(y)), written as 1/(1 + exp(−y)) so large y do not overflow.
        np.negative(values, out=values)
        np.exp(values, out=values)
        values += 1
        return np.reciprocal(values, out=values)
    return values


def limit_positions(repetitions: int, confidence: float) -> tuple[int, int]:
    """``phe_sii``'s 1-based positions in the sorted simulations of the lower and upper limit:
    round(R × (1 − c)) and round(R × c), c = level + (1 − level)/2, as 0-based indexes."""
    level = check_confidence(confidence)
    critical = level + (1 - level) / 2
    low = max(round(repetitions * (1 - critical)), 1)
    high = min(max(round(repetitions * critical), 1), repetitions)
    return low - 1, high - 1


def _check_sii_inputs(
    values: FloatArray, populations: FloatArray, standard_errors: FloatArray
) -> None:
    if values.ndim != 2:
        raise InequalityInputError(
            "values must be a table: one row per series, one column per quantile"
        )
    for name, array in (("populations", populations), ("standard errors", standard_errors)):
        if array.shape != values.shape:
            raise InequalityInputError(
                f"{name} have shape {array.shape} but values {values.shape}: "
                "one per series and quantile"
            )
    q = values.shape[1]
    word = quantile_word(q)
    if not MIN_QUANTILES <= q <= MAX_QUANTILES:
        raise InequalityInputError(
            f"the SII needs between {MIN_QUANTILES} and {MAX_QUANTILES} quantiles; got {q}"
        )
    for name, array, rule in (
        ("value", values, None),
        ("population", populations, "a population of {v:g}: every {w} needs people"),
        ("standard error", standard_errors, "a negative standard error ({v:g})"),
    ):
        missing = ~np.isfinite(array)
        if missing.any():
            s, k = (int(i) for i in np.argwhere(missing)[0])
            raise InequalityInputError(f"series {s}: {word} {k + 1} has no {name}")
        if rule is None:
            continue
        bad = array <= 0 if name == "population" else array < 0
        if bad.any():
            s, k = (int(i) for i in np.argwhere(bad)[0])
            message = rule.format(v=array[s, k], w=word)
            raise InequalityInputError(f"series {s}: {word} {k + 1} has {message}")


def regression_weights(populations: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per series, weights c and d with SII = Σ cᵢyᵢ and intercept = Σ dᵢyᵢ: the weighted
    least-squares fit of y on the relative rank b with weights a (population shares),
    slope = Σ aᵢ(bᵢ − b̄)yᵢ / Σ aᵢ(bᵢ − b̄)², intercept = Σ aᵢyᵢ − slope × b̄, b̄ = Σ aᵢbᵢ."""
    a = populations / populations.sum(axis=1, keepdims=True)
    b = relative_ranks(populations)
    mean_b = (a * b).sum(axis=1, keepdims=True)
    spread = (a * (b - mean_b) ** 2).sum(axis=1, keepdims=True)
    c = a * (b - mean_b) / spread
    d = a - c * mean_b
    return c, d


def sii_many(
    values: npt.ArrayLike,
    populations: npt.ArrayLike,
    standard_errors: npt.ArrayLike,
    *,
    value_type: ValueType | str = ValueType.NORMAL,
    confidence: Sequence[float] = (0.95, 0.998),
    repetitions: int = DEFAULT_REPETITIONS,
    seed: int = 0,
    rii_limits: bool = True,
) -> SiiBatch:
    """The SII, RII and gap of many series at once (rows: series; columns: quantiles from the
    most deprived, 1, to the least), with simulated limits at each confidence level.

    ``standard_errors`` are on the simulation's scale: the log of a rate, the logit of a
    proportion (``standard_errors_from_limits`` turns 95 % limits into them). Without
    ``rii_limits`` (``phe_sii``'s ``rii = FALSE``) the RII's limits are NaN and the call takes
    about half the time; the SII's limits are the same either way."""
    kind = ValueType(value_type)
    y = _array(values, "values")
    p = _array(populations, "populations")
    se = _array(standard_errors, "standard errors")
    _check_sii_inputs(y, p, se)
    if repetitions < MIN_REPETITIONS:
        raise InequalityInputError(
            f"repetitions must be {MIN_REPETITIONS} or more (phe_sii's minimum); got {repetitions}"
        )
    levels = [check_confidence(c) for c in confidence]
    centre = _transform(y, kind, "values")
    c, d = regression_weights(p)
    slope = (c * y).sum(axis=1)
    intercept = (d * y).sum(axis=1)

    n, q = y.shape
    draws = np.random.default_rng(seed).standard_normal((q, repetitions))
    positions = {lv: limit_positions(repetitions, lv) for lv in levels}
    found = {lv: np.empty((4, n)) for lv in levels}
    step = max(1, _CHUNK // repetitions)
    for start in range(0, n, step):
        rows = slice(start, min(start + step, n))
        size = rows.stop - rows.start
        sim_slope = np.zeros((size, repetitions))
        sim_icpt = np.zeros((size, repetitions)) if rii_limits else sim_slope
        drawn = np.empty((size, repetitions))
        for k in range(q):
            np.multiply(se[rows, k, None], draws[k], out=drawn)
            drawn += centre[rows, k, None]
            _back(drawn, kind)
            sim_slope += c[rows, k, None] * drawn
            if rii_limits:
                sim_icpt += d[rows, k, None] * drawn
        if rii_limits:
            # The RII of each simulation, fitted(1) / fitted(0), in place of the intercepts.
            with np.errstate(divide="ignore", invalid="ignore"):
                np.divide(sim_slope, sim_icpt, out=sim_icpt)
            sim_icpt += 1
            sim_icpt.sort(axis=1)
        # Sorting whole rows is several times faster than selecting a few order statistics
        # (NumPy sorts with SIMD instructions; its selection does not).
        sim_slope.sort(axis=1)
        for lv, (lo, hi) in positions.items():
            out = found[lv]
            out[0, rows] = sim_slope[:, lo]
            out[1, rows] = sim_slope[:, hi]
            out[2, rows] = sim_icpt[:, lo] if rii_limits else np.nan
            out[3, rows] = sim_icpt[:, hi] if rii_limits else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        rii = (intercept + slope) / intercept
    return SiiBatch(
        sii=slope,
        rii=rii,
        gap=y[:, 0] - y[:, -1],
        limits={lv: SiiLimits(*found[lv]) for lv in levels},
        repetitions=repetitions,
        seed=seed,
    )


def sii(
    values: Sequence[float],
    populations: Sequence[float],
    standard_errors: Sequence[float],
    *,
    quantiles: Sequence[int] | None = None,
    n_quantiles: int | None = None,
    value_type: ValueType | str = ValueType.NORMAL,
    confidence: Sequence[float] = (0.95, 0.998),
    repetitions: int = DEFAULT_REPETITIONS,
    seed: int = 0,
    rii_limits: bool = True,
) -> SiiResult:
    """One series' SII, RII and gap. ``quantiles`` labels the entries (1 most deprived … q
    least); every quantile from 1 to ``n_quantiles`` (or the highest label) must be there once.
    """
    if quantiles is not None:
        labels = [int(k) for k in quantiles]
        if len(labels) != len(values):
            raise InequalityInputError(
                f"{len(labels)} quantile labels for {len(values)} values: one label per value"
            )
        expected = n_quantiles or max(labels, default=0)
        word = quantile_word(expected)
        for label in labels:
            if labels.count(label) > 1:
                raise InequalityInputError(f"{word} {label} appears more than once")
            if not 1 <= label <= expected:
                raise InequalityInputError(f"{word} {label} is not between 1 and {expected}")
        for label in range(1, expected + 1):
            if label not in labels:
                raise InequalityInputError(f"{word} {label} is missing")
        order = sorted(range(len(labels)), key=labels.__getitem__)
        values = [values[i] for i in order]
        populations = [populations[i] for i in order]
        standard_errors = [standard_errors[i] for i in order]
    elif n_quantiles is not None and len(values) != n_quantiles:
        word = quantile_word(n_quantiles)
        raise InequalityInputError(
            f"{len(values)} values for {n_quantiles} {word}s: a {word} is missing"
        )
    batch = sii_many(
        [values],
        [populations],
        [standard_errors],
        value_type=value_type,
        confidence=confidence,
        repetitions=repetitions,
        seed=seed,
        rii_limits=rii_limits,
    )
    return SiiResult(
        sii=float(batch.sii[0]),
        rii=float(batch.rii[0]),
        gap=float(batch.gap[0]),
        sii_limits={
            lv: (float(lim.sii_lower[0]), float(lim.sii_upper[0]))
            for lv, lim in batch.limits.items()
        },
        rii_limits={
            lv: (float(lim.rii_lower[0]), float(lim.rii_upper[0]))
            for lv, lim in batch.limits.items()
        },
        repetitions=repetitions,
        seed=seed,
    )
