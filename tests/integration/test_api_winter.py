"""Winter plans in the API: partners read a plan, its scenarios' inputs and a run's weekly
and daily results; anyone else with a token is refused."""

import datetime as dt

import pytest
from django.utils import timezone

from footprint.api.tokens import create_token
from footprint.winter import services


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


@pytest.fixture
def ran(cast):
    plan = services.save_plan(
        by=cast["pmo"],
        name="Winter 2026/27",
        start=dt.date(2026, 11, 30),
        days=10,
        peak=dt.date(2027, 1, 5),
        runs=20,
        seed=3,
    )
    sc = services.save_scenario(plan=plan, by=cast["pmo"], name="Do nothing")
    run = services.start_run(scenario=sc, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=run, by=cast["pmo"])
    return run


def test_partners_read_a_plan_its_inputs_and_its_results(client, cast, ran):
    h = bearer(cast["viewer"])
    plans = client.get("/api/v1/winter/plans", headers=h).json()
    assert [p["name"] for p in plans] == ["Winter 2026/27"]
    assert plans[0]["status"] == "draft" and plans[0]["start"] == "2026-11-30"
    assert plans[0]["scenarios"] == [
        {
            "id": ran.scenario.pk,
            "name": "Do nothing",
            "description": "",
            "latest_run": ran.pk,
            "published_run": None,
            "published_cost": None,
            "published_name": None,
            "published_description": None,
        }
    ]
    assert plans[0]["published_as"] is None
    # published, the plan names the run it was published with, until published again
    services.publish(plan=ran.scenario.plan, by=cast["pmo"], now=timezone.now())
    again = services.start_run(scenario=ran.scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=again, by=cast["pmo"])
    [published] = client.get("/api/v1/winter/plans", headers=h).json()[0]["scenarios"]
    assert (published["latest_run"], published["published_run"]) == (again.pk, ran.pk)
    assert published["published_cost"] == 0  # the plan has no unit costs
    sc = client.get(f"/api/v1/winter/scenarios/{ran.scenario.pk}", headers=h).json()
    assert [i["provider_name"] for i in sc["inputs"]] == ["Trust A Hospitals", "Trust B Hospitals"]
    assert sc["inputs"][0]["pathway_shares"] == [60.0, 25.0, 10.0, 5.0]
    assert sc["inputs"][0]["closures"] == [] and sc["inputs"][0]["place_cuts"] == []
    # not costed: the plan has no unit costs; the first scenario is the one others are against
    assert sc["cost"] == 0 and sc["extra_cost"] is None and sc["proposal"] is None
    run = client.get(f"/api/v1/winter/runs/{ran.pk}", headers=h).json()
    assert run["status"] == "succeeded" and run["percent"] == 100 and run["runs"] == 20
    weeks = client.get(f"/api/v1/winter/runs/{ran.pk}/weeks?provider=RA1", headers=h).json()
    assert weeks["count"] == 2  # 10 days: a week and a part-week of 3 days
    assert [(w["week"], w["starts"], w["days"]) for w in weeks["items"]] == [
        (1, "2026-11-30", 7),
        (2, "2026-12-07", 3),
    ]
    assert all(0 <= w["p_over_92"] <= 1 for w in weeks["items"])
    days = client.get(f"/api/v1/winter/runs/{ran.pk}/days?limit=500", headers=h).json()
    assert days["count"] == 2 * 10
    first = days["items"][0]
    assert first["provider"] == "RA1" and first["day"] == "2026-11-30"
    assert first["p10"] <= first["p50"] <= first["p90"]


def test_no_one_but_partners_reads_winter_plans(client, cast, ran):
    refused = client.get("/api/v1/winter/plans", headers=bearer(cast["stranger"]))
    assert refused.status_code == 403 and refused.json()["detail"] == "Partners only"
    assert client.get(f"/api/v1/winter/runs/{ran.pk}/weeks").status_code == 401
    missing = client.get("/api/v1/winter/plans/999", headers=bearer(cast["viewer"]))
    assert missing.status_code == 404 and missing.json()["detail"] == "No such winter plan"


def test_a_scenario_says_what_it_costs_beyond_the_first(client, cast, ran):
    # 2 trusts × 10 days × 3 more care-home places a day at £100, and £500 of other costs.
    plan, pmo = ran.scenario.plan, cast["pmo"]
    services.save_plan(
        plan=plan,
        by=pmo,
        name=plan.name,
        start=plan.start,
        days=plan.days,
        peak=plan.peak,
        runs=plan.runs,
        cost_care_home=100,
    )
    more = services.save_scenario(
        plan=plan, by=pmo, name="More care homes", copy_from=ran.scenario, other_cost=500
    )
    from footprint.winter import queries

    for pi in queries.inputs(more):
        v = queries.values_of(pi)
        services.save_inputs(
            scenario=more,
            organisation=pi.organisation,
            by=pmo,
            values={**v, "care_home_beds": v["care_home_beds"] + 3},
        )
    sc = client.get(f"/api/v1/winter/scenarios/{more.pk}", headers=bearer(cast["viewer"])).json()
    assert sc["extra_cost"] == 2 * 10 * 3 * 100 + 500 == 6500 and sc["proposal"] is None
