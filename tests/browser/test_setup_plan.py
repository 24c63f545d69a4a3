"""The programme office sets up the plan and records a board's response, in a real browser:
a metric (its code made from its name), a goal on it about a neighbourhood (refused first
when its subject does not fit the layer), and a board's consent recorded on its behalf from
the minute of its own meeting."""

import pytest
from playwright.sync_api import expect

from footprint.decisions import services as decision_services
from footprint.plans.models import Goal, Metric
from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_programme_office_adds_a_metric_and_a_goal_on_it(page, cast, plan):
    log_in(page, "pmo")
    page.goto("/workspace/plan/metrics/")
    page.get_by_role("link", name="Add a metric").click()
    check_accessibility(page)
    page.get_by_label("Name", exact=True).fill("Same-day discharges")
    page.get_by_label("Definition").fill("Share of admissions discharged on the day.")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Data source").fill("Trust A returns")
    page.get_by_label("Owner").select_option(label="Trust A Hospitals (RA1)")
    page.get_by_label("Next review date").fill("2027-06-30")
    page.get_by_role("button", name="Add the metric").click()
    expect(page.get_by_role("heading", name="Same-day discharges")).to_be_visible()
    expect(page.locator("#metric")).to_contain_text("same-day-discharges")
    check_accessibility(page)
    assert Metric.objects.get(name="Same-day discharges").code == "same-day-discharges"

    page.goto("/workspace/plan/")
    page.get_by_role("link", name="Add a goal").click()
    check_accessibility(page)
    page.get_by_label("The goal in plain English").fill("More same-day discharges in North One")
    page.get_by_label("Metric").select_option(label="Same-day discharges (%)")
    page.get_by_label("Neighbourhood", exact=True).check()
    page.get_by_label("Place it is about (optional)").select_option(label="Northshire")
    page.get_by_label("Baseline", exact=True).fill("20")
    page.get_by_label("Baseline month").fill("2025-04")
    page.get_by_label("Target", exact=True).fill("30")
    page.get_by_label("Target month").fill("2028-03")
    page.get_by_label("Owner").select_option(label="Trust A Hospitals (RA1)")
    page.get_by_role("button", name="Add the goal").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "A neighbourhood-layer goal is about a neighbourhood, not Northshire"
    )
    check_accessibility(page)
    page.get_by_label("Place it is about (optional)").select_option(label="None")
    page.get_by_label("Neighbourhood it is about (optional)").select_option(label="North One")
    page.get_by_role("button", name="Add the goal").click()
    expect(
        page.get_by_role("heading", name="More same-day discharges in North One")
    ).to_be_visible()
    expect(page.locator("dl")).to_contain_text("North One (neighbourhood layer)")
    check_accessibility(page)
    goal = Goal.objects.get(statement="More same-day discharges in North One")
    assert goal.subject_key == "hood:N1" and goal.metric.code == "same-day-discharges"


def test_the_programme_office_records_a_boards_consent_on_its_behalf(page, cast, forums):
    proposal = decision_services.create_proposal(
        title="Frailty hub",
        summary="A hub for frail older people.",
        options="Do nothing\nOpen the hub",
        recommended_option="Open the hub",
        decision_type=forums["investment"],
        value_pence=250_000_00,
        brought_to=forums["alliance"],
        by=cast["pmo"],
    )
    decision_services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    log_in(page, "pmo")
    page.goto(proposal.get_absolute_url())
    page.get_by_text("Record a board's response on its behalf").click()
    page.get_by_label("Board", exact=True).select_option(label="Northshire Council (LA001)")
    page.get_by_label("Consent", exact=True).check()
    page.get_by_label("Minute reference").fill("Cabinet minute 2025/31")
    page.get_by_role("button", name="Record the board's response").click()
    expect(page.get_by_text("Northshire Council's response has been recorded")).to_be_visible()
    expect(page.locator("#consents")).to_contain_text(
        "Recorded on the board's behalf by Pmo, from Cabinet minute 2025/31"
    )
    check_accessibility(page)


def test_every_set_up_page_passes_axe(page, cast, plan, forums):
    """Each page where the plan and the forums are set up, as the programme office sees it
    (with its history), opens and axe finds nothing on it; so does the page where a
    representative names deputies."""
    seat = forums["alliance"].members.get(representative=cast["editor_a"])
    log_in(page, "pmo")
    for path in (
        f"/workspace/plan/{plan['plan'].pk}/change/",
        f"/workspace/plan/{plan['plan'].pk}/priorities/new/",
        f"/workspace/plan/priorities/{plan['priority'].pk}/change/",
        f"/workspace/plan/goals/{plan['goal'].pk}/change/",
        "/workspace/plan/metrics/ae-4-hour/",
        "/workspace/plan/metrics/ae-4-hour/change/",
        "/workspace/decisions/forums/new/",
        "/workspace/decisions/forums/alliance/",
        "/workspace/decisions/forums/alliance/change/",
        "/workspace/decisions/forums/alliance/seats/new/",
        f"/workspace/decisions/seats/{seat.pk}/",
        "/workspace/decisions/delegation/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        check_accessibility(page)
    page.get_by_role("button", name="Log out").click()
    log_in(page, "editor_a")
    page.goto(f"/workspace/decisions/seats/{seat.pk}/")
    expect(page.get_by_role("heading", name="Name your deputies")).to_be_visible()
    check_accessibility(page)
