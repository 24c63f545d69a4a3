"""The demo's winter plan: the coming winter at the two acute trusts, with three scenarios
(do nothing; more step-down beds and home-care packages; discharge to assess with virtual
wards), each already run with modest runs (200) so the demo loads quickly, and published to
the boards. Places and escalation bed-days are costed (illustrative unit costs, not any
trust's prices), and the step-down beds and packages scheme is brought to the Partnership
Board as a draft proposal (the decisions demo, which makes the forums, runs first).

The do-nothing scenario is fitted to the demo's own daily returns (``demo.flow``, built
first), as a partner would fit it on the scenario's page: beds, admissions a day, the weekly
pattern, the winter uplift, the mean length of stay and the pathway shares all come from the
two years of returns, so the winter plan and the flow pages describe the same hospitals. The
returns cannot give the places each pathway offers: the demo gives each trust enough for the
flow of patients who wait at the winter's peak, less a home-care package and a step-down bed
a day over December and January (:data:`SHORT`, carers and community staff off sick), so
queues build over the winter as the returns' patients waiting (NCTR) do, the risk peaks at
the end of January and falls in February and March, and the run's beds occupied agree with
last winter's returns (``tests/integration/test_demo_winter.py`` checks both)."""

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
# Escalation beds each trust opens at the winter's peak: about the mean the demo's returns
# show open from December to March (5 % of the beds at the peak, plus a few).
ESCALATION_BEDS = {"RW9": 30, "RM9": 20}
# Places a day each pathway loses over December and January: (pathway, places, why). With
# places just enough for the peak, a place or two a day short for two months builds a queue
# that takes February and March to clear, as the returns' patients waiting do; the
# what-ifs' extra places and fewer patients waiting make up for it.
SHORT = (
    (1, 1, "home-care agencies short of carers over the winter"),
    (2, 1, "a community ward short of staff over the winter"),
)
YEARS_OF_RETURNS = 2  # the do-nothing scenario is fitted to this many years of daily returns


def _change(sc: Any, by: Any, change: Any) -> None:
    """Set each trust's inputs in ``sc`` to ``change(ods_code, values)``."""
    for pi in queries.inputs(sc):
        values = change(pi.organisation.ods_code, queries.values_of(pi))
        services.save_inputs(scenario=sc, organisation=pi.organisation, by=by, values=values)


def _places(v: dict[str, Any]) -> dict[str, int]:
    """Places a day on pathways 1 to 3 for a trust whose inputs are ``v``: enough for the
    patients waiting for each at the winter's peak (admissions a day × the uplift × the
    pathway's share × its chance of waiting), rounded up."""
    peak = v["admissions_per_day"] * (1 + v["winter_uplift"] / 100)
    waiting = [
        peak * share / 100 * chance / 100
        for share, chance in zip(v["pathway_shares"], v["nctr_probability"], strict=True)
    ]
    return {
        "home_care_packages": math.ceil(waiting[1]),
        "step_down_beds": math.ceil(waiting[2]),
        "care_home_beds": math.ceil(waiting[3]),
    }


def _short(start: dt.date) -> list[dict[str, Any]]:
    """The places lost over December and January of the winter starting on ``start``."""
    last = dt.date(start.year + 1, 1, 31)
    return [
        {
            "first": start.isoformat(),
            "last": last.isoformat(),
            "pathway": pathway,
            "places": places,
            "reason": why,
        }
        for pathway, places, why in SHORT
    ]


def _do_nothing(code: str, fitted: dict[str, Any], start: dt.date) -> dict[str, Any]:
    """A trust's do-nothing inputs: those fitted to its returns, with the typical chances of
    waiting, its escalation beds and the places a day the returns cannot give."""
    values = {
        **fitted,
        "nctr_probability": compute.default_inputs()["nctr_probability"],
        "escalation_beds": ESCALATION_BEDS[code],
        "escalation_trigger": 96.0,
        "virtual_ward_places": 0,
    }
    return {**values, **_places(values), "place_cuts": _short(start)}


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
    last = timeline.today
    first = last - dt.timedelta(days=365 * YEARS_OF_RETURNS - 1)
    services.inputs_from_history(scenario=do_nothing, by=pmo, first=first, last=last)
    _change(do_nothing, pmo, lambda code, v: _do_nothing(code, v, plan.start))
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
