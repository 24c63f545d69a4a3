"""Writes in engagement: taking part, running a consultation (statements, questions, documents,
moderation, responses, publication), the opinion groups, messages and their personal links,
and the deletion of personal details after a consultation's retention date.

Each function refuses a caller who may not act (``by`` must hold the action's permission;
``core.permissions.OPERATOR`` for the site's own scheduled work) and writes in one
transaction. What the partnership does is in the audit trail, written inside that
transaction. What the public does as themselves (votes, their own words, their age band and
place, a personal link opened) is recorded in its own rows only: the audit trail names who
acted, and they are no one. A personal link is its own permission: the link services take its
signed key and refuse one this site did not sign or that has expired."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from footprint.core import audit, ratelimit
from footprint.core.permissions import require
from footprint.core.validators import CONTROL_CHARACTER
from footprint.decisions.models import Decision
from footprint.decisions.queries import published_q
from footprint.engagement import attachments, compute, queries
from footprint.engagement.models import (
    Answer,
    Consultation,
    Document,
    Message,
    MessageAttachment,
    Moderation,
    OpinionSnapshot,
    Participant,
    Question,
    Recipient,
    RecomputeRequest,
    Response,
    Statement,
    Vote,
)
from footprint.engagement.rules import Permission
from footprint.partnership.models import Organisation, Place


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    ACKNOWLEDGE_MESSAGE = "acknowledge_message"
    ADD_DOCUMENT = "add_document"
    ADD_QUESTION = "add_question"
    ADD_STATEMENT = "add_statement"
    ADOPT_MESSAGE = "adopt_message"
    ANNOUNCE_CONSULTATION = "announce_consultation"
    ATTACH_TO_MESSAGE = "attach_to_message"
    DELETE_PERSONAL_DETAILS = "delete_personal_details"
    FIND_OPINION_GROUPS = "find_opinion_groups"
    MODERATE_ANSWER = "moderate_answer"
    MODERATE_STATEMENT = "moderate_statement"
    PUBLISH_CONSULTATION_REPORT = "publish_consultation_report"
    SAVE_CONSULTATION = "save_consultation"
    SAVE_CONSULTATION_RESPONSE = "save_consultation_response"
    SEND_FRESH_MESSAGE_LINK = "send_fresh_message_link"
    SEND_MESSAGE = "send_message"
    SEND_MESSAGE_REMINDERS = "send_message_reminders"


# --- Taking part -----------------------------------------------------------------------------
#
# A participant is known by a key: the page's is the random key in their browser's cookie,
# scoped to the consultation (so taking part in two cannot be linked). Only its SHA-256 is
# stored. The participant is made on their first vote, statement, answer or description.


def _take_part(consultation: Consultation, by: Any, today: dt.date | None) -> None:
    require(by, Permission.TAKE_PART, consultation)
    if consultation.draft:
        raise ValidationError("This consultation has not been announced yet.")
    if consultation.status(today or timezone.localdate()) != "open":
        raise ValidationError("This consultation is not open for views.")


def _participant(consultation: Consultation, key: str) -> Participant:
    participant, _ = Participant.objects.get_or_create(
        consultation=consultation, key=queries.key_digest(key)
    )
    return participant


def vote(
    *,
    consultation: Consultation,
    key: str,
    statement: Statement,
    value: int,
    by: Any,
    today: dt.date | None = None,
) -> Vote:
    """Record (or change) the vote of the participant with ``key`` on an approved statement,
    while the consultation is open on ``today`` (the date today unless given)."""
    _take_part(consultation, by, today)
    if statement.consultation_id != consultation.pk or statement.status != Moderation.APPROVED:
        raise ValidationError("There is no such statement to vote on.")
    if value not in (Vote.Value.AGREE, Vote.Value.DISAGREE, Vote.Value.PASS):
        raise ValidationError("Agree, disagree or pass.")
    with transaction.atomic():
        saved, _ = Vote.objects.update_or_create(
            participant=_participant(consultation, key),
            statement=statement,
            defaults={"value": value},
        )
    return saved


def add_statement(
    *, consultation: Consultation, key: str, text: str, by: Any, today: dt.date | None = None
) -> Statement:
    """A participant's own statement: it waits for moderation before anyone sees it."""
    _take_part(consultation, by, today)
    text = " ".join(text.split())
    if not 5 <= len(text) <= 280:
        raise ValidationError("A statement is between 5 and 280 characters.")
    with transaction.atomic():
        return Statement.objects.create(
            consultation=consultation, participant=_participant(consultation, key), text=text
        )


def answer(
    *,
    consultation: Consultation,
    key: str,
    answers: Sequence[tuple[Question, str]],
    by: Any,
    today: dt.date | None = None,
) -> list[Answer]:
    """Save a participant's free-text answers to the consultation's questions (each waits for
    moderation); empty ones are skipped, and with nothing to save nothing changes."""
    _take_part(consultation, by, today)
    if any(q.consultation_id != consultation.pk for q, _ in answers):
        raise ValidationError("There is no such question to answer.")
    given = [(q, text.strip()[:2000]) for q, text in answers if text.strip()]
    if not given:
        return []
    with transaction.atomic():
        participant = _participant(consultation, key)
        return [
            Answer.objects.create(participant=participant, question=q, text=text)
            for q, text in given
        ]


def describe_yourself(
    *,
    consultation: Consultation,
    key: str,
    age_band: str,
    place: Place | None,
    by: Any,
    today: dt.date | None = None,
) -> None:
    """The participant's age band and place, either of them blank if they prefer not to say."""
    _take_part(consultation, by, today)
    with transaction.atomic():
        participant = _participant(consultation, key)
        participant.age_band = age_band
        participant.place = place
        participant.save(update_fields=["age_band", "place"])


# --- Running a consultation ------------------------------------------------------------------


def save_consultation(
    *, consultation: Consultation, by: Any, today: dt.date | None = None
) -> Consultation:
    """Save a new or changed consultation, with its history and an audit record. A new one
    is a draft, seen by partners only, until it is announced (``announce``). Its web address
    is made from its title when it has none, and cannot change once it has opened or anyone
    has taken part (``address_for``)."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    if consultation.pk is None:
        consultation.draft = True
    with transaction.atomic():
        consultation.slug = address_for(consultation, today=today or timezone.localdate())
        audit.save_with_history(consultation, by=by)
        audit.record(
            actor=by,
            action=AuditAction.SAVE_CONSULTATION,
            summary=f"Saved the consultation '{consultation.title}'",
            consultation=consultation.pk,  # known once saved, for a new one
        )
    return consultation


def announce(*, consultation: Consultation, by: Any) -> None:
    """Announce a draft consultation: from now it is seen by its audience (the public, for a
    public one), and people may take part once it opens."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    if not consultation.draft:
        raise ValidationError("This consultation has already been announced.")
    with transaction.atomic():
        consultation.draft = False
        consultation.announced_at = timezone.now()
        audit.save_audited(
            consultation,
            by=by,
            action=AuditAction.ANNOUNCE_CONSULTATION,
            summary=f"Announced the consultation '{consultation.title}'",
            consultation=consultation.pk,
        )


def _still_open(consultation: Consultation, what: str, today: dt.date | None) -> None:
    """Refuse to add ``what`` to a consultation closed on ``today``: nobody could vote on or
    answer it, and no public page shows it."""
    if consultation.status(today or timezone.localdate()) == "closed":
        raise ValidationError(
            f"This consultation closed on {consultation.closes_on:%-d %B %Y}: a {what} added "
            "now could not be voted on or answered, and no page would show it."
        )


def add_partnership_statement(
    *, consultation: Consultation, text: str, by: Any, today: dt.date | None = None
) -> Statement:
    """A statement written by the programme office: approved as it is written; none once the
    consultation has closed on ``today`` (the date today unless given)."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    _still_open(consultation, "statement", today)
    statement = Statement(
        consultation=consultation,
        text=" ".join(text.split()),
        status=Moderation.APPROVED,
        moderated_by=by,
        moderated_at=timezone.now(),
    )
    with transaction.atomic():
        audit.save_with_history(statement, by=by)
        audit.record(
            actor=by,
            action=AuditAction.ADD_STATEMENT,
            summary=f"Added a statement to '{consultation.title}'",
            statement=statement.pk,
        )
    return statement


def add_question(
    *, consultation: Consultation, text: str, by: Any, today: dt.date | None = None
) -> Question:
    """A free-text question, asked after those already there; none once the consultation has
    closed on ``today``."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    _still_open(consultation, "question", today)
    with transaction.atomic():
        question = Question(
            consultation=consultation, text=text.strip(), order=consultation.questions.count()
        )
        audit.save_audited(
            question,
            by=by,
            action=AuditAction.ADD_QUESTION,
            summary=f"Asked '{question.text}' in '{consultation.title}'",
            consultation=consultation.pk,
        )
    return question


def add_document(*, consultation: Consultation, title: str, url: str, by: Any) -> Document:
    """A document people can read before they take part (a link to it)."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    document = Document(consultation=consultation, title=title.strip(), url=url)
    with transaction.atomic():
        audit.save_audited(
            document,
            by=by,
            action=AuditAction.ADD_DOCUMENT,
            summary=f"Added the document '{document.title}' to '{consultation.title}'",
            consultation=consultation.pk,
            url=url,
        )
    return document


def moderate(*, item: Statement | Answer, approve: bool, reason: str, by: Any) -> None:
    """Approve a statement or answer, or hide it with a reason."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    if not approve and not reason.strip():
        raise ValidationError("Give a reason for hiding it.")
    is_statement = isinstance(item, Statement)
    kind = "statement" if is_statement else "answer"
    with transaction.atomic():
        item.status = Moderation.APPROVED if approve else Moderation.HIDDEN
        item.reason = "" if approve else reason.strip()
        item.moderated_by = by
        item.moderated_at = timezone.now()
        audit.save_audited(
            item,
            by=by,
            action=AuditAction.MODERATE_STATEMENT if is_statement else AuditAction.MODERATE_ANSWER,
            summary=f"{'Approved' if approve else 'Hid'} a {kind} in a consultation",
            item=item.pk,
            reason=item.reason,
        )
        if isinstance(item, Statement) and not approve:
            # The opinion groups already found still name a statement just hidden: take it out
            # of every stored snapshot in this same transaction, so the report page, its CSV
            # and the API stop showing it at once.
            for snapshot in OpinionSnapshot.objects.select_for_update().filter(
                consultation_id=item.consultation_id
            ):
                stored = {
                    "groups": snapshot.groups,
                    "consensus": snapshot.consensus,
                    "statements": snapshot.statements,
                }
                for name, value in compute.without_statement(stored, item.pk).items():
                    setattr(snapshot, name, value)
                snapshot.save(update_fields=list(stored))
        if isinstance(item, Statement):
            from footprint.engagement import tasks  # tasks imports this module

            tasks.request_recompute(item.consultation)  # with it, or without it


# A response is shown in the public report with the decision it changed.
MAY_NOT_NAME = (
    "Choose a decision from the public register: the report is public, and a confidential "
    "decision cannot be named in it before its date"
)


def add_response(
    *, consultation: Consultation, response: Response, by: Any, today: dt.date | None = None
) -> Response:
    """A "you said, we did" response to the consultation, after those already there. The
    decision it names, if any, must be one the public may see on ``today``: the report is
    public."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    today = today or timezone.localdate()
    if response.decision_id is not None and not (
        Decision.objects.filter(published_q(today), pk=response.decision_id).exists()
    ):
        raise ValidationError({"decision": MAY_NOT_NAME})
    with transaction.atomic():
        response.consultation = consultation
        response.order = consultation.responses.count()
        audit.save_audited(
            response,
            by=by,
            action=AuditAction.SAVE_CONSULTATION_RESPONSE,
            summary=f"Responded to '{response.theme}' in '{consultation.title}'",
            consultation=consultation.pk,
        )
    return response


def publish_report(*, consultation: Consultation, by: Any, today: dt.date | None = None) -> None:
    """Publish the "you said, we did" report of a consultation closed by ``today`` (the date
    today unless given): the public report shows its summary, responses, opinion groups and
    who took part as they are now, until it is published again."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    if consultation.draft:
        raise ValidationError("Announce the consultation before publishing its report.")
    day = today or timezone.localdate()
    if consultation.status(day) != "closed":
        raise ValidationError("A report is published once the consultation has closed.")
    with transaction.atomic():
        consultation.report_published_at = timezone.now()
        # What the public sees until it is published again: later responses wait for that.
        consultation.published_report = queries.report_document(consultation)
        # And the opinion groups as they are now: a later recompute waits for publishing again.
        consultation.published_snapshot = queries.latest_snapshot(consultation)
        # And who took part, small counts withheld, as now; but once the retention date has
        # passed (participants' age bands and places deleted) publishing again keeps them as
        # they were published.
        if consultation.published_reach is None or day <= consultation.retention_until:
            consultation.published_reach = queries.reach_document(consultation)
        audit.save_audited(
            consultation,
            by=by,
            action=AuditAction.PUBLISH_CONSULTATION_REPORT,
            summary=f"Published the report of '{consultation.title}'",
            consultation=consultation.pk,
        )


# A recompute asked for this long ago and not yet begun is taken as lost (its job deleted, the
# queue cleared) and asked for again, so a lost job does not stop recomputing for good.
LOST_AFTER = dt.timedelta(minutes=10)


def want_recompute(consultation: Consultation, now: dt.datetime) -> bool:
    """Note that the site wants the consultation's opinion groups found afresh (as votes
    arrive): True if the caller should queue the recompute, False if one is already waiting
    (asked for less than LOST_AFTER ago). Concurrent callers queue one between them."""
    request, created = RecomputeRequest.objects.get_or_create(
        consultation=consultation, defaults={"requested_at": now}
    )
    if created:
        return True
    if now - request.requested_at < LOST_AFTER:
        return False
    # Taken as lost: ask again, once, whoever updates it first.
    return bool(
        RecomputeRequest.objects.filter(
            consultation=consultation, requested_at=request.requested_at
        ).update(requested_at=now)
    )


def begin_recompute(consultation: Consultation, requested_at: dt.datetime) -> None:
    """A recompute asked for at ``requested_at`` begins: forget the request (unless asked for
    again since), so a vote from now on, which it may not see, asks afresh."""
    RecomputeRequest.objects.filter(
        consultation=consultation, requested_at__lte=requested_at
    ).delete()


def store_opinion_groups(*, consultation: Consultation, by: Any, seed: int = 0) -> OpinionSnapshot:
    """Find the opinion groups in the consultation's votes on approved statements and store
    them as its latest snapshot. ``by`` is the programme office pressing *Recompute*, or
    ``OPERATOR`` when the site recomputes as votes arrive."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    started = time.perf_counter()
    statements, votes = queries.opinion_inputs(consultation)
    found = compute.opinion_groups(statements, votes, seed=seed)
    with transaction.atomic():
        # A statement hidden while the groups were being found must not come back in them.
        shown = set(queries.approved_statements(consultation).values_list("pk", flat=True))
        for pk in {pk for pk, _ in statements} - shown:
            found |= compute.without_statement(found, pk)
        snapshot = OpinionSnapshot.objects.create(
            consultation=consultation, **found, seconds=time.perf_counter() - started
        )
        audit.record(
            actor=by,
            action=AuditAction.FIND_OPINION_GROUPS,
            summary=f"Found {found['clarity']} among the {found['grouped']} placed of the "
            f"{found['participants']} who voted in '{consultation.title}'",
            consultation=consultation.pk,
            snapshot=snapshot.pk,
        )
    return snapshot


def delete_personal_details(*, today: dt.date, by: Any) -> int:
    """After each consultation's retention date, forget who took part: participants' keys,
    age bands and places are cleared, and answers never approved are deleted. Votes and
    approved words stay, no longer linked to anyone. Returns the participants cleared."""
    require(by, Permission.MANAGE_ENGAGEMENT)
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


# --- Messages --------------------------------------------------------------------------------

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
) -> EmailMessage:
    link = link_url(recipient, issued_at=issued_at)
    expires = timezone.localdate(issued_at + dt.timedelta(days=message.link_days))
    group = f" for {message.get_staff_group_display().lower()}" if message.staff_group else ""
    body = (
        f"{message.from_whom} has sent {recipient.organisation.name} a message{group}:\n\n"
        f"{message.title}\n\nRead it and let us know it has reached you:\n{link}\n\n"
        f"This link works until {expires:%-d %B %Y}.\n"
    )
    # One line whatever was stored before titles were checked, so a reminder or a fresh link
    # for such a message still goes (a new title with a line break is refused on its field).
    subject = " ".join(CONTROL_CHARACTER.sub(" ", f"{subject_prefix}{message.title}").split())
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


def _built(emails: list[EmailMessage]) -> list[EmailMessage]:
    """``emails``, each built in full now (headers checked) so that nothing is marked sent
    whose emails cannot go: a title with a line break is refused here, on its field, rather
    than failing after the transaction commits."""
    try:
        for email in emails:
            email.message()
    except BadHeaderError as exc:
        raise ValidationError(
            {"title": "Write the title on one line, without line breaks or control characters"}
        ) from exc
    return emails


def _send_on_commit(emails: list[EmailMessage]) -> None:
    """Send ``emails`` (already built) once the transaction commits, over one connection."""
    if emails:
        transaction.on_commit(lambda: get_connection(fail_silently=False).send_messages(emails))


# How many messages one person may send: enough for a busy programme office, too few to flood
# every practice's inbox (probe E2). Counted in the shared database limiter (core.ratelimit),
# per person, in fixed windows (so a burst across a window's edge may reach twice a limit).
MESSAGES_AN_HOUR = 5
MESSAGES_A_DAY = 20
# A recipient is emailed about one message at most once a day: the reminder button and the
# daily command skip anyone sent it, or reminded of it, within this.
REMIND_EVERY = dt.timedelta(days=1)
TOO_MANY = "too_many"


def _within_sending_limits(by: Any, now: dt.datetime) -> None:
    """Count one more message sent by ``by`` (a person; the site's own work is not counted)
    and refuse it, saying why, beyond ``MESSAGES_AN_HOUR`` or ``MESSAGES_A_DAY``."""
    pk = getattr(by, "pk", None)
    if pk is None:
        return
    for most, seconds, span in (
        (MESSAGES_AN_HOUR, 3600, "an hour"),
        (MESSAGES_A_DAY, 86400, "a day"),
    ):
        if not ratelimit.allow(
            f"engage:message:{span}", str(pk), most=most, seconds=seconds, now=now
        ):
            raise ValidationError(
                f"Not sent: one person may send at most {most} messages {span}, and you have "
                "reached that. Please try again later, or ask the programme office.",
                code=TOO_MANY,
            )


def send_message(*, message: Message, by: Any) -> int:
    """Save the message if it is new and send it: a recipient for each organisation in its
    audience, emailed its personal link where it has a contact address (once the transaction
    commits). Returns the number of recipients. A person sends at most ``MESSAGES_AN_HOUR``
    an hour and ``MESSAGES_A_DAY`` a day."""
    require(by, Permission.SEND_MESSAGE, message)
    if message.sent_at is not None:
        raise ValidationError("This message has already been sent.")
    _within_sending_limits(by, timezone.now())
    with transaction.atomic():
        message.full_clean()  # a title saved before titles were one line is refused too
        if message.pk is None:
            message.save()
        Recipient.objects.bulk_create(
            [
                Recipient(message=message, organisation=o, email=o.contact_email)
                for o in queries.audience_of(message)
            ]
        )
        recipients = list(message.recipients.select_related("organisation"))
        sent_at = timezone.now()
        emails = _built([_email(message, r, issued_at=sent_at) for r in recipients if r.email])
        message.sent_at = sent_at  # only now its emails are built
        message.sent_by = by if getattr(by, "is_authenticated", False) else None
        message.save(update_fields=["sent_at", "sent_by"])
        audit.record(
            actor=by,
            action=AuditAction.SEND_MESSAGE,
            summary=f"Sent '{message.title}' to {len(recipients)} organisations",
            message=message.pk,
        )
        _send_on_commit(emails)
    return len(recipients)


def adopt(*, message: Message, organisation: Organisation, by: Any) -> None:
    """``organisation`` puts its name to the message too: it becomes a common message."""
    require(by, Permission.ADOPT_MESSAGE, organisation)
    with transaction.atomic():
        message.adopted_by.add(organisation)
        audit.record(
            actor=by,
            action=AuditAction.ADOPT_MESSAGE,
            summary=f"{organisation.name} adopted '{message.title}' as a common message",
            message=message.pk,
        )


def _remind(waiting: Iterable[Recipient], *, now: dt.datetime, by: Any, of: str) -> int:
    """Email each waiting recipient that has an address a reminder with a link issued at
    ``now``, once the transaction commits; note when. Returns the number of emails."""
    reminders = []
    for r in waiting:
        r.email = r.organisation.contact_email or r.email  # its address now, if it has changed
        if r.email:
            r.reminded_at = now
            reminders.append(r)
    if not reminders:
        return 0
    emails = _built(
        [_email(r.message, r, issued_at=now, subject_prefix="Reminder: ") for r in reminders]
    )
    with transaction.atomic():
        Recipient.objects.bulk_update(reminders, ["email", "reminded_at"])
        audit.record(
            actor=by,
            action=AuditAction.SEND_MESSAGE_REMINDERS,
            summary=f"Reminded {len(reminders)} recipients of {of}",
            recipients=[r.pk for r in reminders],
        )
        _send_on_commit(emails)
    return len(emails)


def send_reminders(*, message: Message, now: dt.datetime, by: Any) -> int:
    """Remind each recipient of ``message`` that has not acknowledged it, with a link freshly
    issued at ``now`` (the sender's or the programme office's button), except those sent it or
    reminded of it within ``REMIND_EVERY`` (a day): pressing again the same day emails nobody.
    Returns the number of emails sent."""
    require(by, Permission.REMIND_RECIPIENTS, message)
    waiting = queries.waiting_for_reminder(older_than=REMIND_EVERY, now=now, message=message)
    return _remind(waiting, now=now, by=by, of=f"'{message.title}'")


def send_due_reminders(*, older_than: dt.timedelta, now: dt.datetime, by: Any) -> int:
    """Remind each recipient that has not acknowledged a message sent more than ``older_than``
    ago, and was not reminded within it, with a link freshly issued at ``now`` (the daily
    ``send_message_reminders`` command, as ``OPERATOR``). Returns the number of emails sent."""
    require(by, Permission.MANAGE_ENGAGEMENT)
    waiting = queries.waiting_for_reminder(older_than=older_than, now=now)
    return _remind(waiting, now=now, by=by, of="the messages they have not acknowledged")


def _valid_link(key: str, now: dt.datetime) -> Link:
    link = link_for(key)
    if link is None:
        raise PermissionDenied("This link is not recognised.")
    if link.expired(now):
        raise PermissionDenied("This link has expired.")
    return link


def mark_opened(*, key: str, now: dt.datetime) -> None:
    """Note when the recipient whose link this is first opened it. Opening is not
    acknowledging: a link preview or a mail scanner opens links too."""
    recipient = _valid_link(key, now).recipient
    if recipient.read_at is None:
        with transaction.atomic():
            recipient.read_at = now
            recipient.save(update_fields=["read_at"])


def acknowledge(*, key: str, now: dt.datetime) -> bool:
    """Record that the recipient whose link this is has read the message and will act on it
    (only ever by a person pressing the button: a POST). Returns False if it was already
    acknowledged."""
    link = _valid_link(key, now)
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("message", "organisation")
            .get(pk=link.recipient.pk)
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


def send_fresh_link(*, key: str, now: dt.datetime) -> str:
    """Email a fresh link to the contact address, as it is now, of the organisation whose link
    this is (expired or not: whoever asks, the link goes only there), at most once an hour per
    recipient, so the button cannot be used to flood a practice. Returns "sent",
    "already_sent" (within the hour) or "no_address"."""
    link = link_for(key)
    if link is None:
        raise PermissionDenied("This link is not recognised.")
    with transaction.atomic():
        recipient = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("message", "organisation")
            .get(pk=link.recipient.pk)
        )
        last = recipient.fresh_link_sent_at
        if last is not None and now - last < FRESH_LINK_EVERY:
            return "already_sent"
        recipient.email = recipient.organisation.contact_email or recipient.email
        if not recipient.email:
            return "no_address"
        recipient.fresh_link_sent_at = now
        recipient.save(update_fields=["email", "fresh_link_sent_at"])
        email = _built(
            [_email(recipient.message, recipient, issued_at=now, subject_prefix="New link: ")]
        )
        audit.record(
            actor=None,
            action=AuditAction.SEND_FRESH_MESSAGE_LINK,
            summary=f"Emailed {recipient.organisation.name} a fresh link to "
            f"'{recipient.message.title}' after its link expired",
            message=recipient.message_id,
            recipient=recipient.pk,
        )
        _send_on_commit(email)
    return "sent"


# --- The inbox: a member acknowledges for their organisation ---------------------------------


def open_in_inbox(*, recipient: Recipient, now: dt.datetime, by: Any) -> None:
    """Note when a member of the recipient organisation first opened the message in their
    inbox (its "read"; like opening a personal link, not audited: it is not acknowledging)."""
    require(by, Permission.ACKNOWLEDGE_FOR_ORGANISATION, recipient.organisation)
    if recipient.read_at is None:
        with transaction.atomic():
            Recipient.objects.filter(pk=recipient.pk, read_at__isnull=True).update(read_at=now)
        recipient.read_at = now


def acknowledge_for_organisation(*, recipient: Recipient, now: dt.datetime, by: Any) -> bool:
    """A member of the recipient organisation acknowledges the message for it, from their
    inbox: the same acknowledgement as the personal link's button, with who pressed it.
    Returns False if it was already acknowledged (by anyone, either way)."""
    require(by, Permission.ACKNOWLEDGE_FOR_ORGANISATION, recipient.organisation)
    with transaction.atomic():
        locked = (
            Recipient.objects.select_for_update(of=("self",))
            .select_related("message", "organisation")
            .get(pk=recipient.pk)
        )
        if locked.acknowledged_at is not None:
            return False
        locked.acknowledged_at = now
        locked.acknowledged_by = by
        locked.read_at = locked.read_at or now
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "read_at"])
        audit.record(
            actor=by,
            action=AuditAction.ACKNOWLEDGE_MESSAGE,
            summary=f"{locked.organisation.name} acknowledged '{locked.message.title}' "
            "in its inbox",
            message=locked.message_id,
            recipient=locked.pk,
        )
    return True


# --- Attachments ---------------------------------------------------------------------------


def send_message_with_attachments(*, message: Message, files: Sequence[Any], by: Any) -> int:
    """Send a new message (``send_message``) with the files it carries, all or nothing: every
    file is checked first (footprint/engagement/attachments.py), then the message is sent and
    the files stored under random names in one transaction; if anything fails, nothing is
    sent and no file is kept. Returns the number of recipients."""
    require(by, Permission.SEND_MESSAGE, message)
    checked = attachments.check_files(files)
    stored: list[MessageAttachment] = []
    try:
        with transaction.atomic():
            count = send_message(message=message, by=by)
            for upload, ok in zip(files, checked, strict=True):
                upload.seek(0)
                attachment = MessageAttachment(
                    message=message, name=ok.name, content_type=ok.content_type, size=ok.size
                )
                attachment.file.save(ok.name, upload, save=False)
                stored.append(attachment)
                attachment.save()
            if stored:
                audit.record(
                    actor=by,
                    action=AuditAction.ATTACH_TO_MESSAGE,
                    summary=f"Attached {len(stored)} files to '{message.title}': "
                    + ", ".join(a.name for a in stored),
                    message=message.pk,
                    attachments=[a.pk for a in stored],
                )
    except BaseException:
        for attachment in stored:
            attachment.file.delete(save=False)
        raise
    return count


# --- A consultation's web address -------------------------------------------------------------


def address_for(consultation: Consultation, *, today: dt.date) -> str:
    """The web address (slug) ``consultation`` is saved with: the one it is given, or one
    made from its title (``evening-gp-appointments``, with ``-2`` and so on if taken). It may
    change until the consultation opens and while nobody has taken part; after that a
    different one is refused, saying why."""
    given = (consultation.slug or "").strip()
    slug = given or queries.free_slug(
        slugify(consultation.title)[:80].strip("-") or "consultation", but=consultation.pk
    )
    if consultation.pk is not None:
        was = Consultation.objects.filter(pk=consultation.pk).values_list("slug", flat=True).first()
        if was is not None and was != slug and (why := queries.slug_fixed(consultation, today)):
            raise ValidationError(
                f"The web address cannot change: {why.lower()}, so people may already have "
                f"it. It stays /consultations/{was}/."
            )
    return slug
