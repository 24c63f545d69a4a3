"""The demo's system finance: five years of plans from the current financial year for every
provider and the ICB (one acute trust in deep deficit, two trusts in surplus), contracts for
the demand model's points of delivery, an agreed risk share whose ledger shows repayments,
and the first two years published.

The figures hang together. Each trust's income from the ICB is its base-year activity at the
demo's prices (``constants.PRICES``, the same list the contracts and the demand scenarios use)
plus the services the demand model leaves out, a share named for each trust. Its pay is the
pay bill of its workforce returns over the last 12 months. The ambulance trust's figures are
this system's share of a regional trust. The ICB's budget is its allocation, almost all of it
spent on commissioning (non-pay); its own pay is part of running costs of about £19 a head.

Built through the finance services with the demo's clock at the end of the March before the
year starts, so every figure has its history and audit record on the demo's timeline."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum

from footprint.demand.models import ActivityCell
from footprint.demo.constants import PRICES
from footprint.demo.timeline import Clock, Timeline
from footprint.finance import services
from footprint.finance.importers import PlanFigures
from footprint.finance.models import Contract, ContractKind, RiskShareAgreement
from footprint.partnership.models import Organisation, Population
from footprint.workforce.models import WorkforceReturn

M = 100_000_000  # £1m in pence
GROWTH = 1.03  # income and pay, a year
ALLOCATION_PER_HEAD = 2_250  # the ICB's allocation, £ a resident
RUNNING_COSTS_PER_HEAD = 19  # the ICB's own running costs, £ a resident
ICB_PAY_SHARE = 0.68  # of its running costs

# Each trust's ICB contract beyond the demand model's points of delivery: the share of the
# contract it is, and what it is.
OUTSIDE_THE_MODEL = {
    "RW9": (0.25, "critical care, high-cost drugs and devices, maternity and diagnostics"),
    "RM9": (0.25, "critical care, high-cost drugs and devices, maternity and diagnostics"),
    "RX9": (
        0.45,
        "health visiting, school nursing, learning disability and children's services, "
        "talking therapies",
    ),
    "RY9": (0.08, "NHS 111 and patient transport"),
}
# Income from others, £m: councils' public health contracts, and everything else
# (education and training, research, car parks) as a share of the ICB contract.
COUNCILS = {"RW9": {"LA901": 5.0}, "RM9": {"LA902": 3.0}, "RX9": {"LA901": 12.0, "LA902": 5.0}}
OTHER_SHARE = {"RW9": 0.08, "RM9": 0.08, "RX9": 0.04, "RY9": 0.03}

# Each year's (surplus, control total) in £m, and the (fixed %, semi-fixed %) of spend.
POSITIONS: dict[str, tuple[tuple[float, float], list[tuple[float, float]]]] = {
    "RW9": ((45, 30), [(-55, -40), (-44, -32), (-30, -22), (-10, -12), (3, -4)]),
    "RM9": ((45, 30), [(-8, -6), (-6, -5), (-3, -3), (-1, -2), (0.5, 0)]),
    "RX9": ((35, 35), [(5, 2), (4, 2), (3, 1), (3, 1), (3, 1)]),
    "RY9": ((40, 35), [(0.9, 0.2), (0.7, 0.2), (0.6, 0.2), (0.4, 0.2), (0.4, 0.2)]),
    "GPF01": ((20, 40), [(0, 0), (0.2, 0), (0.3, 0), (0.3, 0), (0.4, 0)]),
    "QW9": ((5, 5), [(0, 0), (0, 0), (1, 0), (1, 0), (1, 0)]),
}
GPF01_INCOME = 12.0  # £m from the ICB: extended access and the federation's services
GPF01_PAY_SHARE = 0.7

# Point of delivery → (contract kind, marginal rate); prices from ``PRICES``, the provider
# from the demo's activity, the block size from its base-year activity.
CONTRACTS = {
    "ae": (ContractKind.BLOCK_MARGINAL, "0.2"),
    "ip_emergency": (ContractKind.BLOCK_MARGINAL, "0.2"),
    "ip_elective": (ContractKind.ACTIVITY, "0"),
    "ip_daycase": (ContractKind.ACTIVITY, "0"),
    "op_first": (ContractKind.ACTIVITY, "0"),
    "op_first_remote": (ContractKind.ACTIVITY, "0"),
    "op_followup": (ContractKind.ACTIVITY, "0"),
    "op_followup_remote": (ContractKind.ACTIVITY, "0"),
    "amb_hear_treat": (ContractKind.BLOCK_MARGINAL, "0.5"),
    "amb_see_treat": (ContractKind.BLOCK_MARGINAL, "0.5"),
    "amb_conveyed": (ContractKind.BLOCK_MARGINAL, "0.5"),
    "cs_nursing": (ContractKind.BLOCK, "0"),
    "cs_therapy": (ContractKind.BLOCK, "0"),
    "cs_beds": (ContractKind.BLOCK, "0"),
    "mh_contacts": (ContractKind.BLOCK, "0"),
    "mh_beds": (ContractKind.BLOCK, "0"),
}
TRUSTS = ("RW9", "RM9", "RX9", "RY9")


def activity_value(base_year: int) -> tuple[dict[str, float], list[tuple[str, str, float]]]:
    """Each trust's base-year activity at the demo's prices (£m), and the (provider, point
    of delivery, units) it is made of."""
    rows = list(
        ActivityCell.objects.filter(
            baseline__base_year=base_year, pod__in=CONTRACTS, provider__in=TRUSTS
        )
        .values_list("provider", "pod")
        .annotate(total=Sum("count"))
        .order_by("provider", "pod")
    )
    value: dict[str, float] = defaultdict(float)
    for provider, pod, units in rows:
        value[provider] += units * PRICES[pod] / 1e6
    return dict(value), rows


def _pay_last_year() -> dict[str, float]:
    """Each trust's pay bill over the last 12 months of workforce returns (£m)."""
    months = sorted(set(WorkforceReturn.objects.values_list("month", flat=True)))[-12:]
    pay = (
        WorkforceReturn.objects.filter(month__in=months)
        .values_list("organisation__ods_code")
        .annotate(total=Sum("pay_bill_pence"))
    )
    return {code: total / M for code, total in pay}


def first_year_figures(base_year: int) -> dict[str, tuple[dict[str, float], float]]:
    """Each organisation's income by source and pay (£m) in the first year of the plans."""
    value, _ = activity_value(base_year)
    pay = _pay_last_year()
    residents = Population.objects.filter(neighbourhood__isnull=False, year=base_year).aggregate(
        total=Sum("total")
    )["total"]
    out: dict[str, tuple[dict[str, float], float]] = {}
    for code in TRUSTS:
        icb = value[code] / (1 - OUTSIDE_THE_MODEL[code][0])
        income = {"QW9": icb, **COUNCILS.get(code, {}), "other": icb * OTHER_SHARE[code]}
        out[code] = (income, pay[code] * GROWTH)  # this year's pay: last year's and the award
    out["GPF01"] = ({"QW9": GPF01_INCOME}, GPF01_INCOME * GPF01_PAY_SHARE)
    running = residents * RUNNING_COSTS_PER_HEAD / 1e6
    out["QW9"] = ({"other": residents * ALLOCATION_PER_HEAD / 1e6}, running * ICB_PAY_SHARE)
    return out


def _figures(
    year: int,
    income: dict[str, float],
    pay: float,
    shares: tuple[float, float],
    surplus: float,
    control: float,
) -> PlanFigures:
    pence = {k: round(v * M) for k, v in income.items()}
    spend = sum(pence.values()) - round(surplus * M)
    pay_pence = round(pay * M)
    return PlanFigures(
        year=year,
        income=pence,
        pay_pence=pay_pence,
        non_pay_pence=spend - pay_pence,
        fixed_percent=Decimal(str(shares[0])),
        semi_fixed_percent=Decimal(str(shares[1])),
        control_total_pence=round(control * M),
        row=0,
        column="",
    )


def build_finance(timeline: Timeline, clock: Clock) -> dict[str, int]:
    """Plans for the current financial year and the four after, contracts, the risk share."""
    base_year = timeline.financial_year
    users = get_user_model().objects
    pmo, finance_wyvern = users.get(username="pmo"), users.get(username="finance.wyvern")
    orgs = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=POSITIONS)}
    first = first_year_figures(base_year)
    clock.go(timeline.moment(dt.date(base_year, 3, 2)))
    plans = 0
    for code, (shares, years) in POSITIONS.items():
        income, pay = first[code]
        by = finance_wyvern if code == "RW9" else pmo
        for i, (surplus, control) in enumerate(years):
            grown = {k: v * GROWTH**i for k, v in income.items()}
            figures = _figures(base_year + i, grown, pay * GROWTH**i, shares, surplus, control)
            services.save_plan(organisation=orgs[code], figures=figures, by=by)
            plans += 1
    # The Wyvern finance team revises its second year: £3m more cost improvement.
    clock.go(timeline.moment(dt.date(base_year, 3, 20)))
    income, pay = first["RW9"]
    shares, years = POSITIONS["RW9"]
    revised = _figures(
        base_year + 1,
        {k: v * GROWTH for k, v in income.items()},
        pay * GROWTH,
        shares,
        years[1][0] + 3,
        years[1][1],
    )
    services.save_plan(organisation=orgs["RW9"], figures=revised, by=finance_wyvern)
    _, activity = activity_value(base_year)
    providers = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=TRUSTS)}
    contracts = [
        Contract(
            commissioner=orgs["QW9"],
            provider=providers[provider],
            service=pod,
            kind=CONTRACTS[pod][0],
            price_pence=PRICES[pod] * 100,
            threshold_units=0 if CONTRACTS[pod][0] == ContractKind.ACTIVITY else round(units),
            marginal_rate=Decimal(CONTRACTS[pod][1]),
        )
        for provider, pod, units in activity
    ]
    contracts.append(
        Contract(
            commissioner=orgs["QW9"],
            provider=orgs["GPF01"],
            service="gp_appointments",
            kind=ContractKind.ACTIVITY,
            price_pence=PRICES["gp_appointments"] * 100,
        )
    )
    Contract.objects.bulk_create(contracts)
    agreement = RiskShareAgreement.objects.create(
        name="Wyvern and Hallowdale system risk share",
        first_year=base_year,
        last_year=base_year + 4,
        contribution_rate=Decimal(50),
        contribution_cap_rate=Decimal(1),
        repayable=True,
        agreed_on=dt.date(base_year, 3, 20),
        notes="Agreed by every member's board. Receipts are repaid from later favourable "
        "variance, so surplus members do not lose pooled money for ever.",
    )
    agreement.members.set([orgs[c] for c in ("QW9", "RW9", "RM9", "RX9", "RY9")])
    clock.go(timeline.moment(dt.date(base_year, 3, 31)))
    for year in (base_year, base_year + 1):
        services.publish_year(year=year, by=pmo)
    return {"financial_plans": plans, "contracts": len(contracts)}
