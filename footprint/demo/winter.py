"""The demo's winter plan: the coming winter at the two acute trusts, with three scenarios
(do nothing; more step-down beds and home-care packages; discharge to assess with virtual
wards), each already run with modest runs (200) so the demo loads quickly, and published to
the boards. Places and escalation bed-days are costed (illustrative unit costs, not any
trust's prices), and the step-down beds and packages scheme is brought to the Partnership
Board as a draft proposal (the decisions demo, which makes the forums, runs first)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib.auth import get_user_model

from footprint.decisions.models import DecisionType, Forum
from footprint.demo.timeline import Timeline
from footprint.winter import compute, queries, services

RUNS = 200
# Illustrative costs in pounds: a short reablement package (about 3 weeks), a virtual-ward
# stay (about 7 days at £200), a step-down or care-home placement for discharge to assess
# (about 2 to 3 weeks), and an escalation bed open for a day (staff, mostly bank and agency).
UNIT_COSTS = {
    "cost_package": 1500,
    "cost_virtual_ward": 1400,
    "cost_step_down": 2800,
    "cost_care_home": 3500,
    "cost_escalation_bed_day": 450,
}
# The trusts' own figures: beds, escalation beds, emergency admissions a day, mean stay
TRUSTS = {
    "RW9": {"beds": 745, "escalation_beds": 30, "admissions_per_day": 112.0, "stay_mean": 5.7},
    "RM9": {"beds": 505, "escalation_beds": 20, "admissions_per_day": 74.0, "stay_mean": 5.9},
}


def _change(sc: Any, by: Any, change: Any) -> None:
    """Set each trust's inputs in ``sc`` to ``change(ods_code, values)``."""
    for pi in queries.inputs(sc):
        values = change(pi.organisation.ods_code, queries.values_of(pi))
        services.save_inputs(scenario=sc, organisation=pi.organisation, by=by, values=values)


def _places(admissions: float) -> dict[str, int]:
    """Places a day just above an average day's patients waiting on each pathway (with the
    typical shares and chances of waiting): enough in autumn, short at the winter's peak."""
    typical = compute.default_inputs()
    waiting = [
        admissions * share / 100 * chance / 100
        for share, chance in zip(
            typical["pathway_shares"], typical["nctr_probability"], strict=True
        )
    ]
    return {
        "home_care_packages": math.ceil(waiting[1]),
        "step_down_beds": math.ceil(waiting[2]),
        "care_home_beds": math.ceil(waiting[3]),
    }


def build_winter(timeline: Timeline) -> dict[str, int]:
    """Store the winter plan, its three scenarios and a run of each."""
    pmo = get_user_model().objects.get(username="pmo")
    year = timeline.today.year if timeline.today.month >= 7 else timeline.today.year - 1
    plan = services.save_plan(
        by=pmo,
        name=f"Winter {year}/{(year + 1) % 100:02d}",
        description="The partnership's winter plan for its two acute trusts: what the extra "
        "discharge capacity the councils and the community trust can buy does to the chance of "
        "running out of beds.",
        start=dt.date(year, 12, 1),
        days=120,
        peak=dt.date(year + 1, 1, 5),
        runs=RUNS,
        seed=2026,
        **UNIT_COSTS,
    )
    do_nothing = services.save_scenario(
        plan=plan,
        by=pmo,
        name="Do nothing",
        description="Last winter's discharge places and escalation beds, as they are.",
    )
    _change(
        do_nothing,
        pmo,
        lambda code, v: {
            **compute.default_inputs(),
            **TRUSTS[code],
            **_places(TRUSTS[code]["admissions_per_day"]),
            "escalation_trigger": 96.0,
            "winter_uplift": 9.0,
        },
    )
    more = services.save_scenario(
        plan=plan,
        by=pmo,
        name="More step-down beds and packages",
        description="Two more home-care packages and one more step-down bed a day at each "
        "trust, bought by the councils for December to March.",
        copy_from=do_nothing,
    )
    _change(
        more,
        pmo,
        lambda code, v: {
            **v,
            "home_care_packages": v["home_care_packages"] + 2,
            "step_down_beds": v["step_down_beds"] + 1,
        },
    )
    d2a = services.save_scenario(
        plan=plan,
        by=pmo,
        name="Discharge to assess with virtual wards",
        description="Assess at home, not in hospital: fewer patients on pathways 1 to 3 wait, "
        "and three virtual-ward places a day take patients home with support.",
        copy_from=do_nothing,
        other_cost=180_000,
        cost_note="a discharge-to-assess team of therapists and social workers for the winter",
    )
    _change(
        d2a,
        pmo,
        lambda code, v: {
            **v,
            "nctr_probability": [2.0, 32.0, 45.0, 60.0],
            "virtual_ward_places": 3,
        },
    )
    for sc in (do_nothing, more, d2a):
        run = services.start_run(scenario=sc, by=pmo, enqueue=lambda pk: None)
        services.run_simulation(run=run, by=pmo)
    services.publish(plan=plan, by=pmo, now=timeline.moment(timeline.today, 9))
    services.bring_to_decision(
        scenario=more,
        by=pmo,
        decision_type=DecisionType.objects.get(name="Investment"),
        brought_to=Forum.objects.get(slug="partnership-board"),
    )
    return {"winter_scenarios": 3, "winter_proposals": 1}
