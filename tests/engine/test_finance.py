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
    expected = ("1.3", "1.3", "0.6", "0.8", "2.2", "3.5", "5.0")
    assert (w[0], w[4], w[5], w[30], w[70], w[80], w[90]) == tuple(map(Decimal, expected))
    assert sum(w) == Decimal("147.5")  # exactly: a float sum makes it 147.50000000000009


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
    assert providers == commissioners  # to the penny, however fractional the activity
    assert sum(result.contract_change.values()) == providers
    for contract in contracts:
        key = (contract.commissioner, contract.provider, contract.service)
        exact = f.contract_income(contract, after[key]) - f.contract_income(contract, before[key])
        assert abs(result.contract_change[key] - exact) < 1  # each contract within a penny
    for p in "ABC":
        moved = sum(after[k] - before[k] for k in after if k[1] == p)
        assert result.stranded_fixed_cost.get(p, 0) >= 0
        if moved >= 0:
            assert p not in result.stranded_fixed_cost


# --- Exact to the penny --------------------------------------------------------------------
# Money is rounded over the whole system, not organisation by organisation (or receiver by
# receiver), and spend per weighted resident is worked exactly. Where a case says what the old
# rounding gave, it failed before that change.


def test_a_commissioner_pays_exactly_what_its_providers_receive():
    # The ICB buys outpatient first attendances from Trusts A and B at £160.25 each. The
    # scenario adds 10.5 attendances a year at each (a projection, so fractional): each trust
    # gains £1,682.625 and the ICB pays £3,365.25 in all. Rounding each organisation on its own
    # gave each trust £1,682.62 while the ICB paid £3,365.25: a penny paid that nobody received.
    # Rounded once over the system, one trust gets £1,682.63 (a tie: which one turns with the
    # amount, here the second in name order as 336,525 is odd) and the other £1,682.62.
    contracts = [
        f.Contract("ICB", provider, "op_first", "activity", price_pence=160_25)
        for provider in ("A", "B")
    ]
    before = {("ICB", "A", "op_first"): 1_000, ("ICB", "B", "op_first"): 1_000}
    after = {key: units + 10.5 for key, units in before.items()}
    result = f.flows(contracts, {}, before, after)
    assert result.cost_change == {"ICB": 3_365_25}
    assert result.income_change == {"A": 1_682_62, "B": 1_682_63}
    assert result.contract_change == {
        ("ICB", "A", "op_first"): 1_682_62,
        ("ICB", "B", "op_first"): 1_682_63,
    }
    assert result.system_change == 0  # income only moved between partners


def test_new_debts_are_shared_fairly_between_contributors():
    # Trusts A and B are each £3,000.02 better than plan and pay half, £1,500.01 each, into the
    # pool; X and Y are each £1,500.01 worse and receive £1,500.01 each, repayable. Each
    # receiver owes each contributor half of £1,500.01, £750.005. Split receiver by receiver
    # with ties by name, A was owed £750.01 by both, £1,500.02 in all: a penny more than it
    # paid in, and B a penny less. Split together, each contributor is owed exactly what it
    # paid in, and each receiver exactly what it received.
    variances = {"A": 300_002, "B": 300_002, "X": -150_001, "Y": -150_001}
    year = f.share_risk_with_ledger(
        variances, dict.fromkeys(variances, 100_000 * K), RULES, f.Ledger(), True
    )
    assert year.transfers == {"A": -150_001, "B": -150_001, "X": 150_001, "Y": 150_001}
    assert year.ledger.is_owed("A") == year.ledger.is_owed("B") == 150_001
    assert year.ledger.owes("X") == year.ledger.owes("Y") == 150_001
    assert sorted(year.ledger.owed.values()) == [75_000, 75_000, 75_001, 75_001]


def test_repayments_are_shared_fairly_between_creditors():
    # X and Y each owe A and B £1.00. Each is 3p better than plan this year, so each repays
    # 3p, 1.5p to each creditor. Split debtor by debtor with ties by name, A got 2p from both
    # (4p) and B 2p. Split together, A and B get 3p each.
    owed = {("X", "A"): 100, ("X", "B"): 100, ("Y", "A"): 100, ("Y", "B"): 100}
    variances = {"A": 0, "B": 0, "X": 3, "Y": 3}
    year = f.share_risk_with_ledger(
        variances, dict.fromkeys(variances, 1), RULES, f.Ledger(owed), True
    )
    assert year.repayments == {"X": 3, "Y": 3}
    assert year.transfers == {"A": 3, "B": 3, "X": -3, "Y": -3}
    assert year.ledger.is_owed("A") == year.ledger.is_owed("B") == 197
    assert year.ledger.owes("X") == year.ledger.owes("Y") == 197


def test_a_repayment_that_does_not_divide_evenly():
    # X owes A, B and C £10.00 each and repays £2.00: 66⅔p to each. Two get 67p and one 66p;
    # the tie goes round with the amount: in name order starting at 200 mod 3 = 2, i.e. C, A, B.
    owed = {("X", c): 10_00 for c in "ABC"}
    variances = {"A": 0, "B": 0, "C": 0, "X": 2_00}
    year = f.share_risk_with_ledger(
        variances, dict.fromkeys(variances, 1), RULES, f.Ledger(owed), False
    )
    assert year.transfers == {"A": 67, "B": 66, "C": 67, "X": -2_00}
    assert year.ledger.owed == {("X", "A"): 9_33, ("X", "B"): 9_34, ("X", "C"): 9_33}


def test_tied_odd_pennies_take_turns():
    # X owes A, B and C the same and repays 1p, 2p, … £3.00 in turn: of the 300 repayments,
    # 200 leave an odd penny or two to a tie of all three. Each creditor collects an odd penny
    # in exactly 100 of them; breaking ties by name gave all 200 to A.
    owed = f.Ledger({("X", c): 10_000 for c in "ABC"})
    collected = dict.fromkeys("ABC", 0)
    for pay in range(1, 301):
        variances = {"A": 0, "B": 0, "C": 0, "X": pay}
        year = f.share_risk_with_ledger(variances, dict.fromkeys(variances, 1), RULES, owed, False)
        for creditor in "ABC":
            collected[creditor] += year.transfers[creditor] > pay // 3
    assert collected == {"A": 100, "B": 100, "C": 100}


def test_largest_remainder_can_rotate_ties():
    thirds = {"A": Fraction(100, 3), "B": Fraction(100, 3), "C": Fraction(100, 3)}
    # 100 mod 3 = 1: the tie starts at B.
    assert f.largest_remainder(thirds, 100, rotate_ties=True) == {"A": 33, "B": 34, "C": 33}
    with pytest.raises(ValueError):
        f.largest_remainder(thirds, 103)  # more than the shares' ceilings, 3 × 34


def test_rounding_to_the_nearest_penny():
    assert [f.round_pence(Fraction(n, 2)) for n in (5, 4, 3, -3, -5)] == [3, 2, 2, -2, -3]
    assert f.round_pence(Fraction(2_499, 1_000)) == 2


def test_spend_per_weighted_resident_is_exact_to_the_penny():
    # 32 residents of each age 0 to 90 weigh 32 × 147.5 = 4,720; 2,400 more aged 70 weigh
    # 2,400 × 2.2 = 5,280: 10,000 weighted residents. £1,000,000.00 over them is £100.00 a
    # weighted resident. Summed in floating point they came to 10,000.000000000002 and,
    # rounded down, £99.99.
    counts = [32] * 91
    counts[70] += 2_400
    weighted = f.weighted_population(counts, f.age_weights())
    assert weighted == 10_000
    assert f.spend_per_weighted_resident(1_000_000_00, weighted) == Decimal("100.00")
    # The same £1m a year later over 12,500 residents aged 30 (× 0.8 = 10,000) is the same
    # £100.00: no change, where the page showed a false +£0.01 (or −£0.01 the other way).
    later = f.weighted_population([0] * 30 + [12_500], f.age_weights(31))
    assert f.spend_per_weighted_resident(1_000_000_00, later) == Decimal("100.00")
    # To the nearest penny, a half penny up: £2.00 over 3 is £0.67 (66.67p; rounding down
    # showed £0.66), and 1p over 2 is 0.5p, shown as £0.01.
    assert f.spend_per_weighted_resident(2_00, 3) == Decimal("0.67")
    assert f.spend_per_weighted_resident(1, 2) == Decimal("0.01")
    assert f.spend_per_weighted_resident(1_000_00, 0) is None


# --- Pence are conserved, and nobody collects the odd pennies ---------------------------------

names = st.sampled_from(list("ABCDEFGHIJKL"))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ICB", "LA", "NHSE"]),
            names,
            st.sampled_from(["activity", "block", "block_marginal"]),
            st.integers(0, 5_000_00),
            st.fractions(0, 1_000, max_denominator=1_000),
            st.fractions(0, 1_000, max_denominator=1_000),
            st.decimals(0, 1, places=3),
        ),
        max_size=20,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_contract_flows_conserve_pence_with_fractional_activity(rows):
    contracts = [
        f.Contract(c, p, "s", kind, price_pence=price, threshold_units=100.5, marginal_rate=rate)
        for c, p, kind, price, _, _, rate in rows
    ]
    before = {(c, p, "s"): float(b) for c, p, _, _, b, _, _ in rows}
    after = {(c, p, "s"): float(a) for c, p, _, _, _, a, _ in rows}
    result = f.flows(contracts, {}, before, after)
    exact = {
        (k.commissioner, k.provider, "s"): f.contract_income(
            k, after[(k.commissioner, k.provider, "s")]
        )
        - f.contract_income(k, before[(k.commissioner, k.provider, "s")])
        for k in contracts
    }
    moved = result.contract_change
    # Per contract: within a penny of exact; per organisation: the sum of its contracts.
    assert all(abs(moved[k] - exact[k]) < 1 for k in exact)
    for org in result.income_change:
        assert result.income_change[org] == sum(v for k, v in moved.items() if k[1] == org)
    for org in ("ICB", "LA", "NHSE"):
        assert result.cost_change.get(org, 0) == sum(v for k, v in moved.items() if k[0] == org)
    # In total: what commissioners pay is what providers receive, the exact total to a penny.
    assert sum(result.income_change.values()) == sum(result.cost_change.values())
    assert sum(moved.values()) == f.round_pence(sum(exact.values(), Fraction(0)))
    assert result.system_change == 0


@given(
    st.lists(st.integers(0, 1_000_000), min_size=1, max_size=10),
    st.lists(st.lists(st.integers(0, 1_000), min_size=12, max_size=12), min_size=1, max_size=10),
)
def test_round_table_keeps_rows_columns_and_cells_within_a_penny(totals, weights):
    cols = list("ABCDEFGHIJKL")
    cells: dict[tuple[str, str], Fraction] = {}
    for i, (total, row) in enumerate(zip(totals, weights, strict=False)):
        if sum(row):
            for c, w in zip(cols, row, strict=True):
                if w:
                    cells[(f"R{i}", c)] = Fraction(total * w, sum(row))
    rounded = f.round_table(cells)
    assert all(v - 1 < rounded[k] < v + 1 for k, v in cells.items())
    for r in {r for r, _ in cells}:
        assert sum(v for (rr, _), v in rounded.items() if rr == r) == sum(
            v for (rr, _), v in cells.items() if rr == r
        )
    for c in cols:
        exact = sum((v for (_, cc), v in cells.items() if cc == c), Fraction(0))
        got = sum(v for (_, cc), v in rounded.items() if cc == c)
        assert exact - 1 < got < exact + 1  # no column gains or loses a whole penny


variances_many = st.dictionaries(names, st.integers(-5_000_000, 5_000_000), min_size=2)


@given(variances_many, rules)
def test_new_debts_conserve_pence_and_favour_no_contributor(variances, r):
    year = f.share_risk_with_ledger(
        variances, dict.fromkeys(variances, 1_000_000 * K), r, f.Ledger(), True
    )
    contributors = {o: -t for o, t in year.transfers.items() if t < 0}
    receivers = {o: t for o, t in year.transfers.items() if t > 0}
    owed = year.ledger.owed
    # Each receiver owes exactly what it received; each contributor is owed exactly what it
    # paid in, so none collects another's odd penny; each debt is within a penny of pro rata.
    assert {o: year.ledger.owes(o) for o in receivers} == receivers
    assert {o: year.ledger.is_owed(o) for o in contributors} == contributors
    total_in = sum(contributors.values())
    for (debtor, creditor), v in owed.items():
        assert abs(v - Fraction(receivers[debtor] * contributors[creditor], total_in)) < 1


@given(
    st.dictionaries(st.tuples(names, names), st.integers(1, 1_000_000), min_size=1),
    st.dictionaries(names, st.integers(-1_000_000, 3_000_000)),
    st.booleans(),
)
def test_repayments_conserve_pence_and_favour_no_creditor(owed, variances, repayable):
    owed = {k: v for k, v in owed.items() if k[0] != k[1]}
    orgs = {o for k in owed for o in k} | variances.keys()
    variances = {o: variances.get(o, 0) for o in orgs}
    year = f.share_risk_with_ledger(
        variances, dict.fromkeys(orgs, 0), RULES, f.Ledger(owed), repayable
    )
    assert sum(year.transfers.values()) == 0
    # No income, so no contributions, no pool and no new debts: the ledger only falls.
    repaid = {k: v - year.ledger.owed.get(k, 0) for k, v in owed.items()}
    assert all(0 <= v <= owed[k] for k, v in repaid.items())
    exact: dict[tuple[str, str], Fraction] = {}
    for debtor, pay in year.repayments.items():
        debts = {k: v for k, v in owed.items() if k[0] == debtor}
        assert pay == min(sum(debts.values()), variances[debtor])
        assert sum(repaid[k] for k in debts) == pay  # each debtor repays exactly
        exact |= {k: Fraction(pay * v, sum(debts.values())) for k, v in debts.items()}
    assert all(abs(repaid[k] - exact.get(k, 0)) < 1 for k in repaid)
    for creditor in {c for _, c in owed}:
        due = sum((v for k, v in exact.items() if k[1] == creditor), Fraction(0))
        got = sum(v for k, v in repaid.items() if k[1] == creditor)
        assert abs(got - due) < 1  # no creditor collects a whole penny more or less than its due
        assert year.transfers[creditor] == got - year.repayments.get(creditor, 0)
