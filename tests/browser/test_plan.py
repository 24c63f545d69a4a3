"""The plan in a real browser: import figures, see the goal's chart, record a figure on it,
see the early warning, and remove a figure recorded in error."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, open_section
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_imports_figures_opens_the_goal_and_sees_the_early_warning(
    page, cast, plan, tmp_path
):
    log_in(page, "editor_a")
    open_section(page, "Plan")
    expect(page.get_by_role("heading", name="Test Plan")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Import measurements").click()
    csv = tmp_path / "ae.csv"
    csv.write_text(
        "Metric,Period,Value,Organisation\nae-4-hour,2025-04,65.5,RA1\nae-4-hour,2025-05,65.0,RA1\n"
    )
    page.locator("input[type=file]").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("2 measurements saved in 1 series")).to_be_visible()
    check_accessibility(page)

    page.goto("/workspace/plan/")
    page.get_by_role("link", name="Four in five seen within four hours at Trust A").click()
    page.wait_for_selector("#spc[data-chart-ready]")
    expect(page.locator("#spc svg")).to_have_count(1)
    expect(page.locator("#reading")).to_contain_text("The latest figure, for May 2025, is 65.0%.")
    page.get_by_text("The chart's figures").click()
    expect(page.locator("#series-table tbody tr")).to_have_count(26)
    check_accessibility(page)

    # June's figure, on the goal's own form.
    page.get_by_label("Period", exact=True).fill("2025-06")
    page.get_by_label("Value", exact=True).fill("64.5")
    page.get_by_role("button", name="Record measurement").click()
    expect(page.get_by_text("Recorded A&E within 4 hours for June 2025.")).to_be_visible()
    expect(page.locator("#reading")).to_contain_text("The latest figure, for June 2025, is 64.5%.")
    expect(page.locator("#reading")).to_contain_text("a point below the lower process limit")

    open_section(page, "Plan")
    page.get_by_role("main").get_by_role("link", name="Early warning", exact=True).click()
    row = page.locator("#warnings tbody tr").filter(has_text="A&E within 4 hours")
    expect(row).to_contain_text("Trust A Hospitals")
    expect(row).to_contain_text("Jun 2025")
    expect(row).to_contain_text("A point below the lower process limit")
    check_accessibility(page)

    # June's figure was for another month: removed, with the reason; May's is the latest again.
    page.goto("/workspace/plan/")
    page.get_by_role("link", name="Four in five seen within four hours at Trust A").click()
    page.get_by_label("Figure to remove").select_option(label="June 2025: 64.5%")
    page.get_by_label("Reason for removing it").fill("Recorded against the wrong month")
    page.get_by_role("button", name="Remove figure").click()
    expect(page.get_by_text("Removed the figure for June 2025.")).to_be_visible()
    expect(page.locator("#reading")).to_contain_text("The latest figure, for May 2025, is 65.0%.")
    check_accessibility(page)
