"""Quorum, routing and the decision rule for pages and services: the only module here that
calls the engine. It reads through ``queries`` and turns what it reads into the engine's inputs,
and the engine's answers into values; it writes nothing."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils import timezone

from footprint.decisions import queries
from footprint.decisions.models import Forum, Meeting, Proposal
from footprint.engine import decisions as rules


def route(
    decision_type_id: int,
    value_pence: int,
    brought_to: Forum,
    paying: Mapping[str, str] | None = None,
) -> tuple[Forum | None, tuple[str, ...]]:
    """The forum that may take this decision, and the reasons in plain words. ``paying`` are
    the organisations whose money it takes (names by ODS code): a forum they do not all sit
    on passes it up."""
    paying = paying or {}
    delegations = queries.delegations(decision_type_id)
    forums = queries.forum_tree()
    by_pk = {f.pk: f for f in forums.values()}
    result = rules.route(
        value_pence,
        [rules.Delegation(d.forum.slug, d.limit_pence) for d in delegations],
        {slug: (by_pk[f.parent_id].slug if f.parent_id else None) for slug, f in forums.items()},
        start=brought_to.slug,
        names={**paying, **{slug: f.name for slug, f in forums.items()}},
        members=queries.member_organisations(),
        paying=set(paying),
    )
    return (forums[result.forum] if result.forum else None), result.steps


def routing(proposal: Proposal) -> tuple[str, ...]:
    """Who decides the proposal, and why: the scheme of delegation's steps, then each
    escalation since, so the page never names a forum the proposal has left."""
    _, steps = route(
        proposal.decision_type_id,
        proposal.value_pence,
        proposal.brought_to,
        queries.paying_organisations(proposal),
    )
    escalated = [
        f"Escalated from {e.from_forum.name} to {e.to_forum.name} on "
        f"{timezone.localtime(e.at):%-d %B %Y}: {e.to_forum.name} decides it now."
        for e in queries.escalations(proposal).order_by("at", "pk")
    ]
    return steps + tuple(escalated)


def quorum_rule(forum: Forum) -> rules.QuorumRule:
    return rules.QuorumRule(
        count=forum.quorum_count,
        share=float(forum.quorum_share) if forum.quorum_share is not None else None,
        groups=frozenset(forum.quorum_groups or []),
    )


def quorum(proposal: Proposal, meeting: Meeting) -> rules.QuorumResult:
    """Quorum for this proposal at this meeting: the forum's voting seats filled (by the
    representative, or by a deputy they named, who attended), less anyone sitting with a
    declared conflict."""
    forum = meeting.forum
    voting = list(queries.seats_with_deputies(forum).filter(voting=True))
    present = queries.attendee_ids(meeting)
    conflicted = queries.conflicted_ids(proposal)
    attendees = []
    for m in voting:
        # The seat is filled by its representative, or else by a deputy they named.
        here = [m.representative_id] + [d.pk for d in m.deputies.all()]
        sitting = next((person for person in here if person in present), None)
        if sitting is not None:
            attendees.append(
                rules.Attendee(
                    str(m.representative_id),
                    m.organisation.ods_code,
                    m.organisation.kind,
                    conflicted=sitting in conflicted,
                )
            )
    return rules.quorum(attendees, len({m.representative_id for m in voting}), quorum_rule(forum))


def quorum_group_choices() -> list[tuple[str, str]]:
    """The groups a quorum may require one member from: (key, words)."""
    return [(key, words[:1].upper() + words[1:]) for key, words in rules.GROUP_LABELS.items()]


def eligible_organisations(forum: Forum) -> list[str]:
    """ODS codes of the forum's voting member organisations with statutory boards."""
    return sorted(
        {
            m.organisation.ods_code
            for m in queries.voting_members(forum)
            if m.organisation.has_statutory_board
        }
    )


def responses(proposal: Proposal) -> dict[str, rules.Response]:
    return {
        c.organisation.ods_code: c.response  # type: ignore[misc]
        for c in queries.consents(proposal)
    }


def rule_result(proposal: Proposal) -> rules.RuleResult | None:
    if proposal.forum is None:
        return None
    return rules.decision_rule(
        proposal.forum.decision_rule,  # type: ignore[arg-type]
        eligible_organisations(proposal.forum),
        responses(proposal),
    )


def verdict(proposal: Proposal, meeting: Meeting) -> rules.Verdict:
    """Whether the proposal may become an approved decision at this meeting, and why."""
    result = rule_result(proposal)
    assert result is not None
    return rules.may_decide(
        quorum(proposal, meeting), result, routed_here=proposal.forum_id == meeting.forum_id
    )


def quorum_words(forum: Forum) -> str:
    """The forum's quorum rule in plain words."""
    parts = []
    if forum.quorum_count is not None:
        parts.append(f"at least {forum.quorum_count} voting members")
    if forum.quorum_share is not None:
        parts.append(f"at least {float(forum.quorum_share):.0%} of voting members")
    text = " and ".join(parts)
    if forum.quorum_groups:
        groups = [rules.GROUP_LABELS.get(g, g) for g in forum.quorum_groups]
        ones = [f"one from {g}" for g in groups]
        text += ", including at least " + (
            ones[0] if len(ones) == 1 else f"{', '.join(ones[:-1])} and {ones[-1]}"
        )
    return text[:1].upper() + text[1:] + "." if text else ""
