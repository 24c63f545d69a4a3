"""A partner reads the age-standardised rates: the charts drawn beside their tables, the
reason standardising matters, another kind of activity chosen, and the page passing axe at a
phone's width too."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_inequalities_rates import activity  # noqa: F401  (a fixture)
from tests.integration.test_small_areas import small_areas  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_reads_crude_and_standardised_rates(page, cast, activity):  # noqa: F811
    log_in(page, "viewer")
    page.goto("/workspace/inequalities/")
    page.get_by_role("link", name="Age-standardised rates").click()
    expect(page.get_by_role("heading", name="Age-standardised rates", level=1)).to_be_visible()
    for chart in ("#quintile-rates-chart", "#place-rates-chart", "#hood-rates-chart"):
        expect(page.locator(f"{chart} svg, {chart} canvas").first).to_be_attached()
    table = page.get_by_role(
        "table", name="Emergency admissions per 100,000 residents by neighbourhood"
    )
    expect(table.get_by_role("row", name="North One (Northshire)")).to_contain_text("2,000.0")
    page.get_by_text("Why standardise for age?").click()
    expect(page.get_by_text("A deprived city full of young families")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Kind of activity").select_option(label="A&E attendances")
    page.get_by_role("button", name="Show the rates").click()
    expect(page.locator("#rates-summary")).to_contain_text("1,000 A&E attendances")
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    check_accessibility(page)
