"""The demo partnership's five-year plan: priorities, about 40 metrics with three years of
figures up to the last complete month (or quarter), and about 25 goals judged on them.

Figures are synthetic, at levels typical of English systems, each reported as often as the
real measure is: most monthly, screening, immunisation, public health and social care
quarterly, flu vaccination monthly through the season (September to February). Counts scale
with the size of what they count (a trust's beds); 12-month figures are rolling sums of monthly
counts, so they move smoothly; the workforce measures are computed from the workforce returns.
Three special causes are planted for the early-warning page and the goal charts to find:

- nurses leaving Hallowdale Hospital (RM9): the 12-month rate has risen for nine months;
- A&E four-hour performance at Wyvern Acute Hospitals (RW9) steps up from the April, 12 to
  24 months back, when its same-day emergency care unit opened;
- NHS Health Check uptake in Hallowdale fell in the last two quarters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model

from footprint.demo.timeline import Timeline, add_months
from footprint.engine import workforce as wf
from footprint.partnership.models import Organisation, Place
from footprint.plans import queries, services
from footprint.plans.models import (
    NCTR_ALL,
    FlowAggregation,
    Frequency,
    Goal,
    Measurement,
    Metric,
    Plan,
    Priority,
    Rebase,
)
from footprint.workforce.models import WorkforceReturn

MONTHS = 36
QUARTERS = 12
FLU_SEASON = (9, 10, 11, 12, 1, 2)
# Season to date, as a share of the season's final uptake, at the end of each month.
FLU_TO_DATE = {9: 0.16, 10: 0.68, 11: 0.89, 12: 0.95, 1: 0.985, 2: 1.0}
# General and acute beds: counts at the acute trusts are given per 1,000 beds.
BEDS = {"RW9": 1_150, "RM9": 390}


@dataclass(frozen=True)
class MetricSpec:
    slug: str
    name: str
    unit: str
    improvement: str
    level: float
    noise: float
    subjects: str  # "system", "places", "acute", "providers", "nursing"
    owner: str
    definition: str
    source: str
    drift: float = 0.0  # change per month
    frequency: str = "monthly"  # or "quarterly", "seasonal"
    per_beds: bool = False  # level, noise and drift are per 1,000 beds


P = "providers"
METRICS = [
    MetricSpec(
        "ae-4-hour",
        "A&E attendances seen within 4 hours",
        "%",
        "increase",
        72,
        1.8,
        "acute",
        "QW9",
        "Share of A&E attendances (all types) admitted, transferred or discharged within four "
        "hours of arrival.",
        "NHS England A&E attendances and emergency admissions",
    ),
    MetricSpec(
        "ae-12-hour-waits",
        "12-hour waits from decision to admit",
        "count",
        "decrease",
        180,
        30,
        "acute",
        "QW9",
        "Patients in the month waiting more than 12 hours from the decision to admit to admission.",
        "NHS England A&E statistics",
        per_beds=True,
    ),
    MetricSpec(
        "ambulance-cat2",
        "Ambulance category 2 mean response",
        "minutes",
        "decrease",
        38,
        4,
        "system",
        "RY9",
        "Mean response time to category 2 calls (emergencies such as strokes and heart attacks).",
        "NHS England Ambulance Quality Indicators",
    ),
    MetricSpec(
        "handover-delays",
        "Ambulance handovers over 60 minutes",
        "count",
        "decrease",
        170,
        28,
        "acute",
        "RY9",
        "Handovers from ambulance crew to hospital taking over an hour, in the month.",
        "NHS England handover data",
        per_beds=True,
    ),
    MetricSpec(
        "emergency-admissions",
        "Emergency admissions per 1,000 residents",
        "per 1,000",
        "decrease",
        8.6,
        0.35,
        "places",
        "QW9",
        "Emergency admissions of residents in the month per 1,000 residents.",
        "Secondary Uses Service",
    ),
    MetricSpec(
        "bed-occupancy",
        "General and acute bed occupancy",
        "%",
        "decrease",
        93,
        1.5,
        "acute",
        "QW9",
        "Occupied general and acute beds as a share of those open.",
        "NHS England KH03 and daily situation reports",
    ),
    MetricSpec(
        "delayed-discharges",
        "Patients ready to leave but still in hospital",
        "count",
        "decrease",
        130,
        10,
        "acute",
        "LA901",
        "Patients in hospital who no longer meet the criteria to reside (the month's daily "
        "average).",
        "NHS England discharge situation reports",
        per_beds=True,
    ),
    MetricSpec(
        "virtual-ward-occupancy",
        "Virtual ward occupancy",
        "%",
        "increase",
        68,
        4,
        "system",
        "RX9",
        "Virtual ward beds in use as a share of capacity.",
        "NHS England virtual ward returns",
        drift=0.4,
    ),
    MetricSpec(
        "urgent-community-response",
        "Urgent community response within 2 hours",
        "%",
        "increase",
        79,
        2.5,
        "places",
        "RX9",
        "Two-hour urgent community response referrals seen within two hours.",
        "Community Services Data Set",
    ),
    MetricSpec(
        "rtt-18-weeks",
        "Patients waiting under 18 weeks",
        "%",
        "increase",
        58,
        1.2,
        "acute",
        "QW9",
        "Share of the waiting list waiting under 18 weeks for treatment.",
        "NHS England referral to treatment statistics",
    ),
    MetricSpec(
        "rtt-65-weeks",
        "Patients waiting over 65 weeks",
        "count",
        "decrease",
        260,
        30,
        "acute",
        "QW9",
        "Patients on the waiting list for more than 65 weeks at the end of the month.",
        "NHS England referral to treatment statistics",
        drift=-5,
        per_beds=True,
    ),
    MetricSpec(
        "diagnostics-6-weeks",
        "Diagnostic tests waiting over 6 weeks",
        "%",
        "decrease",
        24,
        2.5,
        "acute",
        "QW9",
        "Share of patients waiting more than six weeks for a diagnostic test.",
        "NHS England DM01",
    ),
    MetricSpec(
        "cancer-62-day",
        "Cancer treatment within 62 days",
        "%",
        "increase",
        66,
        3.5,
        "acute",
        "QW9",
        "Patients starting first treatment within 62 days of an urgent referral.",
        "NHS England cancer waiting times",
    ),
    MetricSpec(
        "cancer-faster-diagnosis",
        "Cancer diagnosis ruled in or out within 28 days",
        "%",
        "increase",
        73,
        2.5,
        "acute",
        "QW9",
        "Faster diagnosis standard.",
        "NHS England cancer waiting times",
    ),
    MetricSpec(
        "outpatient-follow-ups",
        "Outpatient follow-ups against 2019/20",
        "% of 2019/20",  # can pass 100: not a share, so not checked as one
        "decrease",
        104,
        3,
        "acute",
        "QW9",
        "Follow-up outpatient appointments as a share of the same month in 2019/20.",
        "Secondary Uses Service",
    ),
    MetricSpec(
        "day-case-rate",
        "Elective care done as day cases",
        "%",
        "increase",
        84,
        1.1,
        "acute",
        "QW9",
        "Elective spells that are day cases.",
        "Secondary Uses Service",
    ),
    MetricSpec(
        "gp-appointments",
        "GP practice appointments per 1,000 residents",
        "per 1,000",
        "increase",
        420,
        18,
        "places",
        "QW9",
        "Appointments in general practice in the month per 1,000 registered patients.",
        "NHS Digital appointments in general practice",
    ),
    MetricSpec(
        "gp-same-day",
        "GP appointments on the day booked",
        "%",
        "neutral",
        44,
        2,
        "places",
        "QW9",
        "Appointments that took place on the day they were booked.",
        "NHS Digital appointments in general practice",
    ),
    MetricSpec(
        "gp-two-weeks",
        "GP appointments within two weeks of booking",
        "%",
        "increase",
        82,
        1.5,
        "places",
        "QW9",
        "Appointments within 14 days of booking.",
        "NHS Digital appointments in general practice",
    ),
    MetricSpec(
        "health-checks",
        "NHS Health Check uptake",
        "%",
        "increase",
        46,
        1.2,
        "places",
        "LA902",
        "Eligible people aged 40–74 offered a Health Check in the quarter who take it up.",
        "OHID NHS Health Check data collection",
        frequency="quarterly",
    ),
    MetricSpec(
        "smoking-quits",
        "Smokers who quit at 4 weeks",
        "per 100,000",
        "increase",
        560,
        45,
        "places",
        "LA901",
        "Successful four-week quits in the quarter per 100,000 smokers.",
        "NHS Stop Smoking Services",
        frequency="quarterly",
    ),
    MetricSpec(
        "childhood-immunisation",
        "MMR dose 1 by age 2",
        "%",
        "increase",
        89.5,
        0.7,
        "places",
        "QW9",
        "Children reaching their second birthday in the quarter who have had MMR dose 1.",
        "UKHSA COVER (quarterly)",
        frequency="quarterly",
    ),
    MetricSpec(
        "flu-vaccination-65",
        "Flu vaccination, aged 65 and over",
        "%",
        "increase",
        76,
        1.2,
        "places",
        "QW9",
        "People aged 65+ vaccinated against flu this season to date, reported monthly "
        "from September to February.",
        "UKHSA seasonal influenza vaccine uptake",
        frequency="seasonal",
    ),
    MetricSpec(
        "dementia-diagnosis",
        "Dementia diagnosis rate",
        "%",
        "increase",
        61,
        0.9,
        "places",
        "RX9",
        "Recorded dementia diagnoses as a share of expected.",
        "NHS Digital recorded dementia diagnoses",
    ),
    MetricSpec(
        "end-of-life-home",
        "Deaths in usual place of residence",
        "%",
        "increase",
        47,
        1.6,
        "places",
        "QW9",
        "Deaths in the quarter at home or in the care home where the person lived.",
        "OHID palliative and end of life care profiles",
        frequency="quarterly",
    ),
    MetricSpec(
        "care-home-admissions",
        "Permanent care home admissions, 65+",
        "per 100,000",
        "decrease",
        140,
        12,
        "places",
        "LA901",
        "Permanent admissions of people aged 65+ to residential and nursing care in the quarter, "
        "per 100,000 aged 65+.",
        "Adult Social Care Outcomes (councils' quarterly monitoring)",
        frequency="quarterly",
    ),
    MetricSpec(
        "reablement-91-days",
        "Still at home 91 days after reablement",
        "%",
        "increase",
        82,
        1.8,
        "places",
        "LA902",
        "People aged 65+ discharged into reablement in the quarter who are at home 91 days later.",
        "Adult Social Care Outcomes (councils' quarterly monitoring)",
        frequency="quarterly",
    ),
    MetricSpec(
        "iapt-access",
        "Talking therapies: people starting treatment",
        "count",
        "increase",
        820,
        50,
        "system",
        "RX9",
        "People entering NHS Talking Therapies treatment in the month.",
        "NHS Talking Therapies data set",
    ),
    MetricSpec(
        "iapt-recovery",
        "Talking therapies recovery rate",
        "%",
        "increase",
        49,
        2.2,
        "system",
        "RX9",
        "People finishing treatment who move to recovery.",
        "NHS Talking Therapies data set",
    ),
    MetricSpec(
        "out-of-area-placements",
        "Inappropriate out-of-area placement bed days",
        "bed days",
        "decrease",
        280,
        45,
        "system",
        "RX9",
        "Mental health bed days in the month spent out of area when it was not the "
        "person's choice.",
        "Mental Health Services Data Set",
    ),
    MetricSpec(
        "cyp-mh-access",
        "Children and young people in mental health care",
        "count",
        "increase",
        920,
        55,
        "system",
        "RX9",
        "Children and young people with at least one contact in the last 12 months (a rolling "
        "sum of those first seen each month).",
        "Mental Health Services Data Set",
        drift=3,
    ),
    MetricSpec(
        "smi-health-checks",
        "Physical health checks for people with severe mental illness",
        "%",
        "increase",
        58,
        2.5,
        "places",
        "RX9",
        "People on the SMI register with all six physical health checks in the last 12 months, "
        "at the end of each quarter (a rolling sum of the checks completed each month).",
        "NHS England SMI physical health checks",
        frequency="quarterly",
    ),
    MetricSpec(
        "nursing-leaver-rate",
        "Nurses leaving (12-month rolling)",
        "%",
        "decrease",
        0,
        0,
        "nursing",
        "QW9",
        "Nurses and health visitors leaving the organisation in the last 12 months as a share "
        "of average staff in post (from the workforce returns).",
        "NHS Digital workforce statistics (ESR)",
    ),
    MetricSpec(
        "staff-sickness",
        "Staff sickness absence",
        "%",
        "decrease",
        0,
        0,
        "providers",
        "QW9",
        "FTE days lost to sickness in the month as a share of FTE days available (from the "
        "workforce returns).",
        "NHS Digital sickness absence",
    ),
    MetricSpec(
        "vacancy-rate",
        "Vacancy rate",
        "%",
        "decrease",
        0,
        0,
        "providers",
        "QW9",
        "Vacant WTE as a share of establishment (from the workforce returns).",
        "Provider workforce returns",
    ),
    MetricSpec(
        "agency-share",
        "Agency share of the pay bill",
        "%",
        "decrease",
        0,
        0,
        "providers",
        "QW9",
        "Agency spend in the month as a share of total pay (from the workforce returns).",
        "Provider finance returns",
    ),
    MetricSpec(
        "staff-survey-recommend",
        "Staff who would recommend as a place to work",
        "%",
        "increase",
        58,
        1.6,
        "providers",
        "QW9",
        "Quarterly pulse survey.",
        "NHS Staff Survey quarterly pulse",
        frequency="quarterly",
    ),
    MetricSpec(
        "patient-safety-incidents",
        "Patient safety incidents with harm per 1,000 bed days",
        "per 1,000",
        "decrease",
        3.1,
        0.3,
        "acute",
        "QW9",
        "Incidents reported with moderate harm or worse.",
        "Learn from patient safety events",
    ),
    MetricSpec(
        "mrsa-cdiff",
        "C. difficile infections",
        "count",
        "decrease",
        9,
        0,
        "acute",
        "QW9",
        "Hospital-onset healthcare-associated C. difficile cases in the month.",
        "UKHSA",
        per_beds=True,
    ),
    MetricSpec(
        "friends-and-family",
        "Patients who rate care good or very good",
        "%",
        "increase",
        91,
        1.2,
        "acute",
        "HW901",
        "Friends and Family Test, inpatients.",
        "NHS England Friends and Family Test",
    ),
]

GOALS: list[tuple[str, str, str, str, float | str, tuple[int, int]]] = [
    # priority, metric, subject, statement, target ("x0.5": half the baseline), and the
    # target date as (years after the plan's first year, month). The baseline is the
    # measurement for April of the plan's first year.
    (
        "Urgent and emergency care",
        "ae-4-hour",
        "RW9",
        "Four in five A&E patients at Wyvern seen within four hours",
        80,
        (3, 3),
    ),
    (
        "Urgent and emergency care",
        "ae-4-hour",
        "RM9",
        "Four in five A&E patients at Hallowdale seen within four hours",
        80,
        (3, 3),
    ),
    (
        "Urgent and emergency care",
        "ambulance-cat2",
        "system",
        "Ambulances reach emergencies within 30 minutes on average",
        30,
        (2, 3),
    ),
    (
        "Urgent and emergency care",
        "handover-delays",
        "RW9",
        "No ambulance handover at Wyvern takes over an hour",
        0,
        (3, 3),
    ),
    (
        "Urgent and emergency care",
        "delayed-discharges",
        "RW9",
        "Halve the patients at Wyvern ready to go home but still in hospital",
        "x0.5",
        (4, 3),
    ),
    (
        "Urgent and emergency care",
        "bed-occupancy",
        "RM9",
        "Bed occupancy at Hallowdale no higher than 92%",
        92,
        (2, 3),
    ),
    (
        "Care closer to home",
        "emergency-admissions",
        "wyvernshire",
        "Fewer emergency admissions of Wyvernshire residents",
        7.5,
        (4, 3),
    ),
    (
        "Care closer to home",
        "emergency-admissions",
        "hallowdale",
        "Fewer emergency admissions of Hallowdale residents",
        7.7,
        (4, 3),
    ),
    (
        "Care closer to home",
        "urgent-community-response",
        "wyvernshire",
        "More than eight in ten urgent community responses within two hours",
        85,
        (2, 3),
    ),
    (
        "Care closer to home",
        "virtual-ward-occupancy",
        "system",
        "Virtual wards at least 80% full",
        80,
        (3, 3),
    ),
    (
        "Care closer to home",
        "end-of-life-home",
        "hallowdale",
        "More people die in the place they call home",
        55,
        (5, 3),
    ),
    (
        "Care closer to home",
        "reablement-91-days",
        "hallowdale",
        "More older people still at home 91 days after reablement",
        85,
        (3, 3),
    ),
    (
        "Planned care and cancer",
        "rtt-65-weeks",
        "RW9",
        "No one at Wyvern waits over 65 weeks",
        0,
        (2, 9),
    ),
    (
        "Planned care and cancer",
        "cancer-62-day",
        "RW9",
        "Three in four cancer patients at Wyvern treated within 62 days",
        75,
        (3, 3),
    ),
    (
        "Planned care and cancer",
        "cancer-faster-diagnosis",
        "RM9",
        "Cancer ruled in or out within 28 days for 80% at Hallowdale",
        80,
        (3, 3),
    ),
    (
        "Planned care and cancer",
        "day-case-rate",
        "RM9",
        "85% of planned operations at Hallowdale done as day cases",
        85,
        (2, 3),
    ),
    (
        "Mental health",
        "iapt-recovery",
        "system",
        "Half of people finishing talking therapies recover",
        50,
        (2, 3),
    ),
    (
        "Mental health",
        "out-of-area-placements",
        "system",
        "No inappropriate out-of-area mental health placements",
        0,
        (4, 3),
    ),
    (
        "Mental health",
        "smi-health-checks",
        "wyvernshire",
        "Three in four people with severe mental illness get full health checks",
        75,
        (4, 3),
    ),
    (
        "Our workforce",
        "nursing-leaver-rate",
        "RM9",
        "Fewer nurses leave Hallowdale Hospital",
        "x0.87",
        (4, 3),
    ),
    (
        "Our workforce",
        "vacancy-rate",
        "RW9",
        "Vacancy rate at Wyvern below 7%",
        7.0,
        (3, 3),
    ),
    (
        "Our workforce",
        "agency-share",
        "RX9",
        "Agency under 2.5% of the community and mental health trust's pay bill",
        2.5,
        (3, 3),
    ),
    (
        "Prevention and healthier lives",
        "health-checks",
        "hallowdale",
        "Half of those offered an NHS Health Check in Hallowdale take it up",
        50,
        (3, 3),
    ),
    (
        "Prevention and healthier lives",
        "smoking-quits",
        "wyvernshire",
        "More smokers in Wyvernshire helped to quit",
        650,
        (4, 3),
    ),
    (
        "Prevention and healthier lives",
        "childhood-immunisation",
        "wyvernshire",
        "95% of two-year-olds vaccinated against measles",
        95,
        (5, 3),
    ),
]

PRIORITIES = [
    (
        "Care closer to home",
        "Neighbourhood teams, virtual wards and urgent community response, "
        "so that people are cared for at home when that is better for them.",
    ),
    (
        "Urgent and emergency care",
        "Faster ambulance responses and A&E care, and no one stuck "
        "in hospital when they are ready to go home.",
    ),
    ("Planned care and cancer", "Shorter waits for operations, tests and cancer care."),
    ("Mental health", "Care close to home for people of every age."),
    (
        "Our workforce",
        "Keep and grow our own staff together, and stop bidding against each "
        "other for agency staff.",
    ),
    (
        "Prevention and healthier lives",
        "Help people stay well: health checks, stopping smoking, vaccination.",
    ),
]


def _periods(spec: MetricSpec, timeline: Timeline) -> list[dt.date]:
    if spec.frequency == "quarterly":
        return timeline.quarters(QUARTERS)
    if spec.frequency == "seasonal":  # the months of the last four seasons reported so far
        return [m for m in timeline.months(48) if m.month in FLU_SEASON]
    return timeline.months(MONTHS)


def _rolling(monthly: np.ndarray) -> np.ndarray:
    """Sums of each 12 months, for every month from the 12th."""
    return np.convolve(monthly, np.ones(12), mode="valid")


def _synthetic(
    spec: MetricSpec, subject: str, periods: list[dt.date], rng: np.random.Generator
) -> np.ndarray:
    """A subject's figures for a metric, one per period."""
    n = len(periods)
    scale = BEDS[subject] / 1000 if spec.per_beds else 1.0
    level, drift = spec.level * scale, spec.drift * scale
    noise = spec.noise * np.sqrt(scale)
    step = 3 if spec.frequency == "quarterly" else 1
    t = np.arange(n) * step
    if spec.slug == "cyp-mh-access":  # a rolling 12-month sum of the children first seen
        months = np.arange(n + 11)
        return _rolling(level + drift * months + rng.normal(0, noise, n + 11))
    if spec.slug == "smi-health-checks":  # at each quarter's end, checks in the last 12 months
        monthly = rng.normal(level / 12, noise / 12 * np.sqrt(12), 3 * n + 9)
        return _rolling(monthly)[::3]
    if spec.frequency == "seasonal":
        finals = {}
        values = np.empty(n)
        for i, p in enumerate(periods):
            season = p.year if p.month >= 9 else p.year - 1
            if season not in finals:
                finals[season] = level + rng.normal(0, noise)
            values[i] = finals[season] * FLU_TO_DATE[p.month] + rng.normal(0, 0.3)
        return values
    if spec.unit == "count" and level < 30:  # small counts: as they come
        return rng.poisson(np.maximum(level + drift * t, 0)).astype(float)
    return np.maximum(level + drift * t + rng.normal(0, noise, n), 0)


def _sdec_opened(months: list[dt.date]) -> int:
    """The index of the April, 12 to 24 months into the series, when Wyvern's same-day
    emergency care unit opened: at least a year of figures before it and after it."""
    return max(i for i in range(12, 25) if months[i].month == 4)


def _workforce_series(months: list[dt.date]) -> dict[tuple[str, str], np.ndarray]:
    """The workforce measures of each provider, month by month, from the workforce returns:
    sickness, vacancy and agency share, and nurses' 12-month rolling turnover (in %)."""
    totals: dict[tuple[str, dt.date], np.ndarray] = defaultdict(lambda: np.zeros(6))
    nurses: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
    for r in WorkforceReturn.objects.select_related("organisation").order_by("month"):
        code = r.organisation.ods_code
        totals[(code, r.month)] += (
            r.sickness_days_lost,
            r.days_available,
            r.establishment_wte,
            r.wte,
            r.agency_pence,
            r.pay_bill_pence,
        )
        if r.staff_group == "nurses":
            nurses[code].append((r.month, r.leavers, r.headcount))
    out = {}
    for code in {c for c, _ in totals}:
        t = np.array([totals[(code, m)] for m in months])
        out[("staff-sickness", code)] = 100 * t[:, 0] / t[:, 1]
        out[("vacancy-rate", code)] = 100 * np.maximum(t[:, 2] - t[:, 3], 0) / t[:, 2]
        out[("agency-share", code)] = 100 * t[:, 4] / t[:, 5]
    for code, rows in nurses.items():
        rolling = wf.rolling_turnover([r[1] for r in rows], [r[2] for r in rows])
        by_month = {r[0]: v for r, v in zip(rows, rolling, strict=True)}
        out[("nursing-leaver-rate", code)] = np.array([100 * (by_month[m] or 0) for m in months])
    return out


def _target(target: float | str, baseline: float) -> float:
    if isinstance(target, str):
        return round(baseline * float(target[1:]), 1)
    return target


def build_plan(timeline: Timeline) -> dict[str, int]:
    """Create the demo plan (the footprint and the workforce returns must be loaded first)."""
    rng = np.random.default_rng(20251)
    orgs = {o.ods_code: o for o in Organisation.objects.all()}
    places = {p.slug: p for p in Place.objects.all()}
    subjects = {
        "system": [None],
        "places": list(places.values()),
        "acute": [orgs["RW9"], orgs["RM9"]],
        "providers": [orgs["RW9"], orgs["RM9"], orgs["RX9"], orgs["RY9"]],
        "nursing": [orgs["RW9"], orgs["RM9"], orgs["RX9"]],
    }
    first_year = timeline.financial_year - 2
    plan = Plan.objects.create(
        title="Healthier together in Wyvern and Hallowdale",
        start_year=first_year,
        end_year=first_year + 4,
        status=Plan.Status.PUBLISHED,
        published_at=timeline.moment(dt.date(first_year, 3, 28)),
        summary=(
            "Our five-year plan: more care at home and in neighbourhoods, faster urgent care, "
            "shorter waits, better mental health care, a workforce we keep and grow together, "
            "and help for people to stay well. Each goal below has a measure, a starting point "
            "and a target, and we publish how each is going."
        ),
    )
    priorities = {
        title: Priority.objects.create(plan=plan, title=title, description=desc, order=i)
        for i, (title, desc) in enumerate(PRIORITIES)
    }
    months = timeline.months(MONTHS)
    from_returns = _workforce_series(months)
    sdec = _sdec_opened(months)
    metrics = {}
    measurements = []
    values_of: dict[tuple[str, str], dict[dt.date, float]] = {}
    for spec in METRICS:
        metric = Metric.objects.create(
            slug=spec.slug,
            name=spec.name,
            unit=spec.unit,
            improvement=spec.improvement,
            definition=spec.definition,
            data_source=spec.source,
            frequency=Frequency.QUARTERLY if spec.frequency == "quarterly" else Frequency.MONTHLY,
            owner=orgs[spec.owner],
            next_review=add_months(timeline.today, 1 + len(metrics) % 12),
        )
        metrics[spec.slug] = metric
        periods = _periods(spec, timeline)
        for subject in subjects[spec.subjects]:
            key = (
                "system" if subject is None else getattr(subject, "ods_code", None) or subject.slug
            )
            if (spec.slug, key) in from_returns:
                values = from_returns[(spec.slug, key)]
            else:
                values = _synthetic(spec, key, periods, rng)
            if spec.slug == "ae-4-hour" and key == "RW9":
                values[sdec:] += 5.5  # same-day emergency care opens
            if spec.slug == "health-checks" and key == "hallowdale":
                values[-2:] = spec.level - 6.5 + rng.normal(0, 0.5, 2)  # a new provider
            decimals = 0 if spec.unit in {"count", "bed days"} else 1
            values = values.round(decimals)
            values_of[(spec.slug, key)] = dict(zip(periods, values.tolist(), strict=True))
            for period, v in zip(periods, values, strict=True):
                m = Measurement(metric=metric, period=period, value=float(v))
                if isinstance(subject, Organisation):
                    m.organisation = subject
                elif isinstance(subject, Place):
                    m.place = subject
                m.subject_key = Measurement.key_for(m.organisation, m.place, None)
                measurements.append(m)
    Measurement.objects.bulk_create(measurements, batch_size=2_000)
    baseline_date = dt.date(first_year, 4, 1)
    for priority, slug, subject, statement, target, (years, month) in GOALS:
        series = values_of[(slug, subject)]
        baseline = series.get(baseline_date, next(iter(series.values())))
        goal = Goal(
            priority=priorities[priority],
            metric=metrics[slug],
            statement=statement,
            baseline_value=baseline,
            baseline_date=baseline_date,
            target_value=_target(target, baseline),
            target_date=dt.date(first_year + years, month, 1),
        )
        if subject in places:
            goal.place = places[subject]
            goal.layer = Goal.Layer.PLACE
            goal.owner = orgs["LA901" if subject == "wyvernshire" else "LA902"]
        elif subject in orgs:
            goal.organisation = orgs[subject]
            goal.owner = orgs[subject]
        else:
            goal.owner = metrics[slug].owner
        goal.save()
    split = _split_figures(timeline, metrics, priorities, first_year, rng)
    Rebase.objects.create(
        metric=metrics["ae-4-hour"],
        organisation=orgs["RW9"],
        period=months[sdec],
        reason="Same-day emergency care unit opened at Wyvern Royal",
    )
    # The plan is published once the goals made from the daily returns are added
    # (``build_flow_goals``, after the urgent-care demo).
    return {
        "metrics": len(metrics),
        "goals": len(GOALS) + 2,
        "measurements": len(measurements) + split,
    }


# Figures by deprivation quintile for the whole system (issue 20): NHS Health Check uptake,
# whose gap between the most and least deprived quintile widens (the most deprived fall
# behind), and flu vaccination at 65 and over, whose gap narrows (an outreach programme in the
# most deprived areas), also by ethnic group. Each quintile's population is its residents of
# the age, most of them in the deprived city.
SPLIT_POPULATIONS = (14_000, 12_000, 10_000, 9_000, 8_000)
SPLITS: dict[str, dict[str, tuple[float, float]]] = {
    # metric: {group: (level at the start, change a month)}
    "health-checks": {
        "1": (40.0, -0.12),
        "2": (43.0, -0.04),
        "3": (46.0, 0.0),
        "4": (49.0, 0.02),
        "5": (53.0, 0.05),
    },
    "flu-vaccination-65": {
        "1": (66.0, 0.16),
        "2": (71.0, 0.08),
        "3": (75.0, 0.03),
        "4": (78.0, 0.0),
        "5": (81.0, 0.0),
    },
}
ETHNIC_LEVELS = {"asian": 70.0, "black": 61.0, "mixed": 67.0, "white": 78.0, "other": 65.0}
SPLIT_GOALS = (
    (
        "health-checks",
        "Prevention and healthier lives",
        "Halve the gap in NHS Health Check uptake between the most and least deprived quintile",
        Goal.GapMeasure.ENDS,
    ),
    (
        "flu-vaccination-65",
        "Prevention and healthier lives",
        "Halve the slope index of inequality in flu vaccination at 65 and over",
        Goal.GapMeasure.SII,
    ),
)


def _split_figures(
    timeline: Timeline,
    metrics: dict[str, Metric],
    priorities: dict[str, Priority],
    first_year: int,
    rng: np.random.Generator,
) -> int:
    """The demo's figures by quintile (and, for flu vaccination, by ethnic group) for the
    whole system, and a gap goal on each metric; the number of figures made."""
    made = []
    gaps: dict[str, dict[dt.date, list[float]]] = {}
    for slug, groups in SPLITS.items():
        spec = next(m for m in METRICS if m.slug == slug)
        periods = _periods(spec, timeline)
        for i, period in enumerate(periods):
            row = []
            for (code, (level, drift)), people in zip(
                groups.items(), SPLIT_POPULATIONS, strict=True
            ):
                value = round(float(level + drift * i + rng.normal(0, 0.5)), 1)
                row.append(value)
                made.append(
                    Measurement(
                        metric=metrics[slug],
                        period=period,
                        breakdown="imd_quintile",
                        category=code,
                        value=value,
                        population=float(people),
                        subject_key="system",
                    )
                )
            gaps.setdefault(slug, {})[period] = row
            if slug == "flu-vaccination-65":
                for code, level in ETHNIC_LEVELS.items():
                    made.append(
                        Measurement(
                            metric=metrics[slug],
                            period=period,
                            breakdown="ethnic_group",
                            category=code,
                            value=round(float(level + 0.05 * i + rng.normal(0, 0.7)), 1),
                            subject_key="system",
                        )
                    )
    Measurement.objects.bulk_create(made, batch_size=2_000)
    baseline_date = dt.date(first_year, 4, 1)
    for slug, priority, statement, measure in SPLIT_GOALS:
        series = gaps[slug]
        start = series.get(baseline_date) or next(iter(series.values()))
        if measure == Goal.GapMeasure.SII:
            # The SII of the baseline period, weighted by the quintiles' populations, read as
            # every gap is: the most deprived end less the least deprived (OHID's sign negated).
            weights = np.array(SPLIT_POPULATIONS, dtype=float) / sum(SPLIT_POPULATIONS)
            ranks = np.cumsum(weights) - weights / 2
            centre = (weights * ranks).sum()
            slope = (weights * (ranks - centre) * np.array(start)).sum() / (
                weights * (ranks - centre) ** 2
            ).sum()
            baseline = round(-float(slope), 1)
        else:
            baseline = round(start[0] - start[-1], 1)
        Goal.objects.create(
            priority=priorities.get(priority) or next(iter(priorities.values())),
            metric=metrics[slug],
            statement=statement,
            baseline_value=baseline,
            baseline_date=baseline_date,
            target_value=round(baseline / 2, 1),
            target_date=dt.date(first_year + 4, 3, 1),
            owner=metrics[slug].owner,
            kind=Goal.Kind.GAP,
            gap_breakdown="imd_quintile",
            gap_measure=measure,
            gap_first="1" if measure == Goal.GapMeasure.ENDS else "",
            gap_second="5" if measure == Goal.GapMeasure.ENDS else "",
        )
    return len(made)


# Goals made from the urgent-care daily returns (issue 19): the system's patients with no
# criteria to reside each day, and the mean ambulance handover time, each month from the
# acute trusts' returns (the flow demo's two years of days), judged with SPC as every goal is.
FLOW_METRICS = (
    (
        "No criteria to reside: patients each day, whole system",
        NCTR_ALL,
        FlowAggregation.DAILY_TOTAL_MEAN,
        "patients",
        "Patients in the acute trusts' beds who no longer meet the criteria to reside, on every "
        "discharge pathway: each day's total across the trusts, averaged over the month.",
        "Fewer than three in four of today's patients stuck in hospital when ready to go home",
        0.75,
    ),
    (
        "Mean ambulance handover time, whole system",
        "handover_mean_minutes",
        FlowAggregation.MEAN,
        "minutes",
        "The acute trusts' mean time from an ambulance's arrival to the handover of its "
        "patient, averaged over every trust's days in the month.",
        "Ambulance handovers take 15 minutes on average",
        15.0,
    ),
)


def build_flow_goals(timeline: Timeline) -> dict[str, int]:
    """Add the goals made from the daily returns (the urgent-care demo must be loaded first)
    and publish the plan (what the public plan page and API show, kept as published)."""
    pmo = get_user_model().objects.get(username="pmo")
    plan = Plan.objects.order_by("-pk").first()
    if plan is None:
        return {"flow_goals": 0}
    owner = Organisation.objects.get(ods_code="QW9")
    priority = plan.priorities.get(title="Urgent and emergency care")
    added = 0
    for name, measure, aggregation, unit, definition, statement, target in FLOW_METRICS:
        metric = Metric.objects.create(
            slug=services.code_for(name, queries.metric_codes()),
            name=name,
            unit=unit,
            improvement="decrease",
            definition=definition,
            data_source="Daily situation reports (the urgent-care daily returns)",
            owner=owner,
            next_review=add_months(timeline.today, 6),
            flow_measure=measure,
            flow_aggregation=aggregation,
        )
        saved = services.refresh_flow_series(metric=metric, by=pmo, today=timeline.today)
        if len(saved) < 2:
            continue
        baseline = saved[1]  # the first month the returns cover from its first day
        Goal.objects.create(
            priority=priority,
            metric=metric,
            statement=statement,
            baseline_value=baseline.value,  # as the series has it, unrounded
            baseline_date=baseline.period,
            target_value=target if target > 1 else round(baseline.value * target, 1),
            target_date=dt.date(plan.end_year + 1, 3, 1),
            owner=owner,
        )
        added += 1
    services.publish_plan(plan=plan, by=pmo)
    return {"flow_goals": added}
