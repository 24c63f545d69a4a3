"""Who may do what with decisions.

- Partners read forums, proposals (confidential ones included) and decisions.
- The public reads the decision register: decisions on public proposals, and confidential ones
  once their publication date has passed.
- The programme office configures forums and the scheme of delegation, and records meetings
  and decisions; forum members may also bring proposals and record decisions of their forum.
- Only a forum's voting representatives record consent, each for their own organisation.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.decisions.models import Proposal
from footprint.partnership.rules import is_partner, is_programme_office


def seats(user: Any, forum_id: int | None) -> list[Any]:
    """``user``'s voting seats on a forum (one per organisation represented)."""
    if forum_id is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        user.forum_seats.filter(forum_id=forum_id, voting=True).select_related("organisation")
    )


@rules.predicate
def sits_on_any_forum(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.forum_seats.exists()


@rules.predicate
def sits_on_proposal_forum(user: Any, proposal: Proposal | None) -> bool:
    return proposal is not None and bool(seats(user, proposal.forum_id))


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_DECISIONS = "decisions.view_decisions"
    CONFIGURE = "decisions.configure"
    ADD_PROPOSAL = "decisions.add_proposal"
    RECORD_CONSENT = "decisions.record_consent"
    MANAGE_PROPOSAL = "decisions.manage_proposal"


rules.add_perm(Permission.VIEW_DECISIONS, is_partner)
rules.add_perm(Permission.CONFIGURE, is_programme_office)
rules.add_perm(Permission.ADD_PROPOSAL, is_programme_office | sits_on_any_forum)
rules.add_perm(Permission.RECORD_CONSENT, sits_on_proposal_forum)
rules.add_perm(Permission.MANAGE_PROPOSAL, is_programme_office | sits_on_proposal_forum)
