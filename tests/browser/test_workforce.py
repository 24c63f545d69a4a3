"""From a workforce import to the dashboard and the retention early warning."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, open_section
from tests.browser.test_journey import log_in
from tests.integration.test_workforce import returns_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_returns_then_see_the_dashboard_and_the_warning(page, workforce_user, tmp_path):
    log_in(page, "workforce_a")
    page.goto("/workspace/workforce/import/")
    check_accessibility(page)
    csv = tmp_path / "returns.csv"
    csv.write_text(returns_csv(rise=True))
    page.get_by_label("What the file holds").select_option("returns")
    page.locator("input[type=file]").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("24 returns saved for 1 organisations")).to_be_visible()

    open_section(page, "Numbers")
    check_accessibility(page)
    page.get_by_role("main").get_by_role("link", name="Workforce", exact=True).click()
    row = page.locator("#workforce-table tbody tr").filter(has_text="Trust A Hospitals")
    expect(row).to_contain_text("Nurses and health visitors")
    expect(row).to_contain_text("1,000")
    page.wait_for_selector("#wte-trend[data-chart-ready]")
    check_accessibility(page)

    page.get_by_role("link", name="Retention early warning").click()
    first = page.locator("#retention tbody tr").first
    expect(first).to_contain_text("Trust A Hospitals")
    expect(first.get_by_role("img")).to_have_accessible_name(re.compile(r"concern.*high", re.I))
    check_accessibility(page)
    first.get_by_role("link").click()
    page.wait_for_selector("#spc[data-chart-ready]")
    check_accessibility(page)
