"""Finance figures for pages, exports and the API: the only module here that calls the
engine. It turns what ``queries.py`` reads into the engine's inputs and the engine's results
into values; it reads nothing itself and writes nothing. Callers decide what a person may see;
these functions compute from every plan."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from footprint.demand import defaults
from footprint.demand.models import Result, Run, Scenario
from footprint.demand.pods import ALL, pod_name
from footprint.engine import finance as engine
from footprint.finance import queries
from footprint.finance.models import FinancialPlan, RiskShareAgreement, year_label
from footprint.partnership import compute as population
from footprint.partnership.models import AGE_BANDS, Organisation
from footprint.partnership.queries import names_by_code, small_area_population_years

HUNDRED = Decimal(100)


def position(plan: FinancialPlan) -> engine.Position:
    return engine.Position(
        income={k: int(v) for k, v in plan.income.items()},
        pay=plan.pay_pence,
        non_pay=plan.non_pay_pence,
        control_total=plan.control_total_pence,
        fixed_share=plan.fixed_percent / HUNDRED,
        semi_fixed_share=plan.semi_fixed_percent / HUNDRED,
    )


def agreement_results(
    agreement: RiskShareAgreement, by_year: dict[int, list[FinancialPlan]] | None = None
) -> dict[int, engine.YearResult]:
    """Each year of the agreement up to the last that has plans: transfers, repayments and
    the ledger after it. Members without a plan for a year take no part that year.
    ``by_year``: the members' plans (``queries.member_plans``), if already read."""
    by_year = queries.member_plans(agreement) if by_year is None else by_year
    if not by_year:
        return {}
    years = [y for y in agreement.years if y <= max(by_year)]
    results = engine.run_agreement(
        [
            (
                {p.organisation.ods_code: p.variance_pence for p in by_year.get(y, [])},
                {p.organisation.ods_code: p.total_income_pence for p in by_year.get(y, [])},
            )
            for y in years
        ],
        engine.RiskShareRules(
            agreement.contribution_rate / HUNDRED, agreement.contribution_cap_rate / HUNDRED
        ),
        agreement.repayable,
    )
    return dict(zip(years, results, strict=True))


@dataclass(frozen=True)
class LedgerRow:
    """One member's year under a risk-share agreement."""

    year: int
    organisation: Organisation
    variance: int | None  # None: no plan for the year
    repaid: int
    transfer: int  # paid (negative) or received
    owes: int  # at the end of the year
    is_owed: int

    @property
    def financial_year(self) -> str:
        return year_label(self.year)


def ledger(agreement: RiskShareAgreement) -> list[LedgerRow]:
    """The agreement's ledger, year by year, every member each year."""
    by_year = queries.member_plans(agreement)
    plans = {(p.organisation_id, p.year): p for in_year in by_year.values() for p in in_year}
    rows = []
    for year, result in agreement_results(agreement, by_year).items():
        for member in agreement.members.all():
            plan = plans.get((member.pk, year))
            code = member.ods_code
            rows.append(
                LedgerRow(
                    year,
                    member,
                    plan.variance_pence if plan else None,
                    result.repayments.get(code, 0),
                    result.transfers.get(code, 0),
                    result.ledger.owes(code),
                    result.ledger.is_owed(code),
                )
            )
    return rows


@dataclass(frozen=True)
class OrgYear:
    """One organisation's plan for a year, with what the risk share did to it."""

    organisation: Organisation
    plan: FinancialPlan
    transfer: int = 0  # risk share and repayments, positive = receives
    repaid: int = 0
    owes: int = 0  # at the end of the year
    is_owed: int = 0

    @property
    def year(self) -> int:
        return self.plan.year

    @property
    def final_pence(self) -> int:
        return self.plan.surplus_pence + self.transfer

    @property
    def final_variance_pence(self) -> int:
        return self.plan.variance_pence + self.transfer


def _org_year(plan: FinancialPlan, result: engine.YearResult | None) -> OrgYear:
    if result is None:
        return OrgYear(plan.organisation, plan)
    code = plan.organisation.ods_code
    return OrgYear(
        plan.organisation,
        plan,
        transfer=result.transfers.get(code, 0),
        repaid=result.repayments.get(code, 0),
        owes=result.ledger.owes(code),
        is_owed=result.ledger.is_owed(code),
    )


@dataclass(frozen=True)
class SystemYear:
    year: int
    rows: list[OrgYear]
    agreement: RiskShareAgreement | None
    control_total: int = field(init=False)
    surplus: int = field(init=False)
    variance: int = field(init=False)

    def __post_init__(self) -> None:
        system = engine.system_position(
            {r.organisation.ods_code: position(r.plan) for r in self.rows}
        )
        object.__setattr__(self, "control_total", system.control_total)
        object.__setattr__(self, "surplus", system.surplus)
        object.__setattr__(self, "variance", system.variance)

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def paid_in(self) -> int:
        return sum(r.transfer for r in self.rows if r.transfer < 0)

    @property
    def paid_out(self) -> int:
        return sum(r.transfer for r in self.rows if r.transfer > 0)

    @property
    def final(self) -> int:
        return sum(r.final_pence for r in self.rows)


def system_year(year: int) -> SystemYear:
    """Every plan for ``year`` with the risk share applied."""
    plans = queries.plans_in(year)
    agreement = queries.agreement_for(year)
    result = agreement_results(agreement).get(year) if agreement else None
    return SystemYear(year, [_org_year(p, result) for p in plans], agreement)


def organisation_years(organisation: Organisation) -> list[OrgYear]:
    """``organisation``'s plans, year by year, with the risk share applied."""
    out = []
    results: dict[int, dict[int, engine.YearResult]] = {}
    for plan in queries.plans_of(organisation):
        agreement = queries.agreement_for(plan.year)
        if agreement is not None and agreement.pk not in results:
            results[agreement.pk] = agreement_results(agreement)
        result = results[agreement.pk].get(plan.year) if agreement else None
        out.append(_org_year(plan, result))
    return out


def organisation_waterfall(row: OrgYear) -> list[tuple[str, float]]:
    """An organisation's year in £m: control total, plan against it, risk share."""
    steps = [
        ("Control total", row.plan.control_total_pence / 1e8),
        ("Plan against control total", row.plan.variance_pence / 1e8),
    ]
    if row.transfer:
        steps.append(("Risk share and repayments", row.transfer / 1e8))
    return steps


# --- Spend per weighted resident ----------------------------------------------------------


# Each place's weighted residents, its share of spend in whole pence, and the system's spend.
PlaceSpend = tuple[dict[int, Fraction], dict[int, int], int]


@dataclass(frozen=True)
class SpendPerHead:
    year: int
    area: str
    spend_pence: int
    weighted_residents: float  # for display: ``pounds`` is worked from the exact figure
    pounds: Decimal | None
    change: Decimal | None  # on the year before, in pounds


def place_spends(years: Iterable[int]) -> dict[int, PlaceSpend]:
    """Each year's weighted residents and providers' spend by place (see ``_place_spend``),
    for years with population: read once, for both tables of spend per weighted resident."""
    places = queries.places()
    out = {}
    for year in sorted(years):
        shared = _place_spend(year, places)
        if shared is not None:
            out[year] = shared
    return out


def spend_per_head(
    years: Iterable[int], spends: dict[int, PlaceSpend] | None = None
) -> list[SpendPerHead]:
    """Providers' planned expenditure per age-weighted resident, by place and for the system,
    year on year. A provider's spend is shared across the places it serves in proportion to
    their weighted residents; commissioners are left out, as their spend is the providers'
    income. Worked exactly: the places' shares are rounded to whole pence together, so they add
    up to the system's spend to the penny."""
    places = queries.places()
    spends = place_spends(years) if spends is None else spends
    out: list[SpendPerHead] = []
    previous: dict[str, Decimal | None] = {}
    for year in sorted(years):
        if year not in spends:
            continue
        weighted, spend_pence, system_spend = spends[year]
        rows = [
            (place.name, spend_pence[place.pk], weighted[place.pk])
            for place in places
            if place.pk in weighted
        ]
        rows.append(("Whole system", system_spend, sum(weighted.values(), Fraction(0))))
        for area, pence, residents in rows:
            pounds = engine.spend_per_weighted_resident(pence, residents)
            before = previous.get(area)
            change = pounds - before if pounds is not None and before is not None else None
            out.append(SpendPerHead(year, area, pence, float(residents), pounds, change))
            previous[area] = pounds
    return out


def _place_spend(year: int, places: list[Any]) -> PlaceSpend | None:
    """Each place's weighted residents and its share of providers' planned spend in ``year``
    (whole pence, adding up to the system's), and the system's spend; None without
    population. A provider's spend is shared across the places it serves by their weighted
    residents (across all places if it names none)."""
    weights = engine.age_weights()
    weighted: dict[int, Fraction] = {}
    for place in places:
        pop = population.population(year, place=place)
        if pop is not None:
            counts = [f + m for f, m in zip(pop.female, pop.male, strict=True)]
            weighted[place.pk] = engine.weighted_population(counts, weights[: len(counts)])
    if not weighted:
        return None
    spend: dict[int, Fraction] = dict.fromkeys(weighted, Fraction(0))
    system_spend = 0
    for plan in queries.provider_plans(year):
        served = [p.pk for p in plan.organisation.places.all() if p.pk in weighted]
        served = served or list(weighted)
        total = sum(weighted[p] for p in served)
        system_spend += plan.expenditure_pence
        for p in served:
            spend[p] += plan.expenditure_pence * weighted[p] / total
    return weighted, engine.largest_remainder(spend, system_spend, rotate_ties=True), system_spend


@dataclass(frozen=True)
class QuintileSpend:
    year: int
    quintile: int  # 1 most deprived 20 % of areas nationally … 5 least
    label: str
    population_year: int  # the year of the small areas' residents
    spend_pence: int  # rounded to the penny, for display
    weighted_residents: float  # for display: ``pounds`` is worked from the exact figure
    pounds: Decimal | None


QUINTILE_LABELS = {
    1: "1 – most deprived 20%",
    2: "2",
    3: "3",
    4: "4",
    5: "5 – least deprived 20%",
}


def spend_per_head_by_quintile(
    years: Iterable[int], spends: dict[int, PlaceSpend] | None = None
) -> list[QuintileSpend]:
    """Providers' planned spend per age-weighted resident by national deprivation quintile,
    year on year: each place's spend per weighted resident (as ``spend_per_head``) goes to
    each of its residents, counted by small area with the small area's quintile, so a
    quintile's figure reflects the places its residents live in. Each place's weighted
    residents are those of the same year as by place, shared between quintiles as its small
    areas' weighted residents are (those of the same year, or of the nearest year held; small
    areas with no decile are left out of the shares), so the quintiles add up to the whole
    system, residents and spend, every year. A place with no small area of known decile is
    left out (its spend is in no quintile)."""
    held = small_area_population_years()
    if not held:
        return []
    bands = [int(b.split("-")[0].rstrip("+")) for b in AGE_BANDS]
    band_weights = engine.band_weights(bands)
    spends = place_spends(years) if spends is None else spends
    groups_by_year: dict[int, dict[int, dict[int, Fraction]]] = {}
    out: list[QuintileSpend] = []
    for year in sorted(years):
        if year not in spends:
            continue
        weighted, spend_pence, _ = spends[year]
        pop_year = min(held, key=lambda y: (abs(y - year), -y))
        if pop_year not in groups_by_year:  # finance years often share one population year
            groups_by_year[pop_year] = {
                place: {
                    q: engine.weighted_population(counts, band_weights)
                    for q, counts in by_quintile.items()
                }
                for place, by_quintile in queries.small_area_bands(pop_year).items()
            }
        groups = {
            place: {q: weighted[place] * w / sum(shares.values()) for q, w in shares.items()}
            for place, shares in groups_by_year[pop_year].items()
            if place in weighted and sum(shares.values()) > 0
        }
        result = engine.spend_by_group(spend_pence, weighted, groups)
        for q, g in result.items():
            out.append(
                QuintileSpend(
                    year,
                    q,
                    QUINTILE_LABELS[q],
                    pop_year,
                    engine.round_pence(g.spend),
                    float(g.weighted_residents),
                    g.pounds,
                )
            )
    return out


# --- Who gains and who loses when activity moves -----------------------------------------


@dataclass(frozen=True)
class FlowRow:
    organisation: str  # ODS code
    name: str
    income_change: int
    cost_change: int
    stranded: int
    planned_income: int | None
    # The year of the plan whose cost shape estimated the provider's cost (None: no plan used).
    plan_year: int | None = None
    # Set by ``publication.flows_seen_by`` for a person who may not see the plan behind the
    # cost: cost, stranded cost and position are then zeroed here and not shown.
    costs_hidden: bool = False

    @property
    def position_change(self) -> int:
        return self.income_change - self.cost_change

    @property
    def income_change_percent(self) -> float | None:
        if not self.planned_income:
            return None
        return 100 * self.income_change / self.planned_income


@dataclass(frozen=True)
class ScenarioFlows:
    year: int
    rows: list[FlowRow]
    moves: list[dict[str, object]]  # the activity that moved, by provider and service
    notes: list[str]
    # Providers with no plan, whose costs are not estimated (ODS code to name).
    unplanned: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every organisation's cost and position is shown (none withheld)."""
        return not any(r.costs_hidden for r in self.rows)

    @property
    def system_change(self) -> int:
        return sum(r.position_change for r in self.rows)


def unplanned_note(names: Iterable[str]) -> str:
    return "No financial plan, so their costs are not estimated: " + ", ".join(sorted(names))


def _activity(run: Run, year: int, baseline: bool) -> dict[tuple[str, str], tuple[float, float]]:
    """(provider, pod) → (activity, bed days) in ``year``, or in the base year."""
    out: dict[tuple[str, str], list[float]] = {}
    for provider, pod, measure, central, base in queries.activity_results(run, year):
        if provider == ALL:
            continue
        value = (base or 0.0) if baseline else central
        cell = out.setdefault((provider, pod), [0.0, 0.0])
        cell[0 if measure == Result.Measure.ACTIVITY else 1] = value
    return {k: (v[0], v[1]) for k, v in out.items()}


def scenario_flows(scenario: Scenario, against: Scenario | None, year: int) -> ScenarioFlows:
    """How income and cost move between organisations when activity is as ``scenario``'s
    latest run projects for ``year`` rather than as ``against``'s (or, with none, as in the
    base year), at the scenario's unit costs."""
    run = scenario.latest_run
    if run is None:
        raise ValueError(f"'{scenario.name}' has not been run")
    after = _activity(run, year, baseline=False)
    if against is None:
        before = _activity(run, year, baseline=True)
    else:
        other = against.latest_run
        if other is None:
            raise ValueError(f"'{against.name}' has not been run")
        before = _activity(other, year, baseline=False)
    capacity = scenario.parameters.get("capacity", {})
    return _compare(
        before, after, capacity.get("unit_costs", {}), capacity.get("bed_day_costs", {}), year
    )


@dataclass(frozen=True)
class TypedMove:
    """Units of a service moving from one provider to another (or to none: avoided)."""

    provider: str
    service: str
    units: float
    to_provider: str = ""
    to_service: str = ""


def typed_flows(move: TypedMove, year: int) -> ScenarioFlows:
    """How income and cost move for a move typed in rather than projected. Activity is taken
    to stand at each contract's block size (so leaving a block loses no income and joining a
    block with a marginal rate earns that rate), at the default unit costs."""
    contracts = {(c.provider.ods_code, c.service): c for c in queries.contracts()}

    def base(key: tuple[str, str]) -> float:
        contract = contracts.get(key)
        return contract.threshold_units if contract else 0.0

    source = (move.provider, move.service)
    before = {source: (base(source), 0.0)}
    after = {source: (base(source) - move.units, 0.0)}
    if move.to_provider:
        target = (move.to_provider, move.to_service or move.service)
        before[target] = (base(target), 0.0)
        after[target] = (base(target) + move.units, 0.0)
    return _compare(before, after, defaults.UNIT_COSTS, {}, year)


def _compare(
    before: dict[tuple[str, str], tuple[float, float]],
    after: dict[tuple[str, str], tuple[float, float]],
    unit_costs: dict[str, float],
    bed_day_costs: dict[str, float],
    year: int,
) -> ScenarioFlows:
    """Income follows the contracts; each provider's cost moves by the variable share in its
    plan for the year (or its latest plan before it) at the unit costs given (plus bed-day
    costs at the mean stay before)."""
    contracts = {(c.provider.ods_code, c.service): c for c in queries.contracts()}
    plans = queries.latest_plans_by_code(year)
    notes: list[str] = []
    costs: dict[tuple[str, str], engine.CostShape] = {}
    flows_before: dict[engine.Flow, float] = {}
    flows_after: dict[engine.Flow, float] = {}
    moves = []
    keys = before.keys() | after.keys()
    names = names_by_code(
        {p for p, _ in keys} | {c.commissioner.ods_code for c in contracts.values()}
    )
    for key in sorted(keys, key=lambda k: (names.get(k[0], k[0]).casefold(), k[1])):
        provider, pod = key
        (b, b_days), (a, _) = before.get(key, (0.0, 0.0)), after.get(key, (0.0, 0.0))
        contract = contracts.get(key)
        commissioner = contract.commissioner.ods_code if contract else ""
        flows_before[(commissioner, provider, pod)] = b
        flows_after[(commissioner, provider, pod)] = a
        if round(a - b):
            moves.append(
                {
                    "provider": provider,
                    "provider_name": names.get(provider, provider),
                    "service": pod_name(pod),
                    "before": b,
                    "after": a,
                    "contract": contract,
                }
            )
        plan = plans.get(provider)
        if plan is not None:
            per_unit = unit_costs.get(pod, 0) + bed_day_costs.get(pod, 0) * (b_days / b if b else 0)
            costs[key] = engine.CostShape(round(per_unit * 100), position(plan).variable_share)
    unplanned = {p: names.get(p, p) for p in {p for p, _ in keys} - plans.keys()}
    if unplanned:
        notes.append(unplanned_note(unplanned.values()))
    result = engine.flows(
        [
            engine.Contract(
                c.commissioner.ods_code,
                c.provider.ods_code,
                c.service,
                c.kind,  # type: ignore[arg-type]
                price_pence=c.price_pence,
                threshold_units=c.threshold_units,
                marginal_rate=c.marginal_rate,
            )
            for c in contracts.values()
        ],
        costs,
        flows_before,
        flows_after,
    )
    codes = sorted(result.income_change.keys() | result.cost_change.keys())
    names |= names_by_code(set(codes) - names.keys())
    rows = [
        FlowRow(
            code,
            names.get(code, code),
            result.income_change.get(code, 0),
            result.cost_change.get(code, 0),
            result.stranded_fixed_cost.get(code, 0),
            plans[code].total_income_pence if code in plans and plans[code].year == year else None,
            plans[code].year if any(p == code for p, _ in costs) else None,
        )
        for code in codes
        if result.income_change.get(code) or result.cost_change.get(code)
    ]
    rows.sort(key=lambda r: r.position_change)
    return ScenarioFlows(year, rows, moves, notes, unplanned)


def flow_waterfall(flows: ScenarioFlows) -> list[tuple[str, float]]:
    """Each organisation's change in position in £m, from nothing to the system's change,
    organisations by name."""
    return [("Before", 0.0)] + [(r.name, r.position_change / 1e8) for r in flows.rows]


def scenario_years(scenario: Scenario) -> Sequence[int]:
    """The years a scenario projects: after its base year up to its horizon year."""
    params = scenario.parameters
    return range(params["base_year"] + 1, params["horizon"] + 1)
