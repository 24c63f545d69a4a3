"""Resetting a forgotten password: a link by email that works once, for a day.

Anyone may ask for a link for an email address; the answer is the same whether or not an
account has that address, so the page tells nobody who has an account. Asking is rate-limited
by the client's address, by the address asked about and by the account, counted in the database
(``footprint.core.ratelimit``), so the form cannot be used to flood someone's inbox. The link
carries Django's password-reset token, which stops working after ``PASSWORD_RESET_TIMEOUT``
(one day), once the password is changed, or once the person signs in again. Setting a new
password through it ends a log-in lockout (django-axes) for that account: following the link
proves the person holds the mailbox, which is what the lockout asks the programme office to
check. The programme office can send a person the link from their page (audited, by the
partnership service that checks who may); those links count against the same limit per
account as the ones asked for here, and against a limit per sender (``office_may_send``), so a
slip or a stolen programme-office session cannot flood anyone's inbox either.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from footprint.core import audit, ratelimit
from footprint.core.models import ApiToken

HOUR = 3600
# Asks from one client address, links to one email address and to one account, an hour.
MOST_FROM_CLIENT = 10
MOST_TO_ADDRESS = 3
MOST_TO_ACCOUNT = 3
# Links one person in the programme office sends from people's pages, an hour.
MOST_FROM_SENDER = 10


class AuditAction(StrEnum):
    ASK_PASSWORD_RESET = "ask_password_reset"
    SEND_PASSWORD_RESET = "send_password_reset"
    RESET_PASSWORD = "reset_password"


def link_days() -> int:
    """How many days a link works (``PASSWORD_RESET_TIMEOUT``, rounded down, at least 1)."""
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400)


def may_reset(user: Any) -> bool:
    """Whether ``user`` can be sent a link: an active account with a password and an email
    address (someone invited who never chose a password uses their invitation instead)."""
    return bool(user.is_active and user.email and user.has_usable_password())


def link_for(user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.FOOTPRINT_SITE_URL + reverse("core:password_reset_confirm", args=[uid, token])


def send_link(user: Any, *, sent_by: str = "") -> None:
    """Email ``user`` a link to choose a new password. The token is in the email and nowhere
    else (not the audit trail nor the logs). A failure to send is a ``ValidationError``."""
    days = link_days()
    asked = (
        f"{sent_by} has asked for this link to be sent to you."
        if sent_by
        else "Someone, we hope you, asked to reset the password of your Footprint account."
    )
    body = (
        f"Dear {user.first_name or user.email},\n\n{asked}\n\n"
        f"Follow this link to choose a new password. It works once, for "
        f"{days} day{'s' if days != 1 else ''}:\n\n{link_for(user)}\n\n"
        f"Sign in afterwards with your email address or username, {user.get_username()}.\n\n"
        "If you did not ask for this, you can ignore this email: your password stays as it is.\n"
    )
    try:
        send_mail("Reset your Footprint password", body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (OSError, smtplib.SMTPException) as exc:
        raise ValidationError(
            f"The email to {user.email} could not be sent ({exc.__class__.__name__}). Try again "
            "later, or ask whoever runs Footprint to check its email settings."
        ) from exc


def _account_allows(user: Any, *, now: dt.datetime | None = None) -> bool:
    """Count one more link to ``user``'s account, however it was asked for; whether it is
    within the hour's ``MOST_TO_ACCOUNT``."""
    return ratelimit.allow(
        "password-reset:account", str(user.pk), most=MOST_TO_ACCOUNT, seconds=HOUR, now=now
    )


def office_may_send(user: Any, *, sender: Any, now: dt.datetime) -> None:
    """Count one more link the programme office's ``sender`` sends ``user`` from their page,
    against ``MOST_FROM_SENDER`` an hour per sender and the account's ``MOST_TO_ACCOUNT`` (shared
    with the links asked for on the log-in page). A ``ValidationError`` saying when to try
    again when either is used up."""
    until = timezone.localtime(ratelimit.window_start(now, HOUR) + dt.timedelta(seconds=HOUR))
    again = f"try again after {until:%H:%M}"
    if not ratelimit.allow(
        "password-reset:sender", str(sender.pk), most=MOST_FROM_SENDER, seconds=HOUR, now=now
    ):
        raise ValidationError(
            f"No link was sent: you have sent {MOST_FROM_SENDER} password reset links this "
            f"hour, the most one person may send; {again}."
        )
    if not _account_allows(user, now=now):
        raise ValidationError(
            f"No link was sent: {user.get_full_name() or user.email} has already been sent "
            f"{MOST_TO_ACCOUNT} password reset links this hour, the most one account may be "
            f"sent; {again}."
        )


def _key(text: str) -> str:
    return salted_hmac("footprint.core.passwords", text.strip().lower()).hexdigest()[:32]


def ask_for_link(email: str, *, client: str) -> bool:
    """Someone at ``client`` (``ratelimit.who``) asks for a link for ``email``. Sends one to each
    account with that address that may reset, within the limits; says False only when
    ``client`` has asked too often (which reveals nothing about any account). A limit on the
    address or the account is passed over silently: the page must look the same."""
    if not ratelimit.allow("password-reset:client", client, most=MOST_FROM_CLIENT, seconds=HOUR):
        return False
    email = email.strip()
    if not ratelimit.allow(
        "password-reset:address", _key(email), most=MOST_TO_ADDRESS, seconds=HOUR
    ):
        return True
    for user in get_user_model()._default_manager.filter(email__iexact=email):
        if not may_reset(user):
            continue
        if not _account_allows(user):
            continue
        try:
            send_link(user)
        except ValidationError:
            continue  # the page says the same: the audit trail records no link sent
        audit.record(
            actor=None,
            action=AuditAction.ASK_PASSWORD_RESET,
            summary=f"A password reset link was sent to {user.get_username()} at their request",
            person=user.pk,
        )
    return True


def reset_done(user: Any) -> None:
    """After ``user`` chose a new password through a link: end any log-in lockout of theirs,
    revoke their API tokens (a reset follows a lost or stolen password, and a token made by
    whoever had it would outlive the old sessions, which Django ends) and record it."""
    from axes.utils import reset as axes_reset

    axes_reset(username=user.get_username())
    with transaction.atomic():
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        tokens = f"; {revoked} API token{'s' if revoked != 1 else ''} revoked" if revoked else ""
        audit.record(
            actor=user,
            action=AuditAction.RESET_PASSWORD,
            summary=f"{user.get_username()} chose a new password through a reset link{tokens}",
            person=user.pk,
        )
