"""Population arithmetic a public-health analyst can check by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import population as pop
from footprint.engine.reference import population as ref

counts_strategy = st.lists(st.integers(0, 50_000), min_size=pop.AGES, max_size=pop.AGES)


def flat(n: int) -> list[int]:
    return [n] * pop.AGES


def test_pyramid_bands_of_a_flat_population():
    rows = pop.pyramid(flat(10), flat(20))
    assert len(rows) == 19
    assert rows[0] == pop.PyramidRow("0–4", 50, 100)
    assert rows[17] == pop.PyramidRow("85–89", 50, 100)
    assert rows[18] == pop.PyramidRow("90+", 10, 20)


def test_summary_of_a_flat_population():
    s = pop.summarise(flat(10), flat(10))
    assert s.total == 1820
    assert (s.female, s.male) == (910, 910)
    assert s.under_18 == 18 * 20
    assert s.aged_18_64 == 47 * 20
    assert s.aged_65_plus == 26 * 20
    assert s.aged_85_plus == 6 * 20
    assert s.median_age == pytest.approx(45.5)
    assert s.share_65_plus == pytest.approx(520 / 1820)
    assert s.old_age_dependency == pytest.approx(520 / 940)


def test_median_interpolates_within_the_year():
    counts = [0] * pop.AGES
    counts[30] = 100
    counts[40] = 100
    # Half is 100: reached at the end of age 30.
    assert pop.median_age(counts) == pytest.approx(31.0)
    counts[30] = 50
    counts[40] = 150
    # Half is 100: 50 below age 40, then 50 of 150 into age 40.
    assert pop.median_age(counts) == pytest.approx(40 + 50 / 150)


def test_empty_population_has_no_median():
    assert pop.median_age(flat(0)) is None
    assert pop.summarise(flat(0), flat(0)).share_65_plus == 0.0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1] * 90, "91 values"),
        ([1] * 90 + [-1], "negative"),
        ([1.5] * 91, "whole numbers"),
        (["a"] * 91, "whole numbers"),
    ],
)
def test_bad_series_are_refused_with_a_reason(values, message):
    with pytest.raises(ValueError, match=message):
        pop.as_counts(values)


def test_add_series_adds_neighbourhoods_into_a_place():
    total = pop.add_series([flat(1), flat(2), flat(3)])
    assert total.tolist() == flat(6)


def steady_assumptions(survival: float = 1.0, fertility: float = 0.0) -> pop.ProjectionAssumptions:
    fert = np.zeros(pop.AGES)
    fert[15:50] = fertility
    return pop.ProjectionAssumptions(
        survival_female=np.full(pop.AGES, survival),
        survival_male=np.full(pop.AGES, survival),
        fertility=fert,
        net_migration_female=np.zeros(pop.AGES),
        net_migration_male=np.zeros(pop.AGES),
    )


def test_projection_ages_everyone_one_year():
    female = [0] * pop.AGES
    female[30] = 1000
    female[89] = 10
    female[90] = 5
    (f1, m1), (f2, _) = pop.project(female, flat(0), steady_assumptions(), years=2)
    assert f1[31] == 1000 and f1[30] == 0
    assert f1[90] == 15  # the 89-year-olds join the 90+ group
    assert f2[32] == 1000
    assert m1.sum() == 0


def test_projection_births_and_deaths_by_hand():
    """1,000 women aged 25, 1 % dying in the year: 990 at 26. Fertility of 0.05 at every age
    from 15 to 49 applies to the average women of each age in the year: half the year 1,000 at
    25 (500 on average) and half 990 at 26 (495), so (500 + 495) × 0.05 = 49.75 babies, 105
    boys to every 100 girls, of whom 0.4 % of girls and 0.5 % of boys die in the year."""
    female = [0] * pop.AGES
    female[25] = 1000
    a = steady_assumptions(survival=0.99, fertility=0.05)
    a = pop.ProjectionAssumptions(
        **{**a.__dict__, "birth_survival_female": 0.996, "birth_survival_male": 0.995}
    )
    ((f1, m1),) = pop.project_exact(female, flat(0), a, years=1)
    assert f1[26] == pytest.approx(990)
    assert f1[0] == pytest.approx(49.75 * 100 / 205 * 0.996)
    assert m1[0] == pytest.approx(49.75 * 105 / 205 * 0.995)
    ((shown, _),) = pop.project(female, flat(0), a, years=1)
    assert shown[0] == 24  # 24.17 girls, rounded only to be shown


def test_small_cells_keep_their_deaths_and_migration():
    """5 people with a 2 % death rate: 5 × 0.98¹⁰ = 4.09 after ten years, where rounding every
    year kept 5 for ever; a gain of 0.3 people a year adds 3 over ten years, not 0."""
    female = [0] * pop.AGES
    female[90] = 5
    a = steady_assumptions(survival=0.98)
    *_, (f10, _) = pop.project_exact(female, flat(0), a, years=10)
    assert f10[90] == pytest.approx(5 * 0.98**10)
    *_, (shown, _) = pop.project(female, flat(0), a, years=10)
    assert shown[90] == 4
    gaining = pop.ProjectionAssumptions(
        **{**steady_assumptions().__dict__, "net_migration_male": np.full(pop.AGES, 0.3)}
    )
    *_, (_, exact) = pop.project_exact(flat(0), flat(0), gaining, years=10)
    assert exact.sum() == pytest.approx(0.3 * 10 * pop.AGES)
    *_, (_, m10) = pop.project(flat(0), flat(0), gaining, years=10)
    assert m10[50] == 3  # 0.3 a year for ten years; rounded every year, it was 0


def test_mortality_improves_year_on_year():
    """1,000 people aged 60 with a 10 % death rate that falls by 2 % a year after the first:
    900 at 61, then 900 × (1 − 0.098) = 811.8 at 62."""
    female = [0] * pop.AGES
    female[60] = 1000
    a = pop.ProjectionAssumptions(
        **{**steady_assumptions(survival=0.9).__dict__, "mortality_improvement": 0.02}
    )
    (f1, _), (f2, _) = pop.project_exact(female, flat(0), a, years=2)
    assert f1[61] == pytest.approx(900) and f2[62] == pytest.approx(811.8)


def test_old_age_dependency_ratio_as_ons_defines_it():
    """Ten of each sex at every age: 25 ages from 66 to 90+ (500 people) per 50 ages from 16
    to 65 (1,000): 500 per 1,000. With a pension age of 66.5 half the 66-year-olds are of
    working age: 490 per 1,010."""
    assert pop.old_age_dependency_ratio(flat(10), flat(10)) == pytest.approx(500)
    assert pop.old_age_dependency_ratio(flat(10), flat(10), 66.5) == pytest.approx(
        1000 * 490 / 1010
    )
    assert pop.summarise(flat(10), flat(10)).old_age_dependency_ratio == pytest.approx(500)
    assert [pop.state_pension_age(y) for y in (2025, 2027, 2030, 2045, 2050)] == [
        66,
        66.5,
        67,
        67.5,
        68,
    ]
    assert pop.old_age_dependency_ratio(flat(0), flat(0)) == 0.0


@settings(max_examples=60, deadline=None)
@given(counts_strategy)
def test_bands_agree_with_the_reference_and_conserve_the_total(counts):
    bands = pop.five_year_bands()
    fast = pop.band_totals(counts, bands)
    slow = ref.band_totals(counts, [(b.low, b.high) for b in bands])
    assert fast == slow
    assert sum(fast) == sum(counts)


@settings(max_examples=60, deadline=None)
@given(counts_strategy)
def test_median_agrees_with_the_reference(counts):
    fast = pop.median_age(counts)
    slow = ref.median_age(counts)
    if slow is None:
        assert fast is None
    else:
        assert fast == pytest.approx(slow)
        assert 0 <= fast <= pop.AGES


@settings(max_examples=40, deadline=None)
@given(
    counts_strategy,
    counts_strategy,
    st.floats(0.5, 1.0),
    st.floats(0.0, 0.1),
    st.integers(-20, 20),
    st.floats(0.99, 1.0),
    st.floats(0.0, 0.05),
    st.integers(1, 4),
)
def test_projection_agrees_with_the_reference(
    female, male, survival, fertility, migration, birth_survival, improvement, years
):
    a = steady_assumptions(survival, fertility)
    a = pop.ProjectionAssumptions(
        survival_female=a.survival_female,
        survival_male=a.survival_male * 0.99,
        fertility=a.fertility,
        net_migration_female=np.full(pop.AGES, float(migration)),
        net_migration_male=np.full(pop.AGES, float(-migration)),
        birth_survival_female=birth_survival,
        birth_survival_male=birth_survival * 0.999,
        mortality_improvement=improvement,
    )
    projected = pop.project_exact(female, male, a, years=years)
    rf, rm = [float(x) for x in female], [float(x) for x in male]
    for year, (f, m) in enumerate(projected, start=1):
        rf, rm = ref.project_one_year(
            rf,
            rm,
            a.survival_female.tolist(),
            a.survival_male.tolist(),
            a.fertility.tolist(),
            a.net_migration_female.tolist(),
            a.net_migration_male.tolist(),
            a.male_birth_share,
            a.birth_survival_female,
            a.birth_survival_male,
            improvement,
            year,
        )
        np.testing.assert_allclose(f, rf, rtol=1e-9, atol=1e-6)
        np.testing.assert_allclose(m, rm, rtol=1e-9, atol=1e-6)
        assert (f >= 0).all() and (m >= 0).all()


@settings(max_examples=40, deadline=None)
@given(counts_strategy, counts_strategy)
def test_a_closed_population_without_deaths_or_births_keeps_everyone(female, male):
    ((f1, m1),) = pop.project(female, male, steady_assumptions(), years=1)
    assert f1.sum() == sum(female)
    assert m1.sum() == sum(male)
