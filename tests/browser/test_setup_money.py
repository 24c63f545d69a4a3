"""The programme office sets up the money and the workforce from the set-up checklist: adds a
contract between the ICB and a trust, and changes a rate on the agency rate card, without the
admin site."""

import pytest
from playwright.sync_api import expect

from footprint.finance.models import Contract, ContractKind
from footprint.workforce import services as workforce
from footprint.workforce.models import RateCap
from tests.browser.conftest import check_accessibility
from tests.browser.test_finance import assert_fits
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_programme_office_adds_a_contract_and_changes_the_rate_card(page, cast, footprint, icb):
    workforce.save_rate_cap(
        cap=RateCap(staff_group="nurses", grade="Band 5", cap_pence=45_00), by=cast["pmo"]
    )
    log_in(page, "pmo")
    page.goto("/workspace/set-up/")
    check_accessibility(page)

    # Contracts: from the checklist's step, an empty list, then the form.
    page.get_by_role("link", name="Contracts", exact=True).click()
    expect(page.get_by_text("No contract is recorded yet")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Add a contract").click()
    check_accessibility(page)
    page.get_by_label("Commissioner").select_option(label="Test ICB (QA1)")
    page.get_by_label("Provider").select_option(label="Trust A Hospitals (RA1)")
    page.get_by_label("Point of delivery").select_option(label="Elective ordinary admissions")
    page.get_by_label("How it is paid").select_option(label="Block: a fixed sum")
    page.get_by_label("Price per unit (£)").fill("4500")
    page.get_by_label("Units in the block").fill("0")
    page.get_by_role("button", name="Save the contract").click()
    # A block without its units is refused, naming the field; nothing is saved.
    expect(page.get_by_text("A block contract needs the number of units").first).to_be_visible()
    check_accessibility(page)
    assert not Contract.objects.exists()
    page.get_by_label("Units in the block").fill("1200")
    page.get_by_role("button", name="Save the contract").click()
    expect(page.locator("#contracts")).to_contain_text("Block of 1,200 units")
    expect(page.locator("#contracts")).to_contain_text("£4,500.00")
    check_accessibility(page)
    contract = Contract.objects.get()
    assert (contract.kind, contract.price_pence) == (ContractKind.BLOCK, 4_500_00)

    # The agency rate card: from the checklist, change the nurses' Band 5 cap.
    page.goto("/workspace/set-up/")
    page.get_by_role("link", name="The agency rate card").click()
    expect(page.locator("#rate-card")).to_contain_text("£45.00")
    check_accessibility(page)
    page.locator("#rate-card").get_by_role("link", name="Change").click()
    check_accessibility(page)
    page.get_by_label("Most per hour (£)").fill("47.50")
    page.get_by_role("button", name="Save the cap").click()
    expect(page.get_by_text("£47.50 an hour")).to_be_visible()
    expect(page.locator("#rate-card")).to_contain_text("£47.50")
    check_accessibility(page)
    assert RateCap.objects.get().cap_pence == 47_50
    page.locator("#rate-card").get_by_role("link", name="Change").click()
    expect(page.locator("#history")).to_contain_text("most per hour from £45.00 to £47.50")
    check_accessibility(page)

    # Each page fits the window, its tables whole.
    for path in (
        "/workspace/finance/contracts/",
        f"/workspace/finance/contracts/{contract.pk}/edit/",
        "/workspace/workforce/rate-card/",
        "/workspace/workforce/rate-card/new/",
    ):
        assert_fits(page, path)
