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


@dataclass(frozen=True)
class Contract:
    """How a commissioner pays a provider. ``kind``: "activity" (price per unit), "block"
    (fixed sum), or "block_marginal" (fixed up to ``threshold_units``, then ``marginal_rate`` of
    the price for each unit above it)."""

    commissioner: str
    provider: str
    kind: Literal["activity", "block", "block_marginal"]
    price_pence: Pence = 0
    threshold_units: float = 0.0
    marginal_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class CostShape:
    """A provider's cost per unit of activity and the share of it that is variable
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
    costs: Mapping[str, CostShape],
    before: Mapping[tuple[str, str], float],
    after: Mapping[tuple[str, str], float],
) -> FlowResult:
    """How income and cost move when activity moves. ``before`` and ``after`` give units by
    (commissioner, provider). Income follows each contract's terms; each provider's cost moves
    by its variable share only, so the fixed cost left behind shows as stranded. A commissioner
    pays what its providers gain (its spend falls when they lose), which is its cost change."""
    income: dict[str, Fraction] = {}
    cost: dict[str, Fraction] = {}
    stranded: dict[str, Fraction] = {}
    for c in contracts:
        key = (c.commissioner, c.provider)
        change = contract_income(c, after.get(key, 0.0)) - contract_income(c, before.get(key, 0.0))
        income[c.provider] = income.get(c.provider, Fraction(0)) + change
        cost[c.commissioner] = cost.get(c.commissioner, Fraction(0)) + change
    providers = {p for _, p in before.keys() | after.keys()}
    for provider in providers:
        shape = costs.get(provider)
        if shape is None:
            continue
        units = sum(after.get(k, 0.0) for k in after if k[1] == provider) - sum(
            before.get(k, 0.0) for k in before if k[1] == provider
        )
        full = Fraction(shape.unit_cost_pence) * Fraction(units)
        variable = full * Fraction(shape.variable_share)
        cost[provider] = cost.get(provider, Fraction(0)) + variable
        if units < 0:
            stranded[provider] = -(full - variable)
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


# --- Per patient per pound ---------------------------------------------------------------


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
