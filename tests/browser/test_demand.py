"""From imported activity to a scenario with a scheme, a run, and its results."""

import pytest
from playwright.sync_api import expect

from footprint.demand import compute, services
from footprint.demand.models import Baseline
from tests.browser.conftest import assert_no_sideways_scroll, check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_demand import RECORDS, run_now, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_build_run_and_read_a_scenario(page, cast, tmp_path):
    log_in(page, "pmo")
    page.goto("/workspace/demand/import/")
    check_accessibility(page)
    records = tmp_path / "records.csv"
    records.write_text(RECORDS)
    page.get_by_label("Name").fill("Test activity")
    page.get_by_label("Base year").fill("2025")
    page.get_by_label("Record-level: one row per episode").check()
    page.locator("input[type=file]").set_input_files(str(records))
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_text("360 rows saved")).to_be_visible()

    page.goto("/workspace/demand/scenarios/new/")
    check_accessibility(page)
    page.get_by_label("Name").fill("Virtual wards plan")
    page.get_by_label("Horizon").fill("2026")
    page.get_by_label("Iterations").fill("200")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_role("heading", name="Virtual wards plan")).to_be_visible()

    page.get_by_label("Scheme from the library").select_option("virtual_ward_frailty")
    page.get_by_label("Share affected at full effect, low (%)").fill("40")
    page.get_by_label("Share affected at full effect, high (%)").fill("60")
    page.get_by_label("Start year").fill("2026")
    page.get_by_role("button", name="Add scheme").click()
    expect(page.locator("#schemes")).to_contain_text("Beyond evidence")
    check_accessibility(page)
    # virtual wards' range is checked against the elicitation (0.4-20.8 %, so 40-60 % is beyond)
    expect(page.locator("#schemes")).to_contain_text("Checked against its source")
    # the scheme's page and the growth page say whether evidence and trends were checked
    scenario_url = page.url
    page.get_by_role("link", name="Change Virtual wards").click()
    expect(page.locator("#evidence")).to_contain_text("Checked against its source")
    page.locator("#evidence summary").click()
    expect(page.locator("#evidence")).to_contain_text("Frail elderly admissions")
    check_accessibility(page)
    page.goto(scenario_url)
    page.get_by_role("link", name="Change growth").click()
    page.locator("#setting-2 > summary").click()
    expect(page.locator("#trend-ip_emergency")).to_contain_text("Checked against its source")
    page.locator("#trend-ip_emergency summary").click()
    expect(page.locator("#trend-ip_emergency")).to_contain_text("pooled P10-P90")
    check_accessibility(page)
    page.goto(scenario_url)

    page.get_by_role("button", name="Run the model").click()
    expect(page.get_by_role("heading", name="Virtual wards plan: results")).to_be_visible()
    expect(
        page.get_by_text(
            "Virtual wards and hospital at home for frail older people: beyond evidence"
        )
    ).to_be_visible()
    page.wait_for_selector("#fan[data-chart-ready]")
    page.wait_for_selector("#waterfall[data-chart-ready]")
    expect(page.locator("#overview")).to_contain_text("Emergency admissions")
    check_accessibility(page)

    # beds say which rule set them; any breakdown has its own projection and waterfall
    page.goto(page.url.split("?")[0] + "?measure=beds&by=sex&value=F&by_pod=ip_emergency")
    expect(page.locator("#beds-rule")).to_contain_text("Peak days")
    expect(page.locator("#by-table")).to_contain_text("Emergency admissions, Women")
    page.wait_for_selector("#by-waterfall[data-chart-ready]")
    check_accessibility(page)

    # the main waterfall's interval lines, and the page at a phone's width
    expect(page.locator("#steps")).to_contain_text("10th to 90th percentile")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(page.url.split("?")[0] + "?pod=ip_emergency&by=neighbourhood")
    page.wait_for_selector("#waterfall[data-chart-ready]")
    check_accessibility(page)
    page.set_viewport_size({"width": 1024, "height": 800})

    # growth by setting, each a disclosure
    page.locator(".nhsuk-breadcrumb").get_by_role("link", name="Virtual wards plan").click()
    page.locator("#change-growth").click()
    expect(page.get_by_role("heading", name="Change growth: Virtual wards plan")).to_be_visible()
    expect(page.get_by_label("Emergency admissions, low (% a year)")).to_be_hidden()
    page.get_by_text("Acute hospital: 3 points of delivery").click()
    page.get_by_label("Emergency admissions, low (% a year)").fill("1")
    check_accessibility(page)
    page.get_by_role("button", name="Save growth").click()
    expect(page.get_by_text("Saved the growth rates")).to_be_visible()


@pytest.mark.public
def test_the_run_page_never_scrolls_sideways(page, cast, client_for):
    """Marked ``public`` so it runs at a phone's 390 px too: every table of a run (the fan's,
    the horizon's, the beds' rule, the steps, a breakdown's and its side-by-side) scrolls in a
    region named by its caption, and nothing pushes the page wider than the window."""
    assert upload(client_for("pmo"), RECORDS.encode(), "records.csv").status_code == 302
    scenario = services.save_scenario(
        name="Plan",
        baseline=Baseline.objects.get(),
        parameters=compute.default_parameters(2025, 2026, iterations=100, seed=7),
        by=cast["pmo"],
    )
    run = run_now(scenario, cast["pmo"])
    log_in(page, "viewer")
    page.goto(run.get_absolute_url() + "?measure=beds&pod=ip_emergency&by=sex&by_pod=ip_emergency")
    for chart in ("fan", "waterfall", "by-waterfall"):
        page.wait_for_selector(f"#{chart}[data-chart-ready]")
    for table in ("fan-table", "overview", "beds-rule", "steps", "by-table", "by-steps", "by-all"):
        caption = page.locator(f"#{table} caption").text_content() or ""
        region = page.get_by_role("region", name=caption.strip(), exact=True)
        expect(region.locator(f"#{table}")).to_be_attached()
    assert_no_sideways_scroll(page)
    check_accessibility(page)
