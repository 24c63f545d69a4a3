"""A provider's inputs are refused, naming the field, unless they are plausible; and a page
shows inputs stored before a check existed rather than failing."""

import html

import pytest
from django.urls import reverse

from footprint.winter import queries, services
from footprint.winter.models import ProviderInputs

from .test_winter import make_plan

FIELDS = {
    "beds": 600, "escalation_beds": 24, "escalation_trigger": "95",
    "admissions_per_day": 74, "weekly": "1.08, 1.02, 1, 0.99, 0.98, 0.96, 0.97",
    "winter_uplift": 8, "stay_mean": 5.8, "stay_sd": 7.5, "stay_counts": "",
    "share_0": 60, "share_1": 25, "share_2": 10, "share_3": 5,
    "nctr_0": 2, "nctr_1": 45, "nctr_2": 55, "nctr_3": 65,
    "home_care_packages": 9, "virtual_ward_places": 0, "step_down_beds": 5,
    "care_home_beds": 3,
}  # fmt: skip


@pytest.fixture
def scenario(cast):
    return services.save_scenario(plan=make_plan(cast["pmo"]), by=cast["pmo"], name="Do nothing")


def post(client, scenario, **changes):
    url = reverse("winter:inputs_edit", args=[scenario.pk, "RA1"])
    response = client.post(url, {**FIELDS, **changes})
    return response.status_code, html.unescape(response.content.decode())


def test_past_stays_must_be_plausible_whole_counts(client_for, cast, scenario):
    pmo = client_for("pmo")
    before = queries.provider_inputs(scenario, "RA1").stay_counts
    for typed in ("1e308, 1e308", "0, 10000001", "1.5, 2"):
        status, page = post(pmo, scenario, stay_counts=typed)
        assert status == 400, typed
        assert "Past stays: give up to 120 whole numbers from 0 to 10,000,000" in page
    assert queries.provider_inputs(scenario, "RA1").stay_counts == before  # nothing saved
    status, _ = post(pmo, scenario, stay_counts="0, 10000000, 5")
    assert status == 302
    assert queries.provider_inputs(scenario, "RA1").stay_counts == [0, 10_000_000, 5]


def test_the_scenario_page_shows_past_stays_stored_before_they_were_checked(
    client_for, cast, scenario
):
    ProviderInputs.objects.filter(scenario=scenario, organisation__ods_code="RA1").update(
        stay_counts=[1e308, 1e308]
    )
    ProviderInputs.objects.filter(scenario=scenario, organisation__ods_code="RB1").update(
        stay_counts=[3, 4000]
    )
    for who in ("pmo", "viewer"):
        response = client_for(who).get(scenario.get_absolute_url())
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert "Past stays that cannot be used" in page
        assert "From 4,003 past stays" in page
    # and a run of them is refused before it reaches the worker, naming the provider
    with pytest.raises(services.InputError) as refused:
        services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    assert any(
        f == "stay_counts" and "Trust A Hospitals: Past stays" in m
        for f, m in refused.value.problems
    )


def test_a_weekly_pattern_must_average_one(client_for, cast, scenario):
    pmo = client_for("pmo")
    status, page = post(pmo, scenario, weekly="2, 2, 2, 2, 2, 2, 2")
    assert status == 400
    assert "Weekly pattern: the 7 multipliers must average 1, an average day (these average 2)" in (
        page
    )
    assert queries.provider_inputs(scenario, "RA1").weekly != [2.0] * 7  # nothing saved
    # typed to two places, a pattern may miss 1 by a rounding
    status, _ = post(pmo, scenario, weekly="1.1, 1.1, 1, 1, 0.95, 0.92, 0.92")
    assert status == 302


def test_an_escalation_trigger_is_at_most_all_the_beds(client_for, scenario):
    status, page = post(client_for("pmo"), scenario, escalation_trigger="150")
    assert status == 400
    assert "Escalation trigger must be a number from 50% to 100%" in page
    assert post(client_for("pmo"), scenario, escalation_trigger="100")[0] == 302


def test_closures_and_places_lost_fall_around_the_winter(client_for, cast, scenario):
    # the winter runs from 30 November 2026 for 28 days, to 27 December 2026
    pmo = client_for("pmo")
    status, page = post(pmo, scenario, closures="1900-01-01, 2200-01-01, 28, norovirus")
    assert status == 400
    assert (
        "Beds closed, line 1: give days from 29 November 2025 to 28 December 2027, at most a "
        "year either side of the winter" in page
    )
    status, page = post(pmo, scenario, place_cuts="2026-12-01, 2200-01-01, 3, 1, care home")
    assert status == 400
    assert "Places lost, line 1: give days from 29 November 2025 to 28 December 2027" in page
    assert queries.provider_inputs(scenario, "RA1").closures == []  # nothing saved
    status, _ = post(pmo, scenario, closures="2026-11-01, 2026-12-10, 28, norovirus")
    assert status == 302
    assert queries.provider_inputs(scenario, "RA1").closures[0]["first"] == "2026-11-01"
    # stored before the check, a closure out of the window stops a run, naming the provider
    ProviderInputs.objects.filter(scenario=scenario, organisation__ods_code="RA1").update(
        closures=[{"first": "1900-01-01", "last": "2200-01-01", "beds": 28, "reason": ""}]
    )
    with pytest.raises(services.InputError) as refused:
        services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    assert refused.value.lines == [
        "Trust A Hospitals: Beds closed, line 1: give days from 29 November 2025 to 28 December "
        "2027, at most a year either side of the winter"
    ]
