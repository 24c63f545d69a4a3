"""Reads of decisions for pages, CSV and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from footprint.decisions.models import Action, Decision, Forum, Proposal


def published_q(today: dt.date) -> Q:
    """Decisions the public may see: public proposals, and confidential ones whose
    publication date has come."""
    return Q(proposal__confidentiality=Proposal.Confidentiality.PUBLIC) | Q(
        proposal__publish_after__lte=today
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
    """The public decision register, newest first, filtered."""
    qs = Decision.objects.filter(published_q(today)).select_related(
        "proposal__decision_type", "forum__place", "meeting", "supersedes__proposal"
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


def withheld(today: dt.date) -> QuerySet[Decision]:
    """Confidential decisions not yet published: listed without their content."""
    return (
        Decision.objects.exclude(published_q(today))
        .select_related("forum")
        .order_by("proposal__publish_after")
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
    return Forum.objects.select_related("parent", "place", "neighbourhood").order_by(
        "layer", "name"
    )


def history(proposal: Proposal) -> list[dict[str, object]]:
    """Every change to the proposal, its consents and conflicts: who, when and what."""
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
                    {"when": record.history_date, "who": record.history_user, "what": what}
                )
            previous = record

    def proposal_change(r, fields):  # type: ignore[no-untyped-def]
        if fields is None:
            return f"Proposal created, brought to {r.brought_to.name}"
        shown = [f for f in fields if f not in {"created_at"}]
        if not shown:
            return ""
        parts = [
            f"status: {r.get_status_display()}"
            if f == "status"
            else f"forum: {r.forum.name if r.forum_id else 'none'}"
            if f == "forum"
            else f
            for f in shown
        ]
        return "Changed " + ", ".join(parts)

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
    if hasattr(proposal, "decision"):
        d = proposal.decision
        entries.append(
            {
                "when": d.recorded_at,
                "who": d.recorded_by,
                "what": f"Decision recorded: {d.get_outcome_display()}, at the meeting of "
                f"{d.meeting.date:%d %B %Y}",
            }
        )
    entries.sort(key=lambda e: e["when"])  # type: ignore[arg-type,return-value]
    return entries
