"""A member of the public walks every public section from the header, at every width."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, open_section

pytestmark = [pytest.mark.browser, pytest.mark.public, pytest.mark.django_db(transaction=True)]

PUBLIC_SECTIONS = [
    ("Our plan", "/our-plan/"),
    ("Decisions", "/decisions/"),
    ("Money", "/finance/"),
    ("Have your say", "/consultations/"),
    ("Home", "/"),
]


def test_every_public_section_is_reached_from_the_header(page, footprint, plan):
    page.goto("/")
    expect(page.get_by_role("heading", name="Test Partnership")).to_be_visible()
    check_accessibility(page)
    for name, path in PUBLIC_SECTIONS:
        open_section(page, name)
        page.wait_for_url(f"**{path}")
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(page)


def test_the_workspace_sections_are_not_offered_to_the_public(page, footprint):
    page.goto("/")
    nav = page.locator(".nhsuk-header__navigation")
    for name in ("Overview", "Numbers", "Engagement"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_count(0)


def test_the_open_data_api_docs_draw_under_the_sites_security_policy(page, db):
    # Swagger UI is Django Ninja's page, not one of ours: it is checked for drawing, not by axe.
    page.goto("/")
    page.get_by_role("link", name="Open data API").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Footprint API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
