"""NHS England's Core20PLUS5: the most deprived 20 % of the national population (Core20),
the groups a partnership chooses (PLUS), and five clinical areas, for adults and for children
and young people. The clinical areas are fixed by NHS England; the partnership says which of
its plan's metrics tracks each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClinicalArea:
    code: str
    who: str  # "adults" or "children"
    name: str
    focus: str  # NHS England's aim, in plain English


ADULTS = "adults"
CHILDREN = "children"
WHO = {ADULTS: "Adults", CHILDREN: "Children and young people"}

CLINICAL_AREAS: tuple[ClinicalArea, ...] = (
    ClinicalArea(
        "maternity",
        ADULTS,
        "Maternity",
        "Continuity of care for most women from Black and Asian communities and from the most "
        "deprived groups.",
    ),
    ClinicalArea(
        "smi",
        ADULTS,
        "Severe mental illness",
        "Annual physical health checks for people with severe mental illness.",
    ),
    ClinicalArea(
        "respiratory",
        ADULTS,
        "Chronic respiratory disease",
        "Fewer emergency admissions for COPD: flu, COVID-19 and pneumonia vaccination uptake.",
    ),
    ClinicalArea(
        "cancer",
        ADULTS,
        "Early cancer diagnosis",
        "75 % of cancers diagnosed at stage 1 or 2.",
    ),
    ClinicalArea(
        "hypertension",
        ADULTS,
        "Hypertension case-finding and lipid management",
        "High blood pressure found and treated to target; lipids optimally managed.",
    ),
    ClinicalArea(
        "cyp_asthma",
        CHILDREN,
        "Asthma",
        "Less reliance on reliever medication and fewer asthma attacks.",
    ),
    ClinicalArea(
        "cyp_diabetes",
        CHILDREN,
        "Diabetes",
        "More real-time glucose monitors and insulin pumps in the most deprived and ethnic "
        "minority groups; more annual health checks.",
    ),
    ClinicalArea(
        "cyp_epilepsy",
        CHILDREN,
        "Epilepsy",
        "Access to epilepsy specialist nurses, and to mental health services for those with a "
        "learning disability or autism.",
    ),
    ClinicalArea(
        "cyp_oral_health",
        CHILDREN,
        "Oral health",
        "Fewer tooth extractions in hospital for children under 10.",
    ),
    ClinicalArea(
        "cyp_mental_health",
        CHILDREN,
        "Mental health",
        "Better access to mental health services for children and young people.",
    ),
)
BY_CODE = {a.code: a for a in CLINICAL_AREAS}
CHOICES = [(a.code, f"{WHO[a.who]}: {a.name}") for a in CLINICAL_AREAS]
