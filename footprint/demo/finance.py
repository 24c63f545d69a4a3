"""The demo's system finance: five years of plans for every provider and the ICB (one acute
trust in deep deficit, two trusts in surplus), contracts for the demand model's points of
delivery, an agreed risk share whose ledger shows repayments, and two years published.

Built through the finance services, so every figure has its history and audit record."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Sum

from footprint.demand.models import ActivityCell
from footprint.finance import services
from footprint.finance.importers import PlanFigures
from footprint.finance.models import Contract, ContractKind, RiskShareAgreement
from footprint.partnership.models import Organisation

M = 100_000_000  # £1m in pence

# ODS code: (income by source in £m, fixed %, semi-fixed %) in the first year, then each
# year's (surplus, control total) in £m. Income grows 3 % a year; pay is 62 % of spend.
PLANS: dict[str, tuple[dict[str, float], float, float, list[tuple[float, float]]]] = {
    "RW9": (
        {"QW9": 560, "LA901": 6, "other": 54},
        45,
        30,
        [(-60, -45), (-48, -35), (-32, -25), (-12, -15), (2, -5)],
    ),
    "RM9": (
        {"QW9": 300, "LA902": 4, "other": 26},
        45,
        30,
        [(-8, -6), (-6, -5), (-3, -3), (-1, -2), (0, 0)],
    ),
    "RX9": (
        {"QW9": 255, "LA901": 12, "LA902": 8, "other": 5},
        35,
        35,
        [(6, 2), (5, 2), (4, 1), (3, 1), (3, 1)],
    ),
    "RY9": ({"QW9": 180, "other": 10}, 40, 35, [(4, 1), (3, 1), (3, 1), (2, 1), (2, 1)]),
    "GPF01": ({"QW9": 12}, 20, 40, [(0, 0), (0.2, 0), (0.3, 0), (0.3, 0), (0.4, 0)]),
    "QW9": ({"other": 1_640}, 5, 5, [(0, 0), (0, 0), (1, 0), (1, 0), (1, 0)]),
}
GROWTH = 1.03
PAY_SHARE = 0.62

# Point of delivery → (contract kind, price £, marginal rate); the provider comes from the
# demo's activity, the block size from its base-year activity.
CONTRACTS = {
    "ae": (ContractKind.BLOCK_MARGINAL, 250, "0.2"),
    "ip_emergency": (ContractKind.BLOCK_MARGINAL, 3_600, "0.2"),
    "ip_elective": (ContractKind.ACTIVITY, 4_200, "0"),
    "ip_daycase": (ContractKind.ACTIVITY, 1_100, "0"),
    "op_first": (ContractKind.ACTIVITY, 220, "0"),
    "op_first_remote": (ContractKind.ACTIVITY, 180, "0"),
    "op_followup": (ContractKind.ACTIVITY, 130, "0"),
    "op_followup_remote": (ContractKind.ACTIVITY, 100, "0"),
    "amb_hear_treat": (ContractKind.BLOCK_MARGINAL, 60, "0.5"),
    "amb_see_treat": (ContractKind.BLOCK_MARGINAL, 300, "0.5"),
    "amb_conveyed": (ContractKind.BLOCK_MARGINAL, 450, "0.5"),
    "cs_nursing": (ContractKind.BLOCK, 65, "0"),
    "cs_therapy": (ContractKind.BLOCK, 75, "0"),
    "cs_beds": (ContractKind.BLOCK, 2_400, "0"),
    "mh_contacts": (ContractKind.BLOCK, 160, "0"),
    "mh_beds": (ContractKind.BLOCK, 12_000, "0"),
}
TRUSTS = {"RW9", "RM9", "RX9", "RY9"}


def _figures(
    year: int, income: dict[str, float], fixed: float, semi: float, surplus: float, control: float
) -> PlanFigures:
    pence = {k: round(v * M) for k, v in income.items()}
    spend = sum(pence.values()) - round(surplus * M)
    pay = round(spend * PAY_SHARE)
    return PlanFigures(
        year=year,
        income=pence,
        pay_pence=pay,
        non_pay_pence=spend - pay,
        fixed_percent=Decimal(str(fixed)),
        semi_fixed_percent=Decimal(str(semi)),
        control_total_pence=round(control * M),
        row=0,
        column="",
    )


def build_finance(base_year: int) -> dict[str, int]:
    """Plans for ``base_year`` and the four years after, contracts, the risk share."""
    users = get_user_model().objects
    pmo, finance_wyvern = users.get(username="pmo"), users.get(username="finance.wyvern")
    orgs = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=PLANS)}
    plans = 0
    for code, (income, fixed, semi, years) in PLANS.items():
        by = finance_wyvern if code == "RW9" else pmo
        for i, (surplus, control) in enumerate(years):
            grown = {k: v * GROWTH**i for k, v in income.items()}
            figures = _figures(base_year + i, grown, fixed, semi, surplus, control)
            services.save_plan(organisation=orgs[code], figures=figures, by=by)
            plans += 1
    # The Wyvern finance team revises its second year: £3m more cost improvement.
    first = PLANS["RW9"]
    revised = _figures(
        base_year + 1, {k: v * GROWTH for k, v in first[0].items()}, first[1], first[2], -45, -35
    )
    services.save_plan(organisation=orgs["RW9"], figures=revised, by=finance_wyvern)
    activity = (
        ActivityCell.objects.filter(
            baseline__base_year=base_year, pod__in=CONTRACTS, provider__in=TRUSTS
        )
        .values_list("provider", "pod")
        .annotate(total=Sum("count"))
    )
    providers = {
        o.ods_code: o for o in Organisation.objects.filter(ods_code__in=TRUSTS | {"GPF01"})
    }
    contracts = [
        Contract(
            commissioner=orgs["QW9"],
            provider=providers[provider],
            service=pod,
            kind=CONTRACTS[pod][0],
            price_pence=CONTRACTS[pod][1] * 100,
            threshold_units=0 if CONTRACTS[pod][0] == ContractKind.ACTIVITY else round(total),
            marginal_rate=Decimal(CONTRACTS[pod][2]),
        )
        for provider, pod, total in activity
    ]
    contracts.append(
        Contract(
            commissioner=orgs["QW9"],
            provider=providers["GPF01"],
            service="gp_appointments",
            kind=ContractKind.ACTIVITY,
            price_pence=45_00,
        )
    )
    Contract.objects.bulk_create(contracts)
    agreement = RiskShareAgreement.objects.create(
        name="Wyvern and Marches system risk share",
        first_year=base_year,
        last_year=base_year + 4,
        contribution_rate=Decimal(50),
        contribution_cap_rate=Decimal(1),
        repayable=True,
        agreed_on=f"{base_year}-03-20",
        notes="Agreed by every member's board. Receipts are repaid from later favourable "
        "variance, so surplus members do not lose pooled money for ever.",
    )
    agreement.members.set([orgs[c] for c in ("QW9", "RW9", "RM9", "RX9", "RY9")])
    for year in (base_year, base_year + 1):
        services.publish_year(year=year, by=pmo)
    return {"financial_plans": plans, "contracts": len(contracts)}
