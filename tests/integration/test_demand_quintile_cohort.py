"""A demand scheme aimed at named deprivation quintiles (Core20PLUS5: the most deprived 20 %).

Hand-checked case (the gradient records of ``test_demand_deprivation``): 45 emergency
admissions of women aged 80 in N1, each staying 4 days: 30 from its most deprived small area
(quintile 1), 10 from its least (quintile 5) and 5 with no small area, which count in N1's
quintile, 1 (its residents are split evenly and the more deprived wins). Demography grows
women of 80 by 10 % to 2026 and growth besides it is set to 0, so quintile 1 has
35 × 1.1 = 38.5 admissions and quintile 5 has 11. A scheme that avoids exactly half of
quintile 1's admissions removes 19.25 of them (77 bed days), and none of quintile 5's: the
projection is 49.5 − 19.25 = 30.25 admissions.
"""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from footprint.demand import compute, services
from footprint.demand.models import Baseline, Result, Run
from footprint.demand.parameters import ParameterError
from tests.integration.test_api_demand import bearer
from tests.integration.test_demand_deprivation import (  # noqa: F401 (a fixture)
    areas,
    gradient_records,
    upload,
)

NAME = "Virtual wards in the most deprived 20 %"


def core20(**cohort) -> dict:
    return compute.scheme_from_library(
        "virtual_ward_frailty",
        key="core20",
        name=NAME,
        start_year=2026,
        share={"low": 0.5, "high": 0.5},
        cohort={"age_low": 75, **cohort},
    )


@pytest.fixture
def baseline(client_for, areas):  # noqa: F811
    upload(client_for("pmo"), gradient_records())
    return Baseline.objects.get()


def document(*schemes: dict, iterations: int = 20) -> dict:
    """No growth besides demography, no population variants and no health-status adjustment,
    so that the central case is the hand-checked one."""
    doc = compute.default_parameters(2025, 2026, iterations=iterations, seed=7)
    doc["growth"] = {code: {"low": 0.0, "high": 0.0} for code in doc["growth"]}
    doc["variants"], doc["health_status"] = [], None
    doc["schemes"] = list(schemes)
    return doc


@pytest.fixture
def scenario(cast, baseline):
    return services.save_scenario(
        name="Core20", baseline=baseline, parameters=document(core20(quintiles=[1])), by=cast["pmo"]
    )


def run_now(scenario, by) -> Run:
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters, created_by=by)
    services.run_model(run=run, by=by)
    run.refresh_from_db()
    return run


def test_half_of_quintile_one_avoided_by_hand(client_for, cast, scenario):
    run = run_now(scenario, cast["pmo"])
    total = Result.objects.get(
        run=run, measure="activity", provider="All providers", item="ip_emergency", year=2026
    )
    assert total.baseline == pytest.approx(45)
    assert total.central == pytest.approx(30.25)
    by_q = {
        x.value: x
        for x in run.breakdowns.filter(by="quintile", measure="activity", pod="ip_emergency")
    }
    steps = {q: {s["name"]: s for s in by_q[q].steps} for q in by_q}
    assert by_q["1"].central == pytest.approx(19.25)
    assert by_q["5"].central == pytest.approx(11)
    assert steps["1"][NAME]["mean"] < 0 and steps["5"][NAME]["mean"] == 0
    days = run.breakdowns.get(by="quintile", measure="bed_days", pod="ip_emergency", value="1")
    assert days.central == pytest.approx(77)
    # its effect falls only on the quintile it names, and the page says so
    page = html.unescape(
        client_for("viewer").get(reverse("demand:run_deprivation", args=[run.pk])).content.decode()
    )
    table = page[page.index('id="quintile-schemes"') :]
    assert (
        f'{NAME}<br><span class="nhsuk-body-s">Aimed at quintile 1 (most deprived 20 %): '
        "100% of its change falls there" in table
    )
    # the run and scenario pages say who the scheme is for, its quintile in words
    run_page = html.unescape(
        client_for("viewer").get(reverse("demand:run", args=[run.pk])).content.decode()
    )
    assert (
        f"{NAME}: emergency admissions, aged 75 and over, residents of deprivation quintile 1 "
        "(most deprived 20 %)" in run_page
    )
    scenario_page = html.unescape(
        client_for("viewer").get(scenario.get_absolute_url()).content.decode()
    )
    assert "For residents of deprivation quintile 1 (most deprived 20 %)" in scenario_page


def test_a_quintile_no_activity_counts_in_is_refused_naming_it(cast, scenario):
    """N1's records count in quintiles 1 and 5; N2's small area has no decile."""
    with pytest.raises(ParameterError) as refused:
        services.save_scenario(
            scenario=scenario, parameters=document(core20(quintiles=[2, 3])), by=cast["pmo"]
        )
    assert refused.value.lines == [
        f"schemes.0.cohort.quintiles: {NAME} names deprivation quintiles 2–3, in which none of "
        "the baseline's activity counts (it counts in quintiles 1 and 5)"
    ]
    scenario.refresh_from_db()
    assert scenario.parameters["schemes"][0]["cohort"]["quintiles"] == [1]


def test_a_quintile_outside_1_to_5_is_refused_by_the_document_naming_its_path(cast, scenario):
    with pytest.raises(ParameterError) as refused:
        services.save_scenario(
            scenario=scenario,
            parameters={**document(), "schemes": [{**core20(), "cohort": {"quintiles": [6]}}]},
            by=cast["pmo"],
        )
    assert refused.value.lines == [
        "schemes.0.cohort.quintiles.0: Input should be less than or equal to 5"
    ]


def test_a_run_whose_quintile_cohort_matches_nothing_fails_naming_it(cast, scenario):
    """Quintile 5 holds activity, but none of it is aged 85 and over."""
    services.save_scenario(
        scenario=scenario,
        parameters=document(core20(quintiles=[5], age_low=85)),
        by=cast["pmo"],
    )
    scenario.refresh_from_db()
    with pytest.raises(ParameterError) as refused:
        run_now(scenario, cast["pmo"])
    assert refused.value.lines == [
        f"{NAME}: its cohort (Emergency admissions, aged 85 and over, residents of deprivation "
        "quintile 5 (least deprived 20 %)) matches no activity"
    ]
    assert Run.objects.get().status == Run.Status.FAILED


def scheme_post(scheme: dict, **changes) -> dict:
    from footprint.demand.forms import SchemeChangeForm

    data = {k: v for k, v in SchemeChangeForm.initial_from(scheme).items() if v is not None}
    return {**data, **changes}


def test_the_scheme_form_names_quintiles(client_for, scenario):
    client = client_for("pmo")
    scheme = scenario.parameters["schemes"][0]
    url = reverse("demand:scheme_edit", args=[scenario.pk, "core20"])
    page = client.get(url).content.decode()
    assert "Cohort: deprivation quintiles" in page
    # not a quintile: refused on the field, in words naming it
    bad = client.post(url, scheme_post(scheme, quintiles=["6"]))
    assert bad.status_code == 400
    assert "Cohort: deprivation quintiles: 6 is not a quintile" in html.unescape(
        bad.content.decode()
    )
    # a quintile no activity counts in: the document's check, on the same field
    none = client.post(url, scheme_post(scheme, quintiles=["1", "3"]))
    assert none.status_code == 400
    assert (
        "Cohort: deprivation quintiles: Virtual wards in the most deprived 20 % names "
        "deprivation quintile 3, in which none of the baseline's activity counts (it counts in "
        "quintiles 1 and 5)" in html.unescape(none.content.decode())
    )
    scenario.refresh_from_db()
    assert scenario.parameters["schemes"][0]["cohort"]["quintiles"] == [1]
    # both ends of the gradient: saved
    ok = client.post(url, scheme_post(scheme, quintiles=["5", "1"]))
    assert ok.status_code == 302
    scenario.refresh_from_db()
    assert scenario.parameters["schemes"][0]["cohort"]["quintiles"] == [1, 5]


def test_the_api_gives_each_schemes_cohort_and_quintiles(client, cast, scenario):
    url = f"/api/v1/demand/scenarios/{scenario.pk}/schemes"
    body = client.get(url, headers=bearer(cast["viewer"])).json()
    assert [(s["key"], s["quintiles"], s["quintile_words"]) for s in body] == [
        ("core20", [1], "quintile 1 (most deprived 20 %)")
    ]
    assert body[0]["cohort"]["quintiles"] == [1] and body[0]["pod"] == "ip_emergency"
    assert body[0]["cohort_words"] == (
        "Emergency admissions, aged 75 and over, residents of deprivation quintile 1 "
        "(most deprived 20 %)"
    )
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(cast["stranger"])).status_code == 403
    missing = client.get("/api/v1/demand/scenarios/999999/schemes", headers=bearer(cast["viewer"]))
    assert missing.status_code == 404


def add_post(**changes) -> dict:
    """The "Add a scheme from the library" form's fields: early discharge to hospital at home
    (emergency stays of 4 days and more of people aged 75 and over, as the records are)."""
    return {
        "evidence": "early_discharge_hospital_at_home",
        "name": "",
        "low": "10",
        "high": "20",
        "start_year": 2026,
        "ramp_years": 1,
        "yearly_cost": 0,
        **changes,
    }


def test_a_scheme_added_from_the_library_may_be_aimed_at_quintiles(client_for, cast, scenario):
    """The add form has the scheme form's own quintile field (one field, shared), checked the
    same way: a choice outside 1-5 on the field, a quintile no activity counts in by the
    document's check on the same field, and nothing saved either time."""
    from footprint.demand.forms import SchemeChangeForm, SchemeForm

    shared, own = SchemeForm.base_fields["quintiles"], SchemeChangeForm.base_fields["quintiles"]
    assert (shared.label, shared.choices, shared.help_text) == (
        own.label,
        own.choices,
        own.help_text,
    )
    client = client_for("pmo")
    page = client.get(scenario.get_absolute_url()).content.decode()
    form = page[page.index("Add a scheme from the library") :]
    form = form[: form.index("</form>")]
    assert "Cohort: deprivation quintiles" in form and 'value="5"' in form
    url = reverse("demand:scheme_add", args=[scenario.pk])
    bad = client.post(url, add_post(quintiles=["6"]))
    assert bad.status_code == 400
    assert "Cohort: deprivation quintiles: 6 is not a quintile" in html.unescape(
        bad.content.decode()
    )
    none = client.post(url, add_post(quintiles=["3"]))
    assert none.status_code == 400
    text = html.unescape(none.content.decode())
    assert (
        "Cohort: deprivation quintiles: Early discharge to hospital at home names deprivation "
        "quintile 3, in which none of the baseline's activity counts (it counts in quintiles 1 "
        "and 5)" in text
    )
    scenario.refresh_from_db()
    assert [s["key"] for s in scenario.parameters["schemes"]] == ["core20"]  # nothing saved
    # the most deprived fifth: the library's cohort, aimed there
    assert client.post(url, add_post(quintiles=["1"])).status_code == 302
    # and everywhere, none ticked
    assert client.post(url, add_post()).status_code == 302
    scenario.refresh_from_db()
    aimed, everywhere = scenario.parameters["schemes"][1:]
    library_cohort = compute.scheme_from_library(
        "early_discharge_hospital_at_home", start_year=2026
    )["cohort"]
    assert aimed["cohort"] == {**library_cohort, "quintiles": [1]}
    assert everywhere["cohort"] == library_cohort and library_cohort["quintiles"] == []
    assert (aimed["key"], everywhere["key"]) == (
        "early_discharge_hospital_at_home",
        "early_discharge_hospital_at_home-2",
    )
    # the scenario page says where the aimed scheme works
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert page.count("quintile 1 (most deprived 20 %)") >= 2  # core20 and the new scheme
