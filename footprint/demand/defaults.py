"""A new scenario's parameters document, with indicative capacity settings: target
occupancy, staff time per unit of activity and unit costs. They are round planning figures for
a first run, not local evidence: a partnership should replace them with its own costs and job
plans (edit the scenario's parameters document, or import one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from footprint.demand.parameters import (
    CapacityDoc,
    HealthStatusDoc,
    IntervalDoc,
    ParametersDoc,
    VariantDoc,
)

OCCUPANCY = {
    "General and acute": 0.92,
    "Community": 0.90,
    "Mental health": 0.85,
    "Care home": 0.90,
}

# Minutes of each staff group per unit of activity (per bed day for admissions).
STAFF_MINUTES: dict[str, dict[str, float]] = {
    "ae": {"nurses": 60, "doctors": 45},
    "ip_emergency": {"nurses": 300, "support": 180, "doctors": 60, "ahp": 20},
    "ip_daycase": {"nurses": 180, "doctors": 60},
    "ip_elective": {"nurses": 300, "support": 180, "doctors": 60, "ahp": 20},
    "op_first": {"doctors": 20, "nurses": 10},
    "op_first_remote": {"doctors": 15},
    "op_followup": {"doctors": 12, "nurses": 8},
    "op_followup_remote": {"doctors": 10},
    "amb_hear_treat": {"ambulance": 20},
    "amb_see_treat": {"ambulance": 120},
    "amb_conveyed": {"ambulance": 180},
    "cs_nursing": {"nurses": 45},
    "cs_therapy": {"ahp": 45},
    "cs_beds": {"nurses": 240, "support": 180, "ahp": 30},
    "mh_contacts": {"nurses": 45, "scientific": 15},
    "mh_beds": {"nurses": 360, "support": 120, "doctors": 30},
    "gp_appointments": {"doctors": 10, "nurses": 5},
}

# Pounds per unit of activity, and per bed day for admissions.
UNIT_COSTS: dict[str, float] = {
    "ae": 200,
    "ip_emergency": 1200,
    "ip_daycase": 900,
    "ip_elective": 2500,
    "op_first": 200,
    "op_first_remote": 150,
    "op_followup": 120,
    "op_followup_remote": 90,
    "amb_hear_treat": 50,
    "amb_see_treat": 250,
    "amb_conveyed": 400,
    "cs_nursing": 60,
    "cs_therapy": 70,
    "mh_contacts": 150,
    "gp_appointments": 40,
    "sc_home_care": 25,
    "sc_care_home": 40000,
}
BED_DAY_COSTS: dict[str, float] = {
    "ip_emergency": 350,
    "ip_elective": 350,
    "cs_beds": 300,
    "mh_beds": 450,
}


# Population projection variants drawn per iteration: the principal projection half the time,
# the high and low population variants a quarter each (ONS publishes them as plausible
# alternatives, not as a distribution, so the weights are a choice: the principal most likely,
# high and low equally so). Until a partnership gives the ONS variants for its area, they are
# indicative: 0.2 % a year more (or fewer) residents of every age than the principal.
VARIANT_CHANCES = {"Principal": 0.5, "High population": 0.25, "Low population": 0.25}
VARIANT_YEARLY_DIFFERENCE = {"Principal": 0.0, "High population": 0.002, "Low population": -0.002}

# The health-status adjustment: life expectancy gained a year (about a year a decade at 65
# in ONS's principal projection), and an 80 % interval of the share of it spent in good
# health centred on a half, between the expansion (none) and compression (all) of morbidity.
LIFE_EXPECTANCY_GAIN = 0.1
HEALTHY_SHARE = (0.25, 0.75)
HEALTH_FROM_AGE = 55


def variants(years: int) -> list[VariantDoc]:
    """The indicative variants above for ``years`` projection years."""
    return [
        VariantDoc(
            name=name,
            probability=chance,
            age_bounds=[0],
            multipliers=[
                [[round((1 + VARIANT_YEARLY_DIFFERENCE[name]) ** t, 6)]] * 2
                for t in range(1, years + 1)
            ]
            if VARIANT_YEARLY_DIFFERENCE[name]
            else [],
        )
        for name, chance in VARIANT_CHANCES.items()
    ]


def health_status() -> HealthStatusDoc:
    return HealthStatusDoc(
        share=IntervalDoc(low=HEALTHY_SHARE[0], high=HEALTHY_SHARE[1]),
        life_expectancy_gain=LIFE_EXPECTANCY_GAIN,
        age_from=HEALTH_FROM_AGE,
    )


def document(
    base_year: int,
    horizon: int,
    *,
    growth: Mapping[str, tuple[float, float]],
    iterations: int = 1000,
    seed: int = 1,
) -> dict[str, Any]:
    """A "do nothing" document, validated: ``growth`` (low and high, a year, by point of
    delivery), no schemes, the indicative population variants and health-status adjustment
    above, and the capacity settings above with the schema's own defaults for the rest."""
    doc = ParametersDoc(
        base_year=base_year,
        horizon=horizon,
        seed=seed,
        iterations=iterations,
        growth={code: IntervalDoc(low=low, high=high) for code, (low, high) in growth.items()},
        schemes=[],
        variants=variants(horizon - base_year),
        health_status=health_status(),
        capacity=CapacityDoc(
            occupancy=OCCUPANCY,
            staff_minutes=STAFF_MINUTES,
            unit_costs=UNIT_COSTS,
            bed_day_costs=BED_DAY_COSTS,
        ),
    )
    return doc.model_dump(mode="json")
