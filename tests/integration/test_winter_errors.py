"""Winter forms' errors name the field they are about, in words a reader can act on."""

import html

import pytest
from django.urls import reverse

from footprint.winter import services
from footprint.winter.models import WinterPlan

from .test_winter import START, make_plan


@pytest.fixture
def scenario(cast):
    return services.save_scenario(plan=make_plan(cast["pmo"]), by=cast["pmo"], name="Do nothing")


def test_fitting_to_the_returns_names_the_day_that_is_wrong(client_for, scenario):
    pmo = client_for("pmo")
    url = reverse("winter:scenario_history", args=[scenario.pk])
    page = html.unescape(
        pmo.post(url, {"first": "31/02/2026", "last": "2026-11-01"}, follow=True).content.decode()
    )
    assert "First day of the returns: enter a date, like 2025-12-01" in page
    assert "Last day of the returns:" not in page
    page = html.unescape(
        pmo.post(url, {"first": "2026-11-01", "last": "2026-10-01"}, follow=True).content.decode()
    )
    assert (
        "First day of the returns must be on or before the last day, and at most two years "
        "before it" in page
    )


def test_a_demand_projection_names_the_year_that_is_wrong(client_for, scenario):
    page = html.unescape(
        client_for("pmo")
        .post(
            reverse("winter:scenario_demand", args=[scenario.pk]),
            {"demand_run": "", "year": "1066"},
            follow=True,
        )
        .content.decode()
    )
    assert "Demand scenario: choose one of the demand scenarios listed" in page
    assert "Year of the projection: enter a whole number from 2000 to 2100" in page


def test_a_cost_out_of_range_is_named(cast):
    with pytest.raises(services.InputError) as refused:
        services.save_plan(
            by=cast["pmo"],
            name="Winter",
            start=START,
            days=28,
            peak=START,
            runs=10,
            cost_package=-5,
            cost_escalation_bed_day=200_000_000,
        )
    assert refused.value.lines == [
        "Cost of a home-care package must be a whole number of pounds from £0 to £100,000,000",
        "Cost of an escalation bed open for a day must be a whole number of pounds from £0 to "
        "£100,000,000",
    ]


def test_the_plan_form_names_a_cost_out_of_range_and_takes_pounds_as_typed(client_for):
    pmo = client_for("pmo")
    data = {
        "name": "Winter 2026/27",
        "start": "2026-11-30",
        "days": "28",
        "peak": "2027-01-05",
        "runs": "10",
        "seed": "1",
        "cost_package": "200000000",
        "cost_step_down": "two thousand",
        "cost_care_home": "£3,500",
    }
    page = html.unescape(pmo.post(reverse("winter:plan_new"), data).content.decode())
    assert "Cost of a home-care package must be £100,000,000 or less" in page
    assert "Cost of a step-down bed placement: enter a whole number of pounds, like 1500" in page
    assert "Cost of a care-home bed placement: enter" not in page  # £3,500 reads
    data.update(cost_package="£1,500", cost_step_down="2 800")
    assert pmo.post(reverse("winter:plan_new"), data).status_code == 302
    plan = WinterPlan.objects.get()
    assert (plan.cost_package, plan.cost_step_down, plan.cost_care_home) == (1500, 2800, 3500)
