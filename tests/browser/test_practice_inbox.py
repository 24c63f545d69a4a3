"""A practice manager signs in, finds the practice's inbox from the workspace, opens a message
with a poster attached, downloads the poster and acknowledges the message for the practice;
the sender then sees it acknowledged by name. Axe on every page."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from footprint.engagement import services
from footprint.engagement.models import Message
from footprint.partnership.models import Membership, Organisation, Role
from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POSTER = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_a_practice_manager_acknowledges_a_message_with_a_poster(
    page, cast, footprint, django_user_model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = Organisation.objects.get(ods_code="A00000")
    manager = make_user(django_user_model, "practice.manager", last_name="Brennan")
    Membership.objects.create(user=manager, organisation=practice, role=Role.VIEWER)
    message = Message(
        title="Urgent care: where to send minor injuries",
        body="From Monday the minor injuries unit moves to Elvermere.\n\nPut up the poster.",
        audience="all_practices",
    )
    services.send_message_with_attachments(
        message=message,
        files=[SimpleUploadedFile("Minor injuries poster.pdf", POSTER)],
        by=cast["pmo"],
    )

    log_in(page, "practice.manager")
    check_accessibility(page)
    page.get_by_role("main").get_by_role("link", name="Messages to your organisation").click()
    expect(page.get_by_role("heading", name="Messages to your organisation")).to_be_visible()
    expect(page.locator("#inbox-count")).to_contain_text("1 message, 1 not yet acknowledged")
    check_accessibility(page)

    page.get_by_role("link", name="Urgent care: where to send minor injuries").click()
    expect(page.get_by_text("Put up the poster.")).to_be_visible()
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Minor injuries poster.pdf").click()
    assert download.value.suggested_filename == "Minor injuries poster.pdf"
    assert Path(download.value.path()).read_bytes() == POSTER

    page.get_by_role("button", name="Acknowledge for Practice 0").click()
    expect(page.locator("#acknowledged")).to_contain_text("Acknowledged for Practice 0 on")
    expect(page.locator("#acknowledged")).to_contain_text("by Practice.Manager Brennan")
    check_accessibility(page)
    recipient = message.recipients.get(organisation=practice)
    assert recipient.acknowledged_by == manager

    page.goto("/workspace/inbox/")
    expect(page.locator("#inbox-count")).to_contain_text("1 message, 0 not yet acknowledged")
    expect(page.locator("#inbox")).to_contain_text("Practice.Manager Brennan")
    check_accessibility(page)

    # The programme office sees it acknowledged.
    page.context.clear_cookies()
    log_in(page, "pmo")
    page.goto(f"/workspace/messages/{message.pk}/")
    expect(page.locator("#reach")).to_contain_text("1 have acknowledged it")
    expect(page.locator("#attachments")).to_contain_text("Minor injuries poster.pdf")
    check_accessibility(page)

    # And sends the next one with a letter attached, from the message-writing page.
    page.goto("/workspace/messages/new/")
    check_accessibility(page)
    page.get_by_label("Title").fill("Flu clinics for practice staff")
    page.get_by_label("Body").fill("The letter has the dates.")
    page.get_by_label("Every GP practice", exact=True).check()
    page.locator("input[type=file][name=attachments]").set_input_files(
        [{"name": "Flu letter.pdf", "mimeType": "application/pdf", "buffer": POSTER}]
    )
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_text("Sent to 3 organisations with 1 attached file.")).to_be_visible()
    expect(page.locator("#attachments")).to_contain_text("Flu letter.pdf")
    check_accessibility(page)
    sent = Message.objects.get(title="Flu clinics for practice staff")
    assert [a.name for a in sent.attachments.all()] == ["Flu letter.pdf"]
