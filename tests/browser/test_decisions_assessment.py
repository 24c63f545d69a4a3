"""A proposal's sponsor completes its equality and health inequalities impact assessment, which
the partnership's threshold asks for before the forum decides."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from footprint.decisions import services
from footprint.decisions.models import ASSESSED_GROUPS
from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sponsor_completes_the_impact_assessment(page, forums, cast):
    services.set_assessment_threshold(threshold_pence=100_000_00, by=cast["pmo"])
    proposal = services.create_proposal(
        title="Falls service for Northshire",
        summary="Falls prevention classes and home checks.",
        options="Do nothing\nStart the service",
        recommended_option="Start the service",
        decision_type=forums["investment"],
        value_pence=250_000_00,
        brought_to=forums["alliance"],
        by=cast["editor_a"],
        at=dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC),
    )
    log_in(page, "editor_a")
    page.goto(proposal.get_absolute_url())
    expect(page.locator("#assessment-needed")).to_contain_text(
        "more than the partnership's threshold of £100,000"
    )
    check_accessibility(page)
    page.get_by_role("link", name="Complete the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Equality and health inequalities impact assessment"
    )
    check_accessibility(page)
    for _key, name in ASSESSED_GROUPS:
        page.get_by_label(f"{name}: the impact").select_option("neutral")
    page.get_by_label("Age: the impact").select_option("positive")
    page.get_by_label("Age: who is affected, and how (needed if the impact is not known yet)").fill(
        "Over-65s fall less"
    )
    page.get_by_label("Disability: the impact").select_option("negative")
    page.get_by_label("PLUS group 1 (optional)").fill("Unpaid carers")
    page.get_by_label("PLUS group 1: the impact").select_option("positive")
    page.get_by_role("button", name="Complete the assessment").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Give the evidence the assessment rests on")
    expect(summary).to_contain_text("say how it will be mitigated")
    check_accessibility(page)
    page.get_by_label("Evidence").fill("Falls admissions by age and area, 2023 to 2025")
    page.get_by_label("Mitigations (needed for any negative impact)").fill(
        "Classes held in step-free halls; home checks for people who cannot travel"
    )
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("The impact assessment has been completed.")).to_be_visible()
    section = page.locator("#assessment")
    expect(section).to_contain_text(
        "11 groups assessed: 2 positive, 1 negative, 8 neutral, 0 not known yet"
    )
    expect(section.get_by_role("row", name="PLUS: Unpaid carers")).to_contain_text("Positive")
    expect(section).to_contain_text("Classes held in step-free halls")
    expect(page.get_by_role("link", name="Revise the assessment")).to_be_visible()
    check_accessibility(page)
