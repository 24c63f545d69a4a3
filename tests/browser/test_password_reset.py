"""Someone who has forgotten their password asks for a link on the log-in page, follows it and
chooses a new one; each page passes axe (at the widths the browser tests run at)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.public, pytest.mark.django_db(transaction=True)]

NEW = "a-brand-new-Passphrase-42"


def test_a_partner_resets_a_forgotten_password_by_email(page, cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    viewer = cast["viewer"]
    viewer.email = "viewer@example.nhs.uk"
    viewer.save()
    page.goto("/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_accessibility(page)
    page.get_by_role("button", name="Email me a link").click()  # nothing typed
    page.locator(".nhsuk-error-summary").wait_for()
    assert "Enter your email address" in page.locator(".nhsuk-error-summary").inner_text()
    check_accessibility(page)
    page.get_by_label("Email address").fill("viewer@example.nhs.uk")
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_url("**/password-reset/sent/")
    assert page.get_by_role("heading", name="Check your email").is_visible()
    check_accessibility(page)
    (path,) = re.findall(r"https?://[^/\s]+(/password-reset/[^\s]+/)", mail.outbox[-1].body)
    page.goto(path)
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    check_accessibility(page)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Set my new password").click()
    page.wait_for_url("**/password-reset/done/")
    assert page.get_by_role("heading", name="Your password has been changed").is_visible()
    check_accessibility(page)
    page.goto(path)
    assert page.get_by_role("heading", name="This link does not work").is_visible()
    check_accessibility(page)
