"""Winter: a scenario's length of stay and discharge pathways fitted to the daily returns by
Little's law, with numbers a reader can check by hand.

The returns in these tests: 10 emergency admissions a day and 70 general and acute beds
occupied, so a patient spends 70 ÷ 10 = 7 days in a bed (Little's law). Discharges a day on
pathways 0 to 3 are 6, 2, 1 and 1 (shares 60, 20, 10 and 10 %), and patients waiting with no
criteria to reside 0, 4, 3 and 3, so the mean delay a discharge is 0, 4 ÷ 2 = 2, 3 ÷ 1 = 3 and
3 days: 0.6 × 0 + 0.2 × 2 + 0.1 × 3 + 0.1 × 3 = 1 day waiting on average (10 waiting ÷ 10
discharges). The simulation adds the waiting itself, so its acute stay is 7 − 1 = 6 days."""

import datetime as dt
import html

import numpy as np
import pytest
from django.urls import reverse

from footprint.engine import winter as engine
from footprint.flow import services as flow_services
from footprint.partnership.models import Organisation
from footprint.winter import compute, queries, services
from footprint.winter.forms import InputsForm

from .test_winter import make_plan

FIRST = dt.date(2026, 10, 5)  # a Monday
FIGURES = {
    "admissions": 10,
    "ga_beds_open": 80,
    "ga_beds_occupied": 70,
    **{f"discharges_pathway_{p}": n for p, n in enumerate([6, 2, 1, 1])},
    **{f"nctr_pathway_{p}": n for p, n in enumerate([0, 4, 3, 3])},
}


def returns(n=35, **changes):
    day = {**FIGURES, **changes}
    return [{k: float(v) for k, v in day.items() if v is not None} for _ in range(n)]


TYPICAL = compute.default_inputs()


def test_littles_law_gives_the_stay_less_waiting_and_the_pathway_shares():
    fitted, record = compute.fit_stays_and_pathways(returns(), TYPICAL)
    assert fitted["pathway_shares"] == [60.0, 20.0, 10.0, 10.0]
    assert record["length_of_stay"] == 7.0
    assert record["delays"] == [0.0, 2.0, 3.0, 3.0]
    assert record["delay"] == 1.0 and record["acute_stay"] == 6.0
    assert record["inputs"] == {"pathway_shares": 35, "stay_mean": 35, "stay_sd": 35}
    # the lognormal's mean is the one whose whole-day stays spend 6 midnights on average
    # (a part day counts as a midnight, so it is about half a day less), its spread in the
    # same proportion to the mean as before (7.5 ÷ 5.8)
    assert 5.3 < fitted["stay_mean"] < 5.8
    assert fitted["stay_sd"] == pytest.approx(fitted["stay_mean"] * 7.5 / 5.8, abs=0.01)
    pmf = compute.stay_pmf({**TYPICAL, **fitted})
    assert (pmf * np.arange(1, pmf.size + 1)).sum() == pytest.approx(6.0, abs=0.01)


def test_the_fitted_stay_gives_back_the_occupancy_less_the_waiting_in_the_simulation():
    # with no one waiting, 10 admissions a day on the fitted stay fill 60 beds (Little's law)
    fitted, _ = compute.fit_stays_and_pathways(returns(), TYPICAL)
    pmf = compute.stay_pmf({**TYPICAL, **fitted})
    inputs = engine.WinterInputs(
        rates=np.full((1, 200), 10.0),
        stay_pmf=pmf,
        beds=np.array([5000]),
        pathway_share=np.array([1.0, 0, 0, 0]),
        nctr_probability=np.zeros(4),
        capacity=np.full(4, engine.UNLIMITED),
    )
    result = engine.simulate(inputs, runs=20, seed=3)
    assert result.occupancy.mean() == pytest.approx(60, rel=0.02)


def test_what_the_returns_do_not_report_is_left_as_it_was():
    # no discharges or patients waiting by pathway: neither shares nor stay
    fitted, record = compute.fit_stays_and_pathways(
        [{"admissions": 10.0, "ga_beds_occupied": 70.0}] * 35, TYPICAL
    )
    assert fitted == {}
    assert record["kept"] == {
        "pathway_shares": "discharges by pathway reported on 0 days; 28 are needed",
        "stay_mean": "admissions, beds occupied, and discharges and patients waiting (NCTR) on "
        "every pathway reported together on 0 days; 28 are needed",
    }
    # discharges by pathway but no one waiting reported: shares, not the stay
    fitted, record = compute.fit_stays_and_pathways(
        returns(**{f"nctr_pathway_{p}": None for p in range(4)}), TYPICAL
    )
    assert fitted == {"pathway_shares": [60.0, 20.0, 10.0, 10.0]}
    assert "stay_mean" in record["kept"]
    # past stays entered are used instead of a mean: Little's law is shown, the stay kept
    fitted, record = compute.fit_stays_and_pathways(returns(), {**TYPICAL, "stay_counts": [1, 2]})
    assert "stay_mean" not in fitted and record["acute_stay"] == 6.0
    assert record["kept"]["stay_mean"] == "past stays are entered, and used instead of a mean"
    # 27 days are too few
    fitted, record = compute.fit_stays_and_pathways(returns(27), TYPICAL)
    assert fitted == {} and "27 days; 28 are needed" in record["kept"]["pathway_shares"]


def test_shares_are_percentages_adding_up_to_100():
    assert compute._percentages([1 / 3, 1 / 3, 1 / 3, 0]) == [33.4, 33.3, 33.3, 0.0]
    assert sum(compute._percentages([0.123456, 0.2, 0.3, 0.376544])) == pytest.approx(100)


def submit(cast, org, n=35, **changes):
    for k in range(n):
        flow_services.submit_return(
            organisation=org,
            day=FIRST + dt.timedelta(days=k),
            figures={k: v for k, v in {**FIGURES, **changes}.items() if v is not None},
            by=cast["pmo"],
            now=dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC),
        )


def test_a_scenario_fitted_to_the_returns_says_what_was_fitted_and_what_was_kept(client_for, cast):
    plan = make_plan(cast["pmo"])
    sc = services.save_scenario(plan=plan, by=cast["pmo"], name="Do nothing")
    trust_a = Organisation.objects.get(ods_code="RA1")
    trust_b = Organisation.objects.get(ods_code="RB1")
    submit(cast, trust_a)
    # Trust B reports admissions and beds but no discharges or patients waiting by pathway
    submit(cast, trust_b, **{f: None for f in FIGURES if "pathway" in f})
    changed = services.inputs_from_history(
        scenario=sc, by=cast["pmo"], first=FIRST, last=FIRST + dt.timedelta(days=34)
    )
    assert changed == ["Trust A Hospitals", "Trust B Hospitals"]
    a = queries.provider_inputs(sc, "RA1")
    assert a.admissions_per_day == 10 and a.beds == 80
    assert a.pathway_shares == [60.0, 20.0, 10.0, 10.0]
    assert 5.3 < a.stay_mean < 5.8
    assert a.nctr_probability == TYPICAL["nctr_probability"]  # never fitted
    assert a.fitted["inputs"]["stay_mean"] == 35 and a.fitted["first"] == "2026-10-05"
    b = queries.provider_inputs(sc, "RB1")
    assert b.stay_mean == 5.8 and b.pathway_shares == [60.0, 25.0, 10.0, 5.0]  # kept
    assert queries.run_document(sc)["providers"][0]["fitted"] == a.fitted  # the run keeps it

    page = html.unescape(client_for("viewer").get(sc.get_absolute_url()).content.decode())
    assert "Fitted to the daily returns from 5 October 2026 to 8 November 2026: " in page
    assert "mean length of stay (35 days)" in page and "pathway shares (35 days)" in page
    assert (
        "Little's law: 70.0 beds occupied ÷ 10.0 admissions a day = 7.0 days in a bed, of "
        "which 1.0 waiting (no criteria to reside; mean delay a discharge on pathways 0 to 3: "
        "0.0, 2.0, 3.0, 3.0 days), so 6.0 days in an acute stay: a mean length of stay of 5.6 "
        "days, whose stays counted in whole days (a part day as a night) average 6.0." in page
    )
    assert "chances of waiting (the returns count patients waiting" in page
    assert "winter uplift (returns span 34 days from the first to the last; 300 are needed)" in (
        page
    )
    assert (
        "pathway shares (discharges by pathway reported on 0 days; 28 are needed)" in page
    )  # Trust B's
    assert page.count("fitted to the daily returns</span>") == 2  # Trust A's stay and shares

    # typing a different mean stay makes it entered again; the shares stay fitted
    pmo = client_for("pmo")
    url = reverse("winter:inputs_edit", args=[sc.pk, "RA1"])
    initial = InputsForm.initial_from(queries.values_of(a))
    data = {k: v for k, v in initial.items() if v is not None}
    data["stay_mean"] = 6.5
    assert pmo.post(url, data).status_code == 302
    a.refresh_from_db()
    assert a.stay_mean == 6.5
    assert "stay_mean" not in a.fitted["inputs"] and "pathway_shares" in a.fitted["inputs"]
