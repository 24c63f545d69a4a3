"""The rules of collective decisions, as pure functions of plain data.

- **Quorum**: enough voting members present, counted by person; a conflicted person does not
  count, in any of their listings; optionally at least one present from each of some groups
  of organisation (e.g. an NHS provider, a commissioner and a council).
- **Routing**: the scheme of delegation gives each decision type the forum that may take it and
  a money limit; above the limit, the proposal goes up a layer, until a forum's limit allows it.
- **The decision rule**: consensus of all, consent with no objection, or a majority, over the
  responses of the member organisations that have statutory boards.
- A proposal becomes a decision only when the meeting was quorate, the rule was met and the
  delegation allowed it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Response = Literal["consent", "object", "abstain"]
DecisionRule = Literal["consensus", "consent", "majority"]

# Kinds of organisation grouped as a quorum rule names them.
KIND_GROUPS: dict[str, str] = {
    "acute_trust": "nhs_provider",
    "community_trust": "nhs_provider",
    "mental_health_trust": "nhs_provider",
    "ambulance_trust": "nhs_provider",
    "commissioner": "commissioner",
    "local_authority": "council",
    "gp_practice": "primary_care",
    "pcn": "primary_care",
    "voluntary": "voluntary_sector",
    "healthwatch": "healthwatch",
    "other": "other",
}
GROUP_LABELS = {
    "nhs_provider": "an NHS provider",
    "commissioner": "a commissioner",
    "council": "a council",
    "primary_care": "primary care",
    "voluntary_sector": "the voluntary sector",
    "healthwatch": "Healthwatch",
    "other": "another member",
}


@dataclass(frozen=True)
class Attendee:
    """A voting member present at a meeting."""

    person: str
    organisation: str
    kind: str  # the organisation's kind, e.g. "acute_trust"
    conflicted: bool = False


@dataclass(frozen=True)
class QuorumRule:
    """At least ``count`` voting members, or ``share`` of them (0–1), whichever is set
    (both: the larger), and at least one present from each group in ``groups``."""

    count: int | None = None
    share: float | None = None
    groups: frozenset[str] = field(default_factory=frozenset)

    def required(self, voting_members: int) -> int:
        needed = 0
        if self.count is not None:
            needed = self.count
        if self.share is not None:
            needed = max(needed, math.ceil(self.share * voting_members - 1e-9))
        return needed


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    present: int
    required: int
    missing_groups: tuple[str, ...]
    reason: str


def quorum(attendees: Sequence[Attendee], voting_members: int, rule: QuorumRule) -> QuorumResult:
    """Whether the voting members present make a quorum. A person counts once however many
    times they are listed (e.g. for two organisations, or in two roles). A conflict belongs to
    the person: conflicted in any listing, they count in none, neither towards the number
    present nor for any group."""
    conflicted = {a.person for a in attendees if a.conflicted}
    counted = [a for a in attendees if a.person not in conflicted]
    present = len({a.person for a in counted})
    required = rule.required(voting_members)
    groups_present = {KIND_GROUPS.get(a.kind, "other") for a in counted}
    missing = tuple(sorted(rule.groups - groups_present))
    reasons = []
    if present < required:
        reasons.append(f"{present} voting members present, {required} needed")
    if missing:
        reasons.append("no one present from " + ", ".join(GROUP_LABELS.get(g, g) for g in missing))
    met = not reasons
    reason = (
        f"Quorate: {present} voting members present, {required} needed"
        + (" and every required group present" if rule.groups else "")
        if met
        else "Not quorate: " + "; ".join(reasons)
    )
    return QuorumResult(met, present, required, missing, reason)


@dataclass(frozen=True)
class Delegation:
    """A forum may take decisions of a type up to ``limit_pence`` (None: no limit)."""

    forum: str
    limit_pence: int | None


@dataclass(frozen=True)
class Route:
    forum: str | None
    steps: tuple[str, ...]


def route(
    value_pence: int,
    delegations: Sequence[Delegation],
    parents: Mapping[str, str | None],
    start: str | None = None,
    names: Mapping[str, str] | None = None,
    members: Mapping[str, Collection[str]] | None = None,
    paying: Collection[str] = (),
) -> Route:
    """The forum that may take a decision of this value, and why.

    ``delegations`` are the forums that may take this decision type, with their limits;
    ``parents`` gives each forum the forum above it. Routing starts at ``start`` (the forum
    the proposal was brought to) or, if it has none, at the lowest forum with a delegation,
    and goes up a layer while the value is above the limit. ``names`` gives forums' names for
    the reasons (their keys otherwise), and organisations' names too.

    A forum may not commit the money of an organisation that does not sit on it: with
    ``members`` (each forum's member organisations) and ``paying`` (the organisations whose
    money the proposal takes), a forum missing any of them passes the decision up too.
    """
    label = (lambda f: names.get(f, f)) if names else (lambda f: f)
    limits = {d.forum: d.limit_pence for d in delegations}
    if not limits:
        return Route(None, ("No forum has delegated authority for this type of decision.",))
    forum: str | None = start if start is not None else _lowest(limits, parents)
    steps = []
    seen = set()
    while forum is not None and forum not in seen:
        seen.add(forum)
        limit = limits.get(forum)
        absent = sorted(set(paying) - set(members.get(forum, ()))) if members is not None else []
        within = forum in limits and (limit is None or value_pence <= limit)
        if within and absent:
            who = _and([label(a) for a in absent])
            steps.append(
                f"{label(forum)} cannot commit the money of {who}, who "
                f"{'does' if len(absent) == 1 else 'do'} not sit on it, so it goes to the "
                "forum above."
            )
        elif within:
            steps.append(
                f"{label(forum)} may decide it: "
                + (
                    "it has no money limit."
                    if limit is None
                    else f"£{value_pence / 100:,.0f} is within its limit of £{limit / 100:,.0f}."
                )
            )
            return Route(forum, tuple(steps))
        elif forum in limits:
            steps.append(
                f"£{value_pence / 100:,.0f} is above {label(forum)}'s limit of "
                f"£{(limit or 0) / 100:,.0f}, so it goes to the forum above."
            )
        else:
            steps.append(
                f"{label(forum)} has no delegation for this type, so it goes to the forum above."
            )
        forum = parents.get(forum)
    steps.append("No forum above can take it: it needs each member board's own decision.")
    return Route(None, tuple(steps))


def _and(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _lowest(limits: Mapping[str, int | None], parents: Mapping[str, str | None]) -> str:
    def depth(f: str) -> int:
        d, seen = 0, set()
        above = parents.get(f)
        while above is not None and above not in seen:
            seen.add(above)
            above = parents.get(above)
            d += 1
        return d

    return max(sorted(limits), key=depth)


@dataclass(frozen=True)
class RuleResult:
    met: bool
    consents: int
    objections: int
    abstentions: int
    waiting: int
    reason: str


def decision_rule(
    rule: DecisionRule, eligible: Sequence[str], responses: Mapping[str, Response]
) -> RuleResult:
    """Whether the responses of the ``eligible`` organisations (those with statutory boards)
    meet the forum's rule. Responses from others are ignored.

    - consensus: every eligible organisation consents;
    - consent: every eligible organisation has responded and none objects;
    - majority: more than half of the eligible organisations consent.
    """
    votes = {org: responses[org] for org in eligible if org in responses}
    consents = sum(v == "consent" for v in votes.values())
    objections = sum(v == "object" for v in votes.values())
    abstentions = sum(v == "abstain" for v in votes.values())
    waiting = len(set(eligible)) - len(votes)
    n = len(set(eligible))
    if n == 0:
        return RuleResult(
            False, 0, 0, 0, 0, "No member organisation with a statutory board can consent."
        )
    if rule == "consensus":
        met = consents == n
        reason = (
            f"Consensus: all {n} consent."
            if met
            else f"Consensus needs all {n} to consent; {consents} have."
        )
    elif rule == "consent":
        met = waiting == 0 and objections == 0
        if objections:
            reason = f"Consent without objection: {objections} object."
        elif waiting:
            reason = f"Consent without objection: {waiting} still to respond."
        else:
            reason = (
                f"Consent without objection: {consents} consent, {abstentions} abstain, "
                "none object."
            )
    else:
        needed = n // 2 + 1
        met = consents >= needed
        reason = f"Majority: {consents} of {n} consent; {needed} needed."
    return RuleResult(met, consents, objections, abstentions, waiting, reason)


@dataclass(frozen=True)
class Verdict:
    may_decide: bool
    reasons: tuple[str, ...]


def may_decide(quorate: QuorumResult, rule: RuleResult, routed_here: bool) -> Verdict:
    """A proposal becomes a decision only if all three hold."""
    reasons = (
        quorate.reason,
        rule.reason,
        "The scheme of delegation lets this forum decide it."
        if routed_here
        else "The scheme of delegation does not let this forum decide it.",
    )
    return Verdict(quorate.met and rule.met and routed_here, reasons)
