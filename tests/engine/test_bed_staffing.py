"""The staff beds need: whole-time equivalents from patients-to-staff ratios, numbers to check
by hand."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.engine.workforce import BedStaffing, wte_for_beds

ONE_TO_EIGHT = BedStaffing("nurses", "Registered nurses", 12.0, 8, 8)


def test_ten_beds_at_one_to_eight_need_seven_wte_with_a_quarter_headroom():
    # 10 beds × (12/8 + 12/8) hours a day × 7 days = 210 hours a week; ÷ 37.5 = 5.6 WTE;
    # × 1.25 = 7.0 WTE.
    assert wte_for_beds(10, ONE_TO_EIGHT, 37.5, 0.0) == pytest.approx(5.6)
    assert wte_for_beds(10, ONE_TO_EIGHT, 37.5, 0.25) == pytest.approx(7.0)
    assert wte_for_beds(0, ONE_TO_EIGHT, 37.5, 0.25) == 0


def test_a_leaner_night_needs_fewer_staff():
    # 1 to 8 by day, 1 to 16 by night: 12/8 + 12/16 = 2.25 hours a bed a day, 15.75 a week;
    # 20 beds: 315 hours, 8.4 WTE at 37.5 hours.
    hca = BedStaffing("support", "Healthcare assistants", 12.0, 8, 16)
    assert wte_for_beds(20, hca, 37.5, 0.0) == pytest.approx(8.4)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(0, 500),
    st.floats(0, 500),
    st.floats(1, 30),
    st.floats(1, 30),
    st.floats(0, 0.5),
)
def test_staff_grow_in_proportion_to_the_beds(a, b, day, night, headroom):
    staffing = BedStaffing("nurses", "Nurses", 12.0, day, night)
    together = wte_for_beds(a + b, staffing, 37.5, headroom)
    apart = wte_for_beds(a, staffing, 37.5, headroom) + wte_for_beds(b, staffing, 37.5, headroom)
    assert together == pytest.approx(apart, rel=1e-9, abs=1e-9)
    assert together >= 0


def test_impossible_assumptions_are_refused():
    with pytest.raises(ValueError, match="above 0"):
        wte_for_beds(10, BedStaffing("nurses", "Nurses", 12.0, 0, 8), 37.5, 0.2)
    with pytest.raises(ValueError, match="at least 0"):
        wte_for_beds(-1, ONE_TO_EIGHT, 37.5, 0.2)
