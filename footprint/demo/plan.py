"""The demo partnership's five-year plan: priorities, about 40 metrics with three years of
monthly figures, and about 25 goals judged on them.

Figures are synthetic, at levels typical of English systems, with three special causes planted
for the early-warning page and the goal charts to find:

- the nursing leaver rate at Marches Hospital (RM9) rises month on month through 2025;
- A&E four-hour performance at Wyvern Acute Hospitals (RW9) steps up from April 2024, when
  its same-day emergency care scheme opened;
- NHS Health Check uptake in Marchshire runs below its average for the last nine months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.utils import timezone

from footprint.partnership.models import Organisation, Place
from footprint.plans import services
from footprint.plans.models import Goal, Measurement, Metric, Plan, Priority, Rebase

MONTHS = 36
FIRST_MONTH = dt.date(2022, 10, 1)


def month(i: int) -> dt.date:
    y, m = divmod(FIRST_MONTH.month - 1 + i, 12)
    return dt.date(FIRST_MONTH.year + y, m + 1, 1)


@dataclass(frozen=True)
class MetricSpec:
    slug: str
    name: str
    unit: str
    improvement: str
    level: float
    noise: float
    subjects: str  # "system", "places", "acute", "providers"
    owner: str
    definition: str
    source: str
    drift: float = 0.0  # change per month


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
        "Share of type 1 A&E attendances admitted, transferred or "
        "discharged within four hours of arrival.",
        "NHS England A&E attendances and emergency admissions",
    ),
    MetricSpec(
        "ae-12-hour-waits",
        "12-hour waits from decision to admit",
        "count",
        "decrease",
        140,
        25,
        "acute",
        "QW9",
        "Patients waiting more than 12 hours from the decision to admit to admission.",
        "NHS England A&E statistics",
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
        210,
        35,
        "acute",
        "RY9",
        "Handovers from ambulance crew to hospital taking over an hour.",
        "NHS England handover data",
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
        120,
        12,
        "acute",
        "LA901",
        "Patients in hospital who no longer meet the criteria to reside.",
        "NHS England discharge situation reports",
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
        76,
        3,
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
        310,
        40,
        "acute",
        "QW9",
        "Patients on the waiting list for more than 65 weeks.",
        "NHS England referral to treatment statistics",
        drift=-6,
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
        "%",
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
        2.2,
        "places",
        "LA902",
        "Eligible people aged 40–74 offered a Health Check who take it up.",
        "OHID Fingertips",
    ),
    MetricSpec(
        "smoking-quits",
        "Smokers who quit at 4 weeks",
        "per 100,000",
        "increase",
        190,
        22,
        "places",
        "LA901",
        "Successful four-week quits per 100,000 smokers.",
        "NHS Stop Smoking Services",
    ),
    MetricSpec(
        "childhood-immunisation",
        "MMR dose 1 by age 2",
        "%",
        "increase",
        91.5,
        0.8,
        "places",
        "QW9",
        "Children receiving MMR dose 1 by their second birthday.",
        "UKHSA COVER",
    ),
    MetricSpec(
        "flu-vaccination-65",
        "Flu vaccination, aged 65 and over",
        "%",
        "increase",
        78,
        1.5,
        "places",
        "QW9",
        "People aged 65+ vaccinated against flu (season to date).",
        "UKHSA",
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
        2.4,
        "places",
        "QW9",
        "Deaths at home or in the care home where the person lived.",
        "OHID palliative and end of life care profiles",
    ),
    MetricSpec(
        "care-home-admissions",
        "Permanent care home admissions, 65+",
        "per 100,000",
        "decrease",
        52,
        7,
        "places",
        "LA901",
        "Monthly permanent admissions of people aged 65+ to residential and nursing care.",
        "Adult Social Care Outcomes",
    ),
    MetricSpec(
        "reablement-91-days",
        "Still at home 91 days after reablement",
        "%",
        "increase",
        82,
        2.5,
        "places",
        "LA902",
        "People aged 65+ at home 91 days after discharge into reablement.",
        "Adult Social Care Outcomes",
    ),
    MetricSpec(
        "iapt-access",
        "Talking therapies: people starting treatment",
        "count",
        "increase",
        1450,
        90,
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
        380,
        60,
        "system",
        "RX9",
        "Mental health bed days spent out of area when it was not the person's choice.",
        "Mental Health Services Data Set",
    ),
    MetricSpec(
        "cyp-mh-access",
        "Children and young people in mental health care",
        "count",
        "increase",
        2100,
        110,
        "system",
        "RX9",
        "Children and young people with at least one contact in the last 12 months.",
        "Mental Health Services Data Set",
        drift=8,
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
        "People on the SMI register with all six physical health checks in the last 12 months.",
        "NHS England SMI physical health checks",
    ),
    MetricSpec(
        "nursing-leaver-rate",
        "Nurses leaving (12-month rolling)",
        "%",
        "decrease",
        9.8,
        0.25,
        P,
        "QW9",
        "Nurses and health visitors leaving the organisation in the "
        "last 12 months as a share of average staff in post.",
        "NHS Digital workforce statistics (ESR)",
    ),
    MetricSpec(
        "staff-sickness",
        "Staff sickness absence",
        "%",
        "decrease",
        5.1,
        0.3,
        P,
        "QW9",
        "FTE days lost to sickness as a share of FTE days available.",
        "NHS Digital sickness absence",
    ),
    MetricSpec(
        "vacancy-rate",
        "Vacancy rate",
        "%",
        "decrease",
        8.4,
        0.5,
        P,
        "QW9",
        "Vacant FTE as a share of establishment.",
        "Provider workforce returns",
    ),
    MetricSpec(
        "agency-share",
        "Agency share of the pay bill",
        "%",
        "decrease",
        6.2,
        0.45,
        P,
        "QW9",
        "Agency spend as a share of total pay.",
        "Provider finance returns",
        drift=-0.03,
    ),
    MetricSpec(
        "staff-survey-recommend",
        "Staff who would recommend as a place to work",
        "%",
        "increase",
        58,
        1.6,
        P,
        "QW9",
        "Quarterly pulse survey.",
        "NHS Staff Survey quarterly pulse",
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
        2.8,
        "acute",
        "QW9",
        "Hospital-onset healthcare-associated C. difficile cases.",
        "UKHSA",
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

GOALS = [
    # priority, metric, subject, statement, baseline, target, target date
    (
        "Urgent and emergency care",
        "ae-4-hour",
        "RW9",
        "Four in five A&E patients at Wyvern seen within four hours",
        72,
        80,
        "2026-03",
    ),
    (
        "Urgent and emergency care",
        "ae-4-hour",
        "RM9",
        "Four in five A&E patients at Marches seen within four hours",
        72,
        80,
        "2026-03",
    ),
    (
        "Urgent and emergency care",
        "ambulance-cat2",
        "system",
        "Ambulances reach emergencies within 30 minutes on average",
        38,
        30,
        "2025-03",
    ),
    (
        "Urgent and emergency care",
        "handover-delays",
        "RW9",
        "No ambulance handover at Wyvern takes over an hour",
        210,
        0,
        "2026-03",
    ),
    (
        "Urgent and emergency care",
        "delayed-discharges",
        "RW9",
        "Halve the patients at Wyvern ready to go home but still in hospital",
        120,
        60,
        "2027-03",
    ),
    (
        "Urgent and emergency care",
        "bed-occupancy",
        "RM9",
        "Bed occupancy at Marches no higher than 92%",
        93,
        92,
        "2025-03",
    ),
    (
        "Care closer to home",
        "emergency-admissions",
        "wyvernshire",
        "Fewer emergency admissions of Wyvernshire residents",
        8.6,
        8.0,
        "2027-03",
    ),
    (
        "Care closer to home",
        "emergency-admissions",
        "marchshire",
        "Fewer emergency admissions of Marchshire residents",
        8.6,
        8.0,
        "2027-03",
    ),
    (
        "Care closer to home",
        "urgent-community-response",
        "wyvernshire",
        "Eight in ten urgent community responses within two hours",
        76,
        80,
        "2025-03",
    ),
    (
        "Care closer to home",
        "virtual-ward-occupancy",
        "system",
        "Virtual wards at least 80% full",
        68,
        80,
        "2026-03",
    ),
    (
        "Care closer to home",
        "end-of-life-home",
        "marchshire",
        "More people die in the place they call home",
        47,
        55,
        "2028-03",
    ),
    (
        "Care closer to home",
        "reablement-91-days",
        "marchshire",
        "More older people still at home 91 days after reablement",
        82,
        85,
        "2026-03",
    ),
    (
        "Planned care and cancer",
        "rtt-65-weeks",
        "RW9",
        "No one at Wyvern waits over 65 weeks",
        310,
        0,
        "2025-09",
    ),
    (
        "Planned care and cancer",
        "cancer-62-day",
        "RW9",
        "Three in four cancer patients at Wyvern treated within 62 days",
        66,
        75,
        "2026-03",
    ),
    (
        "Planned care and cancer",
        "cancer-faster-diagnosis",
        "RM9",
        "Cancer ruled in or out within 28 days for 80% at Marches",
        73,
        80,
        "2026-03",
    ),
    (
        "Planned care and cancer",
        "day-case-rate",
        "RM9",
        "85% of planned operations at Marches done as day cases",
        84,
        85,
        "2025-03",
    ),
    (
        "Mental health",
        "iapt-recovery",
        "system",
        "Half of people finishing talking therapies recover",
        49,
        50,
        "2025-03",
    ),
    (
        "Mental health",
        "out-of-area-placements",
        "system",
        "No inappropriate out-of-area mental health placements",
        380,
        0,
        "2027-03",
    ),
    (
        "Mental health",
        "smi-health-checks",
        "wyvernshire",
        "Three in four people with severe mental illness get full health checks",
        58,
        75,
        "2027-03",
    ),
    (
        "Our workforce",
        "nursing-leaver-rate",
        "RM9",
        "Fewer nurses leave Marches Hospital",
        9.8,
        8.5,
        "2027-03",
    ),
    (
        "Our workforce",
        "vacancy-rate",
        "RW9",
        "Vacancy rate at Wyvern below 7%",
        8.4,
        7.0,
        "2026-03",
    ),
    (
        "Our workforce",
        "agency-share",
        "RX9",
        "Agency under 4% of the community trust's pay bill",
        6.2,
        4.0,
        "2026-03",
    ),
    (
        "Prevention and healthier lives",
        "health-checks",
        "marchshire",
        "Half of those offered an NHS Health Check in Marchshire take it up",
        46,
        50,
        "2026-03",
    ),
    (
        "Prevention and healthier lives",
        "smoking-quits",
        "wyvernshire",
        "More smokers in Wyvernshire helped to quit",
        190,
        220,
        "2027-03",
    ),
    (
        "Prevention and healthier lives",
        "childhood-immunisation",
        "wyvernshire",
        "95% of two-year-olds vaccinated against measles",
        91.5,
        95,
        "2028-03",
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


def _series(spec: MetricSpec, subject: str, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(MONTHS)
    values = spec.level + spec.drift * t + rng.normal(0, spec.noise, MONTHS)
    if spec.slug == "nursing-leaver-rate" and subject == "RM9":
        # Rising month on month from January 2025.
        values[27:] = spec.level + np.cumsum(rng.uniform(0.08, 0.2, MONTHS - 27))
    if spec.slug == "ae-4-hour" and subject == "RW9":
        values[18:] += 5.5  # April 2024: same-day emergency care opens
    if spec.slug == "health-checks" and subject == "marchshire":
        values[27:] = spec.level - 2.0 + rng.normal(0, 0.4, 9)
    decimals = 0 if spec.unit in {"count", "bed days"} else 1
    return values.round(decimals)


def build_plan() -> dict[str, int]:
    """Create the demo plan (the footprint must be loaded first)."""
    rng = np.random.default_rng(20251)
    orgs = {o.ods_code: o for o in Organisation.objects.all()}
    places = {p.slug: p for p in Place.objects.all()}
    subjects = {
        "system": [None],
        "places": list(places.values()),
        "acute": [orgs["RW9"], orgs["RM9"]],
        "providers": [orgs["RW9"], orgs["RM9"], orgs["RX9"], orgs["RY9"]],
    }
    plan = Plan.objects.create(
        title="Healthier together in Wyvern and the Marches",
        start_year=2023,
        end_year=2027,
        status=Plan.Status.PUBLISHED,
        published_at=timezone.now(),
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
    metrics = {}
    measurements = []
    for spec in METRICS:
        metric = Metric.objects.create(
            slug=spec.slug,
            name=spec.name,
            unit=spec.unit,
            improvement=spec.improvement,
            definition=spec.definition,
            data_source=spec.source,
            owner=orgs[spec.owner],
            next_review=dt.date(2026, 1 + len(metrics) % 12, 1),
        )
        metrics[spec.slug] = metric
        for subject in subjects[spec.subjects]:
            key = (
                "system" if subject is None else getattr(subject, "ods_code", None) or subject.slug
            )
            values = _series(spec, key, rng)
            for i, v in enumerate(values):
                m = Measurement(metric=metric, period=month(i), value=float(v))
                if isinstance(subject, Organisation):
                    m.organisation = subject
                elif isinstance(subject, Place):
                    m.place = subject
                m.subject_key = Measurement.key_for(m.organisation, m.place, None)
                measurements.append(m)
    Measurement.objects.bulk_create(measurements)
    for priority, slug, subject, statement, baseline, target, target_month in GOALS:
        goal = Goal(
            priority=priorities[priority],
            metric=metrics[slug],
            statement=statement,
            baseline_value=baseline,
            baseline_date=dt.date(2023, 4, 1),
            target_value=target,
            target_date=dt.date.fromisoformat(target_month + "-01"),
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
    Rebase.objects.create(
        metric=metrics["ae-4-hour"],
        organisation=orgs["RW9"],
        period=dt.date(2024, 4, 1),
        reason="Same-day emergency care unit opened at Wyvern Royal",
    )
    # What the public plan page and API show: the plan as published now, kept as published.
    services.publish_plan(plan=plan, by=get_user_model().objects.get(username="pmo"))
    return {"metrics": len(metrics), "goals": len(GOALS), "measurements": len(measurements)}
