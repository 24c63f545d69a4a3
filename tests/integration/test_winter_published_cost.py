"""Winter: a published plan's scenario pages show the cost it was published with, frozen until
it is published again, as its runs are; partners also see the live cost when it differs.

The numbers (test_winter_decisions' schemes, 14 days, two trusts): More packages offers 11
packages a day at each trust (the typical 9, plus 2) at £50, so 2 × 11 × 14 × £50 = £15,400
on packages, and costs 2 × 14 × (2 × £50 + 1 × £200) + £3,000 = £11,400 more than Do nothing.
At £100 a package: £30,800 on packages and 2 × 14 × (2 × £100 + £200) + £3,000 = £14,200 more.
"""

import datetime as dt

from footprint.winter import queries, services

from .test_api_winter import bearer
from .test_winter_decisions import NOW, START, _run, plan, schemes  # noqa: F401 (fixtures)


def cost_list(page: str, id: str) -> str:
    start = page.index(f'id="{id}"')
    return page[start : page.index("</dl>", start)]


def change_package_cost(p, by, pounds):
    services.save_plan(
        plan=p,
        by=by,
        name=p.name,
        start=START,
        days=14,
        peak=dt.date(2027, 1, 5),
        runs=20,
        seed=3,
        cost_package=pounds,
        cost_step_down=200,
        cost_escalation_bed_day=400,
    )


def test_the_cost_published_stays_until_published_again(client_for, cast, schemes):  # noqa: F811
    base, more = schemes
    pmo = cast["pmo"]
    services.publish(plan=more.plan, by=pmo, now=NOW)
    url = more.get_absolute_url()
    page = client_for("viewer").get(url).content.decode()
    published = cost_list(page, "cost")
    assert "£15,400" in published and "£11,400 more than Do nothing" in published
    assert "As published to the boards on 30 November 2026" in page
    assert "Changed since published" not in page

    # a unit cost changes after publishing: the published cost does not
    change_package_cost(more.plan, pmo, 100)
    more.refresh_from_db()
    assert queries.published_cost(more)["extra"] == 11_400
    assert services.extra_cost(more) == 14_200
    page = client_for("viewer").get(url).content.decode()
    published = cost_list(page, "cost")
    assert "£15,400" in published and "£11,400 more than Do nothing" in published
    assert "Changed since published on 30 November 2026" in page
    live = cost_list(page, "cost-live")
    assert "£30,800" in live and "£14,200 more than Do nothing" in live
    # the public reads the published cost on the plan's page and in the API
    side = client_for("public").get(more.plan.get_absolute_url()).content.decode()
    assert "£11,400 more" in side and "£14,200" not in side
    [plan_out] = (
        client_for("public").get("/api/v1/winter/plans", headers=bearer(cast["viewer"])).json()
    )
    published_costs = {s["name"]: s["published_cost"] for s in plan_out["scenarios"]}
    assert published_costs["More packages"] - published_costs["Do nothing"] == 11_400

    # a provider's inputs change after publishing: 1 more step-down bed a day at Trust A,
    # 14 × £200 = £2,800 more, live only
    pi = queries.provider_inputs(more, "RA1")
    v = queries.values_of(pi)
    services.save_inputs(
        scenario=more,
        organisation=pi.organisation,
        by=pmo,
        values={**v, "step_down_beds": v["step_down_beds"] + 1},
    )
    page = client_for("viewer").get(url).content.decode()
    assert "£11,400 more than Do nothing" in cost_list(page, "cost")
    assert "£17,000 more than Do nothing" in cost_list(page, "cost-live")

    # publishing again (once run as it stands) publishes the live cost
    _run(more, pmo)
    services.publish(plan=more.plan, by=pmo, now=NOW)
    more.refresh_from_db()
    page = client_for("viewer").get(url).content.decode()
    assert "£17,000 more than Do nothing" in cost_list(page, "cost")
    assert "Changed since published" not in page and 'id="cost-live"' not in page

    # a scenario added since publishing has no published cost: partners see its live cost
    late = services.save_scenario(plan=more.plan, by=pmo, name="Late", copy_from=base)
    page = client_for("viewer").get(late.get_absolute_url()).content.decode()
    assert "Cost over the winter" in page and "As published" not in page
