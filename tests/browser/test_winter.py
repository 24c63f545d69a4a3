"""Comparing winter scenarios: the programme office runs a plan's scenarios and reads them
side by side; a what-if's inputs are changed on their form."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from footprint.winter import queries, services
from tests.browser.conftest import assert_no_sideways_scroll, check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(cast):
    pmo = cast["pmo"]
    p = services.save_plan(
        by=pmo,
        name="Winter 2026/27",
        start=dt.date(2026, 12, 1),
        days=28,
        peak=dt.date(2027, 1, 5),
        runs=50,
    )
    do_nothing = services.save_scenario(plan=p, by=pmo, name="Do nothing")
    services.save_scenario(plan=p, by=pmo, name="More step-down beds", copy_from=do_nothing)
    return p


def test_the_programme_office_compares_winter_scenarios(page, plan):
    log_in(page, "pmo")
    page.goto(plan.get_absolute_url())
    expect(page.get_by_text("Run the scenarios to compare them.")).to_be_visible()
    check_accessibility(page)

    # the what-if gets ten more step-down beds a day at Trust A
    page.get_by_role("link", name="More step-down beds").click()
    page.get_by_role("link", name="Change Trust A Hospitals's inputs").click()
    check_accessibility(page)
    page.get_by_label("Step-down beds a day (pathway 2)").fill("20")
    page.get_by_role("button", name="Save inputs").click()
    expect(page.get_by_text("Saved Trust A Hospitals's inputs")).to_be_visible()
    expect(page.locator("#inputs")).to_contain_text("20 step-down beds")

    page.goto(plan.get_absolute_url())
    page.get_by_role("button", name="Run every scenario not run as it stands").click()
    expect(page.get_by_text("Started 2 runs")).to_be_visible()
    expect(page.locator("#scenarios")).to_contain_text("Run as it stands")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Trust A Hospitals across the winter, by scenario")
    rows = summary.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Do nothing")
    expect(rows.nth(1)).to_contain_text("More step-down beds")
    page.wait_for_selector("#fan[data-chart-ready]")
    expect(page.locator("#weeks")).to_contain_text(
        "More step-down beds: average daily chance over 100 %"
    )
    check_accessibility(page)

    # the what-if loses fewer bed days than doing nothing at Trust A
    sc = {s.name: s for s in queries.scenarios(plan)}
    lost = {
        name: sum(w.bed_days_lost for w in queries.weeks(queries.latest_run(s), "RA1"))
        for name, s in sc.items()
    }
    assert lost["More step-down beds"] < lost["Do nothing"]

    page.get_by_label("Provider").select_option("RB1")
    page.get_by_role("button", name="Show").click()
    expect(summary).to_contain_text("Trust B Hospitals across the winter, by scenario")
    page.get_by_role("button", name="Publish to the boards").click()
    expect(page.get_by_text("is published to the boards")).to_be_visible()
    check_accessibility(page)

    # a run's own page: each provider week by week
    summary.get_by_role("link", name="More step-down beds").click()
    expect(page.get_by_role("heading", name="Trust A Hospitals")).to_be_visible()
    expect(page.get_by_text("50 runs of 28 days from 1 December 2026")).to_be_visible()
    check_accessibility(page)
    page.goto("/winter/")
    expect(page.locator("#plans")).to_contain_text("Published to boards")
    check_accessibility(page)


WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.mark.public
def test_a_published_plan_fits_the_window(page, cast, plan, viewport_width):
    """At a phone's 390 px and at desktop widths the plan page is never wider than the window:
    its wide tables (the week-by-week one has two columns a scenario) scroll inside their own
    region, which a keyboard user can reach and a screen reader names by the table's caption."""
    pmo = cast["pmo"]
    for sc in queries.scenarios(plan):
        services.run_simulation(
            run=services.start_run(scenario=sc, by=pmo, enqueue=lambda pk: None), by=pmo
        )
    services.publish(plan=plan, by=pmo, now=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    page.goto(plan.get_absolute_url())
    page.wait_for_selector("#fan[data-chart-ready]")
    scroll, window = page.evaluate(WIDTH)
    assert scroll <= window, f"the plan page is {scroll} px wide in a {window} px window"
    # walk W3: the fan's plot keeps its width (legends go under it, not beside it), every
    # legend entry is whole, and the beds-open line has one
    plot = page.eval_on_selector("#fan .mark-area", "e => e.getBBox().width")
    assert plot >= 0.5 * min(window, 960), f"the fan's plot is {plot:.0f} px in {window} px"
    labels = page.locator("#fan .role-legend-label text").all_text_contents()
    assert "Beds open (Do nothing)" in labels and "More step-down beds" in labels
    assert not [t for t in labels if t.endswith("…")]
    weeks = page.get_by_role(
        "region", name="Trust A Hospitals: the average daily chance of over 100 %"
    )
    expect(weeks.locator("table#weeks")).to_contain_text(
        "More step-down beds: average daily chance over 100 %"
    )
    expect(weeks).to_have_attribute("tabindex", "0")
    check_accessibility(page)


def test_a_forum_member_brings_a_costed_scheme_to_a_decision(page, cast, forums, plan):
    """A scheme's page shows its cost, the staff its escalation beds need and a ward closed
    for a week; a forum member brings it to a decision and lands on the draft proposal."""
    pmo = cast["pmo"]
    services.save_plan(
        plan=plan,
        by=pmo,
        name=plan.name,
        start=plan.start,
        days=plan.days,
        peak=plan.peak,
        runs=plan.runs,
        cost_package=1500,
        cost_step_down=2800,
        cost_escalation_bed_day=450,
    )
    sc = {s.name: s for s in queries.scenarios(plan)}
    more = sc["More step-down beds"]
    pi = queries.provider_inputs(more, "RA1")
    closure = {"first": "2026-12-07", "last": "2026-12-13", "beds": 20, "reason": "norovirus"}
    services.save_inputs(
        scenario=more,
        organisation=pi.organisation,
        by=pmo,
        values={**queries.values_of(pi), "step_down_beds": 20, "closures": [closure]},
    )
    for s in sc.values():
        services.run_simulation(
            run=services.start_run(scenario=s, by=pmo, enqueue=lambda pk: None), by=pmo
        )
    log_in(page, "editor_a")
    page.goto(more.get_absolute_url())
    expect(page.locator("#cost")).to_contain_text("more than Do nothing")
    expect(page.locator("#staff")).to_contain_text("Registered nurses (WTE), all open")
    expect(page.locator("#inputs")).to_contain_text("20 closed 7 December 2026")
    check_accessibility(page)
    page.get_by_label("Type of decision").select_option(label="Investment")
    page.get_by_label("Forum you are bringing it to").select_option(label="Northshire Alliance")
    page.get_by_role("button", name="Bring to a decision").click()
    expect(page.get_by_role("heading", name="Winter 2026/27: More step-down beds")).to_be_visible()
    check_accessibility(page)
    page.goto(more.get_absolute_url())
    expect(page.locator("#proposal")).to_contain_text("draft")
    check_accessibility(page)
    page.goto("/workspace/workforce/escalation-beds/")
    expect(page.locator("#headline")).to_be_visible()
    check_accessibility(page)


@pytest.mark.public  # at a phone's 390 px too
def test_the_winter_pages_fit_the_window(page, cast, plan):
    """A partner on a phone reads every winter page without scrolling sideways: the index, a
    scenario fitted to the daily returns (its inputs table scrolls in its own region), a
    published scheme's frozen cost beside its live one, a run's page and the inputs form."""
    from footprint.flow import services as flow_services

    pmo = cast["pmo"]
    sc = {s.name: s for s in queries.scenarios(plan)}
    trust_a = queries.provider_inputs(sc["Do nothing"], "RA1").organisation
    figures = {
        "admissions": 10,
        "ga_beds_open": 80,
        "ga_beds_occupied": 70,
        **{f"discharges_pathway_{p}": n for p, n in enumerate([6, 2, 1, 1])},
        **{f"nctr_pathway_{p}": n for p, n in enumerate([0, 4, 3, 3])},
    }
    first = dt.date(2026, 10, 5)
    for n in range(28):
        flow_services.submit_return(
            organisation=trust_a,
            day=first + dt.timedelta(days=n),
            figures=figures,
            by=pmo,
            now=dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC),
        )
    services.inputs_from_history(
        scenario=sc["Do nothing"], by=pmo, first=first, last=first + dt.timedelta(days=27)
    )
    services.save_plan(
        plan=plan, by=pmo, name=plan.name, start=plan.start, days=plan.days, peak=plan.peak,
        runs=plan.runs, cost_package=1500, cost_step_down=2800,
    )  # fmt: skip
    runs = {
        name: services.start_run(scenario=s, by=pmo, enqueue=lambda pk: None)
        for name, s in sc.items()
    }
    for r in runs.values():
        services.run_simulation(run=r, by=pmo)
    services.publish(plan=plan, by=pmo, now=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    more = sc["More step-down beds"]
    pi = queries.provider_inputs(more, "RA1")
    services.save_inputs(
        scenario=more, organisation=pi.organisation, by=pmo,
        values={**queries.values_of(pi), "step_down_beds": pi.step_down_beds + 5},
    )  # fmt: skip
    log_in(page, "pmo")
    for url, shown in (
        ("/winter/", "#plans"),
        (sc["Do nothing"].get_absolute_url(), "#fitted"),
        (more.get_absolute_url(), "#cost-live"),
        (runs["Do nothing"].get_absolute_url(), "h1"),
        (f"/winter/scenarios/{more.pk}/providers/RA1/", "form"),
    ):
        page.goto(url)
        expect(page.locator(shown).first).to_be_visible()
        assert_no_sideways_scroll(page)
        check_accessibility(page)
