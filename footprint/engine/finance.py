"""System finance in whole pence: positions against control totals, contract flows when
activity moves, the risk-share pool and its ledger, and spend per weighted resident.

All money is ``int`` pence. Rates are ``Decimal``. Nothing here rounds except where it says so,
and then to whole pence so that totals are exact: money that moves between organisations is
rounded once over the whole system (largest-remainder rounding, or its two-way form
``round_table``), never organisation by organisation, so what one side pays the other receives
to the penny. A single figure (a system total, spend per resident) is rounded to the nearest
penny, a half penny away from zero (``round_pence``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

Pence = int
K = TypeVar("K", bound="SupportsRichComparison")


def round_pence(exact: Fraction) -> Pence:
    """``exact`` pence to the nearest whole penny, a half penny away from zero (2.5 → 3,
    −2.5 → −3), so a figure and its opposite round alike."""
    whole = math.floor(abs(exact) + Fraction(1, 2))
    return whole if exact >= 0 else -whole


def largest_remainder(
    shares: Mapping[K, Fraction], total: Pence, *, rotate_ties: bool = False
) -> dict[K, Pence]:
    """Whole pence for each share, summing exactly to ``total``: each gets the floor of its
    exact share, and the pence left over go to the largest fractional parts, one each.

    Ties go by key order (so "A" before "B"), or with ``rotate_ties`` by key order starting at
    position ``total`` mod the number of keys and wrapping round: which key comes first turns
    with the amount shared, so no one name collects every tied penny. ``total`` must lie
    between the sum of the floors and the sum of the ceilings of the shares.
    """
    floors = {k: math.floor(v) for k, v in shares.items()}
    left = total - sum(floors.values())
    if not 0 <= left <= sum(1 for k, v in shares.items() if v != floors[k]):
        raise ValueError(f"{total} pence cannot be shared as whole pence of these shares")
    order = sorted(shares)
    if rotate_ties and order:
        turn = total % len(order)
        order = order[turn:] + order[:turn]
    order.sort(key=lambda k: -(shares[k] - floors[k]))  # stable: ties keep the order above
    for k in order[:left]:
        floors[k] += 1
    return floors


def round_table(cells: Mapping[tuple[str, str], Fraction]) -> dict[tuple[str, str], Pence]:
    """Whole pence for a table of exact amounts (row, column) → pence whose row totals are
    whole pence, e.g. each debtor's repayment shared between its creditors.

    Controlled rounding: every cell is its exact amount rounded down or up, every row keeps its
    total exactly, and every column total is its exact total rounded down or up, so no column
    gains or loses a whole penny over the table (the grand total is exact). Which columns are
    rounded up: the largest fractional parts of the column totals first, ties rotated as in
    ``largest_remainder`` (columns in name order starting at position grand total mod the
    number of columns), each taking its penny if the rows can still give it one (a row's odd
    pennies can go only to columns it has a share in), else the next. Which row gives a
    column its penny is then any that can, preferring its largest fractional parts.
    """
    floors = {k: math.floor(v) for k, v in cells.items()}
    part = {k: v - floors[k] for k, v in cells.items() if v != floors[k]}
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    row_need: dict[str, Fraction] = {r: Fraction(0) for r in rows}
    col_exact: dict[str, Fraction] = {c: Fraction(0) for c in cols}
    for (r, c), x in part.items():
        row_need[r] += x
        col_exact[c] += x
    if any(x.denominator != 1 for x in row_need.values()):
        raise ValueError("each row of the table must total whole pence")
    cap = {c: math.floor(x) for c, x in col_exact.items()}
    row_cols: dict[str, list[str]] = {r: [] for r in rows}
    col_rows: dict[str, list[str]] = {c: [] for c in cols}
    for r, c in sorted(part, key=lambda k: (-part[k], k)):
        row_cols[r].append(c)
        col_rows[c].append(r)
    up: set[tuple[str, str]] = set()  # the cells rounded up
    row_up = dict.fromkeys(rows, 0)
    col_up = dict.fromkeys(cols, 0)

    def augment() -> bool:
        """Round one more cell up, in a row with pennies still to place and a column under its
        cap, moving other cells' pennies along a chain of columns if need be (a shortest
        augmenting path: rows already placed and columns already capped stay so)."""
        came_from: dict[tuple[str, str], tuple[str, str] | None] = {}
        queue: list[tuple[str, str]] = []
        for r in rows:
            if row_up[r] < row_need[r]:
                came_from[("row", r)] = None
                queue.append(("row", r))
        for side, name in queue:  # the queue grows as it is read: breadth first
            if side == "row":
                for c in row_cols[name]:
                    if (name, c) not in up and ("col", c) not in came_from:
                        came_from[("col", c)] = (side, name)
                        if col_up[c] < cap[c]:
                            node: tuple[str, str] | None = ("col", c)
                            col_up[c] += 1
                            while node is not None:
                                before = came_from[node]
                                if before is None:
                                    row_up[node[1]] += 1
                                elif node[0] == "col":
                                    up.add((before[1], node[1]))
                                else:
                                    up.discard((node[1], before[1]))
                                node = before
                            return True
                        queue.append(("col", c))
            else:
                for r in col_rows[name]:
                    if (r, name) in up and ("row", r) not in came_from:
                        came_from[("row", r)] = (side, name)
                        queue.append(("row", r))
        return False

    while augment():
        pass
    if col_up != cap:  # cannot happen: the exact table itself fills every floor
        raise AssertionError("controlled rounding failed to fill the columns' floors")
    left = sum(int(x) for x in row_need.values()) - sum(cap.values())
    order = cols
    if order:
        turn = int(sum(cells.values(), Fraction(0))) % len(order)  # the grand total, whole pence
        order = order[turn:] + order[:turn]
    order = sorted(order, key=lambda c: -(col_exact[c] - cap[c]))
    for c in order:
        if left == 0 or col_exact[c] == cap[c]:
            break
        cap[c] += 1
        if augment():
            left -= 1
        else:
            cap[c] -= 1
    if left:  # cannot happen: the exact table shows the rows can place every penny
        raise AssertionError("controlled rounding failed to place every penny")
    return {k: v + int(k in up) for k, v in floors.items()}


@dataclass(frozen=True)
class Position:
    """One organisation's plan for a year."""

    income: Mapping[str, Pence]  # by source: each commissioner contract, "other"
    pay: Pence
    non_pay: Pence
    control_total: Pence  # the agreed surplus (positive) or deficit (negative)
    fixed_share: Decimal = Decimal(0)  # of expenditure, fixed whatever the activity
    semi_fixed_share: Decimal = Decimal(0)  # fixed within a year, stepped over years

    def __post_init__(self) -> None:
        if min(self.fixed_share, self.semi_fixed_share) < 0 or self.variable_share < 0:
            raise ValueError("fixed and semi-fixed shares must be between 0 and 1 together")

    @property
    def variable_share(self) -> Decimal:
        """The share of expenditure that moves with activity within a year."""
        return 1 - self.fixed_share - self.semi_fixed_share

    @property
    def total_income(self) -> Pence:
        return sum(self.income.values())

    @property
    def expenditure(self) -> Pence:
        return self.pay + self.non_pay

    @property
    def surplus(self) -> Pence:
        """Income less expenditure: positive is a surplus, negative a deficit."""
        return self.total_income - self.expenditure

    @property
    def variance(self) -> Pence:
        """Surplus less control total: positive is better than the control total."""
        return self.surplus - self.control_total


@dataclass(frozen=True)
class SystemPosition:
    control_total: Pence
    surplus: Pence
    variance: Pence


def system_position(positions: Mapping[str, Position]) -> SystemPosition:
    """The system control total and variance: the sums of the members'."""
    return SystemPosition(
        sum(p.control_total for p in positions.values()),
        sum(p.surplus for p in positions.values()),
        sum(p.variance for p in positions.values()),
    )


# --- Contract flows ----------------------------------------------------------------------


ContractKind = Literal["activity", "block", "block_marginal"]
Flow = tuple[str, str, str]  # (commissioner, provider, service); commissioner "" if none


@dataclass(frozen=True)
class Contract:
    """How a commissioner pays a provider for a service. ``kind``: "activity" (price per
    unit), "block" (a fixed sum: ``threshold_units`` at the price, whatever is done), or
    "block_marginal" (the block up to ``threshold_units``, then ``marginal_rate`` of the price
    for each unit above it)."""

    commissioner: str
    provider: str
    service: str
    kind: ContractKind
    price_pence: Pence = 0
    threshold_units: float = 0.0
    marginal_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class CostShape:
    """A provider's cost per unit of a service and the share of it that is variable
    (semi-fixed costs are counted as fixed within a year)."""

    unit_cost_pence: Pence
    variable_share: Decimal


@dataclass(frozen=True)
class FlowResult:
    income_change: dict[str, Pence]
    cost_change: dict[str, Pence]
    stranded_fixed_cost: dict[str, Pence]
    # What each contract moves: its commissioner pays and its provider receives exactly this.
    contract_change: dict[Flow, Pence] = field(default_factory=dict)

    def position_change(self, org: str) -> Pence:
        return self.income_change.get(org, 0) - self.cost_change.get(org, 0)

    @property
    def system_change(self) -> Pence:
        orgs = self.income_change.keys() | self.cost_change.keys()
        return sum(self.position_change(o) for o in orgs)


def contract_income(contract: Contract, units: float) -> Fraction:
    """What the contract pays for ``units`` of activity in a year (exact)."""
    price = Fraction(contract.price_pence)
    if contract.kind == "activity":
        return price * Fraction(units)
    if contract.kind == "block":
        return price * Fraction(contract.threshold_units)
    base = price * Fraction(contract.threshold_units)
    above = max(Fraction(units) - Fraction(contract.threshold_units), Fraction(0))
    return base + above * price * Fraction(contract.marginal_rate)


def flows(
    contracts: Sequence[Contract],
    costs: Mapping[tuple[str, str], CostShape],
    before: Mapping[Flow, float],
    after: Mapping[Flow, float],
) -> FlowResult:
    """How income and cost move when activity moves.

    ``before`` and ``after`` give units by (commissioner, provider, service); ``costs`` the
    cost shape by (provider, service). Income follows each contract's terms; each provider's
    cost moves by its variable share only, so the fixed cost left behind when activity leaves
    shows as stranded. A commissioner pays what its providers gain (its spend falls when they
    lose), which is its cost change. Activity with no contract moves cost but no income.

    Rounding: each contract's exact change is rounded to whole pence once, over the whole
    system (``largest_remainder`` of the exact changes to their exact total rounded to the
    nearest penny, ties rotated), and both its commissioner and its provider take that figure,
    so what commissioners pay is what providers receive, per contract and in total. An
    organisation's income or payments are the sums of its contracts' (each within a penny of
    exact); its variable and stranded costs are rounded over the system the same way.
    """
    exact: dict[Flow, Fraction] = {}
    for c in contracts:
        key = (c.commissioner, c.provider, c.service)
        change = contract_income(c, after.get(key, 0.0)) - contract_income(c, before.get(key, 0.0))
        exact[key] = exact.get(key, Fraction(0)) + change
    moved_pence = _round_over_system(exact)
    income: dict[str, Pence] = {}
    paid: dict[str, Pence] = {}
    for (commissioner, provider, _), pence in moved_pence.items():
        income[provider] = income.get(provider, 0) + pence
        paid[commissioner] = paid.get(commissioner, 0) + pence
    cost: dict[str, Fraction] = {}
    stranded: dict[str, Fraction] = {}
    units: dict[tuple[str, str], Fraction] = {}
    for sign, activity in ((1, after), (-1, before)):
        for (_, provider, service), count in activity.items():
            where = (provider, service)
            units[where] = units.get(where, Fraction(0)) + sign * Fraction(count)
    for (provider, service), moved in sorted(units.items()):
        shape = costs.get((provider, service))
        if shape is None or moved == 0:
            continue
        full = Fraction(shape.unit_cost_pence) * moved
        variable = full * Fraction(shape.variable_share)
        cost[provider] = cost.get(provider, Fraction(0)) + variable
        if moved < 0:
            stranded[provider] = stranded.get(provider, Fraction(0)) - (full - variable)
    variable_pence = _round_over_system(cost)
    cost_change = {
        org: paid.get(org, 0) + variable_pence.get(org, 0)
        for org in sorted(paid.keys() | cost.keys())
    }
    return FlowResult(income, cost_change, _round_over_system(stranded), moved_pence)


def _round_over_system(exact: Mapping[K, Fraction]) -> dict[K, Pence]:
    """Whole pence for each figure, rounded together: they sum to their exact total rounded to
    the nearest penny, each within a penny of exact (largest remainder, ties rotated)."""
    return largest_remainder(exact, round_pence(sum(exact.values(), Fraction(0))), rotate_ties=True)


# --- Risk share ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskShareRules:
    contribution_rate: Decimal
    contribution_cap_rate: Decimal


def share_risk(
    variances: Mapping[str, Pence], incomes: Mapping[str, Pence], rules: RiskShareRules
) -> dict[str, Pence]:
    """Each organisation's transfer for one year (positive = receives), in whole pence.

    Organisations better than control total pay ``contribution_rate`` of their favourable
    variance into the pool, each capped at ``contribution_cap_rate`` of its income. The pool is
    paid to organisations worse than control total in proportion to their adverse variance,
    never more than that variance. What is left goes back to the contributors in proportion to
    what they put in. Transfers sum to exactly zero.
    """
    rate = Fraction(rules.contribution_rate)
    cap_rate = Fraction(rules.contribution_cap_rate)
    contributions: dict[str, Fraction] = {}
    for org, v in variances.items():
        if v > 0:
            contributions[org] = min(rate * v, cap_rate * max(incomes.get(org, 0), 0))
    # Whole pence in: each contributor pays the floor of its exact contribution.
    paid = {org: int(c // 1) for org, c in contributions.items()}
    pool = sum(paid.values())
    adverse = {org: -v for org, v in variances.items() if v < 0}
    total_adverse = sum(adverse.values())
    paid_out = min(pool, total_adverse)
    received = (
        largest_remainder(
            {o: Fraction(paid_out * a, total_adverse) for o, a in adverse.items()}, paid_out
        )
        if paid_out > 0
        else {}
    )
    left = pool - paid_out
    returned = (
        largest_remainder({o: Fraction(left * p, pool) for o, p in paid.items()}, left)
        if left > 0
        else {}
    )
    transfers = {org: 0 for org in variances}
    for org, p in paid.items():
        transfers[org] -= p - returned.get(org, 0)
    for org, r in received.items():
        transfers[org] += r
    return transfers


@dataclass(frozen=True)
class Ledger:
    """What each organisation owes each other (debtor, creditor) → pence, from repayable
    receipts, carried from year to year."""

    owed: Mapping[tuple[str, str], Pence] = field(default_factory=dict)

    def owes(self, org: str) -> Pence:
        return sum(v for (debtor, _), v in self.owed.items() if debtor == org)

    def is_owed(self, org: str) -> Pence:
        return sum(v for (_, creditor), v in self.owed.items() if creditor == org)


@dataclass(frozen=True)
class YearResult:
    transfers: dict[str, Pence]  # the risk share and repayments together (positive = receives)
    repayments: dict[str, Pence]  # what each debtor repaid this year
    ledger: Ledger


def share_risk_with_ledger(
    variances: Mapping[str, Pence],
    incomes: Mapping[str, Pence],
    rules: RiskShareRules,
    ledger: Ledger,
    repayable: bool,
) -> YearResult:
    """One year of a risk share whose receipts may be repayable.

    First, each organisation that owes and is better than control total repays what it owes,
    as far as its favourable variance allows; each repayment goes to its creditors in
    proportion to what each is owed. The year's risk share then runs on the variance left. If
    receipts are repayable, each receiver then owes what it received to that year's net
    contributors, in proportion to what each put in. Transfers sum to zero and the ledger
    always holds exactly the repayable receipts not yet repaid.

    Rounding: the year's repayments are split into whole pence together, as one table of
    debtor × creditor (``round_table``), not debtor by debtor: each debtor repays exactly its
    repayment, each creditor receives its exact share of all the year's repayments rounded
    down or up (never a whole penny more or less), each amount is its exact share rounded down
    or up, and the odd pennies go to the creditors with the largest fractional parts, ties
    rotated with the amount (so not always to the first name). The new debts are split the
    same way, receiver × contributor: each receiver owes exactly what it received, and each
    contributor is owed in all exactly what it put in.
    """
    owed = dict(ledger.owed)
    remaining = dict(variances)
    transfers = {org: 0 for org in variances}
    repayments: dict[str, Pence] = {}
    repaid_exact: dict[tuple[str, str], Fraction] = {}
    for debtor in sorted({d for d, _ in owed}):
        debts = {c: v for (d, c), v in owed.items() if d == debtor and v > 0}
        pay = min(sum(debts.values()), max(remaining.get(debtor, 0), 0))
        if pay <= 0:
            continue
        repayments[debtor] = pay
        remaining[debtor] -= pay
        transfers[debtor] = transfers.get(debtor, 0) - pay
        for creditor, v in debts.items():
            repaid_exact[(debtor, creditor)] = Fraction(pay * v, sum(debts.values()))
    for (debtor, creditor), amount in round_table(repaid_exact).items():
        transfers[creditor] = transfers.get(creditor, 0) + amount
        owed[(debtor, creditor)] -= amount
    year = share_risk(remaining, incomes, rules)
    for org, t in year.items():
        transfers[org] = transfers.get(org, 0) + t
    if repayable:
        contributors = {o: -t for o, t in year.items() if t < 0}
        total_in = sum(contributors.values())
        debt_exact = {
            (receiver, creditor): Fraction(received * v, total_in)
            for receiver, received in year.items()
            if received > 0
            for creditor, v in contributors.items()
        }
        for key, amount in round_table(debt_exact).items():
            owed[key] = owed.get(key, 0) + amount
    return YearResult(transfers, repayments, Ledger({k: v for k, v in owed.items() if v}))


def run_agreement(
    years: Sequence[tuple[Mapping[str, Pence], Mapping[str, Pence]]],
    rules: RiskShareRules,
    repayable: bool,
) -> list[YearResult]:
    """A risk share over consecutive years: ``years`` holds (variances, incomes) for each year
    in order; the ledger of each year carries into the next."""
    ledger, results = Ledger(), []
    for variances, incomes in years:
        result = share_risk_with_ledger(variances, incomes, rules, ledger, repayable)
        results.append(result)
        ledger = result.ledger
    return results


# --- Per patient per pound ---------------------------------------------------------------

# Relative cost of care by age (working-age adult = 1), an indicative curve of the shape the
# national allocation formulae use: replace it with the ICB's own weights for real figures.
AGE_BANDS: tuple[tuple[int, Decimal], ...] = (
    (0, Decimal("1.3")),
    (5, Decimal("0.6")),
    (15, Decimal("0.8")),
    (45, Decimal("1.2")),
    (65, Decimal("2.2")),
    (75, Decimal("3.5")),
    (85, Decimal("5.0")),
)

# A weight or a weighted count. A float is read as the decimal it prints as (1.3 is 13/10),
# so weights typed as floats still add up exactly.
Weight = Decimal | Fraction | int | float


def _exact(x: Weight) -> Fraction:
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def age_weights(ages: int = 91) -> list[Decimal]:
    """The weight for each single year of age 0 … ``ages - 1`` (the last is "and over")."""
    weights = []
    for age in range(ages):
        weights.append(next(w for start, w in reversed(AGE_BANDS) if age >= start))
    return weights


def weighted_population(counts_by_age: Sequence[int], weights_by_age: Sequence[Weight]) -> Fraction:
    """Residents weighted by the relative cost of care at each age (e.g. 65+ weigh more),
    exactly: the sum is not rounded, so 10,000 weighted residents are exactly 10,000."""
    if len(counts_by_age) != len(weights_by_age):
        raise ValueError("one weight per age is needed")
    return sum(
        (c * _exact(w) for c, w in zip(counts_by_age, weights_by_age, strict=True)), Fraction(0)
    )


def spend_per_weighted_resident(
    spend: Pence | Fraction, weighted_residents: Weight
) -> Decimal | None:
    """Pounds per weighted resident, worked exactly and then rounded to the nearest penny, a
    half penny up (``round_pence``): £1,000,000.00 over 10,000 weighted residents is exactly
    £100.00, and £2.00 over 3 is £0.67. None when there are no weighted residents."""
    residents = _exact(weighted_residents)
    if residents <= 0:
        return None
    return Decimal(round_pence(Fraction(spend) / residents)).scaleb(-2)


# --- By deprivation quintile (issue 20) ---------------------------------------------------

G = TypeVar("G", bound="SupportsRichComparison")


def band_weights(band_starts: Sequence[int]) -> list[Decimal]:
    """The weight of each age band starting at ``band_starts`` (e.g. 0, 5, … 90), from
    ``AGE_BANDS``; a band must not straddle a change of weight."""
    weights = age_weights(max(band_starts) + 1)
    out = []
    for i, start in enumerate(band_starts):
        end = band_starts[i + 1] - 1 if i + 1 < len(band_starts) else start
        if weights[start] != weights[min(end, len(weights) - 1)]:
            raise ValueError(f"the age band from {start} has more than one weight")
        out.append(weights[start])
    return out


@dataclass(frozen=True)
class GroupSpend:
    """A group's (e.g. a deprivation quintile's) share of spend, exactly, its weighted
    residents, and pounds per weighted resident rounded to the penny (None with none)."""

    spend: Fraction  # pence
    weighted_residents: Fraction
    pounds: Decimal | None


def spend_by_group(
    place_spend: Mapping[K, Pence],
    place_weighted: Mapping[K, Weight],
    group_weighted: Mapping[K, Mapping[G, Weight]],
) -> dict[G, GroupSpend]:
    """Spend per weighted resident for each group of residents (a deprivation quintile, say)
    when spend reaches residents through the places they live in: each place's spend per
    weighted resident (``place_spend`` over ``place_weighted``) goes to each of its weighted
    residents, whatever their group; ``group_weighted`` gives each place's weighted residents
    in each group. A group's figure is so the average of its places' figures, weighted by how
    many of its weighted residents live in each: it differs between groups only as far as the
    places differ. Places with no weighted residents are left out. Worked exactly.

    Two places, A spending £200 on 100 weighted residents (£2.00 each) and B £300 on 100
    (£3.00): a group with 30 weighted residents in A and 10 in B gets 30 × 2 + 10 × 3 = £90
    over 40, £2.25 each."""
    spend: dict[G, Fraction] = {}
    residents: dict[G, Fraction] = {}
    for place, groups in group_weighted.items():
        total = _exact(place_weighted.get(place, 0))
        if total <= 0:
            continue
        rate = Fraction(place_spend.get(place, 0)) / total
        for group, weighted in groups.items():
            w = _exact(weighted)
            spend[group] = spend.get(group, Fraction(0)) + rate * w
            residents[group] = residents.get(group, Fraction(0)) + w
    return {
        g: GroupSpend(spend[g], residents[g], spend_per_weighted_resident(spend[g], residents[g]))
        for g in sorted(spend)
    }
