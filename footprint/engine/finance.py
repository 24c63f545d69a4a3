"""System finance in whole pence: positions against control totals, contract flows when
activity moves, the risk-share pool and its ledger, and spend per weighted resident.

All money is ``int`` pence. Rates are ``Decimal``. Nothing here rounds except where it says so,
and then to whole pence with largest-remainder rounding, so totals are exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Literal

Pence = int


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
        """Surplus less control total: positive is better than plan."""
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
    """
    income: dict[str, Fraction] = {}
    cost: dict[str, Fraction] = {}
    stranded: dict[str, Fraction] = {}
    for c in contracts:
        key = (c.commissioner, c.provider, c.service)
        change = contract_income(c, after.get(key, 0.0)) - contract_income(c, before.get(key, 0.0))
        income[c.provider] = income.get(c.provider, Fraction(0)) + change
        cost[c.commissioner] = cost.get(c.commissioner, Fraction(0)) + change
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
    return FlowResult(_to_pence(income), _to_pence(cost), _to_pence(stranded))


def _to_pence(values: Mapping[str, Fraction]) -> dict[str, Pence]:
    return {k: round(v) for k, v in values.items()}


# --- Risk share ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskShareRules:
    contribution_rate: Decimal
    contribution_cap_rate: Decimal


def largest_remainder(shares: Mapping[str, Fraction], total: Pence) -> dict[str, Pence]:
    """Whole pence for each share, summing exactly to ``total``: each gets the floor of its
    exact share, and the pence left over go to the largest fractional parts (ties by name)."""
    floors = {k: int(v // 1) for k, v in shares.items()}
    left = total - sum(floors.values())
    order = sorted(shares, key=lambda k: (-(shares[k] - floors[k]), k))
    for k in order[:left]:
        floors[k] += 1
    return floors


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
    """
    owed = dict(ledger.owed)
    remaining = dict(variances)
    transfers = {org: 0 for org in variances}
    repayments: dict[str, Pence] = {}
    for debtor in sorted({d for d, _ in owed}):
        debts = {c: v for (d, c), v in owed.items() if d == debtor and v > 0}
        pay = min(sum(debts.values()), max(remaining.get(debtor, 0), 0))
        if pay <= 0:
            continue
        repayments[debtor] = pay
        remaining[debtor] -= pay
        share = largest_remainder(
            {c: Fraction(pay * v, sum(debts.values())) for c, v in debts.items()}, pay
        )
        transfers[debtor] = transfers.get(debtor, 0) - pay
        for creditor, amount in share.items():
            transfers[creditor] = transfers.get(creditor, 0) + amount
            owed[(debtor, creditor)] -= amount
    year = share_risk(remaining, incomes, rules)
    for org, t in year.items():
        transfers[org] = transfers.get(org, 0) + t
    if repayable:
        contributors = {o: -t for o, t in year.items() if t < 0}
        total_in = sum(contributors.values())
        for receiver, received in year.items():
            if received > 0 and total_in > 0:
                share = largest_remainder(
                    {c: Fraction(received * v, total_in) for c, v in contributors.items()}, received
                )
                for creditor, amount in share.items():
                    owed[(receiver, creditor)] = owed.get((receiver, creditor), 0) + amount
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
AGE_BANDS: tuple[tuple[int, float], ...] = (
    (0, 1.3),
    (5, 0.6),
    (15, 0.8),
    (45, 1.2),
    (65, 2.2),
    (75, 3.5),
    (85, 5.0),
)


def age_weights(ages: int = 91) -> list[float]:
    """The weight for each single year of age 0 … ``ages - 1`` (the last is "and over")."""
    weights = []
    for age in range(ages):
        weights.append(next(w for start, w in reversed(AGE_BANDS) if age >= start))
    return weights


def weighted_population(counts_by_age: Sequence[int], weights_by_age: Sequence[float]) -> float:
    """Residents weighted by the relative cost of care at each age (e.g. 65+ weigh more)."""
    if len(counts_by_age) != len(weights_by_age):
        raise ValueError("one weight per age is needed")
    return float(sum(c * w for c, w in zip(counts_by_age, weights_by_age, strict=True)))


def spend_per_weighted_resident(spend: Pence, weighted_residents: float) -> Decimal | None:
    """Pounds per weighted resident, to the penny (rounded down)."""
    if weighted_residents <= 0:
        return None
    pounds = Decimal(spend) / Decimal(100) / Decimal(repr(weighted_residents))
    return pounds.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
