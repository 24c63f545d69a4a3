"""Spend per weighted resident by group (deprivation quintile): hand-worked cases and the
invariants that hold for any places and groups."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine import finance as f


def test_a_group_gets_the_average_of_its_places_weighted_by_its_residents_in_each():
    # A spends £200 on 100 weighted residents (£2.00 each), B £300 on 100 (£3.00 each).
    result = f.spend_by_group(
        {"A": 200_00, "B": 300_00},
        {"A": 100, "B": 100},
        {"A": {1: 30, 5: 70}, "B": {1: 10, 5: 90}},
    )
    # Quintile 1: 30 × £2 + 10 × £3 = £90 over 40 = £2.25; quintile 5: 70 × 2 + 90 × 3 = £410
    # over 160 = £2.5625, rounded to £2.56.
    assert result[1] == f.GroupSpend(Fraction(90_00), Fraction(40), Decimal("2.25"))
    assert result[5].spend == Fraction(410_00) and result[5].pounds == Decimal("2.56")
    assert list(result) == [1, 5]


def test_weights_typed_as_floats_are_exact_and_a_place_with_no_residents_is_left_out():
    result = f.spend_by_group(
        {"A": 3_00, "Empty": 1_000_00},
        {"A": 1.5, "Empty": 0},
        {"A": {2: 0.5, 3: 1.0}, "Empty": {2: 0}},
    )
    # £3 over 1.5 weighted residents is £2 each: 0.5 of them is £1, 1.0 is £2.
    assert result[2] == f.GroupSpend(Fraction(1_00), Fraction(1, 2), Decimal("2.00"))
    assert result[3].spend == Fraction(2_00)


def test_a_group_with_no_weighted_residents_has_no_figure():
    result = f.spend_by_group({"A": 100}, {"A": 10}, {"A": {1: 0, 2: 10}})
    assert result[1].pounds is None and result[2].pounds == Decimal("0.10")


def test_band_weights_follow_the_age_curve_and_refuse_a_band_across_two_weights():
    bands = list(range(0, 95, 5))  # 0-4 … 85-89, 90+
    weights = f.band_weights(bands)
    assert weights[:4] == [Decimal("1.3"), Decimal("0.6"), Decimal("0.6"), Decimal("0.8")]
    assert weights[-2:] == [Decimal("5.0"), Decimal("5.0")]
    with pytest.raises(ValueError, match="the age band from 0 has more than one weight"):
        f.band_weights([0, 10])


places = st.dictionaries(
    st.sampled_from("ABCDE"),
    st.tuples(
        st.integers(0, 10**10),  # spend, pence
        st.dictionaries(st.integers(1, 5), st.integers(1, 10**6), min_size=1),  # by quintile
    ),
    min_size=1,
)


@settings(max_examples=60, deadline=None)
@given(places)
def test_groups_share_out_all_the_spend_of_places_they_cover(data):
    """With each place's residents all in some group, the groups' spend adds up to the places'
    spend exactly, and each group's figure lies between the lowest and highest place's."""
    spend = {p: s for p, (s, _) in data.items()}
    groups = {p: g for p, (_, g) in data.items()}
    weighted = {p: sum(g.values()) for p, g in groups.items()}
    result = f.spend_by_group(spend, weighted, groups)
    assert sum(g.spend for g in result.values()) == sum(spend.values())
    assert sum(g.weighted_residents for g in result.values()) == sum(weighted.values())
    rates = [Fraction(spend[p], weighted[p]) for p in data]
    for g in result.values():
        assert min(rates) <= g.spend / g.weighted_residents <= max(rates)


@settings(max_examples=40, deadline=None)
@given(places, st.integers(0, 10**6))
def test_when_every_place_spends_the_same_per_head_so_does_every_group(data, rate):
    groups = {p: g for p, (_, g) in data.items()}
    weighted = {p: sum(g.values()) for p, g in groups.items()}
    spend = {p: rate * w for p, w in weighted.items()}
    result = f.spend_by_group(spend, weighted, groups)
    same = f.spend_per_weighted_resident(rate, 1)
    assert {g.pounds for g in result.values()} == {same}
