"""A proposal from draft, through consent by each board, to the public register."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from footprint.decisions.models import Proposal
from tests.browser.conftest import check_accessibility, open_section
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_draft_to_consent_to_decision_to_the_public_register(page, forums, cast):
    log_in(page, "pmo")
    page.goto("/workspace/decisions/proposals/new/")
    check_accessibility(page)
    page.get_by_label("Title").fill("Frailty hub in Northshire")
    page.get_by_label("Summary").fill("A hub where frail older people are seen in one visit.")
    page.get_by_label("Options").fill("Do nothing\nOpen the hub")
    page.get_by_label("Recommended option").fill("Open a hub")  # not one of the options
    page.get_by_label("Decision type").select_option(label="Investment")
    page.get_by_label("Forum you are bringing it to").select_option(label="Northshire Alliance")
    page.get_by_label("Money at stake (£)").fill("250000")
    page.get_by_label("Money in and out per organisation (optional)").fill(
        "RA1, -250000\nLA001, 250000"
    )
    page.get_by_role("button", name="Save proposal").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The recommended option, “Open a hub”, is not one of the options: “Do nothing”; "
        "“Open the hub”."
    )
    check_accessibility(page)
    page.get_by_label("Recommended option").fill("Open the hub")
    page.get_by_role("button", name="Save proposal").click()
    expect(page.locator("#routing")).to_contain_text(
        "Northshire Alliance may decide it: £250,000 is within its limit of £1,000,000."
    )
    expect(page.get_by_role("cell", name="−£250,000")).to_be_visible()
    expect(page.get_by_role("cell", name="+£250,000")).to_be_visible()
    check_accessibility(page)
    # Brought, as far as the forum is concerned, before its meeting of 1 March 2025: a
    # decision is never recorded at a meeting before its proposal existed.
    Proposal.objects.filter(title="Frailty hub in Northshire").update(
        created_at=dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC)
    )
    page.get_by_role("button", name="Ask each board for consent").click()
    expect(page.get_by_text("Consent asked for")).to_be_visible()
    proposal_url = page.url
    log_out(page)

    for user, org in (
        ("editor_a", "Trust A Hospitals (RA1)"),
        ("viewer", "Northshire Council (LA001)"),
    ):
        log_in(page, user)
        page.goto(proposal_url)
        page.get_by_label("On behalf of").select_option(label=org)
        page.get_by_label("Consent", exact=True).check()
        page.get_by_label("Our board has ratified this response").check()
        page.get_by_role("button", name="Record response").click()
        expect(page.get_by_text("Your organisation's response has been recorded.")).to_be_visible()
        check_accessibility(page)
        log_out(page)

    log_in(page, "pmo")
    page.goto(proposal_url)
    expect(page.locator("#rule")).to_have_text(
        "Consent without objection: 2 consent, 0 abstain, none object."
    )
    expect(page.get_by_label("Deferred")).to_be_visible()  # a deferral is an outcome too
    page.get_by_label("Approved").check()
    page.get_by_label("Option decided").select_option("Open the hub")
    page.get_by_label("Rationale").fill("Both boards consented; within the alliance's limit.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("The decision has been recorded.")).to_be_visible()
    log_out(page)

    open_section(page, "Decisions")
    card = page.locator(".nhsuk-card").filter(has_text="Frailty hub in Northshire")
    expect(card).to_contain_text("Approved")
    expect(card).to_contain_text("Both boards consented")
    check_accessibility(page)
