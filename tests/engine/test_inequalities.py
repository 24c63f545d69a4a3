"""Inequality statistics the Fingertips way (PHEindicatormethods): hand-worked cases, the fast
engine against the slow reference, and invariants.

The counts 65, 1045 and 1 (Byar's) and 65/100, 1045/5000 and 0.445/1 (Wilson) are the cases in
PHEindicatormethods' own tests (tests/testthat/testByars.R and testWilson.R, expected values in
its testdata_Byars_Wilson.xlsx, which is not readable here), so each is worked by hand below.
The SII example data is phe_sii's own documented example (R/SII_function.R, "Area1").
z for 95 % is 1.959964, for 99.8 % 3.090232.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from footprint.engine import inequalities as ie
from footprint.engine.reference import inequalities as ref

Z95 = 1.959964

# phe_sii's documented example, Area1: life expectancy by deprivation decile with its SEs.
AREA1_POP = [7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534]
AREA1_LE = [75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3]
AREA1_SE = [1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57]


# --- Byar's and exact Poisson -----------------------------------------------------------------


def test_byar_for_65_by_hand():
    """PHEindicatormethods' Byar case O = 65 at 95 %:
    lower = 65 × (1 − 1/585 − 1.959964/(3√65))³ = 65 × (1 − 0.0017094 − 0.0810345)³
          = 65 × 0.9172561³ = 65 × 0.7717436 = 50.1633;
    upper = 66 × (1 − 1/594 + 1.959964/(3√66))³ = 66 × (1 − 0.0016835 + 0.0804183)³
          = 66 × 1.0787348³ = 66 × 1.2552896 = 82.849.
    Byar's approximates the exact Poisson limits, which scipy gives independently."""
    lower, upper = ie.byar_limits(65)
    assert float(lower) == pytest.approx(50.1632, abs=1e-3)
    assert float(upper) == pytest.approx(82.8491, abs=1e-3)
    assert float(lower) == pytest.approx(stats.chi2.ppf(0.025, 130) / 2, rel=2e-3)
    assert float(upper) == pytest.approx(stats.chi2.ppf(0.975, 132) / 2, rel=2e-3)


def test_byar_matches_the_reference_at_both_levels():
    """PHEindicatormethods' Byar cases 65, 1045 and 1 (95 %) and 65, 1045 and 10 (99.8 %)."""
    for level, counts in ((0.95, [65, 1045, 1]), (0.998, [65, 1045, 10])):
        lower, upper = ie.byar_limits(counts, level)
        for o, lo, up in zip(counts, lower, upper, strict=True):
            assert (lo, up) == pytest.approx(ref.byar(o, level), rel=1e-12)
    # 99.8 % given as a percentage means the same.
    assert ie.byar_limits(65, 99.8)[0] == pytest.approx(ie.byar_limits(65, 0.998)[0])


def test_exact_poisson_limits_of_small_counts_by_hand():
    """For 0 events the upper 95 % limit is the mean at which P(0) = e^−μ = 0.025: μ = ln 40 =
    3.68888. For 1 event the lower limit is where P(X ≥ 1) = 1 − e^−μ = 0.025: μ = −ln 0.975
    = 0.025318. Per 100,000 of a population of 100,000 these are the rate limits."""
    result = ie.crude_rate([0, 1], [100_000, 100_000])
    assert list(result.method) == ["exact", "exact"]
    assert result.lower[0] == 0
    assert result.upper[0] == pytest.approx(math.log(40), rel=1e-9)
    assert result.lower[1] == pytest.approx(-math.log(0.975), rel=1e-9)


def test_crude_rate_switches_from_exact_to_byar_at_ten_as_phe_rate_does():
    """phe_rate: counts below 10 get exact limits, 10 and above Byar's. The reference finds the
    exact ones by bisection on the Poisson distribution, not from the chi-squared."""
    counts = [0, 1, 5, 9, 10, 65, 1045]
    for level in (0.95, 0.998):
        fast = ie.crude_rate(counts, [20_000] * len(counts), confidence=level)
        for i, count in enumerate(counts):
            value, lower, upper, method = ref.crude_rate(count, 20_000, level)
            assert fast.method[i] == method == ("exact" if count < 10 else "byar")
            assert fast.value[i] == pytest.approx(value)
            assert fast.lower[i] == pytest.approx(lower, rel=1e-9, abs=1e-12)
            assert fast.upper[i] == pytest.approx(upper, rel=1e-9)


# --- Wilson -----------------------------------------------------------------------------------


def test_wilson_for_65_of_100_by_hand():
    """2x + z² = 133.841459; 4x(1 − x/n) = 91; z√(z² + 91) = 1.959964 × 9.738658 = 19.087430;
    lower = (133.841459 − 19.087430) / (2 × 103.841459) = 0.552544;
    upper = (133.841459 + 19.087430) / 207.682918 = 0.736358."""
    result = ie.proportion(65, 100)
    assert float(result.value) == 0.65
    assert float(result.lower) == pytest.approx(0.552544, abs=1e-6)
    assert float(result.upper) == pytest.approx(0.736358, abs=1e-6)
    percent = ie.proportion(65, 100, multiplier=100)
    assert float(percent.lower) == pytest.approx(55.2544, abs=1e-4)


def test_wilson_matches_the_reference_on_phes_cases():
    """PHEindicatormethods' Wilson cases 65/100, 1045/5000 and 0.445/1 at 95 % and 99.8 %; the
    reference uses the centre-and-half-width form of the same interval."""
    for level in (0.95, 0.998):
        result = ie.proportion([65, 1045, 0.445], [100, 5000, 1], confidence=level)
        for i, (x, n) in enumerate([(65, 100), (1045, 5000), (0.445, 1)]):
            _, lower, upper = ref.wilson(x, n, level)
            assert result.lower[i] == pytest.approx(lower, rel=1e-9)
            assert result.upper[i] == pytest.approx(upper, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=10**6).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    st.sampled_from([0.95, 0.998]),
)
def test_wilson_limits_lie_in_0_to_1_and_contain_the_proportion(case, level):
    x, n = case
    result = ie.proportion(x, n, confidence=level)
    assert 0 <= float(result.lower) <= float(result.value) <= float(result.upper) <= 1


# --- DSR --------------------------------------------------------------------------------------


def test_esp2013_is_the_published_standard():
    """The 2013 European Standard Population: 19 bands, 0-4 … 90+, totalling 100,000."""
    assert len(ie.ESP2013) == len(ie.ESP2013_BANDS) == 19
    assert sum(ie.ESP2013) == 100_000
    assert ie.ESP2013[:4] == (5000, 5500, 5500, 5500)
    assert ie.ESP2013[-4:] == (4000, 2500, 1500, 1000)
    assert ie.ESP2013_BANDS[0] == "0-4" and ie.ESP2013_BANDS[-1] == "90+"


def test_dsr_of_two_bands_by_hand():
    """Standard weights 60,000 and 40,000; 20 events in 10,000 and 30 in 5,000.
    DSR = (60,000 × 0.002 + 40,000 × 0.006) / 100,000 = 0.0036: 360 per 100,000.
    var = (20 × 6² + 30 × 8²) / 100,000² = 2,640 / 10¹⁰ = 2.64e-7; O = 50; √(var/O) = 7.2664e-5.
    Byar's for 50: lower 50 × (1 − 1/450 − 1.959964/(3√50))³ = 50 × 0.9053842³ = 37.1081,
    upper 51 × (1 − 1/459 + 1.959964/(3√51))³ = 51 × 1.0893046³ = 65.9202.
    lower = 0.0036 + 7.26636e-5 × (37.1081 − 50) = 0.00266323: 266.32 per 100,000;
    upper = 0.0036 + 7.26636e-5 × (65.9202 − 50) = 0.00475682: 475.68 per 100,000."""
    result = ie.dsr([20, 30], [10_000, 5_000], standard=[60_000, 40_000])
    assert float(result.value) == pytest.approx(360)
    assert float(result.lower) == pytest.approx(266.32, abs=0.01)
    assert float(result.upper) == pytest.approx(475.68, abs=0.01)
    assert result.method.item() == "dobson"


def test_dsr_matches_the_reference_on_phes_test_population():
    """The counts and populations of the documented example of an early phe_dsr in
    PHEindicatormethods (R/phe_DSR.R, testobs and testpop, run there at 99.8 %); a second row
    doubles the counts. Rows are areas, columns the ESP2013 bands."""
    pop = [84935, 80367, 72122, 79259, 99806, 87362, 81579, 71103, 70001, 69007,
           63203, 52638, 46087, 40887, 32604, 28399, 21625, 13021, 7355]  # fmt: skip
    obs = [27, 45, 55, 100, 125, 300, 295, 270, 275, 450,
           455, 459, 345, 300, 270, 265, 100, 90, 35]  # fmt: skip
    for level in (0.95, 0.998):
        fast = ie.dsr([obs, [o * 2 for o in obs]], [pop, pop], confidence=level)
        for row, counts in enumerate([obs, [o * 2 for o in obs]]):
            want = ref.dsr(counts, pop, ie.ESP2013, level)
            assert want is not None
            got = (fast.value[row], fast.lower[row], fast.upper[row])
            assert got == pytest.approx(want, rel=1e-12)


def test_dsr_is_not_calculated_below_ten_events():
    """phe_dsr: 'When the total count is < 10 DSRs are not reliable and will therefore not be
    calculated'."""
    counts = [0] * 18 + [9]
    result = ie.dsr(counts, [1000] * 19)
    assert math.isnan(float(result.value)) and math.isnan(float(result.lower))
    assert result.method.item() == "not calculated"
    assert ref.dsr(counts, [1000] * 19, ie.ESP2013) is None


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=500), min_size=19, max_size=19),
    st.floats(min_value=0.01, max_value=50),
)
def test_dsr_of_a_population_shaped_like_the_standard_is_the_crude_rate(counts, scale):
    populations = [w * scale for w in ie.ESP2013]
    result = ie.dsr(counts, populations)
    if sum(counts) < 10:
        assert math.isnan(float(result.value))
        return
    crude = ie.crude_rate(sum(counts), sum(populations))
    assert float(result.value) == pytest.approx(float(crude.value), rel=1e-9)
    assert float(result.lower) <= float(result.value) <= float(result.upper)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=300), min_size=19, max_size=19),
    st.lists(st.integers(min_value=50, max_value=20_000), min_size=19, max_size=19),
    st.integers(min_value=2, max_value=20),
)
def test_scaling_counts_and_populations_together_leaves_rates_alone(counts, populations, k):
    before = ie.dsr(counts, populations)
    after = ie.dsr([c * k for c in counts], [p * k for p in populations])
    assert float(after.value) == pytest.approx(float(before.value), rel=1e-9, nan_ok=True)
    crude = ie.crude_rate(counts, populations)
    crude_k = ie.crude_rate([c * k for c in counts], [p * k for p in populations])
    assert crude_k.value == pytest.approx(crude.value, rel=1e-12)
    # More people, same rate: the interval can only narrow.
    assert np.all(crude_k.upper - crude_k.lower <= crude.upper - crude.lower + 1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from([0.95, 0.998]),
)
def test_rate_intervals_contain_the_rate(count, population, level):
    result = ie.crude_rate(count, population, confidence=level)
    assert 0 <= float(result.lower) <= float(result.value) <= float(result.upper)


# --- SII and RII ------------------------------------------------------------------------------


def test_relative_ranks_as_phe_sii_describes_them():
    """phe_sii's documentation: a decile with 12 % of the population has relative rank
    0.12/2 = 0.06; the next, with 10 %, 0.12 + 0.10/2 = 0.17."""
    ranks = ie.relative_ranks([12, 10, 8, 10, 10, 10, 10, 10, 10, 10])
    assert ranks[:2] == pytest.approx([0.06, 0.17])
    assert ranks[-1] == pytest.approx(0.95)


def test_sii_of_a_straight_gradient_by_hand():
    """Five equal quintiles sit at ranks 0.1, 0.3, 0.5, 0.7, 0.9. Values 12, 16, 20, 24, 28 lie
    on y = 10 + 20 × rank, so the SII (fitted at rank 1 less fitted at rank 0) is 20, the RII
    30 / 10 = 3, and the gap (most deprived less least deprived) 12 − 28 = −16."""
    result = ie.sii([12, 16, 20, 24, 28], [1000] * 5, [0.5] * 5, repetitions=1000)
    assert result.sii == pytest.approx(20)
    assert result.rii == pytest.approx(3)
    assert result.gap == pytest.approx(-16)
    low, high = result.sii_limits[0.95]
    assert low < 20 < high


def test_sii_on_phe_siis_documented_example_against_weighted_least_squares():
    """phe_sii's example Area1 (deciles of life expectancy). The point estimate is phe_sii's
    lm(yvals ~ sqrt_a + b_sqrt_a − 1), solved here independently with numpy's least squares;
    the fast engine and the reference agree with it and with each other."""
    a = np.array(AREA1_POP) / sum(AREA1_POP)
    b = ie.relative_ranks(AREA1_POP)
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])
    (b0, b1), *_ = np.linalg.lstsq(design, np.sqrt(a) * np.array(AREA1_LE), rcond=None)
    fast = ie.sii(AREA1_LE, AREA1_POP, AREA1_SE, repetitions=1000, seed=5)
    slow = ref.sii(AREA1_LE, AREA1_POP, AREA1_SE, repetitions=1000, seed=5)
    assert fast.sii == pytest.approx(b1, rel=1e-12) == slow["sii"]
    assert fast.rii == pytest.approx((b0 + b1) / b0, rel=1e-12)
    assert fast.sii == pytest.approx(7.0002, abs=1e-4)  # years, least less most deprived
    assert fast.gap == pytest.approx(75.9 - 86.3)


@pytest.mark.parametrize(
    ("value_type", "values", "errors"),
    [
        ("normal", AREA1_LE, AREA1_SE),
        ("rate", [820.0, 700.0, 610.0, 540.0, 480.0], [0.05, 0.06, 0.05, 0.07, 0.06]),
        ("proportion", [0.31, 0.27, 0.22, 0.2, 0.15], [0.08, 0.09, 0.1, 0.1, 0.12]),
    ],
)
def test_fast_and_reference_agree_draw_for_draw_with_the_same_seed(value_type, values, errors):
    """Both draw their standard normals from one generator seeded alike, quantile by
    repetition, so the simulated limits agree to rounding, at both confidence levels."""
    pops = [5000 + 300 * i for i in range(len(values))]
    fast = ie.sii(values, pops, errors, value_type=value_type, repetitions=1000, seed=11)
    slow = ref.sii(values, pops, errors, value_type=value_type, repetitions=1000, seed=11)
    assert fast.sii == pytest.approx(slow["sii"], rel=1e-12)
    assert fast.rii == pytest.approx(slow["rii"], rel=1e-12)
    for level in (0.95, 0.998):
        lo, hi, rlo, rhi = slow["limits"][level]  # type: ignore[index]
        assert fast.sii_limits[level] == pytest.approx((lo, hi), rel=1e-9)
        assert fast.rii_limits[level] == pytest.approx((rlo, rhi), rel=1e-9)


def test_many_series_each_get_the_same_answer_as_alone():
    """A series' SII and limits do not depend on which other series share the batch."""
    rng = np.random.default_rng(3)
    values = rng.uniform(100, 900, (6, 5))
    pops = rng.uniform(1000, 9000, (6, 5))
    errors = rng.uniform(0.02, 0.2, (6, 5))
    batch = ie.sii_many(values, pops, errors, value_type="rate", repetitions=1000, seed=9)
    for s in range(6):
        alone = ie.sii(
            list(values[s]),
            list(pops[s]),
            list(errors[s]),
            value_type="rate",
            repetitions=1000,
            seed=9,
        )
        assert batch.sii[s] == alone.sii
        assert (batch.limits[0.95].sii_lower[s], batch.limits[0.95].sii_upper[s]) == (
            alone.sii_limits[0.95]
        )


def test_leaving_out_the_rii_limits_leaves_the_sii_limits_alone():
    """phe_sii's rii = FALSE: the SII and its limits are the same; the RII's limits are NaN."""
    both = ie.sii(AREA1_LE, AREA1_POP, AREA1_SE, repetitions=1000, seed=4)
    sii_only = ie.sii(AREA1_LE, AREA1_POP, AREA1_SE, repetitions=1000, seed=4, rii_limits=False)
    assert sii_only.sii_limits == both.sii_limits
    assert sii_only.rii == both.rii
    assert all(math.isnan(x) for pair in sii_only.rii_limits.values() for x in pair)


def test_simulated_limits_match_their_sampling_distribution():
    """For values drawn from normal distributions the simulated SII is exactly normal: the SII
    ± z × √Σ(cᵢ seᵢ)², cᵢ the regression weights. Over 200 series with 10,000 repetitions the
    simulated 95 % limits sit within Monte Carlo error of those (the 2.5th percentile of
    10,000 draws has a standard error of about 0.03 sd), and on average on them."""
    rng = np.random.default_rng(8)
    values = rng.uniform(70, 85, (200, 10))
    pops = rng.uniform(3000, 9000, (200, 10))
    errors = rng.uniform(0.5, 2.5, (200, 10))
    batch = ie.sii_many(values, pops, errors, repetitions=10_000, seed=1, confidence=(0.95,))
    c, _ = ie.regression_weights(pops)
    sd = np.sqrt(((c * errors) ** 2).sum(axis=1))
    lower = (batch.limits[0.95].sii_lower - batch.sii) / sd
    upper = (batch.limits[0.95].sii_upper - batch.sii) / sd
    assert np.all(np.abs(lower + Z95) < 0.15) and np.all(np.abs(upper - Z95) < 0.15)
    # One shared set of draws makes the errors alike across series; different seeds differ.
    means = []
    for seed in range(8):
        other = ie.sii_many(values[:20], pops[:20], errors[:20], repetitions=2000, seed=seed)
        means.append(np.mean((other.limits[0.95].sii_upper - other.sii) / sd[:20]))
    assert np.mean(means) == pytest.approx(Z95, abs=0.05)


@settings(max_examples=30, deadline=None)
@given(
    st.floats(min_value=0.01, max_value=1000),
    st.lists(st.integers(min_value=1, max_value=100_000), min_size=5, max_size=10),
    st.floats(min_value=0.001, max_value=0.5),
)
def test_sii_of_a_flat_gradient_is_zero(level, pops, se):
    result = ie.sii([level] * len(pops), pops, [se] * len(pops), repetitions=1000)
    assert result.sii == pytest.approx(0, abs=1e-9 * level)
    assert result.rii == pytest.approx(1)
    assert result.gap == 0


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(min_value=1, max_value=1000), min_size=5, max_size=10),
    st.lists(st.integers(min_value=1, max_value=100_000), min_size=10, max_size=10),
    st.integers(min_value=2, max_value=1000),
    st.integers(min_value=0, max_value=2**32),
)
def test_sii_ignores_the_populations_scale_and_its_limits_hold_it(values, pops, k, seed):
    pops = pops[: len(values)]
    errors = [0.05 * v for v in values]
    one = ie.sii(values, pops, errors, repetitions=1000, seed=seed, confidence=(0.998,))
    scaled = ie.sii(
        values, [p * k for p in pops], errors, repetitions=1000, seed=seed, confidence=(0.998,)
    )
    assert scaled.sii == pytest.approx(one.sii, rel=1e-9, abs=1e-9)
    low, high = one.sii_limits[0.998]
    assert low <= one.sii <= high


# --- Bad input --------------------------------------------------------------------------------


def test_a_missing_quintile_is_named():
    with pytest.raises(ie.InequalityInputError, match="quintile 3 is missing"):
        ie.sii([1, 2, 4, 5], [10] * 4, [0.1] * 4, quantiles=[1, 2, 4, 5], n_quantiles=5)
    with pytest.raises(ie.InequalityInputError, match="4 values for 5 quintiles"):
        ie.sii([1, 2, 4, 5], [10] * 4, [0.1] * 4, n_quantiles=5)
    with pytest.raises(ie.InequalityInputError, match="series 1: quintile 3 has no value"):
        ie.sii_many([[1, 2, 3, 4, 5], [1, 2, np.nan, 4, 5]], [[9] * 5] * 2, [[0.1] * 5] * 2)
    with pytest.raises(ie.InequalityInputError, match="decile 4 appears more than once"):
        ie.sii(
            [1] * 10,
            [10] * 10,
            [0.1] * 10,
            quantiles=[1, 2, 3, 4, 4, 5, 6, 7, 8, 9],
            n_quantiles=10,
        )


def test_a_population_of_zero_is_named():
    with pytest.raises(ie.InequalityInputError, match="series 0: quintile 2 has a population of 0"):
        ie.sii([1, 2, 3, 4, 5], [10, 0, 10, 10, 10], [0.1] * 5)
    with pytest.raises(ie.InequalityInputError, match="age band 90\\+ has a population of 0"):
        ie.dsr([1] * 19, [100] * 18 + [0])
    with pytest.raises(ie.InequalityInputError, match="populations\\[2\\] is 0"):
        ie.crude_rate([1, 2, 3], [10, 10, 0])


def test_negative_counts_are_named():
    with pytest.raises(ie.InequalityInputError, match="counts\\[1\\] is negative \\(-3\\)"):
        ie.crude_rate([5, -3], [100, 100])
    with pytest.raises(ie.InequalityInputError, match="counts\\[0, 2\\] is negative"):
        ie.dsr([[1, 1, -1] + [1] * 16], [[100] * 19])
    with pytest.raises(ie.InequalityInputError, match="counts\\[0\\] is negative"):
        ie.proportion([-1], [10])


def test_other_bad_input_is_refused_with_its_reason():
    cases = [
        (lambda: ie.proportion(11, 10), "more than its denominator 10"),
        (lambda: ie.crude_rate(5, 100, confidence=0.5), "confidence level 0.5"),
        (lambda: ie.sii([1, 2, 3], [1, 1, 1], [0.1] * 3), "between 5 and 100 quantiles; got 3"),
        (lambda: ie.sii([1] * 5, [1] * 5, [0.1] * 5, repetitions=10), "1000 or more"),
        (lambda: ie.sii([1] * 5, [1] * 5, [-0.1] * 5), "negative standard error"),
        (
            lambda: ie.sii([0.5, 1.2, 0.3, 0.2, 0.1], [1] * 5, [0.1] * 5, value_type="proportion"),
            "between 0 and 1",
        ),
        (lambda: ie.sii([0, 1, 2, 3, 4], [1] * 5, [0.1] * 5, value_type="rate"), "above 0"),
        (lambda: ie.dsr([1] * 18, [1] * 18), "19 age bands"),
    ]
    for call, message in cases:
        with pytest.raises(ie.InequalityInputError, match=message):
            call()


def test_standard_errors_from_95_percent_limits():
    """phe_sii: se = (T(upper) − T(lower)) / (2 × 1.96): for a rate of 100 with limits 80 and
    125, (ln 125 − ln 80) / 3.919928 = 0.446287 / 3.919928 = 0.113850."""
    se = ie.standard_errors_from_limits([80, 70], [125, 90], "rate")
    assert se[0] == pytest.approx(0.113850, abs=1e-6)
    assert ie.standard_errors_from_limits([70], [90])[0] == pytest.approx(20 / (2 * Z95), rel=1e-6)
