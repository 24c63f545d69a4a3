"""Beds that change over the winter: a ward closed for some weeks (norovirus) entered on a
provider's inputs, checked, run and shown. Numbers to check by hand."""

import datetime as dt

import pytest
from django.urls import reverse

from footprint.partnership.models import Organisation
from footprint.winter import compute, queries, services
from footprint.winter.models import ProviderInputs

START = dt.date(2026, 11, 30)  # a Monday
NOROVIRUS = {"first": "2026-12-07", "last": "2026-12-13", "beds": 20, "reason": "norovirus"}


def test_beds_by_day_take_out_the_closed_beds_on_their_days_only():
    # 100 beds, 20 closed on days 7 to 13, and 5 more from day 12 past the winter's end.
    more = {"first": "2026-12-12", "last": "2027-03-01", "beds": 5}
    beds = compute.beds_by_day(100, [NOROVIRUS, more], START, 16)
    assert beds == [100] * 7 + [80] * 5 + [75] * 2 + [95] * 2


@pytest.fixture
def scenario(cast):
    plan = services.save_plan(
        by=cast["pmo"], name="Winter", start=START, days=21, peak=dt.date(2027, 1, 5), runs=20
    )
    return services.save_scenario(plan=plan, by=cast["pmo"], name="Do nothing")


def test_a_closed_ward_runs_with_fewer_beds_open_in_its_week(cast, scenario):
    pi = queries.provider_inputs(scenario, "RA1")
    before = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=before, by=cast["pmo"])
    assert services.is_current(scenario)  # no closure: the run's inputs have none either
    values = {**queries.values_of(pi), "escalation_trigger": None, "closures": [NOROVIRUS]}
    services.save_inputs(
        scenario=scenario, organisation=pi.organisation, by=cast["pmo"], values=values
    )
    assert not services.is_current(scenario)
    run = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=run, by=cast["pmo"])
    opened = {d.day: d.open_beds for d in queries.days(run, "RA1")}
    assert opened[dt.date(2026, 12, 6)] == pi.beds
    assert opened[dt.date(2026, 12, 7)] == opened[dt.date(2026, 12, 13)] == pi.beds - 20
    assert opened[dt.date(2026, 12, 14)] == pi.beds
    week_2 = {w.week: w for w in queries.weeks(run, "RA1")}[2]
    same_week_before = {w.week: w for w in queries.weeks(before, "RA1")}[2]
    assert week_2.p_over_92 >= same_week_before.p_over_92


def test_the_programme_office_enters_a_closure_on_the_page(client_for, cast, scenario):
    pmo = client_for("pmo")
    url = reverse("winter:inputs_edit", args=[scenario.pk, "RA1"])
    pi = queries.provider_inputs(scenario, "RA1")
    fields = {
        k: v
        for k, v in {
            **compute_initial(pi),
            "closures": "2026-12-07, 2026-12-13, 20, norovirus on Ward 4",
        }.items()
        if v is not None
    }
    response = pmo.post(url, fields)
    assert response.status_code == 302
    assert ProviderInputs.objects.get(pk=pi.pk).closures == [
        {"first": "2026-12-07", "last": "2026-12-13", "beds": 20, "reason": "norovirus on Ward 4"}
    ]
    page = pmo.get(scenario.get_absolute_url()).content.decode()
    assert "20 closed 7 December 2026 to 13 December 2026: norovirus on Ward 4" in page
    form = pmo.get(url).content.decode()
    assert "2026-12-07, 2026-12-13, 20, norovirus on Ward 4" in form


def compute_initial(pi):
    from footprint.winter.forms import InputsForm

    return InputsForm.initial_from(queries.values_of(pi))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7 December, 13 December, 20", "Line 1: type the first day, the last day"),
        ("2026-12-13, 2026-12-07, 20, backwards", "line 1: give a first day on or before"),
        ("2026-12-07, 2026-12-13, 0", "line 1: give a whole number of beds from 1 to"),
        ("2026-12-07, 2026-12-13, 99999", "line 1: give a whole number of beds from 1 to"),
        ("2027-06-01, 2027-06-07, 10, summer", "line 1: no day of it falls in the winter"),
    ],
)
def test_a_closure_that_cannot_be_is_refused_naming_its_line(
    client_for, cast, scenario, typed, message
):
    pi = queries.provider_inputs(scenario, "RA1")
    fields = {k: v for k, v in {**compute_initial(pi), "closures": typed}.items() if v is not None}
    response = client_for("pmo").post(
        reverse("winter:inputs_edit", args=[scenario.pk, "RA1"]), fields
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert ProviderInputs.objects.get(pk=pi.pk).closures == []


def test_the_service_refuses_a_closure_of_more_beds_than_there_are(cast, scenario):
    trust_a = Organisation.objects.get(ods_code="RA1")
    pi = queries.provider_inputs(scenario, "RA1")
    values = {**queries.values_of(pi), "closures": [{**NOROVIRUS, "beds": pi.beds + 1}]}
    with pytest.raises(services.InputError, match="Beds closed, line 1"):
        services.save_inputs(scenario=scenario, organisation=trust_a, by=cast["pmo"], values=values)
    assert ProviderInputs.objects.get(pk=pi.pk).closures == []


# Places a day lost for some days (a care home closed)

CARE_HOME = {"first": "2026-12-07", "last": "2026-12-20", "pathway": 3, "places": 2}


def test_places_by_day_take_out_the_places_lost_on_their_days_only():
    # 3 packages and 1 virtual-ward place (pathway 1: 4), 2 step-down and 3 care-home beds a
    # day; 2 care-home places lost on days 7 to 20, and 9 packages lost on day 0 (never < 0).
    p = {
        "home_care_packages": 3,
        "virtual_ward_places": 1,
        "step_down_beds": 2,
        "care_home_beds": 3,
        "place_cuts": [
            CARE_HOME,
            {"first": "2026-11-30", "last": "2026-11-30", "pathway": 1, "places": 9},
        ],
    }
    places = compute.places_by_day(p, START, 22)
    unlimited = compute.UNLIMITED
    assert places[0] == [unlimited, 0, 2, 3] and places[1] == [unlimited, 4, 2, 3]
    assert places[7] == places[20] == [unlimited, 4, 2, 1] and places[21] == [unlimited, 4, 2, 3]


def test_a_care_home_closed_for_two_weeks_means_more_waiting_for_one(cast, scenario):
    pi = queries.provider_inputs(scenario, "RA1")
    trust_a = pi.organisation
    before = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=before, by=cast["pmo"])
    values = {**queries.values_of(pi), "care_home_beds": 3, "place_cuts": []}
    services.save_inputs(scenario=scenario, organisation=trust_a, by=cast["pmo"], values=values)
    open_ = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=open_, by=cast["pmo"])
    values["place_cuts"] = [CARE_HOME]
    services.save_inputs(scenario=scenario, organisation=trust_a, by=cast["pmo"], values=values)
    shut = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=shut, by=cast["pmo"])
    # Everyone is admitted and the seed is the same: fewer care-home places can only mean as
    # many waiting for one, or more; in the first week, before the closure, the same.
    a = {w.week: w.nctr_3 for w in queries.weeks(open_, "RA1")}
    b = {w.week: w.nctr_3 for w in queries.weeks(shut, "RA1")}
    assert a[1] == b[1] and b[3] > a[3] and all(b[k] >= a[k] for k in a)


def test_places_lost_are_entered_on_the_page_and_bad_lines_refused(client_for, scenario):
    pmo = client_for("pmo")
    url = reverse("winter:inputs_edit", args=[scenario.pk, "RA1"])
    pi = queries.provider_inputs(scenario, "RA1")
    base = {k: v for k, v in compute_initial(pi).items() if v is not None}
    bad = pmo.post(url, {**base, "place_cuts": "2026-12-07, 2026-12-20, 4, 1"})
    assert bad.status_code == 400 and "Places lost, line 1: give pathway 1, 2 or 3" in (
        bad.content.decode()
    )
    too_many = pmo.post(url, {**base, "place_cuts": "2026-12-07, 2026-12-20, 3, 999"})
    assert "give a whole number of places a day from 1 to" in too_many.content.decode()
    assert ProviderInputs.objects.get(pk=pi.pk).place_cuts == []
    line = "2026-12-07, 2026-12-20, 3, 1, Oak House closed"
    assert pmo.post(url, {**base, "place_cuts": line}).status_code == 302
    page = pmo.get(scenario.get_absolute_url()).content.decode()
    assert "1 fewer on pathway 3 7 December 2026 to 20 December 2026: Oak House closed" in page
    assert line in pmo.get(url).content.decode()
