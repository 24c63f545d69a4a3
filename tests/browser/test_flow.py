"""Submitting a daily return and watching the level change: Trust A's editor types today's
figures beside yesterday's, and the landing page shows Trust A and the system moved from OPEL 1
to OPEL 4."""

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from footprint.flow import services
from tests.browser.conftest import assert_no_sideways_scroll, check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_submits_a_return_and_sees_the_level_change(page, cast, footprint):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    services.submit_return(
        organisation=footprint["trust_a"],
        day=yesterday,
        figures={"ga_beds_open": "500", "ga_beds_occupied": "400", "four_hour_percent": "85"},
        by=cast["editor_a"],
        now=timezone.now(),
    )
    log_in(page, "editor_a")
    page.goto(f"/workspace/flow/?date={yesterday.isoformat()}")
    expect(page.locator("#system-level")).to_contain_text("OPEL 1")
    page.get_by_role("link", name="Submit a return").click()
    check_accessibility(page)
    page.get_by_label("Day").fill(today.isoformat())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daily return for")
    expect(page.get_by_text("Yesterday: 400").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("General and acute beds open").fill("500")
    page.get_by_label("General and acute beds occupied").fill("499")
    page.get_by_label("Seen within 4 hours in ED (%)").fill("50")
    page.get_by_label("Mean ambulance handover time (minutes)").fill("95")
    page.get_by_role("button", name="Save the return").click()
    expect(page.get_by_text("Saved Trust A Hospitals's return")).to_be_visible()
    expect(page.get_by_text("The system moved to OPEL 4")).to_be_visible()
    expect(page.locator("#system-level")).to_contain_text("OPEL 4")
    expect(page.locator("#levels")).to_contain_text("Trust A Hospitals")
    check_accessibility(page)


def test_every_flow_page_passes_axe(page, cast, footprint):
    today = timezone.localdate()
    # Both acute trusts report: a system figure is given only when every expected trust did.
    for back, trust in itertools.product(range(20), ("trust_a", "trust_b")):
        services.submit_return(
            organisation=footprint[trust],
            day=today - dt.timedelta(days=back),
            figures={
                "ga_beds_open": "500",
                "ga_beds_occupied": str(400 + 3 * back),
                "handovers": "80",
                "handover_mean_minutes": str(20 + back),
                "nctr_pathway_3": str(10 + back % 7),
                "nctr_awaiting_care_home": str(10 + back % 7),  # as by pathway
            },
            by=cast["pmo"],
            now=timezone.now(),
        )
    services.save_action(by=cast["pmo"], level=3, text="Open the discharge lounge")
    services.save_contact(by=cast["pmo"], name="ICB on call", email="icb@example.org")
    services.log_aid(
        by=cast["pmo"],
        from_organisation=footprint["trust_a"],
        to_organisation=footprint["trust_b"],
        is_offer=False,
        kind="beds",
        quantity=4,
        day=today,
        now=timezone.now(),
    )
    log_in(page, "pmo")
    for path, heading in [
        ("/workspace/flow/", "Urgent-care flow"),
        ("/workspace/flow/system/", "The system on"),
        ("/workspace/flow/calendar/", "OPEL levels in"),
        ("/workspace/flow/escalation/", "The escalation plan"),
        ("/workspace/flow/aid/", "Mutual aid"),
        ("/workspace/flow/returns/", "Returns for"),
        ("/workspace/flow/expected/", "Returns each organisation makes"),
        ("/workspace/flow/import/", "Import daily returns"),
        ("/workspace/flow/submit/", "Submit a daily return"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        if path.endswith("/system/"):
            page.wait_for_selector("#chart-ga_occupancy[data-chart-ready]")
        check_accessibility(page)


@pytest.mark.public
def test_the_system_page_never_scrolls_sideways(page, cast, footprint):
    """Marked ``public`` so it runs on a phone (390 px) too: the pathway, reason and chart
    tables scroll inside their own regions, named by their captions, and the page does not."""
    today = timezone.localdate()
    # Both acute trusts report: a system figure is given only when every expected trust did.
    for back, trust in itertools.product(range(10), ("trust_a", "trust_b")):
        services.submit_return(
            organisation=footprint[trust],
            day=today - dt.timedelta(days=back),
            figures={
                "ga_beds_open": "500",
                "ga_beds_occupied": str(400 + 3 * back),
                "handovers": "80",
                "handover_mean_minutes": str(20 + back),
                "nctr_pathway_3": str(10 + back % 7),
                "nctr_awaiting_care_home": str(10 + back % 7),  # as by pathway
            },
            by=cast["pmo"],
            now=timezone.now(),
        )
    log_in(page, "pmo")
    page.goto("/workspace/flow/system/")
    page.wait_for_selector("#chart-ga_occupancy[data-chart-ready]")
    expect(page.get_by_role("region", name=re.compile("^By discharge pathway"))).to_be_attached()
    expect(page.locator("#pathways")).to_contain_text("Pathway 3")
    assert_no_sideways_scroll(page)
    check_accessibility(page)
