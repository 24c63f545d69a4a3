"""Reads in engagement: what the public may see, the moderation queue, and reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from footprint.engagement.models import (
    AgeBand,
    Answer,
    Consultation,
    Message,
    Moderation,
    OpinionSnapshot,
    Participant,
    Recipient,
    Statement,
    Vote,
)


def by_status(consultations: QuerySet[Consultation]) -> dict[str, list[Consultation]]:
    """Consultations sorted into open, upcoming and closed."""
    out: dict[str, list[Consultation]] = {"open": [], "upcoming": [], "closed": []}
    for c in consultations:
        out[c.status()].append(c)
    return out


def approved_statements(consultation: Consultation) -> QuerySet[Statement]:
    return consultation.statements.filter(status=Moderation.APPROVED)


def next_statement(consultation: Consultation, participant_id: int | None) -> Statement | None:
    """The next approved statement this participant has not voted on (oldest first)."""
    qs = approved_statements(consultation)
    if participant_id is not None:
        qs = qs.exclude(votes__participant_id=participant_id)
    return qs.order_by("pk").first()


def waiting() -> tuple[QuerySet[Statement], QuerySet[Answer]]:
    """Everything waiting for moderation, oldest first."""
    return (
        Statement.objects.filter(status=Moderation.PENDING)
        .select_related("consultation")
        .order_by("pk"),
        Answer.objects.filter(status=Moderation.PENDING)
        .select_related("question__consultation")
        .order_by("pk"),
    )


def latest_snapshot(consultation: Consultation) -> OpinionSnapshot | None:
    return consultation.snapshots.first()


def reach(consultation: Consultation) -> dict[str, Any]:
    """How many took part, voted, wrote, and from which places and age bands (those who said)."""
    people = Participant.objects.filter(consultation=consultation)
    voters = people.filter(votes__isnull=False).distinct().count()
    by_place = list(
        people.exclude(place=None)
        .values("place__name")
        .annotate(n=Count("pk"))
        .order_by("place__name")
    )
    by_age = dict(people.exclude(age_band="").values_list("age_band").annotate(n=Count("pk")))
    return {
        "participants": people.count(),
        "voters": voters,
        "votes": Vote.objects.filter(participant__consultation=consultation).count(),
        "statements_added": Statement.objects.filter(
            consultation=consultation, participant__isnull=False
        ).count(),
        "answers": Answer.objects.filter(question__consultation=consultation).count(),
        "by_place": [(r["place__name"], r["n"]) for r in by_place],
        "by_age": [(label, by_age.get(value, 0)) for value, label in AgeBand.choices],
        "undisclosed_place": people.filter(place=None).count(),
    }


def approved_answers(consultation: Consultation) -> QuerySet[Answer]:
    return (
        Answer.objects.filter(question__consultation=consultation, status=Moderation.APPROVED)
        .select_related("question")
        .order_by("question__order", "pk")
    )


@dataclass(frozen=True)
class Heard:
    """Words people wrote, said once: how many wrote the same words to the same question."""

    question: str
    text: str
    people: int


def answers_heard(consultation: Consultation) -> list[Heard]:
    """Approved answers, each once: the same words (ignoring case and spacing) written by
    several people to the same question are one quote with how many wrote them. In question
    order, then in the order first written."""
    heard: dict[tuple[int, str], list[Any]] = {}
    for a in approved_answers(consultation):
        key = (a.question_id, " ".join(a.text.split()).casefold())
        if key in heard:
            heard[key][2] += 1
        else:
            heard[key] = [a.question.text, a.text, 1]
    return [Heard(q, text, n) for q, text, n in heard.values()]


def with_counts(consultations: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return consultations.annotate(
        people=Count("participants", distinct=True),
        pending=Count("statements", filter=Q(statements__status=Moderation.PENDING), distinct=True),
    )


def message_reach(message: Message) -> dict[str, Any]:
    """Recipients, read and acknowledged: in all, by neighbourhood (or kind of organisation,
    for messages to staff), and who has not yet acknowledged."""
    recipients = list(
        message.recipients.select_related("organisation__neighbourhood__place").order_by(
            "organisation__neighbourhood__name", "organisation__name"
        )
    )
    groups: dict[str, dict[str, int]] = {}
    for r in recipients:
        o = r.organisation
        name = o.neighbourhood.name if o.neighbourhood else o.get_kind_display()
        g = groups.setdefault(name, {"recipients": 0, "read": 0, "acknowledged": 0})
        g["recipients"] += 1
        g["read"] += r.read_at is not None
        g["acknowledged"] += r.acknowledged_at is not None
    return {
        "recipients": len(recipients),
        "read": sum(r.read_at is not None for r in recipients),
        "acknowledged": sum(r.acknowledged_at is not None for r in recipients),
        "by_group": sorted(groups.items()),
        "waiting": [r for r in recipients if r.acknowledged_at is None],
    }


def recipient(pk: int) -> Recipient | None:
    """A message's recipient, with the message and its sender, for its personal link."""
    return Recipient.objects.select_related("message__sender", "organisation").filter(pk=pk).first()


def messages_with_reach() -> QuerySet[Message]:
    return Message.objects.select_related("sender").annotate(
        sent_to=Count("recipients", distinct=True),
        acknowledged=Count(
            "recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True
        ),
    )
