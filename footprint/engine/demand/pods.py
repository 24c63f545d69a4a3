"""Points of delivery: the kinds of care the demand model counts, across the whole system.

Each point of delivery has a unit of activity. Those marked ``has_stay`` are admissions (or
care home placements) with a length of stay, so they also carry bed days and need beds of their
``bed_type``. Those with a ``package`` count care in packages of different sizes: their
activity (home care hours) is the hours of a Poisson number of packages, so its uncertainty
comes from the number of packages, not from a Poisson count of hours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PointOfDelivery:
    code: str
    name: str
    setting: str
    unit: str
    has_stay: bool = False
    bed_type: str = ""
    package: str = ""  # what is counted when activity comes in packages of units


POINTS_OF_DELIVERY: tuple[PointOfDelivery, ...] = (
    PointOfDelivery("ae", "A&E attendances", "Urgent and emergency care", "attendances"),
    PointOfDelivery(
        "ip_emergency",
        "Emergency admissions",
        "Acute hospital",
        "admissions",
        True,
        "General and acute",
    ),
    PointOfDelivery("ip_daycase", "Elective day cases", "Acute hospital", "day cases"),
    PointOfDelivery(
        "ip_elective",
        "Elective ordinary admissions",
        "Acute hospital",
        "admissions",
        True,
        "General and acute",
    ),
    PointOfDelivery(
        "op_first", "Outpatient first appointments, face to face", "Outpatients", "appointments"
    ),
    PointOfDelivery(
        "op_first_remote", "Outpatient first appointments, remote", "Outpatients", "appointments"
    ),
    PointOfDelivery(
        "op_followup", "Outpatient follow-ups, face to face", "Outpatients", "appointments"
    ),
    PointOfDelivery(
        "op_followup_remote", "Outpatient follow-ups, remote", "Outpatients", "appointments"
    ),
    PointOfDelivery("amb_hear_treat", "Ambulance: hear and treat", "Ambulance", "incidents"),
    PointOfDelivery("amb_see_treat", "Ambulance: see and treat", "Ambulance", "incidents"),
    PointOfDelivery("amb_conveyed", "Ambulance: conveyed to hospital", "Ambulance", "incidents"),
    PointOfDelivery("cs_nursing", "Community nursing contacts", "Community", "contacts"),
    PointOfDelivery("cs_therapy", "Community therapy contacts", "Community", "contacts"),
    PointOfDelivery(
        "cs_beds", "Community hospital admissions", "Community", "admissions", True, "Community"
    ),
    PointOfDelivery("mh_contacts", "Mental health contacts", "Mental health", "contacts"),
    PointOfDelivery(
        "mh_beds", "Mental health admissions", "Mental health", "admissions", True, "Mental health"
    ),
    PointOfDelivery("gp_appointments", "GP practice appointments", "Primary care", "appointments"),
    PointOfDelivery("sc_home_care", "Home care hours", "Social care", "hours", package="packages"),
    PointOfDelivery(
        "sc_care_home",
        "Care home placements",
        "Social care",
        "placements",
        True,
        "Care home",
    ),
)

BY_CODE: dict[str, PointOfDelivery] = {p.code: p for p in POINTS_OF_DELIVERY}
CODES: tuple[str, ...] = tuple(BY_CODE)
# whether each point of delivery, by index, counts its activity in packages
IN_PACKAGES: tuple[bool, ...] = tuple(bool(p.package) for p in POINTS_OF_DELIVERY)

# Length-of-stay bands in days (lower bounds): a scheme may target stays in a band, and
# records are grouped by band with their bed days summed.
LOS_BAND_STARTS: tuple[int, ...] = (0, 1, 2, 4, 8, 15, 22)
LOS_BAND_LABELS: tuple[str, ...] = ("0", "1", "2–3", "4–7", "8–14", "15–21", "22+")


def los_band(days: int) -> int:
    """The index of the length-of-stay band holding a stay of ``days`` days."""
    if days < 0:
        raise ValueError("a length of stay cannot be negative")
    band = 0
    for i, start in enumerate(LOS_BAND_STARTS):
        if days >= start:
            band = i
    return band


def pod(code: str) -> PointOfDelivery:
    """The point of delivery with this code, or a ValueError naming the known codes."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(
            f"unknown point of delivery {code!r}; expected one of {', '.join(CODES)}"
        ) from None
