"""The names the demand app keeps its data under: points of delivery by code and name, and
what a result is of (an item) by name.

The engine defines the points of delivery with everything the model needs of them
(``footprint.engine.demand.pods``); only ``compute.py`` may import it. Models, the parameters
schema, queries and pages need just the codes and names, so they are listed here, and a test
checks that the two lists agree.
"""

from __future__ import annotations

from footprint.partnership.staff import StaffGroup

POD_CHOICES: list[tuple[str, str]] = [
    ("ae", "A&E attendances"),
    ("ip_emergency", "Emergency admissions"),
    ("ip_daycase", "Elective day cases"),
    ("ip_elective", "Elective ordinary admissions"),
    ("op_first", "Outpatient first appointments, face to face"),
    ("op_first_remote", "Outpatient first appointments, remote"),
    ("op_followup", "Outpatient follow-ups, face to face"),
    ("op_followup_remote", "Outpatient follow-ups, remote"),
    ("amb_hear_treat", "Ambulance: hear and treat"),
    ("amb_see_treat", "Ambulance: see and treat"),
    ("amb_conveyed", "Ambulance: conveyed to hospital"),
    ("cs_nursing", "Community nursing contacts"),
    ("cs_therapy", "Community therapy contacts"),
    ("cs_beds", "Community hospital admissions"),
    ("mh_contacts", "Mental health contacts"),
    ("mh_beds", "Mental health admissions"),
    ("gp_appointments", "GP practice appointments"),
    ("sc_home_care", "Home care hours"),
    ("sc_care_home", "Care home placements"),
]
CODES: tuple[str, ...] = tuple(code for code, _ in POD_CHOICES)
# where each point of delivery is provided, for grouping them on pages (the engine's settings)
SETTINGS: dict[str, str] = {
    "ae": "Urgent and emergency care",
    "ip_emergency": "Acute hospital",
    "ip_daycase": "Acute hospital",
    "ip_elective": "Acute hospital",
    "op_first": "Outpatients",
    "op_first_remote": "Outpatients",
    "op_followup": "Outpatients",
    "op_followup_remote": "Outpatients",
    "amb_hear_treat": "Ambulance",
    "amb_see_treat": "Ambulance",
    "amb_conveyed": "Ambulance",
    "cs_nursing": "Community",
    "cs_therapy": "Community",
    "cs_beds": "Community",
    "mh_contacts": "Mental health",
    "mh_beds": "Mental health",
    "gp_appointments": "Primary care",
    "sc_home_care": "Social care",
    "sc_care_home": "Social care",
}


def by_setting(codes: list[str]) -> list[tuple[str, list[str]]]:
    """Points of delivery grouped by setting, settings in the order of their first point of
    delivery, each group in the order given."""
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(SETTINGS.get(code, "Other"), []).append(code)
    return list(groups.items())


# points of delivery whose activity comes in packages (each cell's bed days are its hours)
IN_PACKAGES: frozenset[str] = frozenset({"sc_home_care"})
ALL_PODS = "all"  # the pseudo point of delivery of a breakdown's bed days, beds and cost
NAMES: dict[str, str] = {**dict(POD_CHOICES), ALL_PODS: "All points of delivery"}

ALL = "All providers"  # the pseudo provider of system totals in a run's results
SCHEMES = "Schemes"  # the pseudo provider of the schemes' own cost


def pod_name(code: str) -> str:
    """A point of delivery's name, or the code itself when it is not one."""
    return NAMES.get(code, code)


def item_name(measure: str, code: str) -> str:
    """What a result is of, by name: a point of delivery, a staff group ("Nurses and health
    visitors", not "nurses"), a kind of bed or a line of cost."""
    if measure == "workforce" and code in StaffGroup.values:
        return StaffGroup(code).label
    return pod_name(code)
