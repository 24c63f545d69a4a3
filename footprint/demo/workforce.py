"""Demo workforce: four years of monthly returns for every demo provider trust and staff
group, ending with the last complete month, with the nurses at Hallowdale Hospital (RM9)
leaving faster for the last nine months; a rate card; and a year of agency shifts that add up
to the agency spend in the returns, with one agency ("Halcyon Locums") charging Wyvern more
than the others for the same nurses and doctors.

Sickness, bank and agency vary by staff group around England's figures (NHS Digital sickness
absence and NHS England agency returns, 2024/25, rounded): sickness about 5 % overall, highest
for ambulance crews, support staff and nurses and lowest for doctors; agency about 2–3 % of the
pay bill, highest for doctors and nurses and higher still at the rural trust and in mental
health. The ambulance trust's figures are the share of its staff that serves this system.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

import numpy as np

from footprint.demo.constants import AMBULANCE_SHARE
from footprint.demo.timeline import Timeline
from footprint.partnership.models import Organisation
from footprint.workforce.models import AgencyShift, RateCap, WorkforceReturn

MONTHS = 48  # four years: three years of 12-month rolling figures for the plan
SHIFT_MONTHS = 12  # agency shifts are recorded shift by shift for the last year
RISING_NURSE_LEAVERS = 9  # months

# WTE in post by trust and staff group at the start, roughly the shape of English trusts of
# these sizes (RW9: about 1,150 general and acute beds; RM9: about 390).
_AMBULANCE_TRUST = {"ambulance": 1_750, "support": 520, "infrastructure": 420}
SIZES: dict[str, dict[str, float]] = {
    "RW9": {
        "nurses": 2_250,
        "doctors": 960,
        "ahp": 520,
        "scientific": 400,
        "support": 1_600,
        "infrastructure": 1_150,
        "midwives": 230,
    },
    "RM9": {
        "nurses": 820,
        "doctors": 330,
        "ahp": 190,
        "scientific": 140,
        "support": 600,
        "infrastructure": 420,
        "midwives": 80,
    },
    "RX9": {
        "nurses": 1_150,
        "doctors": 150,
        "ahp": 480,
        "scientific": 370,
        "support": 760,
        "infrastructure": 540,
    },
    "RY9": {g: round(wte * AMBULANCE_SHARE) for g, wte in _AMBULANCE_TRUST.items()},
}
# Pay per WTE a year with employer's costs, 2025/26 (£).
COST = {
    "nurses": 54_000,
    "midwives": 56_000,
    "doctors": 125_000,
    "ahp": 55_000,
    "scientific": 52_000,
    "ambulance": 50_000,
    "support": 33_000,
    "infrastructure": 45_000,
}
MONTHLY_LEAVING = {
    "nurses": 0.0085,
    "doctors": 0.010,
    "ahp": 0.009,
    "scientific": 0.008,
    "support": 0.0115,
    "infrastructure": 0.0095,
    "midwives": 0.008,
    "ambulance": 0.0075,
}
SICKNESS = {  # share of days lost
    "nurses": 0.057,
    "midwives": 0.060,
    "doctors": 0.017,
    "ahp": 0.043,
    "scientific": 0.039,
    "ambulance": 0.070,
    "support": 0.068,
    "infrastructure": 0.042,
}
VACANCY = {  # vacant share of establishment
    "nurses": 0.085,
    "midwives": 0.06,
    "doctors": 0.065,
    "ahp": 0.075,
    "scientific": 0.06,
    "ambulance": 0.05,
    "support": 0.09,
    "infrastructure": 0.05,
}
BANK = {  # bank spend against substantive pay
    "nurses": 0.07,
    "midwives": 0.05,
    "doctors": 0.05,
    "ahp": 0.02,
    "scientific": 0.01,
    "ambulance": 0.02,
    "support": 0.08,
    "infrastructure": 0.02,
}
AGENCY = {  # agency spend against substantive pay, four years ago (it falls by a quarter)
    "nurses": 0.032,
    "midwives": 0.015,
    "doctors": 0.065,
    "ahp": 0.018,
    "scientific": 0.012,
    "ambulance": 0.004,
    "support": 0.012,
    "infrastructure": 0.008,
}
# Each trust's agency use against the national pattern: the rural trust struggles to recruit
# doctors; the mental health services use more agency doctors and nurses.
AGENCY_AT = {"RW9": 1.1, "RM9": 1.45, "RX9": 1.35, "RY9": 0.6}
AGENCY_FALL = 0.25  # over the four years

# The rate card: the most any member pays an agency per hour (pence).
CARD = [
    ("nurses", "Band 5", 4500),
    ("nurses", "Band 6", 5200),
    ("support", "Band 3", 2600),
    ("doctors", "Specialty doctor", 10000),
    ("doctors", "Consultant", 15000),
    ("ahp", "Band 6", 5000),
]
# Each group's agency roles: (grade, share of shifts, usual rate in pence an hour, hours).
ROLES: dict[str, list[tuple[str, float, int, tuple[float, ...]]]] = {
    "nurses": [("Band 5", 0.7, 4500, (7.5, 11.5, 12.5)), ("Band 6", 0.3, 5200, (7.5, 11.5))],
    "midwives": [("Band 6", 1.0, 5500, (11.5, 12.5))],
    "doctors": [
        ("Specialty doctor", 0.65, 10000, (10.0, 12.5)),
        ("Consultant", 0.35, 15000, (10.0,)),
    ],
    "ahp": [("Band 6", 1.0, 5000, (7.5,))],
    "scientific": [("Band 6", 1.0, 4500, (7.5,))],
    "support": [("Band 3", 1.0, 2600, (7.5, 11.5, 12.5))],
    "infrastructure": [("Band 4", 0.8, 2800, (7.5,)), ("Band 8a", 0.2, 7000, (7.5,))],
    "ambulance": [("Paramedic", 1.0, 4800, (12.0,))],
}
AGENCIES = {
    "Halcyon Locums": {"doctors", "nurses"},
    "County Nursing Bureau": {"nurses", "midwives", "support"},
    "Dalesway Medical": {"doctors", "ahp", "scientific", "ambulance"},
    "Shiftwell Staffing": {"nurses", "support", "infrastructure", "ahp"},
}
ESCALATING = "Halcyon Locums"  # charges Wyvern £15 an hour more for nurses and doctors


def _shift_plan(rng: np.random.Generator) -> dict[tuple[str, str, str], int]:
    """What each agency charges for each role, the same for every member (pence an hour):
    some at the card, some under, some above."""
    return {
        (agency, group, grade): base + int(rng.choice([0, 0, -200, 300, 800]))
        for agency, groups in AGENCIES.items()
        for group in groups
        for grade, _, base, _ in ROLES[group]
    }


def _shift_cost(group: str) -> float:
    """What an agency shift in ``group`` usually costs (pence)."""
    return sum(share * rate * float(np.mean(hours)) for _, share, rate, hours in ROLES[group])


def _shifts(
    code: str,
    group: str,
    month: dt.date,
    spend_pence: float,
    rates: dict[tuple[str, str, str], int],
    org: Organisation,
    rng: np.random.Generator,
) -> list[AgencyShift]:
    """Shifts that cost about ``spend_pence`` in ``month``."""
    roles = ROLES[group]
    agencies = sorted(a for a, groups in AGENCIES.items() if group in groups)
    n = int(rng.poisson(spend_pence / _shift_cost(group))) if spend_pence > 0 else 0
    days = calendar.monthrange(month.year, month.month)[1]
    role = rng.choice(len(roles), size=n, p=[r[1] for r in roles])
    agency = rng.integers(len(agencies), size=n)
    day = rng.integers(days, size=n)
    pick = rng.random(n)
    vacancy = rng.random(n) < 0.7
    shifts = []
    for j in range(n):
        grade, _, _, hours = roles[role[j]]
        name = agencies[agency[j]]
        rate = rates[(name, group, grade)]
        if name == ESCALATING:
            rate = next(c for g, gr, c in CARD if g == group and gr == grade)
            rate += 1500 if code == "RW9" else 0  # Wyvern pays more: the escalation
        shifts.append(
            AgencyShift(
                date=month + dt.timedelta(days=int(day[j])),
                organisation=org,
                agency=name,
                staff_group=group,
                grade=grade,
                hours=hours[int(pick[j] * len(hours))],
                rate_pence=rate,
                reason="Vacancy cover" if vacancy[j] else "Sickness cover",
            )
        )
    return shifts


def build_workforce(timeline: Timeline) -> dict[str, int]:
    rng = np.random.default_rng(2021)
    rates = _shift_plan(rng)
    months = timeline.months(MONTHS)
    orgs = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=SIZES)}
    returns, shifts = [], []
    for code, groups in SIZES.items():
        for group, wte in groups.items():
            establishment = wte * (1 + VACANCY[group])
            headcount = wte * 1.12
            agency_rate = AGENCY[group] * AGENCY_AT[code]
            for i, month in enumerate(months):
                rate = MONTHLY_LEAVING[group]
                rising = i - (MONTHS - RISING_NURSE_LEAVERS)
                if code == "RM9" and group == "nurses" and rising >= 0:
                    rate *= 1.35 + 0.12 * rising  # more nurses leave, month on month
                leavers = int(rng.poisson(rate * headcount))
                # Recruitment replaces the usual leavers and slowly closes any gap to the
                # staff the trust planned for (not the extra leavers: that takes longer).
                gap = (establishment * (1 - VACANCY[group]) * 1.12 - headcount) * 0.08
                joiners = int(rng.poisson(max(MONTHLY_LEAVING[group] * headcount + gap, 0)))
                headcount = max(headcount + joiners - leavers, 1)
                in_post = headcount / 1.12
                available = in_post * 21
                winter = {12: 0.010, 1: 0.012, 2: 0.006, 11: 0.004}.get(month.month, -0.003)
                sickness = max(rng.normal(SICKNESS[group] + winter, 0.003), 0.005)
                substantive = in_post * COST[group] * 100 / 12
                agency = substantive * agency_rate * (1 - AGENCY_FALL * i / MONTHS)
                if i >= MONTHS - SHIFT_MONTHS:
                    made = _shifts(code, group, month, agency, rates, orgs[code], rng)
                    shifts += made
                    agency = sum(round(s.rate_pence * s.hours) for s in made)
                else:  # before shifts were recorded one by one: as many, at the usual rates
                    agency = rng.poisson(agency / _shift_cost(group)) * _shift_cost(group)
                bank = substantive * BANK[group] * max(rng.normal(1, 0.05), 0.5)
                returns.append(
                    WorkforceReturn(
                        organisation=orgs[code],
                        month=month,
                        staff_group=group,
                        headcount=int(headcount),
                        wte=round(in_post, 1),
                        establishment_wte=round(establishment, 1),
                        joiners=joiners,
                        leavers=leavers,
                        sickness_days_lost=round(available * sickness, 1),
                        days_available=round(available, 1),
                        pay_bill_pence=int(substantive + bank + agency),
                        bank_pence=int(bank),
                        agency_pence=int(agency),
                    )
                )
    WorkforceReturn.objects.bulk_create(returns, batch_size=2_000)
    for group, grade, cap in CARD:
        RateCap.objects.create(staff_group=group, grade=grade, cap_pence=cap)
    AgencyShift.objects.bulk_create(shifts, batch_size=5_000)
    return {"workforce_returns": len(returns), "agency_shifts": len(shifts)}


def yearly_pay_pence(returns: list[WorkforceReturn]) -> dict[str, int]:
    """Each organisation's pay bill over the last 12 months of ``returns``."""
    latest = max(r.month for r in returns)
    since = dt.date(latest.year - 1, latest.month, 1)
    pay: dict[str, int] = defaultdict(int)
    for r in returns:
        if r.month > since:
            pay[r.organisation.ods_code] += r.pay_bill_pence
    return dict(pay)
