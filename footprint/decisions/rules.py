"""Who may do what with decisions.

- Partners read forums, public proposals and decisions, and any partner may declare their own
  conflict of interest in a proposal they may read.
- A confidential (commercial-in-confidence) proposal is read, until its publication date, only
  by the programme office, the members (and deputies) of the forum it is brought to or that
  now takes it, the person who brought it, and the people of the organisations with money in
  or out of it. Other partners see only that a confidential proposal exists, on which forum,
  with its status and publication date: never its title or content.
- The public reads the decision register: decisions on public proposals, and confidential ones
  once their publication date has passed.
- The programme office records meetings; it and the members of any forum bring proposals.
- The programme office and the members of the deciding forum ask the boards for consent,
  escalate an objection, record the decision and mark its actions done.
- Only a forum's voting representatives (or the deputies they name) record consent, each for
  their own organisation (the service checks the organisation).
- The programme office records a board's response on its behalf, from the minute of the
  board's own meeting (boards often decide in their own meetings and tell it afterwards).
- The programme office sets up forums, their seats, quorum rules, decision types and the
  scheme of delegation. A seat's representative names the deputies who may act for them.
- The proposal's sponsor (the person who brought it) and the programme office complete its
  equality and health inequalities impact assessment; the programme office sets the money at
  stake above which one is needed before a decision.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules
from django.utils import timezone

from footprint.core.permissions import permissions
from footprint.decisions import queries
from footprint.decisions.models import ForumMember, Proposal
from footprint.partnership.rules import is_partner, is_programme_office


@rules.predicate
def sits_on_any_forum(user: Any) -> bool:
    return queries.has_any_seat(user)


@rules.predicate
def sits_on_proposal_forum(user: Any, proposal: Proposal | None) -> bool:
    """Whether ``user`` has a voting seat on the forum that now takes ``proposal``, or is a
    deputy named for one."""
    return proposal is not None and bool(queries.seats_held(user, proposal.forum_id))


@rules.predicate
def represents_the_seat(user: Any, seat: ForumMember | None) -> bool:
    """Whether ``user`` is the seat's named representative."""
    return (
        seat is not None
        and getattr(user, "is_authenticated", False)
        and seat.representative_id == user.pk
    )


@rules.predicate
def brought_proposal(user: Any, proposal: Proposal | None) -> bool:
    """Whether ``user`` is the proposal's sponsor: the person who brought it."""
    return (
        proposal is not None
        and getattr(user, "is_authenticated", False)
        and proposal.created_by_id == user.pk
    )


@rules.predicate
def reads_confidential(user: Any, proposal: Proposal | None) -> bool:
    """Whether ``user`` may read ``proposal``'s content short of being the programme office:
    a public one (or one past its publication date) any partner; a confidential one its
    forums' members, its sponsor and the organisations with money in it."""
    if proposal is None:
        return False
    return (
        Proposal.objects.filter(pk=proposal.pk)
        .filter(queries.readable_q(user, timezone.localdate()))
        .exists()
    )


may_read_proposal = is_programme_office | (is_partner & reads_confidential)
manages_proposal = is_programme_office | sits_on_proposal_forum


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``. Those on a
    proposal take the proposal as their object."""

    VIEW_DECISIONS = "decisions.view_decisions"
    READ_PROPOSAL = "decisions.read_proposal"
    RECORD_MEETING = "decisions.record_meeting"
    ADD_PROPOSAL = "decisions.add_proposal"
    ASK_FOR_CONSENT = "decisions.ask_for_consent"
    RECORD_CONSENT = "decisions.record_consent"
    DECLARE_CONFLICT = "decisions.declare_conflict"
    ESCALATE = "decisions.escalate_proposal"
    DECIDE = "decisions.decide_proposal"
    COMPLETE_ACTION = "decisions.complete_action"
    RECORD_CONSENT_ON_BEHALF = "decisions.record_consent_on_behalf"
    CHANGE_FORUM = "decisions.change_forum"
    NAME_DEPUTY = "decisions.name_deputy"
    COMPLETE_ASSESSMENT = "decisions.complete_assessment"
    SET_ASSESSMENT_THRESHOLD = "decisions.set_assessment_threshold"


rules.add_perm(Permission.VIEW_DECISIONS, is_partner)
rules.add_perm(Permission.RECORD_MEETING, is_programme_office)
rules.add_perm(Permission.ADD_PROPOSAL, is_programme_office | sits_on_any_forum)
rules.add_perm(Permission.ASK_FOR_CONSENT, manages_proposal)
rules.add_perm(Permission.RECORD_CONSENT, sits_on_proposal_forum)
# A proposal's content: every partner for a public one, the few for a confidential one.
rules.add_perm(Permission.READ_PROPOSAL, may_read_proposal)
rules.add_perm(Permission.DECLARE_CONFLICT, may_read_proposal)
rules.add_perm(Permission.ESCALATE, manages_proposal)
rules.add_perm(Permission.DECIDE, manages_proposal)
rules.add_perm(Permission.COMPLETE_ACTION, manages_proposal)
rules.add_perm(Permission.RECORD_CONSENT_ON_BEHALF, is_programme_office)
# Forums, seats, quorum rules, decision types and the scheme of delegation.
rules.add_perm(Permission.CHANGE_FORUM, is_programme_office)
# On a seat: who may act for its representative.
rules.add_perm(Permission.NAME_DEPUTY, is_programme_office | represents_the_seat)
# The equality and health inequalities impact assessment of a proposal, and the threshold.
rules.add_perm(
    Permission.COMPLETE_ASSESSMENT, is_programme_office | (is_partner & brought_proposal)
)
rules.add_perm(Permission.SET_ASSESSMENT_THRESHOLD, is_programme_office)
