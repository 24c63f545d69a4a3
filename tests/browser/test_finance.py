"""A finance lead downloads the plan template, fills it in, uploads it, and the system
waterfall changes."""

import pytest
from django.utils import timezone
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
    year = current_year(timezone.localdate())
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
    # A background job checks and saves the workbook; its page follows it to the end (the
    # tests' tasks run at once, in process; a worker's would be polled every second).
    expect(page.get_by_role("heading", name="plan.xlsx")).to_be_visible()
    job = page.locator("[id^=job-]").first
    expect(job).to_contain_text("Succeeded", timeout=30_000)
    expect(job).to_contain_text(f"Saved Trust A Hospitals's plans for {label}")
    check_accessibility(page)

    # From the job back to the system position, then to Trust A's own page.
    page.get_by_role("link", name="Back to uploading a plan").click()
    page.get_by_role("link", name="System finance").click()
    page.wait_for_selector("#system-waterfall[data-chart-ready]")
    expect(page.locator("#system-control-total")).to_have_text("−£5.0m")
    expect(page.locator("#system-position")).to_have_text("−£3.0m")
    spec = page.locator("#system-waterfall-spec").text_content()
    assert '"Trust A Hospitals plan"' in spec and '"Trust B Hospitals plan"' in spec
    assert '"RA1 plan"' not in spec
    expect(page.locator("#positions")).to_contain_text("Trust A Hospitals")
    check_accessibility(page)

    page.locator("#positions").get_by_role("link", name="Trust A Hospitals").click()
    page.wait_for_selector("#organisation-waterfall[data-chart-ready]")
    # Income £110m, spend £119m: a £9m deficit against a £5m control total.
    expect(page.locator("#plan-lines")).to_contain_text("−£9,000,000")
    check_accessibility(page)


# No finance page is wider than the window: tables fit (short headings that wrap, the less
# needed columns left out in a narrow window) and scroll inside their own region only where
# nothing else will do, never the whole page.
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def assert_fits(page, path: str) -> None:
    page.goto(path)
    if page.locator("[data-chart]").count():
        page.wait_for_selector("[data-chart][data-chart-ready]")
    scroll, window = page.evaluate(WIDTH)
    assert scroll <= window, f"{path} is {scroll} px wide in a {window} px window"
    if window >= 1024:  # on a desktop no column hides behind a scroll inside its table
        hidden = page.evaluate(REGIONS)
        assert not hidden, f"{path}: {hidden} scroll sideways in a {window} px window"


REGIONS = """() => [...document.querySelectorAll('.fp-table-scroll')]
    .filter((r) => r.scrollWidth > r.clientWidth)
    .map((r) => r.querySelector('table').id)"""


def wide_finances(cast, footprint, icb) -> int:
    """Plans for two years with long names and hundreds of millions, a risk share and a
    contract, the current year published: as wide as the demo's tables get."""
    from decimal import Decimal

    from footprint.finance.models import Contract, ContractKind, RiskShareAgreement

    year = current_year(timezone.localdate())
    trust = footprint["trust_a"]
    trust.name = "Hallowdale Hospital NHS Foundation Trust"
    trust.save()
    for y in (2025, year):
        services.save_plan(
            organisation=trust,
            figures=figures(y, icb=480, pay=350, non_pay=160, ct=-12),
            by=cast["pmo"],
        )
        services.save_plan(
            organisation=footprint["trust_b"],
            figures=figures(y, icb=300, pay=200, non_pay=104, ct=0),
            by=cast["pmo"],
        )
    services.save_agreement(
        agreement=RiskShareAgreement(
            name="System risk share",
            first_year=2025,
            last_year=year + 1,
            contribution_rate=Decimal(50),
            contribution_cap_rate=Decimal(1),
            repayable=True,
            agreed_on="2025-03-01",
        ),
        members=[footprint["trust_a"], footprint["trust_b"]],
        by=cast["pmo"],
    )
    Contract.objects.create(
        commissioner=icb,
        provider=footprint["trust_a"],
        service="ip_elective",
        kind=ContractKind.ACTIVITY,
        price_pence=4_000_00,
    )
    services.publish_year(year=year, by=cast["pmo"])
    return year


@pytest.mark.public
def test_the_public_money_page_fits_the_window(page, cast, footprint, icb, viewport_width):
    """At a phone's 390 px and at desktop widths, with its chart's title, legend and names
    inside the chart."""
    wide_finances(cast, footprint, icb)
    assert_fits(page, "/finance/")
    chart = page.locator("#public-waterfall").bounding_box()
    svg = page.locator("#public-waterfall svg").bounding_box()
    assert svg["x"] >= chart["x"] - 1 and svg["x"] + svg["width"] <= chart["x"] + chart["width"] + 1
    texts = page.locator("#public-waterfall svg text").all_text_contents()
    assert not [t for t in texts if "…" in t], texts
    # The steps' names leave the bars most of the width: wrapped at 36 characters they took
    # 200 of a phone's 358 px and pushed the legend off the side (walk FI1).
    name = page.locator("#public-waterfall svg text", has_text="System control total").first
    names = name.bounding_box()
    assert names["x"] + names["width"] - svg["x"] <= 0.4 * svg["width"], names
    # The legend's labels are whole and inside the chart ("Raises the position (better" was cut).
    for label in ("Raises the position (better)", "Lowers the position (worse)"):
        box = page.locator("#public-waterfall svg text", has_text=label).first.bounding_box()
        assert box["x"] + box["width"] <= svg["x"] + svg["width"] + 1, label
    check_accessibility(page)


@pytest.mark.public  # so at a phone's 390 px too: the walk found its tables ran off the side
def test_every_partner_finance_page_fits_the_window(page, cast, footprint, icb):
    year = wide_finances(cast, footprint, icb)
    log_in(page, "pmo")
    for path in (
        "/workspace/finance/",
        f"/workspace/finance/?year={year}",
        "/workspace/finance/?year=2025",
        "/workspace/finance/RA1/",
        "/workspace/finance/RB1/",
        "/workspace/finance/upload/",
        "/workspace/finance/risk-share/",
        "/workspace/finance/risk-share/new/",
        "/workspace/finance/contracts/",
        "/workspace/finance/contracts/new/",
        "/workspace/finance/scenario/",
        "/workspace/finance/scenario/?provider=RA1&service=ip_elective&units=1000"
        f"&to_provider=RB1&to_service=&move_year={year}",
        "/finance/",
    ):
        assert_fits(page, path)
