"""The plan on a phone: wide tables scroll inside their own regions and nothing pushes the page
wider than the window, on the partners' overview, a goal page with figures by group, and the
public plan. Marked ``public`` so it runs at 390 px as well as on the desktop."""

import pytest
from playwright.sync_api import expect

from footprint.plans.services import publish_plan
from tests.browser.conftest import assert_no_sideways_scroll, check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_gap_goals import gap_goal, import_quintiles

pytestmark = [pytest.mark.browser, pytest.mark.public, pytest.mark.django_db(transaction=True)]


def test_the_plan_pages_never_scroll_sideways(page, cast, footprint, plan):
    import_quintiles(cast)
    goal = gap_goal(plan, footprint, cast)
    publish_plan(plan=plan["plan"], by=cast["pmo"])
    log_in(page, "viewer")

    page.goto("/workspace/plan/")
    expect(page.locator("#summary-matrix")).to_be_attached()
    expect(page.get_by_role("region", name=f"Goals of {plan['priority'].title}")).to_be_attached()
    assert_no_sideways_scroll(page)
    check_accessibility(page)

    page.goto(f"/workspace/plan/goals/{goal.pk}/")
    page.wait_for_selector("#spc[data-chart-ready]")
    page.wait_for_selector("#split-chart-imd_quintile[data-chart-ready]")
    page.get_by_text("The chart's figures").click()
    expect(page.locator("#series-table")).to_be_visible()
    expect(page.locator("#split-table-imd_quintile tbody tr")).to_have_count(14)
    assert_no_sideways_scroll(page)
    check_accessibility(page)

    page.goto("/our-plan/")
    expect(page.get_by_role("heading", name="Test Plan")).to_be_visible()
    assert_no_sideways_scroll(page)
    check_accessibility(page)
    # The gap goal's figures by quintile and its gap, as published, open beneath it.
    page.locator(f"#published-splits-{goal.pk} summary").click()
    page.wait_for_selector(f"#pub-split-chart-{goal.pk}-imd_quintile[data-chart-ready]")
    page.wait_for_selector(f"#pub-gap-chart-{goal.pk}[data-chart-ready]")
    expect(page.locator(f"#pub-split-table-{goal.pk}-imd_quintile tbody tr")).to_have_count(14)
    expect(page.locator(f"#pub-gap-table-{goal.pk} tbody tr")).to_have_count(14)
    assert_no_sideways_scroll(page)
    check_accessibility(page)
