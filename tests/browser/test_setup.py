"""Setting up in a real browser: the programme office adds a place and invites a person, who
follows the link in the email they were sent, chooses a password and is signed in."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from playwright.sync_api import expect

from footprint.partnership.models import Membership, Place
from tests.browser.conftest import check_accessibility, open_section
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def test_the_programme_office_adds_a_place_and_invites_someone_who_signs_in(page, cast):
    mail.outbox = []
    log_in(page, "pmo")
    open_section(page, "Overview")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Set up the partnership").click()
    expect(page.get_by_role("heading", name="Set up the partnership", level=1)).to_be_visible()
    expect(page.locator("#step-2")).to_contain_text("2 places; 3 neighbourhoods")
    check_accessibility(page)

    # A place, with the code its population files use.
    page.locator("#step-2").get_by_role("link", name="Places and neighbourhoods").click()
    check_accessibility(page)
    main.get_by_role("link", name="Add a place").click()
    check_accessibility(page)
    page.get_by_label("Name").fill("Westshire")
    page.get_by_label("ONS code").fill("e10000777")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Westshire has been added.")).to_be_visible()
    expect(page.locator("#places-table")).to_contain_text("E10000777")
    check_accessibility(page)
    assert Place.objects.get(code="E10000777").slug == "westshire"

    # A person, invited by email.
    open_section(page, "Overview")
    main.get_by_role("link", name="People", exact=True).click()
    check_accessibility(page)
    main.get_by_role("link", name="Invite someone").click()
    check_accessibility(page)
    page.get_by_label("Email address").fill("nia.obi@example.nhs.uk")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Obi")
    page.get_by_label("Organisation").select_option(label="Trust B Hospitals (RB1)")
    page.get_by_label("Role").select_option("finance")
    page.get_by_role("button", name="Send the invitation").click()
    expect(
        page.get_by_text("An invitation has been sent to nia.obi@example.nhs.uk")
    ).to_be_visible()
    expect(page.locator("#account-status")).to_have_text("Invited: has not set a password yet")
    check_accessibility(page)

    # The invited person opens the link in their email.
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)
    page.get_by_role("button", name="Log out").click()
    page.goto(urlparse(link).path)
    assert urlparse(page.url).path == "/invitation/"  # the token is not left in the address
    expect(page.get_by_text("You have been invited as Finance, Trust B Hospitals")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password and sign in").click()
    page.wait_for_url("**/workspace/")
    expect(page.get_by_text("Welcome, Nia.")).to_be_visible()
    check_accessibility(page)
    membership = Membership.objects.get(user__email="nia.obi@example.nhs.uk")
    assert membership.organisation.ods_code == "RB1" and membership.user.last_login is not None

    # Next time she signs in with her email address.
    page.get_by_role("button", name="Log out").click()
    page.goto("/login/")
    page.get_by_label("Username").fill("nia.obi@example.nhs.uk")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/workspace/")
    expect(page.get_by_role("heading", name="The footprint at a glance")).to_be_visible()


def test_a_partner_reads_what_each_role_may_do(page, cast):
    log_in(page, "viewer")
    open_section(page, "Overview")
    page.get_by_role("main").get_by_role("link", name="What each role may do").click()
    table = page.locator("#roles-table")
    row = table.locator('tr[data-permission="partnership.change_organisation"]')
    expect(row).to_contain_text("Their own organisation's")
    check_accessibility(page)
    # The wide table scrolls in its own region; the page itself is no wider than the window.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_every_set_up_and_people_page_passes_axe(page, cast):
    """The pages the crawl of every page reaches as the programme office, each checked here."""
    log_in(page, "pmo")
    for path in (
        "/workspace/set-up/",
        "/workspace/set-up/partnership/",
        "/workspace/places/",
        "/workspace/neighbourhoods/new/",
        "/workspace/neighbourhoods/north-one/edit/",
        "/workspace/places/northshire/edit/",
        "/workspace/people/",
        "/workspace/people/invite/?organisation=RA1",
        f"/workspace/people/{cast['editor_a'].pk}/",
        "/workspace/organisations/RA1/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        check_accessibility(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
