"""Reading a gap on a goal page in a real browser: a goal to halve the gap between the most and
least deprived quintile, its gap chart, whether the gap narrows, the figures by quintile with
their chart and table, and the SII with its interval."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_gap_goals import gap_goal, import_quintiles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_reads_the_gap_on_a_goal_page(page, cast, footprint, plan):
    import_quintiles(cast)
    goal = gap_goal(plan, footprint, cast)
    log_in(page, "viewer")
    page.goto(f"/workspace/plan/goals/{goal.pk}/")
    expect(page.get_by_role("heading", name="The gap", exact=True)).to_be_visible()
    expect(page.locator("#gap")).to_contain_text(
        "Quintile 1 (most deprived) less Quintile 5 (least deprived), in percentage points"
    )
    expect(page.locator("#gap-trend")).to_have_text("The gap is narrowing.")
    page.wait_for_selector("#spc[data-chart-ready]")
    expect(page.locator("#reading")).to_contain_text(
        "The latest figure, for May 2025, is -13.5 percentage points."
    )
    section = page.locator("#split-imd_quintile")
    expect(section.get_by_role("heading")).to_have_text(
        "A&E within 4 hours by deprivation quintile"
    )
    page.wait_for_selector("#split-chart-imd_quintile[data-chart-ready]")
    table = page.locator("#split-table-imd_quintile")
    expect(table.locator("tbody tr")).to_have_count(14)
    expect(table.locator("tbody tr").first).to_contain_text("May 2025")
    expect(table.locator("tbody tr").first).to_contain_text("-13.5")
    expect(page.locator("#trend-imd_quintile")).to_contain_text("The gap is narrowing.")
    expect(page.locator("#sii-imd_quintile")).to_contain_text(
        "The slope index of inequality in May 2025 is"
    )
    expect(page.locator("#sii-imd_quintile")).to_contain_text("95% interval")
    check_accessibility(page)
