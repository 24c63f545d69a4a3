"""Writes in engagement: taking part, moderation, responses, publication and the deletion of
personal details after a consultation's retention date. Each is one transaction; the
programme office's actions are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from footprint.core import audit
from footprint.engagement import queries
from footprint.engagement.models import (
    Answer,
    Consultation,
    Message,
    MessageAudience,
    Moderation,
    Participant,
    Question,
    Recipient,
    Statement,
    Vote,
)
from footprint.partnership.models import Organisation, OrganisationKind, Place
from footprint.partnership.rules import is_editor_of


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    ACKNOWLEDGE_MESSAGE = "acknowledge_message"
    ADD_STATEMENT = "add_statement"
    ADOPT_MESSAGE = "adopt_message"
    DELETE_PERSONAL_DETAILS = "delete_personal_details"
    MODERATE_ANSWER = "moderate_answer"
    MODERATE_STATEMENT = "moderate_statement"
    PUBLISH_CONSULTATION_REPORT = "publish_consultation_report"
    SAVE_CONSULTATION = "save_consultation"
    SAVE_CONSULTATION_RESPONSE = "save_consultation_response"
    SEND_FRESH_MESSAGE_LINK = "send_fresh_message_link"
    SEND_MESSAGE = "send_message"


def key_digest(key: str) -> str:
    """What is stored of a participant's key: its SHA-256, so the database cannot be used to
    impersonate anyone."""
    return hashlib.sha256(key.encode()).hexdigest()


def participant_for(consultation: Consultation, key: str) -> Participant:
    """The participant with this browser key, created on first use."""
    participant, _ = Participant.objects.get_or_create(
        consultation=consultation, key=key_digest(key)
    )
    return participant


def _require_open(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise ValidationError("This consultation is not open for views.")


def vote(*, participant: Participant, statement: Statement, value: int) -> Vote:
    """Record (or change) a participant's vote on an approved statement."""
    _require_open(participant.consultation)
    if (
        statement.consultation_id != participant.consultation_id
        or statement.status != Moderation.APPROVED
    ):
        raise ValidationError("There is no such statement to vote on.")
    if value not in (Vote.Value.AGREE, Vote.Value.DISAGREE, Vote.Value.PASS):
        raise ValidationError("Agree, disagree or pass.")
    saved, _ = Vote.objects.update_or_create(
        participant=participant, statement=statement, defaults={"value": value}
    )
    return saved


def add_statement(*, participant: Participant, text: str) -> Statement:
    """A participant's own statement: it waits for moderation before anyone sees it."""
    _require_open(participant.consultation)
    text = " ".join(text.split())
    if not 5 <= len(text) <= 280:
        raise ValidationError("A statement is between 5 and 280 characters.")
    return Statement.objects.create(
        consultation=participant.consultation, participant=participant, text=text
    )


def answer(*, participant: Participant, question: Question, text: str) -> Answer | None:
    """Save a free-text answer (waits for moderation); an empty one changes nothing."""
    _require_open(participant.consultation)
    text = text.strip()
    if not text:
        return None
    return Answer.objects.create(participant=participant, question=question, text=text[:2000])


def describe_yourself(*, participant: Participant, age_band: str, place: Place | None) -> None:
    participant.age_band = age_band
    participant.place = place
    participant.save(update_fields=["age_band", "place"])


def moderate(*, item: Statement | Answer, approve: bool, reason: str, by: Any) -> None:
    """Approve a statement or answer, or hide it with a reason."""
    if not by.has_perm("engagement.manage_engagement"):
        raise PermissionDenied("Only the programme office moderates.")
    if not approve and not reason.strip():
        raise ValidationError("Give a reason for hiding it.")
    with transaction.atomic():
        item.status = Moderation.APPROVED if approve else Moderation.HIDDEN
        item.reason = "" if approve else reason.strip()
        item.moderated_by = by
        item.moderated_at = timezone.now()
        item.save()
        kind = "statement" if isinstance(item, Statement) else "answer"
        audit.record(
            actor=by,
            action=AuditAction(f"moderate_{kind}"),
            summary=f"{'Approved' if approve else 'Hid'} a {kind} in a consultation",
            item=item.pk,
            reason=item.reason,
        )


def add_partnership_statement(*, consultation: Consultation, text: str, by: Any) -> Statement:
    """A statement written by the programme office: approved as it is written."""
    with transaction.atomic():
        statement = Statement.objects.create(
            consultation=consultation,
            text=" ".join(text.split()),
            status=Moderation.APPROVED,
            moderated_by=by,
            moderated_at=timezone.now(),
        )
        audit.record(
            actor=by,
            action=AuditAction.ADD_STATEMENT,
            summary=f"Added a statement to '{consultation.title}'",
            statement=statement.pk,
        )
    return statement


def publish_report(*, consultation: Consultation, by: Any) -> None:
    """Publish the "you said, we did" report of a closed consultation."""
    if consultation.status() != "closed":
        raise ValidationError("A report is published once the consultation has closed.")
    with transaction.atomic():
        consultation.report_published_at = timezone.now()
        audit.save_with_history(consultation, by=by)
        audit.record(
            actor=by,
            action=AuditAction.PUBLISH_CONSULTATION_REPORT,
            summary=f"Published the report of '{consultation.title}'",
            consultation=consultation.pk,
        )


def delete_personal_details(*, today: dt.date, by: Any = None) -> int:
    """After each consultation's retention date, forget who took part: participants' keys,
    age bands and places are cleared, and answers never approved are deleted. Votes and
    approved words stay, no longer linked to anyone. Returns the participants cleared."""
    with transaction.atomic():
        expired = Participant.objects.filter(consultation__retention_until__lt=today).exclude(
            key="", age_band="", place=None
        )
        count = expired.update(key="", age_band="", place=None)
        Answer.objects.filter(participant__consultation__retention_until__lt=today).exclude(
            status=Moderation.APPROVED
        ).delete()
        if count:
            audit.record(
                actor=by,
                action=AuditAction.DELETE_PERSONAL_DETAILS,
                summary=f"Deleted the personal details of {count} participants past retention",
            )
    return count


def save_consultation(*, form: Any, by: Any) -> Consultation:
    """Save a valid consultation form, with its history and an audit record."""
    with transaction.atomic():
        consultation = form.save(commit=False)
        audit.save_with_history(consultation, by=by, validate=False)
        audit.record(
            actor=by,
            action=AuditAction.SAVE_CONSULTATION,
            summary=f"Saved the consultation '{consultation.title}'",
            consultation=consultation.pk,
        )
    return consultation


def save_response(*, form: Any, consultation: Consultation, by: Any) -> Any:
    """Save a valid "you said, we did" response to the consultation."""
    with transaction.atomic():
        response = form.save(commit=False)
        response.consultation = consultation
        response.order = consultation.responses.count()
        audit.save_with_history(response, by=by, validate=False)
        audit.record(
            actor=by,
            action=AuditAction.SAVE_CONSULTATION_RESPONSE,
            summary=f"Responded to '{response.theme}' in '{consultation.title}'",
            consultation=consultation.pk,
        )
    return response


# --- Messages --------------------------------------------------------------------------------

STAFF_EMPLOYERS = [
    OrganisationKind.COMMISSIONER,
    OrganisationKind.ACUTE_TRUST,
    OrganisationKind.COMMUNITY_TRUST,
    OrganisationKind.MENTAL_HEALTH_TRUST,
    OrganisationKind.AMBULANCE_TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
]
# A personal link's key is "<recipient>.<issued>.<signature>": the recipient's number and the
# time it was issued (base 62 seconds), signed with the site's secret. The signature is
# URL-safe base64 (letters, digits, "-" and "_"), so "." can never appear in it and the key
# goes into a URL and comes back exactly as signed.
LINKS = signing.Signer(salt="footprint.engagement.message-link", sep=".")
# Links sent before 2026-11 were "<recipient>-<signature>" with every ":" turned into "-";
# they are still read (the recipient's number has no "-", so the first "-" is the one that was
# ":") and count as issued when the message was sent.
OLD_LINKS = signing.Signer(salt="footprint.engagement.message")
FRESH_LINK_EVERY = dt.timedelta(hours=1)


def may_send(user: Any, sender: Organisation | None) -> bool:
    """The programme office sends for the partnership (or anyone); an organisation's editors
    send and adopt for their own organisation."""
    if user.has_perm("engagement.manage_engagement"):
        return True
    return sender is not None and bool(is_editor_of(user, sender))


def audience_of(message: Message) -> QuerySet[Organisation]:
    """The organisations a message goes to."""
    practices = Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE)
    if message.audience == MessageAudience.PLACE_PRACTICES:
        return practices.filter(neighbourhood__place=message.place)
    if message.audience == MessageAudience.NEIGHBOURHOOD_PRACTICES:
        return practices.filter(neighbourhood=message.neighbourhood)
    if message.audience == MessageAudience.STAFF_GROUP:
        return Organisation.objects.filter(kind__in=STAFF_EMPLOYERS)
    return practices


def link_key(recipient: Recipient, *, issued_at: dt.datetime) -> str:
    """The key in a recipient's personal link issued at ``issued_at``: nothing secret is
    stored, and each email (first sending, reminder, fresh link) carries a newly issued one."""
    issued = signing.b62_encode(int(issued_at.timestamp()))
    return LINKS.sign(f"{recipient.pk}.{issued}")


@dataclass(frozen=True)
class Link:
    """A personal link this site signed: whose it is and until when it works."""

    recipient: Recipient
    issued_at: dt.datetime

    @property
    def expires_at(self) -> dt.datetime:
        return self.issued_at + dt.timedelta(days=self.recipient.message.link_days)

    @property
    def expires_on(self) -> dt.date:
        return timezone.localdate(self.expires_at)

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


def _unsign(key: str) -> tuple[int, dt.datetime | None]:
    if "." in key:
        pk, issued = LINKS.unsign(key).split(".")
        return int(pk), dt.datetime.fromtimestamp(signing.b62_decode(issued), tz=dt.UTC)
    pk, _, signature = key.partition("-")
    return int(OLD_LINKS.unsign(f"{pk}:{signature}")), None


def link_for(key: str) -> Link | None:
    """The link ``key`` opens, expired or not; None for a key this site did not sign (or a
    recipient since deleted)."""
    try:
        pk, issued_at = _unsign(key)
    except (signing.BadSignature, ValueError):
        return None
    recipient = queries.recipient(pk)
    if recipient is None:
        return None
    issued_at = issued_at or recipient.message.sent_at
    if issued_at is None:
        return None
    return Link(recipient=recipient, issued_at=issued_at)


def link_url(recipient: Recipient, *, issued_at: dt.datetime) -> str:
    """The personal link in full, on the site's configured address (``FOOTPRINT_SITE_URL``),
    never the host a request happened to arrive on."""
    path = reverse("engagement:message_link", args=[link_key(recipient, issued_at=issued_at)])
    return f"{settings.FOOTPRINT_SITE_URL}{path}"


def _email(
    message: Message, recipient: Recipient, *, issued_at: dt.datetime, subject_prefix: str = ""
) -> tuple[str, str, str, list[str]]:
    link = link_url(recipient, issued_at=issued_at)
    expires = timezone.localdate(issued_at + dt.timedelta(days=message.link_days))
    group = f" for {message.get_staff_group_display().lower()}" if message.staff_group else ""
    body = (
        f"{message.from_whom} has sent {recipient.organisation.name} a message{group}:\n\n"
        f"{message.title}\n\nRead it and let us know it has reached you:\n{link}\n\n"
        f"This link works until {expires:%-d %B %Y}.\n"
    )
    subject = f"{subject_prefix}{message.title}"
    return subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email]


def send_message(*, message: Message, by: Any) -> int:
    """Send a saved message: a recipient for each organisation in its audience, emailed its
    personal link where it has a contact address. Returns the number of recipients."""
    if not may_send(by, message.sender):
        raise PermissionDenied("You may not send messages for this organisation.")
    if message.sent_at is not None:
        raise ValidationError("This message has already been sent.")
    with transaction.atomic():
        Recipient.objects.bulk_create(
            [
                Recipient(message=message, organisation=o, email=o.contact_email)
                for o in audience_of(message)
            ]
        )
        recipients = list(message.recipients.select_related("organisation"))
        message.sent_at = timezone.now()
        emails = [_email(message, r, issued_at=message.sent_at) for r in recipients if r.email]
        message.sent_by = by
        message.save(update_fields=["sent_at", "sent_by"])
        audit.record(
            actor=by,
            action=AuditAction.SEND_MESSAGE,
            summary=f"Sent '{message.title}' to {len(recipients)} organisations",
            message=message.pk,
        )
        transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=False))
    return len(recipients)


def adopt(*, message: Message, organisation: Organisation, by: Any) -> None:
    """``organisation`` puts its name to the message too: it becomes a common message."""
    if not may_send(by, organisation):
        raise PermissionDenied(f"You may not adopt messages for {organisation.name}.")
    with transaction.atomic():
        message.adopted_by.add(organisation)
        audit.record(
            actor=by,
            action=AuditAction.ADOPT_MESSAGE,
            summary=f"{organisation.name} adopted '{message.title}' as a common message",
            message=message.pk,
        )


def mark_opened(*, recipient: Recipient, now: dt.datetime) -> None:
    """Note when a recipient's link was first opened. Opening is not acknowledging: a link
    preview or a mail scanner opens links too."""
    if recipient.read_at is None:
        recipient.read_at = now
        recipient.save(update_fields=["read_at"])


def acknowledge(*, recipient: Recipient, now: dt.datetime) -> bool:
    """Record that the recipient has read the message and will act on it (only ever by a
    person pressing the button: a POST). Returns False if it was already acknowledged."""
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("message", "organisation")
            .get(pk=recipient.pk)
        )
        if recipient.acknowledged_at is not None:
            return False
        recipient.acknowledged_at = now
        recipient.read_at = recipient.read_at or now
        recipient.save(update_fields=["acknowledged_at", "read_at"])
        audit.record(
            actor=None,
            action=AuditAction.ACKNOWLEDGE_MESSAGE,
            summary=f"{recipient.organisation.name} acknowledged '{recipient.message.title}'",
            message=recipient.message_id,
            recipient=recipient.pk,
        )
    return True


def send_fresh_link(*, recipient: Recipient, now: dt.datetime) -> str:
    """Email a fresh link to the recipient organisation's contact address now (whoever asks,
    the link goes only there), at most once an hour per recipient, so the button cannot be
    used to flood a practice. Returns "sent", "already_sent" (within the hour) or
    "no_address"."""
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("message", "organisation")
            .get(pk=recipient.pk)
        )
        last = recipient.fresh_link_sent_at
        if last is not None and now - last < FRESH_LINK_EVERY:
            return "already_sent"
        recipient.email = recipient.organisation.contact_email or recipient.email
        if not recipient.email:
            return "no_address"
        recipient.fresh_link_sent_at = now
        recipient.save(update_fields=["email", "fresh_link_sent_at"])
        email = _email(recipient.message, recipient, issued_at=now, subject_prefix="New link: ")
        audit.record(
            actor=None,
            action=AuditAction.SEND_FRESH_MESSAGE_LINK,
            summary=f"Emailed {recipient.organisation.name} a fresh link to "
            f"'{recipient.message.title}' after its link expired",
            message=recipient.message_id,
            recipient=recipient.pk,
        )
        transaction.on_commit(lambda: send_mass_mail([email], fail_silently=False))
    return "sent"


def send_message_reminders(
    *, older_than: dt.timedelta, now: dt.datetime, message: Message | None = None
) -> int:
    """Remind each recipient that has not acknowledged a message sent more than ``older_than``
    ago, and was not reminded within it, with a link freshly issued at ``now``. Returns the
    number of emails sent."""
    waiting = (
        Recipient.objects.filter(
            acknowledged_at__isnull=True, message__sent_at__lte=now - older_than
        )
        .exclude(reminded_at__gt=now - older_than)
        .select_related("message", "organisation")
    )
    if message is not None:
        waiting = waiting.filter(message=message)
    reminders = []
    for r in waiting:
        r.email = r.organisation.contact_email or r.email  # its address now, if it has changed
        if r.email:
            r.reminded_at = now
            reminders.append(r)
    Recipient.objects.bulk_update(reminders, ["email", "reminded_at"])
    emails = [_email(r.message, r, issued_at=now, subject_prefix="Reminder: ") for r in reminders]
    return send_mass_mail(emails, fail_silently=False) if emails else 0
