"""Who may do what in engagement.

- Anyone reads open, upcoming and closed consultations and takes part in open public ones,
  without an account; they see only approved statements and answers.
- Partners see the workspace pages: participation, the opinion groups as they form.
- Only the programme office sets up consultations, moderates, writes the responses and
  publishes the report; once published, the report is public.
- Messages: the programme office sends for the partnership, an organisation's editors for
  their organisation (``services.may_send``). Whoever holds a recipient's personal link reads
  and acknowledges that one message, until the link expires; the link is the permission, so
  there is no rule for it.
"""

from __future__ import annotations

from enum import StrEnum

import rules

from footprint.core.permissions import permissions
from footprint.partnership.rules import is_partner, is_programme_office


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_ENGAGEMENT = "engagement.view_engagement"
    MANAGE_ENGAGEMENT = "engagement.manage_engagement"


rules.add_perm(Permission.VIEW_ENGAGEMENT, is_partner)
rules.add_perm(Permission.MANAGE_ENGAGEMENT, is_programme_office)
