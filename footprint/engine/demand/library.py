"""The scheme library and the historical trends the evidence check judges plans against.

The ranges are **indicative planning ranges** summarised from the sources named: the share of
the targeted cohort's activity a scheme of that kind has been reported to avoid, move or cut at
full effect. They are starting points for a partnership's own analysts, who should read the
source and replace a range with local evidence where they have it.
"""

from __future__ import annotations

from dataclasses import dataclass

from footprint.engine.demand.params import Cohort, Effect, Interval


@dataclass(frozen=True)
class Evidence:
    key: str
    name: str
    pod: str
    effect: Effect
    cohort: Cohort
    share: Interval  # the range the evidence supports, at full effect
    source: str
    convert_to: str = ""
    ratio: float = 1.0


@dataclass(frozen=True)
class Trend:
    """Non-demographic growth a year (the default for scenarios) and the lowest total yearly
    growth seen, outside the pandemic years."""

    growth: Interval
    lowest: float
    source: str


HES = "NHS England, Hospital Episode Statistics annual trends 2009/10–2019/20 (indicative)"

TRENDS: dict[str, Trend] = {
    "ae": Trend(
        Interval(0.01, 0.03),
        0.0,
        "NHS England, A&E attendances and emergency admissions monthly statistics (indicative)",
    ),
    "ip_emergency": Trend(Interval(0.02, 0.04), 0.0, HES),
    "ip_daycase": Trend(Interval(0.02, 0.04), 0.0, HES),
    "ip_elective": Trend(Interval(-0.01, 0.01), -0.03, HES),
    "op_first": Trend(Interval(0.01, 0.03), -0.01, HES),
    "op_first_remote": Trend(Interval(0.01, 0.03), -0.01, HES),
    "op_followup": Trend(Interval(0.01, 0.03), -0.01, HES),
    "op_followup_remote": Trend(Interval(0.01, 0.03), -0.01, HES),
    "amb_hear_treat": Trend(
        Interval(0.02, 0.05), 0.0, "NHS England, Ambulance Quality Indicators (indicative)"
    ),
    "amb_see_treat": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Ambulance Quality Indicators (indicative)"
    ),
    "amb_conveyed": Trend(
        Interval(0.0, 0.02), -0.01, "NHS England, Ambulance Quality Indicators (indicative)"
    ),
    "cs_nursing": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Community Services Data Set (indicative)"
    ),
    "cs_therapy": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Community Services Data Set (indicative)"
    ),
    "cs_beds": Trend(
        Interval(-0.01, 0.01), -0.03, "NHS England, Community Services Data Set (indicative)"
    ),
    "mh_contacts": Trend(
        Interval(0.02, 0.04),
        0.0,
        "NHS England, Mental Health Services Monthly Statistics (indicative)",
    ),
    "mh_beds": Trend(
        Interval(-0.01, 0.01),
        -0.03,
        "NHS England, Mental Health Services Monthly Statistics (indicative)",
    ),
    "gp_appointments": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Appointments in General Practice (indicative)"
    ),
    "sc_home_care": Trend(
        Interval(0.01, 0.03),
        0.0,
        "NHS England, Adult Social Care Activity and Finance Report (indicative)",
    ),
    "sc_care_home": Trend(
        Interval(-0.01, 0.01),
        -0.03,
        "NHS England, Adult Social Care Activity and Finance Report (indicative)",
    ),
}

OLDER = Cohort(age_low=65)

LIBRARY: tuple[Evidence, ...] = (
    Evidence(
        "acsc_admissions",
        "Avoid admissions for ambulatory care sensitive conditions",
        "ip_emergency",
        Effect.AVOID,
        Cohort(attributes=("Ambulatory care sensitive",)),
        Interval(0.05, 0.20),
        "Purdy S. Avoiding hospital admissions: what does the research evidence say? "
        "The King's Fund, 2010",
    ),
    Evidence(
        "virtual_ward_frailty",
        "Virtual wards and hospital at home for frail older people",
        "ip_emergency",
        Effect.AVOID,
        Cohort(age_low=75, attributes=("Frailty",)),
        Interval(0.05, 0.20),
        "Shepperd S et al. Admission avoidance hospital at home. Cochrane Database of "
        "Systematic Reviews, 2016",
    ),
    Evidence(
        "falls_prevention",
        "Falls prevention exercise programmes",
        "ip_emergency",
        Effect.AVOID,
        Cohort(age_low=65, attributes=("Falls",)),
        Interval(0.10, 0.25),
        "Sherrington C et al. Exercise for preventing falls in older people living in the "
        "community. Cochrane Database of Systematic Reviews, 2019",
    ),
    Evidence(
        "end_of_life_at_home",
        "End-of-life care at home",
        "ip_emergency",
        Effect.AVOID,
        Cohort(attributes=("End of life",)),
        Interval(0.05, 0.20),
        "Georghiou T, Bardsley M. Exploring the cost of care at the end of life. "
        "Nuffield Trust, 2014",
    ),
    Evidence(
        "discharge_to_assess",
        "Discharge to assess: shorter long stays",
        "ip_emergency",
        Effect.SHORTEN,
        Cohort(age_low=65, los_bands=(4, 5, 6)),
        Interval(0.10, 0.25),
        "NHS England. Hospital discharge and community support guidance, 2022",
    ),
    Evidence(
        "pifu",
        "Patient-initiated follow-up",
        "op_followup",
        Effect.AVOID,
        Cohort(),
        Interval(0.05, 0.15),
        "NHS England. Implementing patient initiated follow-up: guidance for local health and "
        "care systems, 2022",
    ),
    Evidence(
        "remote_followup",
        "Remote follow-up appointments",
        "op_followup",
        Effect.CONVERT,
        Cohort(),
        Interval(0.10, 0.30),
        "The Strategy Unit. NHP demand model: activity mitigators (outpatient conversion "
        "to tele-appointments)",
        convert_to="op_followup_remote",
    ),
    Evidence(
        "see_and_treat",
        "See and treat instead of conveyance",
        "amb_conveyed",
        Effect.CONVERT,
        OLDER,
        Interval(0.05, 0.15),
        "National Audit Office. NHS Ambulance Services, 2017",
        convert_to="amb_see_treat",
    ),
    Evidence(
        "ae_streaming",
        "Streaming minor illness from A&E to general practice",
        "ae",
        Effect.CONVERT,
        Cohort(attributes=("Minor",)),
        Interval(0.05, 0.15),
        "Cooper A et al. GPs working in or alongside emergency departments. NIHR Health "
        "Services and Delivery Research, 2019",
        convert_to="gp_appointments",
    ),
    Evidence(
        "reablement",
        "Reablement after a hospital stay",
        "sc_home_care",
        Effect.AVOID,
        OLDER,
        Interval(0.10, 0.30),
        "Social Care Institute for Excellence. Maximising the potential of reablement, 2013",
    ),
    Evidence(
        "neighbourhood_teams",
        "Neighbourhood teams: admissions avoided become community contacts",
        "ip_emergency",
        Effect.CONVERT,
        OLDER,
        Interval(0.0, 0.05),
        "The Health Foundation Improvement Analytics Unit. Evaluations of integrated care "
        "initiatives, 2017–2019",
        convert_to="cs_nursing",
        ratio=6.0,
    ),
)

BY_KEY: dict[str, Evidence] = {e.key: e for e in LIBRARY}
