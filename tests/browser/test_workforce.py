"""From a workforce import to the dashboard and the retention early warning; every workforce
page fits the window."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from footprint.partnership.models import Organisation
from footprint.workforce import importers, services
from footprint.workforce.models import RateCap, StaffGroup
from tests.browser.conftest import DESKTOP_WIDTHS, PHONE_WIDTH, check_accessibility, open_section
from tests.browser.test_journey import log_in
from tests.integration.test_workforce import HEAD, returns_csv

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


# Names as long as real ones: the by-organisation table was 1,061 px wide at 1024 px with them.
LONG_NAMES = {
    "trust_a": "Hallowdale and Wyvern Valley University Hospitals NHS Foundation Trust",
    "trust_b": "Northshire and Southshire Community and Mental Health Services NHS Trust",
}


def _every_group_csv(org: str, size: int) -> str:
    """Two years of returns for every staff group of one organisation."""
    lines = [HEAD]
    for label in StaffGroup.labels:
        for i in range(24):
            y, m = divmod(i, 12)
            lines.append(
                f'{2023 + y}-{m + 1:02d},{org},"{label}","{size:,}","{size * 0.9:,.1f}",'
                f'"{size:,}",{size // 90},{size // 100},"{size:,}","{size * 21:,}",'
                f'"{size * 3900:,}","{size * 150:,}","{size * 220:,}"\n'
            )
    return "".join(lines)


def _shifts_csv(today: dt.date) -> str:
    """A month of shifts in which one agency charges the two trusts different rates."""
    lines = ["Date,Org code,Agency,Staff group,Grade,Hours,Hourly rate,Reason\n"]
    day = today - dt.timedelta(days=3)
    for org, rate in (("RA1", "60.00"), ("RB1", "45.00")):
        for label, grade in (("Nurses and health visitors", "Band 5"), ("Doctors", "Consultant")):
            lines.append(
                f"{day},{org},Countywide Specialist Healthcare Locums Limited,{label},{grade},"
                f"12.5,{rate},Vacancy\n"
            )
    return "".join(lines)


def test_every_workforce_page_fits_the_window(
    page, cast, footprint, workforce_user, viewport_width
):
    """No workforce page scrolls sideways, at this width and (from the narrower desktop run)
    on a phone: wide tables scroll inside their own region instead."""
    for key, name in LONG_NAMES.items():
        Organisation.objects.filter(pk=footprint[key].pk).update(name=name)
    today = timezone.localdate()
    for org, size in (("RA1", 12_345), ("RB1", 9_876)):
        services.import_returns(
            rows=importers.parse_returns(_every_group_csv(org, size), "wf.csv", today=today),
            filename="wf.csv",
            by=cast["pmo"],
        )
    services.import_shifts(
        rows=importers.parse_shifts(_shifts_csv(today), "s.csv", today=today),
        filename="s.csv",
        by=cast["pmo"],
    )
    RateCap.objects.create(staff_group="nurses", grade="Band 5", cap_pence=4500)
    RateCap.objects.create(
        organisation=footprint["trust_b"], staff_group="doctors", grade="Consultant", cap_pence=9000
    )
    pages = {
        "/workspace/workforce/": "#wte-trend[data-chart-ready]",
        "/workspace/workforce/retention/": "#retention",
        "/workspace/workforce/retention/RA1/scientific/": "#spc[data-chart-ready]",
        "/workspace/workforce/agency/": "#escalations",
        "/workspace/workforce/supply/?staff_group=doctors&need=11000,11500,12000"
        "&training_places=20&completion=80": "#supply",
        "/workspace/workforce/import/": "form",
    }
    log_in(page, "workforce_a")
    widths = [viewport_width] + ([PHONE_WIDTH] if viewport_width == min(DESKTOP_WIDTHS) else [])
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        for path, ready in pages.items():
            page.goto(path)
            page.wait_for_selector(ready)
            scroll, window = page.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll <= window, f"{path} is {scroll} px wide in a {window} px window"
            check_accessibility(page)
