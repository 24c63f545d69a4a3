"""Winter plans: building a plan and its scenarios, running them and reading the results,
with numbers a reader can check by hand."""

import datetime as dt
import io
import math
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.demand import compute as demand_compute
from footprint.demand import services as demand_services
from footprint.demand.models import Run as DemandRun
from footprint.partnership.models import Organisation
from footprint.winter import compute, queries, services
from footprint.winter.models import ProviderInputs, Scenario, WeekResult, WinterPlan, WinterRun

START = dt.date(2026, 11, 30)  # a Monday


def make_plan(pmo, *, days=28, runs=100, name="Winter 2026/27"):
    return services.save_plan(
        by=pmo, name=name, start=START, days=days, peak=dt.date(2027, 1, 5), runs=runs, seed=7
    )


def run_now(sc, pmo):
    queued = []
    r = services.start_run(scenario=sc, by=pmo, enqueue=queued.append)
    services.run_simulation(run=r, by=pmo)
    r.refresh_from_db()
    return r


def flat(values, **changes):
    """Inputs with no delays, no weekly or winter pattern and beds never full."""
    return {
        **values,
        "beds": 5000,
        "escalation_trigger": None,
        "escalation_beds": 0,
        "weekly": [1] * 7,
        "winter_uplift": 0,
        "nctr_probability": [0, 0, 0, 0],
        **changes,
    }


@pytest.fixture
def plan(cast):
    return make_plan(cast["pmo"])


@pytest.fixture
def scenario(cast, plan):
    return services.save_scenario(plan=plan, by=cast["pmo"], name="Do nothing")


def test_a_first_scenario_covers_every_acute_trust_with_typical_inputs(scenario):
    names = [pi.organisation.name for pi in queries.inputs(scenario)]
    assert names == ["Trust A Hospitals", "Trust B Hospitals"]
    assert queries.inputs(scenario)[0].pathway_shares == [60.0, 25.0, 10.0, 5.0]


def test_with_no_delays_mean_occupancy_is_the_arrival_rate_times_the_mean_stay(cast, scenario):
    # Little's law: 20 admissions a day staying exactly 4 days fill 80 beds on average;
    # Poisson arrivals make the census Poisson, so its 80 % range is about 80 ± 1.28 × √80.
    trust_a = Organisation.objects.get(ods_code="RA1")
    pi = queries.provider_inputs(scenario, "RA1")
    values = flat(queries.values_of(pi), admissions_per_day=20.0, stay_counts=[0, 0, 0, 1])
    services.save_inputs(scenario=scenario, organisation=trust_a, by=cast["pmo"], values=values)
    r = run_now(scenario, cast["pmo"])
    days = queries.days(r, "RA1")
    assert len(days) == 28 and days[0].day == START
    mean = sum(d.mean for d in days) / len(days)
    assert mean == pytest.approx(80, rel=0.02)
    p10 = sum(d.p10 for d in days) / len(days)
    p90 = sum(d.p90 for d in days) / len(days)
    assert p10 == pytest.approx(80 - 1.28 * 80**0.5, abs=2)
    assert p90 == pytest.approx(80 + 1.28 * 80**0.5, abs=2)
    weeks = queries.weeks(r, "RA1")
    assert [w.week for w in weeks] == [1, 2, 3, 4]
    assert all(w.p_over_92 == 0 and w.bed_days_lost == 0 and w.nctr == 0 for w in weeks)
    assert all(w.risk_rank is None for w in weeks)  # no week at any risk


def test_bed_days_lost_follow_the_patients_waiting(cast, scenario):
    # 10 a day leave after 2 days, all on pathway 3 and all waiting, with no care-home beds:
    # the queue grows by 10 a day, so bed days lost in a week are the waiting counted nightly.
    trust_a = Organisation.objects.get(ods_code="RA1")
    pi = queries.provider_inputs(scenario, "RA1")
    values = flat(
        queries.values_of(pi),
        admissions_per_day=10.0,
        stay_counts=[0, 1],
        pathway_shares=[0, 0, 0, 100],
        nctr_probability=[0, 0, 0, 100],
        care_home_beds=0,
    )
    services.save_inputs(scenario=scenario, organisation=trust_a, by=cast["pmo"], values=values)
    r = run_now(scenario, cast["pmo"])
    first = queries.weeks(r, "RA1")[0]
    assert first.nctr_0 == first.nctr_1 == first.nctr_2 == 0
    assert first.bed_days_lost == pytest.approx(first.nctr_3 * 7)
    # 10 more wait each night: each week's average is 70 above the week before's
    second = queries.weeks(r, "RA1")[1]
    assert second.nctr_3 - first.nctr_3 == pytest.approx(70, rel=0.05)


def test_more_step_down_beds_never_mean_more_waiting(cast, scenario, plan):
    base = run_now(scenario, cast["pmo"])
    more = services.save_scenario(
        plan=plan, by=cast["pmo"], name="More step-down beds", copy_from=scenario
    )
    for pi in queries.inputs(more):
        values = {**queries.values_of(pi), "step_down_beds": pi.step_down_beds + 5}
        services.save_inputs(
            scenario=more, organisation=pi.organisation, by=cast["pmo"], values=values
        )
    after = run_now(more, cast["pmo"])
    for a, b in zip(queries.weeks(base), queries.weeks(after), strict=True):
        assert (a.provider, a.week) == (b.provider, b.week)
        assert b.nctr_2 <= a.nctr_2 and b.nctr_0 == a.nctr_0  # same seeds: only pathway 2 moves
    lost = lambda r: sum(w.bed_days_lost for w in queries.weeks(r))  # noqa: E731
    assert lost(after) < lost(base)


def test_inputs_that_cannot_run_are_refused_with_every_problem_and_nothing_saved(cast, scenario):
    trust_a = Organisation.objects.get(ods_code="RA1")
    pi = queries.provider_inputs(scenario, "RA1")
    before = queries.values_of(pi)
    audited = AuditEvent.objects.count()
    bad = {
        **before,
        "beds": -3,
        "pathway_shares": [50, 20, 10, 5],
        "stay_mean": float("nan"),
        "weekly": [1, 1, 1],
    }
    with pytest.raises(services.InputError) as refused:
        services.save_inputs(scenario=scenario, organisation=trust_a, by=cast["pmo"], values=bad)
    assert refused.value.lines == [
        "General and acute beds must be a whole number from 1 to 5000",
        "Mean length of stay must be a number from 0.5 to 60",
        "Weekly pattern: give 7 multipliers, Monday to Sunday, each from 0.2 to 3",
        "Pathway shares must add up to 100 % (they add up to 85 %)",
    ]
    pi.refresh_from_db()
    assert queries.values_of(pi) == before and AuditEvent.objects.count() == audited


def test_a_new_scenario_that_cannot_be_filled_leaves_nothing_behind(cast, plan):
    Organisation.objects.filter(kind="acute_trust").update(kind="community_trust")
    with pytest.raises(services.InputError, match="no acute trust"):
        services.save_scenario(plan=plan, by=cast["pmo"], name="Empty")
    assert not Scenario.objects.exists() and not ProviderInputs.objects.exists()


def test_plan_settings_out_of_range_are_refused(cast):
    with pytest.raises(services.InputError) as refused:
        services.save_plan(
            by=cast["pmo"], name="Bad", start=START, days=400, peak=dt.date(2029, 1, 1), runs=0
        )
    assert refused.value.lines == [
        "Number of days must be from 7 to 366",
        "Peak of the winter must be within a year of the first day",
        "Number of runs must be from 1 to 10,000",
    ]
    make_plan(cast["pmo"])
    with pytest.raises(ValidationError):
        make_plan(cast["pmo"])  # the same name again
    assert WinterPlan.objects.count() == 1


def test_publishing_needs_every_scenario_run_as_it_stands(cast, plan, scenario):
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    with pytest.raises(services.InputError, match="Run Do nothing as it stands"):
        services.publish(plan=plan, by=cast["pmo"], now=now)
    run_now(scenario, cast["pmo"])
    services.publish(plan=plan, by=cast["pmo"], now=now)
    assert WinterPlan.objects.get().published and services.is_current(scenario)
    # changing an input after the run makes the stored results out of date
    pi = queries.inputs(scenario)[0]
    services.save_inputs(
        scenario=scenario,
        organisation=pi.organisation,
        by=cast["pmo"],
        values={**queries.values_of(pi), "beds": pi.beds + 1},
    )
    assert not services.is_current(scenario)


def test_a_published_plan_shows_what_was_published_until_published_again(
    client_for, cast, plan, scenario
):
    """Walk W1: publish, change the inputs and run again; everyone sees the figures published,
    partners also see the live ones under "Changed since published on …"."""
    pmo = cast["pmo"]
    first = run_now(scenario, pmo)
    now = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    services.publish(plan=plan, by=pmo, now=now)
    pi = queries.provider_inputs(scenario, "RA1")
    services.save_inputs(
        scenario=scenario, organisation=pi.organisation, by=pmo,
        values={**queries.values_of(pi), "beds": 5000},
    )  # fmt: skip
    second = run_now(scenario, pmo)
    assert second.pk != first.pk
    url = plan.get_absolute_url() + "?provider=RA1"

    def summary(page: str, table: str) -> str:
        start = page.index(f'id="{table}"')
        return page[start : page.index("</table>", start)]

    def over_100(r: WinterRun) -> str:
        weeks = queries.weeks(r, "RA1")
        share = sum(w.p_over_100 * w.days for w in weeks) / sum(w.days for w in weeks)
        return f">{share:.0%}</td>"  # the table cell

    published_p100, live_p100 = over_100(first), over_100(second)
    assert published_p100 != live_p100
    for who in ("public", "stranger"):
        page = client_for(who).get(url).content.decode()
        table = summary(page, "summary")
        assert first.get_absolute_url() in table and published_p100 in table
        assert second.get_absolute_url() not in page and live_p100 not in table
        assert "published to the boards on 30 November 2026" in page
        assert "Changed since published" not in page
    page = client_for("viewer").get(url).content.decode()
    assert first.get_absolute_url() in summary(page, "summary")
    assert "Changed since published on 30 November 2026" in page
    changed = summary(page, "changed-summary")
    assert second.get_absolute_url() in changed and live_p100 in changed
    csv = client_for("public").get(reverse("winter:plan_csv", args=[plan.pk])).content.decode()
    assert all(line.endswith(f",{first.pk}") for line in csv.strip().splitlines()[1:])
    # publishing again publishes the live figures
    services.publish(plan=plan, by=pmo, now=now)
    page = client_for("public").get(url).content.decode()
    assert second.get_absolute_url() in summary(page, "summary")
    assert "Changed since published" not in client_for("viewer").get(url).content.decode()


def test_seasonal_pattern_peaks_at_the_peak():
    s = compute.seasonal(dt.date(2027, 1, 4), 3, dt.date(2027, 1, 5), 10)
    assert s[1] == pytest.approx(1.10) and s[0] == s[2] < 1.10
    half_year = compute.seasonal(dt.date(2027, 7, 6), 1, dt.date(2027, 1, 5), 10)[0]
    assert half_year == pytest.approx(0.90, abs=0.001)


def test_admissions_can_come_from_a_demand_projection(cast, scenario, client_for):
    # Trust A's emergency admissions: 260 in the base year and no growth set, so 2026's
    # projection is the population's change on 260 a year, about 0.7 a day.
    cells = [
        ("RA1", "ip_emergency", "N1", "F", 80, "", 2, 240.0, 480.0),
        ("RA1", "ip_emergency", "N1", "F", 80, "Falls", 2, 20.0, 40.0),
    ]
    baseline = demand_services.create_baseline(
        name="Base", base_year=2025, source="test", records=2, rows=cells, by=cast["pmo"]
    )
    demand = demand_services.save_scenario(
        name="Central",
        description="",
        baseline=baseline,
        parameters=demand_compute.default_parameters(2025, 2026, iterations=0),
        by=cast["pmo"],
    )
    dr = DemandRun.objects.create(scenario=demand, parameters=demand.parameters)
    demand_services.run_model(run=dr, by=cast["pmo"])
    projected = queries.projected_admissions(dr, 2026)["RA1"]
    changed = services.admissions_from_demand(
        scenario=scenario, by=cast["pmo"], demand_run=dr, year=2026
    )
    assert changed == ["Trust A Hospitals"]
    pi = queries.provider_inputs(scenario, "RA1")
    assert pi.admissions_per_day == pytest.approx(projected / 365, abs=0.01)
    assert pi.admissions_source == "demand" and "Central, 2026" in pi.admissions_note
    with pytest.raises(services.InputError, match=r"in 2030 .*; it projects 2026$"):
        services.admissions_from_demand(scenario=scenario, by=cast["pmo"], demand_run=dr, year=2030)
    # On the page: the year is at first that of the winter's peak (most of a winter is in
    # it), and a year the run does not project is refused naming those it does.
    pmo = client_for("pmo")
    page = pmo.get(scenario.get_absolute_url()).content.decode()
    assert re.search(r'name="year"[^>]*value="2027"', page), "the peak's year"
    assert f"Central (run {dr.pk}, to 2026)" in page
    page = pmo.post(
        reverse("winter:scenario_demand", args=[scenario.pk]),
        {"demand_run": dr.pk, "year": 2027},
        follow=True,
    ).content.decode()
    assert "Central projects no emergency admissions in 2027" in page
    assert "it projects 2026" in page


def test_a_run_keeps_its_inputs_and_says_what_it_did(cast, scenario):
    r = run_now(scenario, cast["pmo"])
    assert r.status == WinterRun.Status.SUCCEEDED and r.inputs["scenario"] == "Do nothing"
    assert WeekResult.objects.filter(run=r).count() == 2 * 4
    ranked = [w for w in queries.weeks(r, "RA1") if w.risk_rank]
    assert sorted(w.risk_rank for w in ranked) == list(range(1, len(ranked) + 1))


# The pages


def test_the_programme_office_builds_a_what_if_on_the_pages(client_for, cast, scenario, plan):
    pmo = client_for("pmo")
    response = pmo.post(
        reverse("winter:scenario_new", args=[plan.pk]),
        {"name": "More packages", "description": "20 more a day", "copy_from": scenario.pk},
    )
    more = Scenario.objects.get(name="More packages")
    assert response["Location"] == more.get_absolute_url()
    url = reverse("winter:inputs_edit", args=[more.pk, "RA1"])
    form = pmo.get(url).content.decode()
    assert 'value="1.08, 1.02, 1, 0.99, 0.98, 0.96, 0.97"' in form
    fields = {
        "beds": 600, "escalation_beds": 24, "escalation_trigger": "95",
        "admissions_per_day": 90, "weekly": "1, 1, 1, 1, 1, 1", "winter_uplift": 8,
        "stay_mean": 5.8, "stay_sd": 7.5, "stay_counts": "",
        "share_0": 60, "share_1": 25, "share_2": 10, "share_3": 10,
        "nctr_0": 2, "nctr_1": 45, "nctr_2": 55, "nctr_3": 65,
        "home_care_packages": 29, "virtual_ward_places": 0, "step_down_beds": 5,
        "care_home_beds": 3,
    }  # fmt: skip
    refused = pmo.post(url, fields)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Weekly pattern: type 7 numbers separated by commas (you typed 6)" in text
    refused = pmo.post(url, {**fields, "weekly": "1, 1, 1, 1, 1, 1, 1"})
    assert "Pathway shares must add up to 100 % (they add up to 105 %)" in refused.content.decode()
    assert queries.provider_inputs(more, "RA1").home_care_packages == 9  # nothing saved
    saved = pmo.post(url, {**fields, "weekly": "1, 1, 1, 1, 1, 1, 1", "share_3": 5})
    assert saved.status_code == 302
    pi = queries.provider_inputs(more, "RA1")
    assert pi.home_care_packages == 29 and pi.weekly == [1.0] * 7


def test_the_plan_page_and_its_exports_put_scenarios_side_by_side(client_for, cast, scenario, plan):
    run_now(scenario, cast["pmo"])
    more = services.save_scenario(plan=plan, by=cast["pmo"], name="More beds", copy_from=scenario)
    run_now(more, cast["pmo"])
    page = client_for("viewer").get(plan.get_absolute_url() + "?provider=RB1").content.decode()
    assert "Trust B Hospitals across the winter, by scenario" in page
    assert page.index("Do nothing") < page.index("More beds")  # in the plan's order
    assert "30 November 2026" in page and "The fan chart's figures" in page
    # walk W2: the week's figure is the average of its days' chances, and says so
    assert "Average daily chance over 100 %" in page and "Chance of a day" not in page
    assert "not the chance that any day goes over" in page
    assert "A week is at risk when that average over its days is 1 in 4 or more" in page
    csv = client_for("viewer").get(reverse("winter:plan_csv", args=[plan.pk])).content.decode()
    lines = csv.strip().splitlines()
    # walk: headings in words, as the page says them, not machine names
    heading = lines[0].lstrip("\ufeff")
    assert heading.startswith(
        "Scenario,Provider code,Provider,Week,Week starting,Days,"
        "Average daily chance over 92 % of beds (0 to 1),"
    )
    assert "_" not in heading and "Bed days lost" in heading
    assert len(lines) == 1 + 2 * 2 * 4  # two scenarios, two providers, four weeks
    assert lines[1].startswith("Do nothing,RA1,Trust A Hospitals,1,2026-11-30,7,")
    xlsx = client_for("viewer").get(reverse("winter:plan_xlsx", args=[plan.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Scenario", "Provider code", "Provider"]
    assert sheet.cell(row=2, column=1).value == "Do nothing"
    # values stay inert in Excel: a scenario named like a formula is text
    Scenario.objects.filter(pk=more.pk).update(name="=1+1")
    csv = client_for("viewer").get(reverse("winter:plan_csv", args=[plan.pk])).content.decode()
    assert "\n'=1+1,RA1," in csv


def test_a_year_of_daily_returns_gives_back_the_pattern_it_was_drawn_from():
    # 100 a day on average, Mondays 20 % busier and Sundays 20 % quieter, 10 % up at the peak
    peak = dt.date(2026, 1, 5)
    weekly = [1.2, 1, 1, 1, 1, 1, 0.8]
    days = []
    for n in range(364):
        d = dt.date(2025, 6, 1) + dt.timedelta(days=n)
        season = 1 + 0.10 * math.cos(2 * math.pi * (d - peak).days / 365)
        days.append((d, 100 * weekly[d.weekday()] * season, 640.0 if n % 2 else 660.0))
    fitted, problem = compute.fit_history(days, peak)
    assert problem == ""
    assert fitted["admissions_per_day"] == pytest.approx(100, abs=1)
    assert fitted["weekly"] == pytest.approx(weekly, abs=0.01)
    assert fitted["winter_uplift"] == pytest.approx(10, abs=0.5)
    assert fitted["beds"] == 650
    few, problem = compute.fit_history(days[:20], peak)
    assert few == {} and problem == "20 days with admissions reported; at least 28 are needed"
    short, _ = compute.fit_history(days[:60], peak)
    assert "winter_uplift" not in short  # two months cannot tell the season


def test_admissions_and_beds_can_be_fitted_to_the_daily_returns(cast, scenario):
    # Trust A returns five weeks: 130 admissions on Mondays, 100 on other days, 700 beds open
    from footprint.flow import services as flow_services

    trust_a = Organisation.objects.get(ods_code="RA1")
    first = dt.date(2026, 10, 5)  # a Monday
    for n in range(35):
        day = first + dt.timedelta(days=n)
        flow_services.submit_return(
            organisation=trust_a,
            day=day,
            figures={"admissions": 130 if day.weekday() == 0 else 100, "ga_beds_open": 700},
            by=cast["pmo"],
            now=dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC),
        )
    before_b = queries.values_of(queries.provider_inputs(scenario, "RB1"))
    changed = services.inputs_from_history(
        scenario=scenario, by=cast["pmo"], first=first, last=first + dt.timedelta(days=34)
    )
    assert changed == ["Trust A Hospitals"]  # Trust B made no returns and keeps its inputs
    pi = queries.provider_inputs(scenario, "RA1")
    assert pi.admissions_per_day == pytest.approx(730 / 7, abs=0.01)
    assert pi.weekly[0] == pytest.approx(130 / (730 / 7), abs=0.001)
    assert pi.weekly[1] == pytest.approx(100 / (730 / 7), abs=0.001)
    assert pi.beds == 700 and pi.admissions_source == "history"
    assert pi.winter_uplift == 8.0  # five weeks cannot tell the season: kept
    assert queries.values_of(queries.provider_inputs(scenario, "RB1")) == before_b
    with pytest.raises(services.InputError) as refused:
        services.inputs_from_history(
            scenario=scenario, by=cast["pmo"], first=dt.date(2025, 1, 1), last=dt.date(2025, 3, 1)
        )
    assert refused.value.lines == [
        "Trust A Hospitals: 0 days with admissions reported; at least 28 are needed",
        "Trust B Hospitals: 0 days with admissions reported; at least 28 are needed",
    ]


def test_a_second_run_while_one_waits_is_refused(client_for, cast, scenario):
    """Walk W5: pressing "Run this scenario" twice makes one run, and says why."""
    pmo = client_for("pmo")
    url = reverse("winter:scenario_run", args=[scenario.pk])
    assert pmo.post(url)["Location"].startswith("/winter/runs/")
    again = pmo.post(url, follow=True).content.decode()
    assert WinterRun.objects.filter(scenario=scenario).count() == 1
    run = WinterRun.objects.get(scenario=scenario)
    assert f"Do nothing is already running (run {run.pk}): wait for it to finish" in again
    services.run_simulation(run=run, by=cast["pmo"])
    pmo.post(url)  # once it has finished, it may run again
    assert WinterRun.objects.filter(scenario=scenario).count() == 2


def test_a_peak_before_the_first_day_is_refused_on_its_field(client_for, cast):
    """Walk W6."""
    with pytest.raises(services.InputError) as refused:
        services.save_plan(
            by=cast["pmo"], name="Early peak", start=START, days=30,
            peak=dt.date(2026, 11, 1), runs=10,
        )  # fmt: skip
    assert refused.value.problems == [
        ("peak", "Peak of the winter must be on or after its first day, 30 November 2026")
    ]
    assert not WinterPlan.objects.filter(name="Early peak").exists()


def test_scenario_names_are_capped_and_long_words_break(client_for, cast, plan, scenario):
    """Walk W4."""
    long = "A" * 101
    with pytest.raises(services.InputError, match="Name must be at most 100 characters"):
        services.save_scenario(plan=plan, by=cast["pmo"], name=long)
    page = client_for("pmo").post(reverse("winter:scenario_new", args=[plan.pk]), {"name": long})
    assert "Name must be 100 characters or fewer (it has 101)" in page.content.decode()
    assert not Scenario.objects.filter(name=long).exists()
    text = client_for("viewer").get(scenario.get_absolute_url()).content.decode()
    assert '<h1 style="overflow-wrap: anywhere">Do nothing</h1>' in text


def test_opening_a_post_only_address_goes_back_to_its_page(client_for, scenario, plan):
    """Walk W8: no blank 405 page."""
    pmo = client_for("pmo")
    for name in ("scenario_demand", "scenario_history", "scenario_run", "scenario_decision"):
        response = pmo.get(reverse(f"winter:{name}", args=[scenario.pk]))
        assert response.status_code == 302 and response["Location"] == scenario.get_absolute_url()
    for name in ("plan_publish", "plan_withdraw", "plan_run"):
        response = pmo.get(reverse(f"winter:{name}", args=[plan.pk]))
        assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert not WinterRun.objects.exists()


def test_the_index_says_how_to_read_a_plan_on_the_page(client_for, plan):
    """Walk W7: no "a thousand times" (a plan says its runs), no pointer to a file."""
    text = client_for("viewer").get(reverse("winter:index")).content.decode()
    assert "a thousand" not in text and "docs/winter.md" not in text
    assert "How to read a winter plan" in text and "the plan's number of times" in text


def test_anyone_who_may_see_the_plan_watches_a_run_move(client_for, cast, scenario):
    """A queued run's page shows the moving progress bar to every partner (core lets them poll
    the job), not only to whoever started it; the public sees the status in words."""
    r = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    for who in ("pmo", "viewer"):
        page = client_for(who).get(r.get_absolute_url()).content.decode()
        assert f'hx-get="{reverse("core:job", args=[r.job.pk])}"' in page
        assert '<progress id="job-' in page
