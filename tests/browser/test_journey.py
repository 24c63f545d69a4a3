"""A partner's journey through the site, and the public's, in a real browser."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, open_section
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto("/login/")
    check_accessibility(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/workspace/")


def test_partner_filters_organisations_opens_a_neighbourhood_and_logs_out(page, cast):
    log_in(page, "editor_a")
    assert page.get_by_role("heading", name="The footprint at a glance").is_visible()
    check_accessibility(page)

    open_section(page, "Overview")
    page.get_by_role("main").get_by_role("link", name="Organisations", exact=True).click()
    assert page.locator("#result-count").inner_text().startswith("6 organisations")
    check_accessibility(page)
    page.get_by_label("Kind").select_option("gp_practice")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^3 organisations"))
    assert "kind=gp_practice" in page.url  # the filter is in the address, so it can be shared
    page.get_by_label("Place").select_option("southshire")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 organisation\b"))
    assert page.locator("#organisations-table tbody tr").count() == 1
    check_accessibility(page)

    page.goto("/workspace/neighbourhoods/north-one/")
    page.wait_for_selector("#pyramid[data-chart-ready]")
    assert page.locator("#pyramid svg").count() == 1
    assert page.locator("#residents").inner_text() == "1,820"
    assert page.locator("#pyramid-table tbody tr").count() == 19
    check_accessibility(page)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("heading", name="Test Partnership")).to_be_visible()
    expect(page.get_by_text("Trust A Hospitals")).to_be_visible()
    check_accessibility(page)


@pytest.mark.public
def test_the_public_home_page_needs_no_login(page, footprint):
    page.goto("/")
    assert page.get_by_role("heading", name="Test Partnership").is_visible()
    assert page.locator(".fp-stat").first.inner_text() == "5,460"  # residents, 2025
    north = page.get_by_role("row", name="Northshire")
    assert north.get_by_role("cell").nth(1).inner_text() == "3,640"
    assert page.get_by_text("Northshire Council").is_visible()
    check_accessibility(page)
    page.goto("/workspace/")
    assert "/login/" in page.url


def upload_organisations(page, path, text: str) -> None:
    """As the programme office, upload an organisations file on the imports page."""
    log_in(page, "pmo")
    page.goto("/workspace/imports/")
    check_accessibility(page)
    path.write_text(text)
    page.get_by_label("What the file holds").select_option("organisations")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()


def test_programme_office_imports_a_file_and_watches_it_finish(page, cast, tmp_path):
    upload_organisations(
        page,
        tmp_path / "orgs.csv",
        "ODS code,Name,Kind,Neighbourhood\nA55555,Riverside Surgery,GP practice,S1\n",
    )
    page.wait_for_selector("text=Succeeded")
    expect(page.get_by_text("1 organisations added and 0 updated")).to_be_visible()
    assert page.locator("progress").get_attribute("value") == "100"
    check_accessibility(page)


def test_a_bad_file_lists_every_problem_and_saves_nothing(page, cast, tmp_path):
    upload_organisations(
        page, tmp_path / "bad.csv", "ODS code,Name,Kind\nXX,Nowhere,Acute trust\nRZ9,,Spaceport\n"
    )
    page.wait_for_selector("text=Nothing was saved")
    text = page.locator(".nhsuk-error-summary").inner_text()
    assert "bad.csv, row 2, column 'ODS code'" in text
    assert "bad.csv, row 3, column 'Kind'" in text
    assert "bad.csv, row 3, column 'Name'" in text
    check_accessibility(page)


def test_an_editor_corrects_their_organisation_with_clear_errors(page, cast):
    log_in(page, "editor_a")
    page.goto("/workspace/organisations/RA1/")
    check_accessibility(page)
    page.get_by_role("button", name="Edit organisation").click()
    page.get_by_label("Website").fill("not a web address")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("Enter the website's full address").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Website").fill("https://trust-a.example.nhs.uk")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Trust A Hospitals has been updated.")).to_be_visible()
    expect(page.get_by_text("https://trust-a.example.nhs.uk")).to_be_visible()
    page.goto("/workspace/organisations/RB1/")
    expect(page.get_by_role("heading", name="Trust B Hospitals")).to_be_visible()
    expect(page.get_by_role("button", name="Edit organisation")).to_have_count(0)
