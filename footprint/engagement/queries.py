"""Reads in engagement: what the public may see, the moderation queue, reach, what the
opinion groups are found from, and who a message goes to."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from footprint.core import ratelimit
from footprint.core.models import RateLimitCounter
from footprint.engagement.models import (
    AgeBand,
    Answer,
    Audience,
    Consultation,
    Message,
    MessageAttachment,
    MessageAudience,
    Moderation,
    OpinionSnapshot,
    Participant,
    Question,
    Recipient,
    Response,
    Statement,
    Vote,
)
from footprint.partnership.models import Organisation, OrganisationKind, Place, Role
from footprint.partnership.rules import roles_of

STAFF_EMPLOYERS = [
    OrganisationKind.COMMISSIONER,
    OrganisationKind.ACUTE_TRUST,
    OrganisationKind.COMMUNITY_TRUST,
    OrganisationKind.MENTAL_HEALTH_TRUST,
    OrganisationKind.AMBULANCE_TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
]


def key_digest(key: str) -> str:
    """What is stored of a participant's key: its SHA-256, so the database cannot be used to
    impersonate anyone."""
    return hashlib.sha256(key.encode()).hexdigest()


def consultations(*, partners_too: bool) -> QuerySet[Consultation]:
    """Every consultation: the public ones announced, and (``partners_too``) drafts and those
    for partners, practices and staff."""
    qs = Consultation.objects.all()
    return qs if partners_too else qs.filter(audience=Audience.PUBLIC, draft=False)


def published_public_report(slug: str) -> Consultation | None:
    """The public consultation ``slug`` if its report is published (for the public API)."""
    return Consultation.objects.filter(
        slug=slug, audience=Audience.PUBLIC, draft=False, report_published_at__isnull=False
    ).first()


def participant(consultation: Consultation, key: str) -> Participant | None:
    """The participant with this key in this consultation, if they have taken part."""
    return Participant.objects.filter(consultation=consultation, key=key_digest(key)).first()


def questions(consultation: Consultation) -> list[Question]:
    return list(consultation.questions.all())


def responses(consultation: Consultation) -> QuerySet[Response]:
    """The partnership's "you said, we did", in order, with the statement and decision."""
    return consultation.responses.select_related("statement", "decision__proposal")


def report_document(consultation: Consultation) -> dict[str, Any]:
    """The report's words as they stand now: its summary and its "you said, we did", as plain
    data (what publishing keeps, and what the page shows, with the names the page uses)."""
    return {
        "summary": consultation.report_summary,
        "responses": [
            {
                "theme": r.theme,
                "statement": {"text": r.statement.text} if r.statement else None,
                "response": r.response,
                "decision": {"proposal": {"title": r.decision.proposal.title}}
                if r.decision
                else None,
            }
            for r in responses(consultation)
        ],
    }


def published_document(consultation: Consultation) -> dict[str, Any] | None:
    """The report's words as last published (None if it is not published). A report
    published before publications were kept shows its words as they stand."""
    if consultation.report_published_at is None:
        return None
    return consultation.published_report or report_document(consultation)


def statements_with_votes(
    consultation: Consultation, *, unmoderated_too: bool
) -> QuerySet[Statement]:
    """The consultation's statements with how many voted on each: the approved ones, or
    (``unmoderated_too``, for the programme office) every one, waiting and hidden included."""
    qs = consultation.statements.all() if unmoderated_too else approved_statements(consultation)
    return qs.annotate(voters=Count("votes")).order_by("status", "pk")


def by_status(
    consultations: QuerySet[Consultation], today: dt.date
) -> dict[str, list[Consultation]]:
    """Consultations sorted into open, upcoming and closed on ``today``."""
    out: dict[str, list[Consultation]] = {"open": [], "upcoming": [], "closed": []}
    for c in consultations:
        out[c.status(today)].append(c)
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


def published_snapshot(consultation: Consultation) -> OpinionSnapshot | None:
    """The opinion groups the published report shows (None if it is not published): the ones
    it was published with, whatever has been recomputed since. A report published before
    they were kept shows the last found by its publication (or, failing that, the first)."""
    if consultation.report_published_at is None:
        return None
    if consultation.published_snapshot_id is not None:
        return consultation.snapshots.filter(pk=consultation.published_snapshot_id).first()
    snapshots = consultation.snapshots.all()
    return (
        snapshots.filter(computed_at__lte=consultation.report_published_at).first()
        or snapshots.order_by("computed_at", "pk").first()
    )


def latest_snapshot_at(consultation: Consultation) -> dt.datetime | None:
    """When the consultation's opinion groups were last found, if ever."""
    return consultation.snapshots.values_list("computed_at", flat=True).first()


def opinion_inputs(
    consultation: Consultation,
) -> tuple[list[tuple[int, str]], list[tuple[int, int, int]]]:
    """What the opinion groups are found from: the approved statements (number and text, in
    order) and every vote on them (participant, statement, value)."""
    statements = list(approved_statements(consultation).order_by("pk").values_list("pk", "text"))
    votes = list(
        Vote.objects.filter(statement__in=[pk for pk, _ in statements]).values_list(
            "participant_id", "statement_id", "value"
        )
    )
    return statements, votes


NOT_SAID = "Did not say"

# Who took part is published by place and by age band only with small numbers withheld (the
# NHS and ONS practice for published counts of people): a count below SMALL, 0 included, is
# shown as "fewer than 5" (None here, null in the API), and a second count is withheld too
# when the number who took part would give the withheld one away. docs/engagement.md.
SMALL = 5
WITHHELD = f"fewer than {SMALL}"


@dataclass(frozen=True)
class Breakdown:
    """Those who took part, by one thing they may tell us (place, age band): a row for each
    answer and a last row of those who did not say, so the rows add up to everyone
    (``total``). A count withheld as too small (``suppress``) is None."""

    key: str  # "age", "place": the API's and the CSV's name for it
    title: str  # "Age", "Place"
    rows: list[tuple[str, int | None]]
    total: int

    @property
    def withheld(self) -> bool:
        return any(n is None for _, n in self.rows)


def _given_away(counts: list[int], hidden: set[int]) -> bool:
    """Whether the withheld counts could be worked out from the total and those shown: one
    alone is the total less the rest; several, all below SMALL, are pinned down when their sum
    leaves none of them possibly 0 (two summing to 8 are both 4). Withheld counts all 0 give
    nobody away."""
    withheld = [counts[i] for i in hidden]
    if not withheld or sum(withheld) == 0:
        return False
    if len(withheld) == 1:
        return True
    return max(withheld) < SMALL and sum(withheld) > (SMALL - 1) * (len(withheld) - 1)


def suppress(counts: list[int]) -> list[int | None]:
    """``counts`` (a breakdown's, adding up to a published total) with every count below
    SMALL withheld (None), then, while the total and the counts shown would give the
    withheld ones away, the smallest count shown withheld too (secondary suppression; the
    first of equals)."""
    hidden = {i for i, n in enumerate(counts) if n < SMALL}
    while _given_away(counts, hidden):
        shown = [i for i in range(len(counts)) if i not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda i: counts[i]))
    return [None if i in hidden else n for i, n in enumerate(counts)]


def _breakdown(key: str, title: str, said: list[tuple[str, int]], everyone: int) -> Breakdown:
    rows = [*said, (NOT_SAID, everyone - sum(n for _, n in said))]
    shown = suppress([n for _, n in rows])
    return Breakdown(
        key, title, [(name, n) for (name, _), n in zip(rows, shown, strict=True)], everyone
    )


def reach(consultation: Consultation) -> dict[str, Any]:
    """How many took part, voted and wrote, and who they were, as they stand now: each
    breakdown (place, age band) ends with those who did not say, so it adds up to the number
    who took part, and shows small counts withheld (``suppress``). Exact counts by place or
    age band leave this function for nobody."""
    people = Participant.objects.filter(consultation=consultation)
    everyone = people.count()
    voters = people.filter(votes__isnull=False).distinct().count()
    # Every place people could choose, as every age band, those nobody chose counted as 0.
    chosen = dict(
        people.exclude(place=None).values_list("place_id").annotate(n=Count("pk")).order_by()
    )
    places = [(p.name, chosen.get(p.pk, 0)) for p in Place.objects.order_by("name")]
    ages = dict(
        people.filter(age_band__in=AgeBand.values)
        .values_list("age_band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    breakdowns = [
        _breakdown("place", "Place", places, everyone),
        _breakdown(
            "age",
            "Age",
            [(label, ages.get(value, 0)) for value, label in AgeBand.choices],
            everyone,
        ),
    ]
    return {
        "participants": everyone,
        "voters": voters,
        "votes": Vote.objects.filter(participant__consultation=consultation).count(),
        "statements_added": Statement.objects.filter(
            consultation=consultation, participant__isnull=False
        ).count(),
        "answers": Answer.objects.filter(question__consultation=consultation).count(),
        "breakdowns": breakdowns,
    }


REACH_COUNTS = ("participants", "voters", "votes", "statements_added", "answers")


def reach_document(consultation: Consultation) -> dict[str, Any]:
    """``reach`` as plain data, small counts already withheld: what publishing keeps."""
    now = reach(consultation)
    return {
        **{k: now[k] for k in REACH_COUNTS},
        "breakdowns": [
            {"key": b.key, "title": b.title, "rows": [[name, n] for name, n in b.rows]}
            for b in now["breakdowns"]
        ],
    }


def published_reach(consultation: Consultation) -> dict[str, Any]:
    """Who took part as the report was first published (``reach`` with its breakdowns), so
    nothing after publication (a late participant, personal details deleted after the
    retention date) changes the published figures. A report published before they were kept,
    or not yet published (the programme office's preview), gives them as they stand now."""
    kept = consultation.published_reach
    if consultation.report_published_at is None or kept is None:
        return reach(consultation)
    return {
        **{k: kept[k] for k in REACH_COUNTS},
        "breakdowns": [
            Breakdown(
                b["key"],
                b["title"],
                [(name, n) for name, n in b["rows"]],
                kept["participants"],
            )
            for b in kept["breakdowns"]
        ],
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


def with_counts() -> QuerySet[Consultation]:
    """Every consultation, with how many took part and how many statements wait."""
    return Consultation.objects.annotate(
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


def senders(user: Any, *, partnership: bool) -> list[Organisation]:
    """The organisations ``user`` may send messages for: every organisation but the practices
    for the programme office (``partnership``), otherwise those they are an editor of."""
    if partnership:
        return list(Organisation.objects.exclude(kind=OrganisationKind.GP_PRACTICE))
    editing = [pk for pk, roles in roles_of(user).by_organisation.items() if Role.EDITOR in roles]
    return list(Organisation.objects.filter(pk__in=editing))


def adopted_by(message: Message) -> set[int]:
    """The organisations (by number) that have adopted the message."""
    return set(message.adopted_by.values_list("pk", flat=True))


def waiting_for_reminder(
    *, older_than: dt.timedelta, now: dt.datetime, message: Message | None = None
) -> QuerySet[Recipient]:
    """Recipients that have not acknowledged a message sent more than ``older_than`` before
    ``now`` and were not reminded within it (of one ``message``, or of every one)."""
    waiting = (
        Recipient.objects.filter(
            acknowledged_at__isnull=True, message__sent_at__lte=now - older_than
        )
        .exclude(reminded_at__gt=now - older_than)
        .select_related("message", "organisation")
    )
    return waiting if message is None else waiting.filter(message=message)


def person(pk: int | None) -> Any:
    """The person with this number (who asked for a background task), or None."""
    return None if pk is None else get_user_model().objects.filter(pk=pk).first()


def consultation(pk: int) -> Consultation:
    return Consultation.objects.get(pk=pk)


def messages_with_reach() -> QuerySet[Message]:
    return Message.objects.select_related("sender").annotate(
        sent_to=Count("recipients", distinct=True),
        acknowledged=Count(
            "recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True
        ),
    )


def published_report(slug: str) -> Consultation | None:
    """The consultation ``slug``, of any audience, if its report is published (for partners
    in the API; ``rules`` decides who may read which)."""
    return Consultation.objects.filter(slug=slug, report_published_at__isnull=False).first()


# --- The inbox and attachments ----------------------------------------------------------------


def inbox(user: Any) -> QuerySet[Recipient]:
    """The messages sent to the organisations ``user`` is a member of (one row for each
    organisation it reached), newest first, with who acknowledged each and its attachments."""
    return (
        Recipient.objects.filter(
            organisation_id__in=list(roles_of(user).by_organisation),
            message__sent_at__isnull=False,
        )
        .select_related("message__sender", "organisation", "acknowledged_by")
        .prefetch_related("message__attachments")
        .order_by("-message__sent_at", "-message_id", "organisation__name")
    )


def inbox_counts(user: Any) -> dict[str, int]:
    """How many messages are in ``user``'s inbox, how many not yet acknowledged, and how
    many organisations it is for."""
    mine = inbox(user)
    return {
        "all": mine.count(),
        "waiting": mine.filter(acknowledged_at__isnull=True).count(),
        "organisations": len(roles_of(user).by_organisation),
    }


def inbox_recipient(user: Any, pk: int) -> Recipient | None:
    """One of ``user``'s inbox's messages (None if it is not theirs)."""
    return inbox(user).filter(pk=pk).first()


def attachments(message: Message) -> list[MessageAttachment]:
    return list(message.attachments.all())


def attachment(message_pk: int, pk: int) -> MessageAttachment | None:
    """The attachment ``pk`` of the message ``message_pk``, with its message and sender."""
    return (
        MessageAttachment.objects.select_related("message__sender")
        .filter(message_id=message_pk, pk=pk)
        .first()
    )


def slug_fixed(consultation: Consultation, today: dt.date) -> str:
    """Why a consultation's web address can no longer change ("" while it can): once it has
    opened people may have been sent it, and once anyone has taken part it is theirs too."""
    if consultation.pk is None:
        return ""
    if Participant.objects.filter(consultation_id=consultation.pk).exists():
        return "People have taken part in it"
    opened = (
        Consultation.objects.filter(pk=consultation.pk).values_list("opens_on", flat=True).first()
    )
    if opened is not None and opened <= today:
        return "It has opened"
    return ""


def free_slug(base: str, *, but: int | None = None) -> str:
    """``base`` if no other consultation has it as its web address, otherwise ``base-2``,
    ``base-3``, … (the first that is free)."""
    taken = set(
        Consultation.objects.filter(slug__startswith=base)
        .exclude(pk=but)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = f"{base[: 80 - len(suffix)]}{suffix}"
    return slug


def tries(wanted: dict[str, int], who: str, *, now: dt.datetime) -> dict[str, int]:
    """How many tries of each kind in ``wanted`` (kind: its window in seconds) by ``who`` the
    rate limit has counted in the window that ``now`` falls in: one query, counting nothing
    (see core.ratelimit)."""
    keys = {f"{kind}:{who}"[:200]: kind for kind in wanted}
    found = Q(pk__in=[])
    for key, kind in keys.items():
        found |= Q(key=key, window_start=ratelimit.window_start(now, wanted[kind]))
    counts = {kind: 0 for kind in wanted}
    for key, n in RateLimitCounter.objects.filter(found).values_list("key", "count"):
        counts[keys[key]] = int(n)
    return counts
