"""System finance in whole pence, worked through by hand so a finance reader can follow.

£1 = 100 pence; figures below are in £ thousands × 100,000 pence where that reads easier."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.engine import finance as f

K = 100_000  # £1,000 in pence


def test_positions_and_the_system_control_total():
    # Trust A: income £500m (ICB £480m, other £20m); pay £330m, non-pay £230m: a £60m deficit
    # against a control total of £40m deficit, so £20m worse than plan.
    a = f.Position({"ICB": 480_000 * K, "other": 20_000 * K}, 330_000 * K, 230_000 * K, -40_000 * K)
    # Trust B: income £200m, spend £195m: a £5m surplus against a £2m surplus plan: £3m better.
    b = f.Position({"ICB": 200_000 * K}, 120_000 * K, 75_000 * K, 2_000 * K)
    assert (a.surplus, a.variance) == (-60_000 * K, -20_000 * K)
    assert (b.surplus, b.variance) == (5_000 * K, 3_000 * K)
    system = f.system_position({"A": a, "B": b})
    assert system.control_total == -38_000 * K
    assert system.variance == -17_000 * K


def test_activity_moving_out_of_hospital():
    # 1,000 admissions move from Trust A (paid £3,000 each by activity; cost £2,800 each, of
    # which 40% variable) to the community trust C (block contract: no new income; cost £900
    # a contact, 70% variable, one contact per admission).
    contracts = [
        f.Contract("ICB", "A", "admissions", "activity", price_pence=3_000_00),
        f.Contract("ICB", "C", "community", "block", price_pence=100_00, threshold_units=50_000),
    ]
    costs = {
        ("A", "admissions"): f.CostShape(2_800_00, Decimal("0.4")),
        ("C", "community"): f.CostShape(900_00, Decimal("0.7")),
    }
    result = f.flows(
        contracts,
        costs,
        before={("ICB", "A", "admissions"): 10_000, ("ICB", "C", "community"): 50_000},
        after={("ICB", "A", "admissions"): 9_000, ("ICB", "C", "community"): 51_000},
    )
    # A loses £3.0m of income but saves only 40% of £2.8m = £1.12m: worse by £1.88m, and
    # £1.68m of fixed cost is stranded. C gets no more income but spends 70% of £0.9m more.
    assert result.income_change["A"] == -3_000_000_00
    assert result.cost_change["A"] == -1_120_000_00
    assert result.position_change("A") == -1_880_000_00
    assert result.stranded_fixed_cost["A"] == 1_680_000_00
    assert result.cost_change["C"] == 630_000_00 and result.income_change["C"] == 0
    # The ICB pays £3.0m less.
    assert result.position_change("ICB") == 3_000_000_00
    assert result.system_change == 3_000_000_00 - 1_880_000_00 - 630_000_00


def test_block_with_a_marginal_rate():
    c = f.Contract(
        "ICB",
        "A",
        "emergency",
        "block_marginal",
        price_pence=1_000_00,
        threshold_units=100,
        marginal_rate=Decimal("0.7"),
    )
    assert f.contract_income(c, 90) == 100 * 1_000_00  # the block, however little is done
    assert f.contract_income(c, 110) == 100 * 1_000_00 + 10 * 700_00


RULES = f.RiskShareRules(contribution_rate=Decimal("0.5"), contribution_cap_rate=Decimal("0.01"))


def test_risk_share_by_hand():
    # B is £4m better than plan: it pays 50% = £2m (its cap is 1% of £300m = £3m).
    # C is £10m better: 50% would be £5m but its cap is 1% of £200m = £2m.
    # Pool £4m. A is £3m worse and D £1m worse: £4m adverse, so they get £3m and £1m.
    variances = {"A": -3_000 * K, "B": 4_000 * K, "C": 10_000 * K, "D": -1_000 * K}
    incomes = {"A": 500_000 * K, "B": 300_000 * K, "C": 200_000 * K, "D": 100_000 * K}
    t = f.share_risk(variances, incomes, RULES)
    assert t == {"A": 3_000 * K, "B": -2_000 * K, "C": -2_000 * K, "D": 1_000 * K}


def test_what_the_pool_does_not_need_goes_back():
    # B pays £2m in; A needs only £0.5m; £1.5m goes back to B.
    t = f.share_risk({"A": -500 * K, "B": 4_000 * K}, {"A": 0, "B": 300_000 * K}, RULES)
    assert t == {"A": 500 * K, "B": -500 * K}


def test_largest_remainder_rounding_is_exact():
    # 100p shared three ways: 33.33… each; one gets the extra penny (by name, A first).
    assert f.largest_remainder(
        {"A": Fraction(100, 3), "B": Fraction(100, 3), "C": Fraction(100, 3)}, 100
    ) == {"A": 34, "B": 33, "C": 33}


def test_a_repayable_receipt_is_repaid_from_later_favourable_variance():
    year1 = f.share_risk_with_ledger(
        {"A": -3_000 * K, "B": 4_000 * K}, {"A": 1, "B": 300_000 * K}, RULES, f.Ledger(), True
    )
    assert year1.transfers == {"A": 2_000 * K, "B": -2_000 * K}
    assert year1.ledger.owed == {("A", "B"): 2_000 * K}
    # Year 2: A is £1.5m better than plan; it repays £1.5m to B before any sharing.
    year2 = f.share_risk_with_ledger(
        {"A": 1_500 * K, "B": 0}, {"A": 1, "B": 1}, RULES, year1.ledger, True
    )
    assert year2.repayments == {"A": 1_500 * K}
    assert year2.transfers == {"A": -1_500 * K, "B": 1_500 * K}
    assert year2.ledger.owed == {("A", "B"): 500 * K}


def test_activity_without_a_contract_moves_cost_but_no_income():
    # 100 home care hours move to the council, which has no contract for them: its cost rises
    # by the variable 90% of £25 an hour, £2,250; nobody's income moves.
    result = f.flows(
        [],
        {("LA", "home care"): f.CostShape(25_00, Decimal("0.9"))},
        before={},
        after={("", "LA", "home care"): 100},
    )
    assert result.cost_change == {"LA": 2_250_00}
    assert result.income_change == {} and result.stranded_fixed_cost == {}


def test_variable_share_of_a_plan():
    p = f.Position({}, 60, 40, 0, fixed_share=Decimal("0.5"), semi_fixed_share=Decimal("0.2"))
    assert p.variable_share == Decimal("0.3")
    with pytest.raises(ValueError):
        f.Position({}, 60, 40, 0, fixed_share=Decimal("0.9"), semi_fixed_share=Decimal("0.2"))


def test_a_three_year_agreement_carries_its_ledger():
    # Year 1: A is £3m worse, B £4m better; B pays 50% = £2m, all to A, which now owes B £2m.
    # Year 2: A is £1m better: it repays £1m first, nothing is left for the pool; B is level.
    # Year 3: A is £3m better: it repays the last £1m, then pays 50% of the £2m left (£1m)
    # into the pool, which nobody needs, so it comes back. A ends owing nothing.
    incomes = {"A": 500_000 * K, "B": 300_000 * K}
    years = [
        ({"A": -3_000 * K, "B": 4_000 * K}, incomes),
        ({"A": 1_000 * K, "B": 0}, incomes),
        ({"A": 3_000 * K, "B": 0}, incomes),
    ]
    y1, y2, y3 = f.run_agreement(years, RULES, repayable=True)
    assert y1.transfers == {"A": 2_000 * K, "B": -2_000 * K}
    assert y2.repayments == {"A": 1_000 * K} and y2.ledger.owes("A") == 1_000 * K
    assert y3.repayments == {"A": 1_000 * K} and y3.transfers == {"A": -1_000 * K, "B": 1_000 * K}
    assert y3.ledger.owed == {}


def test_age_weights_follow_the_bands():
    w = f.age_weights()
    assert len(w) == 91
    assert (w[0], w[4], w[5], w[30], w[70], w[80], w[90]) == (1.3, 1.3, 0.6, 0.8, 2.2, 3.5, 5.0)


def test_spend_per_weighted_resident():
    weighted = f.weighted_population([100, 100], [1.0, 3.0])  # 400 weighted residents
    assert f.spend_per_weighted_resident(1_000_000_00, weighted) == Decimal("2500.00")


money = st.integers(-50_000 * K, 50_000 * K)
orgs = st.dictionaries(st.sampled_from(list("ABCDEFG")), money, min_size=1)
rules = st.builds(
    f.RiskShareRules, st.decimals(0, 1, places=3), st.decimals(0, Decimal("0.05"), places=4)
)


@given(orgs, rules, st.integers(0, 1_000_000 * K))
def test_risk_share_properties(variances, r, income):
    incomes = dict.fromkeys(variances, income)
    t = f.share_risk(variances, incomes, r)
    assert sum(t.values()) == 0
    assert all(isinstance(v, int) for v in t.values())
    for org, v in variances.items():
        if v < 0:
            assert 0 <= t[org] <= -v  # never more than its adverse variance
        elif v > 0:
            assert t[org] <= 0
            assert -t[org] <= r.contribution_rate * v  # never more than its rate …
            assert -t[org] <= r.contribution_cap_rate * income  # … or its cap
        else:
            assert t[org] == 0
    # The system variance is unchanged: money only moves.
    assert sum(variances[o] + t[o] for o in variances) == sum(variances.values())


@given(st.lists(orgs, min_size=1, max_size=4), rules, st.booleans())
def test_the_ledger_balances_year_after_year(years, r, repayable):
    ledger = f.Ledger()
    receipts = repaid = 0
    for variances in years:
        incomes = dict.fromkeys(variances, 1_000_000 * K)
        before = dict(ledger.owed)
        result = f.share_risk_with_ledger(variances, incomes, r, ledger, repayable)
        assert sum(result.transfers.values()) == 0
        repaid += sum(result.repayments.values())
        added = (
            sum(result.ledger.owed.values())
            - sum(before.values())
            + sum(result.repayments.values())
        )
        receipts += added
        assert added >= 0 and (repayable or added == 0)
        assert sum(result.ledger.owed.values()) == receipts - repaid
        ledger = result.ledger


@pytest.mark.parametrize("bad", [([1], [1.0, 2.0])])
def test_weights_must_match(bad):
    with pytest.raises(ValueError):
        f.weighted_population(*bad)


units = st.floats(0, 100_000, allow_nan=False)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ICB", "LA"]),
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["activity", "block", "block_marginal"]),
            st.integers(0, 5_000_00),
            units,
            units,
        ),
        max_size=6,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.decimals(0, 1, places=2),
)
def test_what_providers_gain_commissioners_pay(rows, variable):
    contracts = [
        f.Contract(
            c, p, "s", kind, price_pence=price, threshold_units=1_000, marginal_rate=Decimal("0.5")
        )
        for c, p, kind, price, _, _ in rows
    ]
    before = {(c, p, "s"): b for c, p, _, _, b, _ in rows}
    after = {(c, p, "s"): a for c, p, _, _, _, a in rows}
    costs = {(p, "s"): f.CostShape(1_000_00, variable) for p in "ABC"}
    result = f.flows(contracts, costs, before, after)
    providers = sum(result.income_change.get(p, 0) for p in "ABC")
    commissioners = sum(result.cost_change.get(c, 0) for c in ("ICB", "LA"))
    assert abs(providers - commissioners) <= 4  # each organisation's total rounds to a penny
    for p in "ABC":
        moved = sum(after[k] - before[k] for k in after if k[1] == p)
        assert result.stranded_fixed_cost.get(p, 0) >= 0
        if moved >= 0:
            assert p not in result.stranded_fixed_cost
