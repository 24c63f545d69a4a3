"""Workforce measures by hand, the rate card, escalation, and supply projection."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.engine import workforce as wf


def test_measures_by_hand():
    # 120 leavers over the year; 1,000 staff at the start and 1,400 at the end: average 1,200.
    assert wf.turnover(120, 1000, 1400) == pytest.approx(0.10)
    assert wf.stability(880, 1000) == pytest.approx(0.88)
    assert wf.vacancy_rate(500, 460) == pytest.approx(0.08)
    assert wf.vacancy_rate(500, 520) == 0.0  # over establishment is no vacancy
    assert wf.sickness_rate(51, 1000) == pytest.approx(0.051)
    assert wf.pay_share(62, 1000) == pytest.approx(0.062)
    assert wf.turnover(0, 0, 0) is None and wf.vacancy_rate(0, 0) is None


def test_rolling_turnover_uses_the_last_twelve_months():
    leavers = [10] * 24
    headcount = [1000] * 12 + [1200] * 12
    rates = wf.rolling_turnover(leavers, headcount)
    assert rates[:11] == [None] * 11
    assert rates[11] == pytest.approx(120 / 1000)  # the first year: 1,000 at start and end
    assert rates[23] == pytest.approx(120 / 1100)  # from 1,000 (month 11) to 1,200 (month 23)


def test_monthly_leaver_rates_cope_with_no_staff():
    rates = wf.monthly_leaver_rates([[5, 0], [3, 1]], [[100, 0], [60, 50]])
    assert rates[0, 0] == 0.05 and np.isnan(rates[0, 1]) and rates[1, 0] == 0.05


@pytest.mark.parametrize(
    "call",
    [
        lambda: wf.turnover(-1, 10, 10),
        lambda: wf.stability(11, 10),
        lambda: wf.sickness_rate(5, 4),
        lambda: wf.pay_share(2, 1),
    ],
)
def test_impossible_figures_are_refused(call):
    with pytest.raises(ValueError):
        call()


NURSE = "Registered nurse, band 5"


def shift(org, agency, rate, month="2025-04", role=NURSE, hours=12.0):
    return wf.Shift(month, org, agency, role, hours, rate)


def test_breaches_of_the_rate_card():
    caps = {("RW9", NURSE): 4500, ("RM9", NURSE): 4500}
    found = wf.breaches(
        [shift("RW9", "Acme", 4500), shift("RM9", "Acme", 5200), shift("RX9", "Acme", 9999)], caps
    )
    assert [b.shift.organisation for b in found] == ["RM9"]  # at the cap is not a breach
    assert found[0].excess_pence == 700 * 12


def test_spread_of_rates_for_a_role():
    (s,) = wf.spread([shift("RW9", "A", 4000), shift("RM9", "B", 5000), shift("RX9", "C", 4200)])
    assert (s.shifts, s.lowest_pence, s.median_pence, s.highest_pence) == (3, 4000, 4200, 5000)


def test_escalation_is_one_agency_charging_members_differently():
    shifts = [
        shift("RW9", "Acme", 4500),
        shift("RM9", "Acme", 5500),
        shift("RM9", "Acme", 5000),
        shift("RX9", "Fair", 4500),
        shift("RW9", "Fair", 4500),
        shift("RW9", "Acme", 6000, month="2025-05"),
    ]  # another month: no comparison
    (e,) = wf.escalations(shifts)
    assert (e.agency, e.role, e.month) == ("Acme", NURSE, "2025-04")
    assert e.rates == (("RM9", 5500), ("RW9", 4500)) and e.difference_pence == 1000
    assert wf.escalations(shifts, tolerance_pence=1000) == []


def test_supply_projection_by_hand():
    a = wf.SupplyAssumptions(
        staff_in_post=100,
        turnover_mean=0.1,
        turnover_sd=0.0,
        recruits_per_year=5,
        training_places=10,
        completion_mean=0.5,
        completion_sd=0.0,
    )
    p = wf.project_supply(a, need=[100, 110], runs=50)
    # Year 1: 100 − 10 leavers + 5 recruits + 5 newly qualified = 100; year 2 the same again.
    assert p.p50.tolist() == pytest.approx([100, 100])
    assert p.gap_p50.tolist() == pytest.approx([0, 10])


def test_uncertain_supply_has_a_spread():
    a = wf.SupplyAssumptions(500, 0.12, 0.03, 20, 40, 0.8, 0.1)
    p = wf.project_supply(a, need=[520, 540, 560], runs=2000, seed=1)
    assert (p.p10 < p.p50).all() and (p.p50 < p.p90).all()
    assert (p.gap_p10 < p.gap_p90).all()


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_turnover_of_possible_figures_is_a_rate(leavers, start, end):
    rate = wf.turnover(leavers, start, end)
    if start + end == 0:
        assert rate is None
    else:
        assert rate is not None and rate >= 0
        if leavers <= min(start, end):
            assert rate <= 1


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["RW9", "RM9", "RX9"]),
            st.sampled_from(["A", "B"]),
            st.integers(3000, 9000),
        ),
        max_size=20,
    )
)
def test_escalations_only_compare_one_agency_role_and_month(rows):
    shifts = [shift(org, agency, rate) for org, agency, rate in rows]
    for e in wf.escalations(shifts):
        assert e.difference_pence > 0 and len(e.rates) >= 2
        assert all(s.rate_pence <= e.rates[0][1] for s in shifts if s.agency == e.agency)


def test_the_early_warning_rarely_fires_on_noise_and_fires_on_a_rise():
    from footprint.engine import spc

    rng = np.random.default_rng(7)
    headcount = np.full((400, 36), 1000.0)
    leavers = rng.normal(9, 1.2, (400, 36)).round()
    rising = leavers.copy()
    rising[:, 28:] += np.arange(1, 9) * 1.5  # more leaving every month for eight months
    noise = spc.analyse_many(wf.monthly_leaver_rates(leavers, headcount), improvement="decrease")
    rise = spc.analyse_many(wf.monthly_leaver_rates(rising, headcount), improvement="decrease")
    false_alarms = np.isin(noise.variation_icon, (3, 4)).mean()
    caught = np.isin(rise.variation_icon, (3, 4)).mean()
    assert false_alarms < 0.05
    assert caught > 0.95


# --- The need calibrated to the staff in post (walk WF3) -------------------------------------


def test_calibrated_need_by_hand():
    # 100 WTE in post; the model counts 80 in the base year and 88 a year on (activity +10 %):
    # the need is 100 × 88 ÷ 80 = 110, and the factor 100 ÷ 80 = 1.25.
    c = wf.calibrate_need(100, 80, [88, 96])
    assert c.factor == pytest.approx(1.25)
    assert c.need == pytest.approx((110, 120))
    assert c.model_need == (88, 96) and c.base_gap == pytest.approx(0)
    # The model counting more than are in post scales it down: 100 in post, 200 counted.
    assert wf.calibrate_need(100, 200, [220]).need == pytest.approx((110,))


def test_the_gap_is_the_change_in_need_less_the_change_in_supply():
    # 100 in post, no turnover, no recruits: supply stays 100; need grows 10 % → gap 10,
    # whatever the model's own base (here it counts only 60).
    c = wf.calibrate_need(100, 60, [66])
    a = wf.SupplyAssumptions(100, 0.0, 0.0, 0, 0, 0.0, 0.0)
    assert wf.project_supply(a, c.need, runs=10).gap_p50.tolist() == pytest.approx([10])


@pytest.mark.parametrize(
    "args",
    [(100, 0, [1]), (100, -5, [1]), (-1, 10, [1]), (100, 10, [-1]), (float("nan"), 10, [1])],
)
def test_calibration_refuses_what_cannot_be_calibrated(args):
    with pytest.raises(ValueError):
        wf.calibrate_need(*args)


finite = st.floats(0.01, 1e6, allow_nan=False, allow_infinity=False)


@given(
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    finite,
    st.lists(st.floats(0, 1e6, allow_nan=False, allow_infinity=False), min_size=1, max_size=10),
    st.floats(0, 100, allow_nan=False, allow_infinity=False),
)
def test_calibration_zeroes_the_base_gap_and_scales_linearly(in_post, base, need, scale):
    c = wf.calibrate_need(in_post, base, need)
    # the base year needs exactly the staff in post
    assert c.base_gap == pytest.approx(0, abs=1e-9 * max(in_post, 1))
    # a need that grows as the model's base is the staff in post
    assert wf.calibrate_need(in_post, base, [base]).need[0] == pytest.approx(in_post)
    # need scales linearly with activity (the model's need) and with the staff in post
    scaled = wf.calibrate_need(in_post, base, [n * scale for n in need]).need
    assert scaled == pytest.approx(tuple(n * scale for n in c.need), rel=1e-9, abs=1e-9)
    doubled = wf.calibrate_need(2 * in_post, base, need).need
    assert doubled == pytest.approx(tuple(2 * n for n in c.need), rel=1e-9, abs=1e-9)
    # the factor and the model's figures are kept for the page
    assert c.factor == pytest.approx(in_post / base) and c.model_need == tuple(need)
