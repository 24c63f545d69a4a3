"""Decisions on a phone: every table scrolls inside its own region named by its caption, and
nothing pushes the page wider than the window, on the decisions page, a proposal and the public
register. Marked ``public`` so it runs at 390 px as well as on the desktop."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_sideways_scroll, check_accessibility
from tests.browser.test_journey import log_in
from tests.integration.test_decisions import decided

pytestmark = [pytest.mark.browser, pytest.mark.public, pytest.mark.django_db(transaction=True)]


def test_the_decisions_pages_never_scroll_sideways(page, forums, cast, footprint):
    decision = decided(forums, cast, footprint, title="Frailty hub in Northshire")

    page.goto("/decisions/")
    expect(page.locator("#decision-count")).to_contain_text("1 decision")
    assert_no_sideways_scroll(page)
    check_accessibility(page)

    log_in(page, "pmo")
    page.goto("/workspace/decisions/")
    expect(page.get_by_role("region", name="Forums")).to_be_attached()
    expect(page.get_by_role("region", name="Proposals")).to_be_attached()
    assert_no_sideways_scroll(page)
    check_accessibility(page)

    page.goto(f"/workspace/decisions/proposals/{decision.proposal_id}/")
    expect(
        page.get_by_role("region", name="Responses of member organisations with statutory boards")
    ).to_be_attached()
    expect(page.get_by_role("region", name="Every change: who, when and what")).to_be_attached()
    assert_no_sideways_scroll(page)
    check_accessibility(page)


def test_a_long_unbroken_name_never_pushes_a_page_sideways(page, forums, cast, footprint):
    """Walk 8 CP4: a 199-letter name (saved before names were capped, or imported) wraps on
    the public home page, the register, the decisions page and a proposal instead of making
    the page scroll sideways; a table holding it scrolls in its own region."""
    from footprint.partnership.models import Organisation

    Organisation.objects.filter(pk=footprint["trust_a"].pk).update(name="M" * 199)
    decision = decided(forums, cast, footprint, title="Frailty hub " + "H" * 150)
    for path in ("/", "/decisions/"):
        page.goto(path)
        assert_no_sideways_scroll(page)
    log_in(page, "pmo")
    for path in (
        "/workspace/decisions/",
        f"/workspace/decisions/proposals/{decision.proposal_id}/",
        "/workspace/organisations/RA1/",
    ):
        page.goto(path)
        assert_no_sideways_scroll(page)
