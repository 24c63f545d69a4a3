"""A finance lead downloads the plan template, fills it in, uploads it, and the system
waterfall changes."""

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from footprint.finance import services
from footprint.finance.views import current_year
from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_finance import figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_plan_and_see_the_system_waterfall_change(
    page, cast, finance_team, footprint, icb, tmp_path
):
    year = current_year()
    label = f"{year}/{(year + 1) % 100:02d}"
    # Trust B's plan is in and the programme office has published the year.
    services.save_plan(
        organisation=footprint["trust_b"], figures=figures(year, non_pay=44), by=cast["pmo"]
    )
    services.publish_year(year=year, by=cast["pmo"])

    log_in(page, "finance_a")
    page.goto("/workspace/finance/")
    page.wait_for_selector("#system-waterfall[data-chart-ready]")
    expect(page.locator("#system-control-total")).to_have_text("£0.0m")
    expect(page.locator("#positions")).not_to_contain_text("Trust A Hospitals")
    check_accessibility(page)

    page.goto("/workspace/finance/RA1/")
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="download the Excel template").click()
    template = tmp_path / "plan.xlsx"
    download.value.save_as(template)
    wb = load_workbook(template)
    sheet = wb["Plan"]
    column = next(c.column for c in sheet[3] if c.value == label)
    values = {
        "Control total (£)": -5_000_000,
        "Other income (£)": 10_000_000,
        "Pay (£)": 70_000_000,
        "Non-pay (£)": 49_000_000,
        "Fixed share of expenditure (%)": 45,
        "Semi-fixed share of expenditure (%)": 30,
    }
    for row in sheet.iter_rows(min_row=4):
        name = row[0].value
        if name in values:
            sheet.cell(row[0].row, column, values[name])
        elif name and name.startswith("Income from QA1"):
            sheet.cell(row[0].row, column, 100_000_000)
    wb.save(template)

    page.locator("input[type=file]").set_input_files(str(template))
    page.get_by_role("button", name="Upload the plan").click()
    expect(page.get_by_text(f"Saved Trust A Hospitals's plans for {label}")).to_be_visible()
    page.wait_for_selector("#organisation-waterfall[data-chart-ready]")
    # Income £110m, spend £119m: a £9m deficit against a £5m control total.
    expect(page.locator("#plan-lines")).to_contain_text("−£9,000,000")
    check_accessibility(page)

    page.get_by_role("link", name="System position").click()
    page.wait_for_selector("#system-waterfall[data-chart-ready]")
    expect(page.locator("#system-control-total")).to_have_text("−£5.0m")
    expect(page.locator("#system-position")).to_have_text("−£3.0m")
    spec = page.locator("#system-waterfall-spec").text_content()
    assert '"Trust A Hospitals plan"' in spec and '"Trust B Hospitals plan"' in spec
    assert '"RA1 plan"' not in spec
    expect(page.locator("#positions")).to_contain_text("Trust A Hospitals")
    check_accessibility(page)
