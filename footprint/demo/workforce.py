"""Demo workforce: three years of monthly returns for every demo provider trust and staff
group, with the nurses at Marches Hospital (RM9) leaving faster from January 2025; a rate card;
and a year of agency shifts with breaches and one agency ("Premier Locums") charging Wyvern
more than Marches for the same nurses and doctors.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from footprint.partnership.models import Organisation
from footprint.workforce.models import AgencyShift, RateCap, WorkforceReturn

MONTHS = 36
FIRST = dt.date(2022, 10, 1)

# WTE by trust and staff group, roughly the shape of English trusts of these sizes.
SIZES = {
    "RW9": {
        "nurses": 2100,
        "doctors": 900,
        "ahp": 500,
        "scientific": 380,
        "support": 1500,
        "infrastructure": 1100,
        "midwives": 220,
    },
    "RM9": {
        "nurses": 950,
        "doctors": 380,
        "ahp": 210,
        "scientific": 150,
        "support": 700,
        "infrastructure": 480,
        "midwives": 90,
    },
    "RX9": {
        "nurses": 1300,
        "doctors": 160,
        "ahp": 600,
        "scientific": 420,
        "support": 900,
        "infrastructure": 650,
    },
    "RY9": {"ambulance": 1400, "nurses": 60, "support": 500, "infrastructure": 400},
}
MONTHLY_LEAVING = {
    "nurses": 0.0085,
    "doctors": 0.011,
    "ahp": 0.009,
    "scientific": 0.008,
    "support": 0.0115,
    "infrastructure": 0.0095,
    "midwives": 0.008,
    "ambulance": 0.008,
}
CARD = [
    ("nurses", "Band 5", 4500),
    ("nurses", "Band 6", 5200),
    ("support", "Band 3", 2600),
    ("doctors", "Specialty doctor", 10000),
    ("doctors", "Consultant", 15000),
    ("ahp", "Band 6", 5000),
]


def month(i: int) -> dt.date:
    y, m = divmod(FIRST.month - 1 + i, 12)
    return dt.date(FIRST.year + y, m + 1, 1)


def build_workforce() -> dict[str, int]:
    rng = np.random.default_rng(2021)
    orgs = {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=SIZES)}
    returns = []
    for code, groups in SIZES.items():
        for group, wte in groups.items():
            establishment = wte * 1.09
            headcount = wte * 1.12
            for i in range(MONTHS):
                rate = MONTHLY_LEAVING[group]
                if code == "RM9" and group == "nurses" and i >= 27:
                    rate *= 1.35 + 0.12 * (i - 27)  # January 2025 onwards: more nurses leave
                leavers = int(rng.poisson(rate * headcount))
                joiners = int(rng.poisson(MONTHLY_LEAVING[group] * headcount * 1.03))
                headcount = max(headcount + joiners - leavers, 1)
                in_post = headcount / 1.12
                available = in_post * 21
                pay = in_post * 3_900_00 * (2.4 if group == "doctors" else 1.0)
                agency = pay * max(rng.normal(0.06, 0.01), 0)
                returns.append(
                    WorkforceReturn(
                        organisation=orgs[code],
                        month=month(i),
                        staff_group=group,
                        headcount=int(headcount),
                        wte=round(in_post, 1),
                        establishment_wte=round(establishment, 1),
                        joiners=joiners,
                        leavers=leavers,
                        sickness_days_lost=round(available * max(rng.normal(0.05, 0.004), 0), 1),
                        days_available=round(available, 1),
                        pay_bill_pence=int(pay),
                        bank_pence=int(pay * 0.04),
                        agency_pence=int(agency),
                    )
                )
    WorkforceReturn.objects.bulk_create(returns)
    for group, grade, cap in CARD:
        RateCap.objects.create(staff_group=group, grade=grade, cap_pence=cap)
    shifts = []
    agencies = ["Premier Locums", "County Nursing", "Marches Medical", "Flex Staff"]
    # Each agency charges each role one rate, to every member; some above the card.
    offsets = {
        (a, g, gr): int(rng.choice([0, 0, -200, 300, 800])) for a in agencies for g, gr, _ in CARD
    }
    start = dt.date(2024, 10, 1)
    for day in range(365):
        date = start + dt.timedelta(days=day)
        for _ in range(int(rng.integers(3, 8))):
            code = str(rng.choice(["RW9", "RM9", "RX9"]))
            group, grade, cap = CARD[int(rng.integers(len(CARD)))]
            agency = agencies[int(rng.integers(len(agencies)))]
            rate = cap + offsets[(agency, group, grade)]
            if agency == "Premier Locums" and group in {"nurses", "doctors"}:
                rate = cap + (1500 if code == "RW9" else 0)  # Wyvern pays more: escalation
            shifts.append(
                AgencyShift(
                    date=date,
                    organisation=orgs[code],
                    agency=agency,
                    staff_group=group,
                    grade=grade,
                    hours=float(rng.choice([7.5, 11.5, 12.5])),
                    rate_pence=rate,
                    reason="Vacancy cover",
                )
            )
    AgencyShift.objects.bulk_create(shifts)
    return {"workforce_returns": len(returns), "agency_shifts": len(shifts)}
