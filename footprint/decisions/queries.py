"""Reads of decisions for pages, CSV and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Max, Q, QuerySet
from django.utils import timezone

from footprint.decisions.models import (
    DAY,
    Action,
    AssessmentThreshold,
    Conflict,
    Consent,
    Decision,
    Delegation,
    Escalation,
    Forum,
    ForumMember,
    ImpactAssessment,
    Meeting,
    MoneyFlow,
    Proposal,
)
from footprint.partnership.models import Membership


def published_q(today: dt.date) -> Q:
    """Decisions the public may see: public proposals, and confidential ones whose
    publication date has come."""
    return Q(proposal__confidentiality=Proposal.Confidentiality.PUBLIC) | Q(
        proposal__publish_after__lte=today
    )


def _supersedes_published_q(today: dt.date) -> Q:
    """The decision a decision replaces is one the public may see (``published_q`` one step
    along ``supersedes``)."""
    return Q(supersedes__proposal__confidentiality=Proposal.Confidentiality.PUBLIC) | Q(
        supersedes__proposal__publish_after__lte=today
    )


def register(
    *,
    today: dt.date,
    search: str = "",
    forum: str = "",
    place: str = "",
    decision_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Decision]:
    """The public decision register, newest first, filtered. Each decision carries
    ``supersedes_public``: whether the decision it replaces (if any) may be shown; a confidential
    one before its date may not, not even its title (say only when it will be published)."""
    qs = (
        Decision.objects.filter(published_q(today))
        .select_related(
            "proposal__decision_type", "forum__place", "meeting", "supersedes__proposal"
        )
        .annotate(
            supersedes_public=ExpressionWrapper(
                _supersedes_published_q(today), output_field=BooleanField()
            )
        )
    )
    if search:
        qs = qs.filter(
            Q(proposal__title__icontains=search)
            | Q(proposal__summary__icontains=search)
            | Q(rationale__icontains=search)
        )
    if forum:
        qs = qs.filter(forum__slug=forum)
    if place:
        qs = qs.filter(forum__place__slug=place)
    if decision_type:
        qs = qs.filter(proposal__decision_type__slug=decision_type)
    if date_from:
        qs = qs.filter(decided_on__gte=date_from)
    if date_to:
        qs = qs.filter(decided_on__lte=date_to)
    return qs.order_by("-decided_on", "-pk")


def supersedes_text(decision: Decision) -> str:
    """What a register row (from ``register``) says it replaces: the earlier decision's title,
    or only when a confidential one will be published."""
    earlier = decision.supersedes
    if earlier is None:
        return ""
    if getattr(decision, "supersedes_public", False):
        return earlier.proposal.title
    return f"A confidential decision, to be published on {earlier.proposal.publish_after}"


def withheld(today: dt.date) -> QuerySet[Decision]:
    """Confidential decisions not yet published: listed without their content."""
    return (
        Decision.objects.exclude(published_q(today))
        .select_related("forum")
        .order_by("proposal__publish_after")
    )


def confidential_readers_q(user: Any) -> Q:
    """Confidential proposals whose content ``user`` may read (the programme office reads
    them all; ``rules.may_read_proposal`` adds it): those brought to, or now taken by, a forum
    on which ``user`` holds a seat (or deputises for one); those ``user`` brought; and those
    with money in or out of an organisation ``user`` belongs to."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    seat_forums = ForumMember.objects.filter(Q(representative=user) | Q(deputies=user)).values(
        "forum_id"
    )
    own_orgs = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Q(created_by=user)
        | Q(brought_to_id__in=seat_forums)
        | Q(forum_id__in=seat_forums)
        | Q(pk__in=MoneyFlow.objects.filter(organisation_id__in=own_orgs).values("proposal_id"))
    )


def open_to_partners_q(today: dt.date) -> Q:
    """Proposals every partner may read: public ones, and confidential ones whose publication
    date has come."""
    return Q(confidentiality=Proposal.Confidentiality.PUBLIC) | Q(publish_after__lte=today)


def readable_q(user: Any, today: dt.date, *, everything: bool = False) -> Q:
    """Proposals whose content ``user`` may read (``everything`` for the programme office)."""
    if everything:
        return Q()
    return open_to_partners_q(today) | confidential_readers_q(user)


def readable_ids(user: Any, today: dt.date, *, everything: bool = False) -> set[int] | None:
    """The proposals ``user`` may read, by key; None when every one."""
    if everything:
        return None
    return set(
        Proposal.objects.filter(readable_q(user, today)).values_list("pk", flat=True).distinct()
    )


def proposals(status: str = "") -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("forum", "decision_type", "brought_to")
    return qs.filter(status=status) if status else qs


def overdue_actions(today: dt.date) -> QuerySet[Action]:
    return (
        Action.objects.filter(done=False, due__lt=today)
        .select_related("owner", "decision__proposal")
        .order_by("due")
    )


def forums() -> QuerySet[Forum]:
    return Forum.objects.select_related("parent", "place", "neighbourhood__place").order_by(
        "layer", "name"
    )


def seats(user: Any, forum_id: int | None) -> list[ForumMember]:
    """``user``'s voting seats on a forum (one per organisation represented)."""
    if forum_id is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        ForumMember.objects.filter(
            representative=user, forum_id=forum_id, voting=True
        ).select_related("organisation")
    )


def has_any_seat(user: Any) -> bool:
    """Whether ``user`` sits on any forum, voting or not."""
    return bool(getattr(user, "is_authenticated", False)) and (
        ForumMember.objects.filter(representative=user).exists()
    )


def forum_tree() -> dict[str, Forum]:
    """Every forum by slug (each knows its parent's id)."""
    return {f.slug: f for f in Forum.objects.all()}


def member_organisations() -> dict[str, set[str]]:
    """Each forum's member organisations (their ODS codes), by the forum's slug."""
    seats: dict[str, set[str]] = {}
    for slug, code in ForumMember.objects.values_list("forum__slug", "organisation__ods_code"):
        seats.setdefault(slug, set()).add(code)
    return seats


def paying_organisations(proposal: Proposal) -> dict[str, str]:
    """The organisations whose money the proposal takes (a negative money flow): their names
    by ODS code."""
    return dict(
        proposal.money.filter(amount_pence__lt=0).values_list(
            "organisation__ods_code", "organisation__name"
        )
    )


def delegations(decision_type_id: int) -> list[Delegation]:
    """The scheme of delegation for one decision type: which forums, up to what limit."""
    return list(
        Delegation.objects.filter(decision_type_id=decision_type_id).select_related("forum")
    )


def members(forum: Forum) -> QuerySet[ForumMember]:
    """A forum's members with their organisations and representatives."""
    return forum.members.select_related("organisation", "representative")


def voting_members(forum: Forum) -> list[ForumMember]:
    """A forum's voting members with their organisations and representatives."""
    return list(members(forum).filter(voting=True))


def attendee_ids(meeting: Meeting) -> set[int]:
    return set(meeting.attendees.values_list("pk", flat=True))


def conflicted_ids(proposal: Proposal) -> set[int]:
    """The people who have declared a conflict of interest in ``proposal``."""
    return set(proposal.conflicts.values_list("person_id", flat=True))


def has_conflict(proposal: Proposal, person: Any) -> bool:
    return proposal.conflicts.filter(person=person).exists()


def has_objection(proposal: Proposal) -> bool:
    return proposal.consents.filter(response=Consent.Response.OBJECT).exists()


def consent_of(proposal: Proposal, organisation_id: int) -> Consent | None:
    """The response an organisation has recorded to a proposal, if any."""
    return Consent.objects.filter(proposal=proposal, organisation_id=organisation_id).first()


def consents(proposal: Proposal) -> QuerySet[Consent]:
    return Consent.objects.filter(proposal=proposal).select_related("organisation", "recorded_by")


def forum_delegations(forum: Forum) -> QuerySet[Delegation]:
    return forum.delegations.select_related("decision_type")


def recent_meetings(forum: Forum, limit: int = 12) -> list[Meeting]:
    return list(forum.meetings.prefetch_related("attendees")[:limit])


def forum_proposals(forum: Forum, limit: int = 50) -> list[Proposal]:
    return list(forum.proposals.select_related("decision_type")[:limit])


def forum_page() -> QuerySet[Forum]:
    """Forums as their page shows them (look one up by slug)."""
    return Forum.objects.select_related("parent", "place")


def proposal_page() -> QuerySet[Proposal]:
    """Proposals as their page and its actions need them (look one up by pk)."""
    return Proposal.objects.select_related("forum__parent", "brought_to", "decision_type")


def decisions(proposal: Proposal) -> list[Decision]:
    """The forums' decisions on the proposal, oldest first: any deferrals, then the one that
    decided it."""
    return list(
        proposal.decisions.select_related("forum", "meeting")
        .prefetch_related("actions__owner")
        .order_by("decided_on", "pk")
    )


def deferred_on(proposal: Proposal) -> dt.date | None:
    """The day the deciding forum last deferred the proposal, if it has."""
    day: dt.date | None = proposal.decisions.filter(
        outcome=Decision.Outcome.DEFERRED, forum_id=proposal.forum_id
    ).aggregate(day=Max("decided_on"))["day"]
    return day


def meetings_that_may_decide(proposal: Proposal, limit: int = 3) -> list[Meeting]:
    """The deciding forum's latest meetings on or after the day the proposal was brought, and
    after the meeting that last deferred it."""
    if proposal.forum is None:
        return []
    meetings = proposal.forum.meetings.filter(date__gte=proposal.proposed_on)
    deferred = deferred_on(proposal)
    if deferred is not None:
        meetings = meetings.filter(date__gt=deferred)
    return list(meetings[:limit])


def money(proposal: Proposal) -> QuerySet[MoneyFlow]:
    return proposal.money.select_related("organisation")


def conflicts(proposal: Proposal) -> QuerySet[Conflict]:
    return proposal.conflicts.select_related("person")


def escalations(proposal: Proposal) -> QuerySet[Escalation]:
    return proposal.escalations.select_related("from_forum", "to_forum")


def seeking_consent() -> QuerySet[Proposal]:
    """Proposals whose boards are being asked for consent by a forum."""
    return Proposal.objects.filter(status=Proposal.Status.SEEKING_CONSENT, forum__isnull=False)


def first_asked_on(proposal: Proposal) -> dt.datetime | None:
    """When the proposal first sought consent, by its history (for proposals asked before
    the day was recorded)."""
    first = (
        proposal.history.filter(status=Proposal.Status.SEEKING_CONSENT)
        .order_by("history_date")
        .first()
    )
    return first.history_date if first else None


def in_words(parts: list[str]) -> str:
    """['a', 'b', 'c'] → 'a, b and c'."""
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


_SHOWN_WITH_VALUE = ("forum", "status")  # said last, with what they became


def _field_words(record: Any, name: str) -> str:
    """A changed field of a proposal in words, by its verbose name: 'the consent deadline',
    'when consent was asked', 'the status: Seeking consent'."""
    words = str(Proposal._meta.get_field(name).verbose_name)
    if not words.startswith(("when ", "whether ", "who ", "which ")):
        words = "the " + words
    if name == "status":
        words += f": {record.get_status_display()}"
    elif name == "forum":
        words += f": {record.forum.name if record.forum_id else 'none'}"
    return words


def history(proposal: Proposal) -> list[dict[str, object]]:
    """Every change to the proposal, its consents and conflicts, and each decision on it: who,
    when (in local time) and what, in words."""
    entries: list[dict[str, object]] = []

    def add(records: list, describe) -> None:  # type: ignore[no-untyped-def,type-arg]
        previous = None
        for record in records:
            if previous is None or record.history_type == "+":
                what = describe(record, None)
            else:
                delta = record.diff_against(previous)
                what = describe(record, [c.field for c in delta.changes])
            if what:
                entries.append(
                    {
                        "when": timezone.localtime(record.history_date),
                        "who": record.history_user,
                        "what": what,
                    }
                )
            previous = record

    def proposal_change(r, fields):  # type: ignore[no-untyped-def]
        if fields is None:
            return f"Proposal created, brought to {r.brought_to.name}"
        shown = sorted(
            (f for f in fields if f not in {"created_at"}), key=lambda f: f in _SHOWN_WITH_VALUE
        )
        if not shown:
            return ""
        return "Changed " + in_words([_field_words(r, f) for f in shown])

    add(list(proposal.history.order_by("history_date")), proposal_change)
    for consent in proposal.consents.select_related("organisation"):
        add(
            list(consent.history.order_by("history_date")),
            lambda r, f, c=consent: (
                f"{c.organisation.name}: {r.get_response_display()}"
                + (f" ({r.reason})" if r.reason else "")
                + (", ratified by its board" if r.board_ratified else "")
            ),
        )
    for conflict in proposal.conflicts.all():
        add(
            list(conflict.history.order_by("history_date")),
            lambda r, f: f"Conflict of interest declared: {r.description}" if f is None else "",
        )
    for d in proposal.decisions.select_related("meeting", "recorded_by"):
        entries.append(
            {
                "when": timezone.localtime(d.recorded_at),
                "who": d.recorded_by,
                "what": f"Decision recorded: {d.get_outcome_display()}, at the meeting of "
                f"{d.meeting.date:{DAY}}",
            }
        )
    entries.sort(key=lambda e: e["when"])  # type: ignore[arg-type,return-value]
    return entries


# Reads added for setting up forums, seats and delegation on pages, and for the goals a
# proposal serves (the plan's goals are reached through the relation, not by importing plans).


def _goal_model() -> Any:
    return Proposal._meta.get_field("goals").related_model


def goal_choices() -> QuerySet[Any]:
    """The plan's goals a proposal may serve, in the plan's order."""
    return (
        _goal_model()
        .objects.select_related("priority__plan")
        .order_by("-priority__plan__start_year", "priority__order", "statement")
    )


def goals_served(proposal: Proposal) -> QuerySet[Any]:
    """The plan's goals ``proposal`` serves."""
    return proposal.goals.select_related("priority").order_by("priority__order", "statement")


def seats_held(user: Any, forum_id: int | None) -> list[ForumMember]:
    """The voting seats on a forum ``user`` may act for: as the representative, or as a
    deputy the representative has named."""
    if forum_id is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        ForumMember.objects.filter(Q(representative=user) | Q(deputies=user), forum_id=forum_id)
        .filter(voting=True)
        .select_related("organisation")
        .distinct()
    )


def seat(pk: int) -> ForumMember | None:
    """A seat with its forum, organisation, representative and deputies, or None."""
    return (
        ForumMember.objects.select_related("forum", "organisation", "representative")
        .prefetch_related("deputies")
        .filter(pk=pk)
        .first()
    )


def seats_with_deputies(forum: Forum) -> QuerySet[ForumMember]:
    """A forum's seats with their organisations, representatives and deputies."""
    return forum.members.select_related("organisation", "representative").prefetch_related(
        "deputies"
    )


def decision_types() -> QuerySet[Any]:
    from footprint.decisions.models import DecisionType

    return DecisionType.objects.order_by("name")


def scheme_of_delegation() -> QuerySet[Delegation]:
    """Every delegation, by decision type and forum."""
    return Delegation.objects.select_related("decision_type", "forum").order_by(
        "decision_type__name", "forum__layer", "forum__name"
    )


def delegation(pk: int) -> Delegation | None:
    return Delegation.objects.select_related("decision_type", "forum").filter(pk=pk).first()


def forum_slugs() -> set[str]:
    return set(Forum.objects.values_list("slug", flat=True))


def register_consents(decisions: Iterable[Decision]) -> dict[int, list[Consent]]:
    """The boards' responses to each decided proposal, by proposal id, for the register:
    each says whether the programme office recorded it on the board's behalf, and the minute."""
    ids = {d.proposal_id for d in decisions}
    out: dict[int, list[Consent]] = {}
    for c in (
        Consent.objects.filter(proposal_id__in=ids)
        .select_related("organisation", "recorded_by")
        .order_by("organisation__name")
    ):
        out.setdefault(c.proposal_id, []).append(c)
    return out


def forum_named(name: str) -> Forum | None:
    """The forum called ``name``, in any case, or None."""
    return Forum.objects.filter(name__iexact=name.strip()).first()


def delegation_of(decision_type: Any, forum: Forum) -> Delegation | None:
    return Delegation.objects.filter(decision_type=decision_type, forum=forum).first()


def people_present(forum: Forum, user_ids: Iterable[Any]) -> list[Any]:
    """The people among ``user_ids`` who hold a seat on ``forum``: its representatives and
    the deputies they have named."""
    ids = list(user_ids)
    seated = set(
        forum.members.filter(representative_id__in=ids).values_list("representative", flat=True)
    ) | set(forum.members.filter(deputies__in=ids).values_list("deputies", flat=True))
    return list(get_user_model().objects.filter(pk__in=seated))


def change_history(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The changes to a forum, a seat or a delegation, newest first: when, who and what."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    out = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        if older is None or record.history_type == "+":
            what = "Set up"
        elif record.history_type == "-":
            what = "Removed"
        else:
            order = [f.name for f in type(obj)._meta.get_fields()]
            changes = sorted(
                (c for c in record.diff_against(older).changes if not _same(c.old, c.new)),
                key=lambda c: order.index(c.field),
            )
            fields = [type(obj)._meta.get_field(c.field) for c in changes]
            if (
                older.history_type == "+"
                and all(f.many_to_many for f in fields)
                and record.history_date - older.history_date < dt.timedelta(seconds=5)
            ):
                continue  # a seat's deputies, set as it was set up: part of setting it up
            names = [_change_words(f, c) for f, c in zip(fields, changes, strict=True)]
            what = ("Changed " + in_words(names)) if names else "Saved, unchanged"
        out.append(
            {
                "when": timezone.localtime(record.history_date),
                "who": record.history_user,
                "what": what,
            }
        )
    return out


def _same(old: Any, new: Any) -> bool:
    """Whether a history change is no change (e.g. a seat's deputies saved again, unchanged:
    many-to-many values come as lists of rows, in any order)."""
    if isinstance(old, list) and isinstance(new, list):
        return sorted(map(repr, old)) == sorted(map(repr, new))
    return bool(old == new)


def _change_words(field: Any, change: Any) -> str:
    """A changed field by name, with its old and new values where they are short: "limit
    £1,000,000 → £5,000,000", "quorum count 2 → 3"; money in pence as pounds."""
    name = str(field.verbose_name)
    if field.name.endswith("_pence"):

        def words(v: Any) -> str:
            return "none" if v is None else f"{'−' if v < 0 else ''}£{round(abs(v) / 100):,}"
    elif getattr(field, "choices", None) and not field.many_to_many:
        labels = dict(field.flatchoices)

        def words(v: Any) -> str:
            return str(labels.get(v, v))
    elif isinstance(field, (models.IntegerField, models.BooleanField, models.DecimalField)):

        def words(v: Any) -> str:
            return "none" if v is None else ("yes" if v is True else "no" if v is False else str(v))
    else:
        return name
    return f"{name} {words(change.old)} → {words(change.new)}"


def on_behalf_words(proposal: Proposal) -> dict[dt.datetime, str]:
    """For each change to a board's response that the programme office recorded on the
    board's behalf, by its moment (local time, as ``history`` gives it), the words to say
    so: "Northshire Council: Consent, recorded on the board's behalf from Cabinet minute 7"."""
    out = {}
    for consent in proposal.consents.select_related("organisation"):
        for record in consent.history.exclude(minute_reference=""):
            out[timezone.localtime(record.history_date)] = (
                f"{consent.organisation.name}: {record.get_response_display()}"
                + (f" ({record.reason})" if record.reason else "")
                + f", recorded on the board's behalf from {record.minute_reference}"
            )
    return out


# --- Equality and health inequalities impact assessments -------------------------------------


def assessment_threshold() -> AssessmentThreshold:
    """The partnership's threshold (its one row, unsaved and empty if never set)."""
    return AssessmentThreshold.objects.order_by("pk").first() or AssessmentThreshold()


def assessment_of(proposal: Proposal) -> ImpactAssessment | None:
    """The proposal's impact assessment, with who completed it, or None."""
    return ImpactAssessment.objects.select_related("completed_by").filter(proposal=proposal).first()


def register_assessments(decisions: Iterable[Decision]) -> dict[int, ImpactAssessment]:
    """The impact assessment of each proposal in ``decisions`` (already filtered to what the
    public may see), by proposal id."""
    ids = {d.proposal_id for d in decisions}
    return {a.proposal_id: a for a in ImpactAssessment.objects.filter(proposal_id__in=ids)}


def awaiting_assessment_ids() -> set[int]:
    """The proposals not yet decided or withdrawn whose money at stake is above the
    partnership's threshold and that have no completed impact assessment (none, or one with
    gaps: ``ImpactAssessment.gaps``)."""
    threshold = assessment_threshold().threshold_pence
    if threshold is None:
        return set()
    above = Proposal.objects.filter(value_pence__gt=threshold).exclude(
        status__in=[Proposal.Status.DECIDED, Proposal.Status.WITHDRAWN]
    )
    missing = set(above.filter(assessment__isnull=True).values_list("pk", flat=True))
    partial = ImpactAssessment.objects.filter(proposal__in=above)
    return missing | {a.proposal_id for a in partial if a.gaps()}
