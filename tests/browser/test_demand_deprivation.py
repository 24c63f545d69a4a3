"""Reading the gap on a demand run (issue 20): a run's results by deprivation quintile, where
records carry their small areas and deprived areas have more emergency admissions."""

import re

import pytest
from playwright.sync_api import expect

from footprint.demand import compute, services
from footprint.demand.models import Baseline
from tests.browser.conftest import assert_no_sideways_scroll, check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_demand import run_now
from tests.integration.test_demand_deprivation import areas, gradient_records, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["areas"]  # the fixture, used by name


@pytest.mark.public
def test_reading_the_gap_on_a_demand_run(page, cast, client_for, areas):
    """From a run's page to its results by deprivation quintile: the sentence and the table
    both show more emergency admissions per resident in quintile 1 than in quintile 5, most
    deprived first, with each scheme's part; every table scrolls in a region named by its
    caption and the page never scrolls sideways (at a phone's 390 px too)."""
    assert upload(client_for("pmo"), gradient_records()).status_code == 302
    doc = compute.default_parameters(2025, 2026, iterations=60, seed=4)
    doc["schemes"] = [
        compute.scheme_from_library(
            "virtual_ward_frailty", start_year=2026, key="vw", cohort={"age_low": 75}
        )
    ]
    scenario = services.save_scenario(
        name="By deprivation", baseline=Baseline.objects.get(), parameters=doc, by=cast["pmo"]
    )
    run = run_now(scenario, cast["pmo"])
    log_in(page, "viewer")
    page.goto(run.get_absolute_url())
    page.get_by_role("link", name="Results by deprivation quintile").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("results by deprivation")
    sentence = page.locator("#gradient").text_content() or ""
    found = re.search(
        r"\(quintile 1\) are projected to have ([\d,.]+) emergency admissions per 1,000 "
        r"residents, against ([\d,.]+) in the least deprived fifth \(quintile 5\)",
        sentence,
    )
    assert found, sentence
    most, least = (float(x.replace(",", "")) for x in found.groups())
    assert most > least
    rows = page.locator("#quintile-activity tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_contain_text("Quintile 1")
    expect(rows.nth(1).locator("th")).to_contain_text("Quintile 5")
    per_1000 = [
        float((rows.nth(i).locator("td").nth(5).text_content() or "").replace(",", ""))
        for i in (0, 1)
    ]
    assert per_1000[0] > per_1000[1]
    expect(page.locator("#quintile-schemes")).to_contain_text("Virtual wards")
    page.wait_for_selector("#deprivation-rates[data-chart-ready]")
    for table in ("quintile-activity", "quintile-schemes", "quintile-beds", "quintile-cost"):
        caption = page.locator(f"#{table} caption").text_content() or ""
        region = page.get_by_role("region", name=caption.strip(), exact=True)
        expect(region.locator(f"#{table}")).to_be_attached()
    assert_no_sideways_scroll(page)
    check_accessibility(page)
