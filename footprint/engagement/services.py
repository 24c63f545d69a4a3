"""Writes in engagement: taking part, moderation, responses, publication and the deletion of
personal details after a consultation's retention date. Each is one transaction; the
programme office's actions are audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from footprint.core import audit
from footprint.engagement.models import (
    Answer,
    Consultation,
    Moderation,
    Participant,
    Question,
    Statement,
    Vote,
)
from footprint.partnership.models import Place


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
            action=f"moderate_{kind}",
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
            action="add_statement",
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
            action="publish_consultation_report",
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
                action="delete_personal_details",
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
            action="save_consultation",
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
            action="save_consultation_response",
            summary=f"Responded to '{response.theme}' in '{consultation.title}'",
            consultation=consultation.pk,
        )
    return response
