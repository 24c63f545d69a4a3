"""Who may do what in engagement.

- Anyone reads open, upcoming and closed public consultations and takes part in open ones,
  without an account; partners also read and take part in the partners', practices' and
  staff consultations. Everyone sees only approved statements and answers.
- Partners see the workspace pages: participation, the opinion groups as they form, messages.
- Only the programme office sets up consultations, moderates, writes the responses and
  publishes the report; once published, the report is readable by whoever reads the
  consultation.
- Messages: the programme office sends for the partnership, an organisation's editors for
  their organisation; the same people adopt a message for an organisation and remind a
  message's recipients. Whoever holds a recipient's personal link reads and acknowledges that
  one message, until the link expires; the link is the permission, so there is no rule for it
  (``services.acknowledge`` checks the link itself).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.engagement.models import Audience, Consultation, Message
from footprint.partnership.rules import (
    is_editor_anywhere,
    is_editor_of,
    is_partner,
    is_programme_office,
)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_ENGAGEMENT = "engagement.view_engagement"
    MANAGE_ENGAGEMENT = "engagement.manage_engagement"
    VIEW_CONSULTATION = "engagement.view_consultation"
    TAKE_PART = "engagement.take_part_consultation"
    VIEW_REPORT = "engagement.view_consultation_report"
    ADD_MESSAGE = "engagement.add_message"
    SEND_MESSAGE = "engagement.send_message"
    ADOPT_MESSAGE = "engagement.adopt_message"
    REMIND_RECIPIENTS = "engagement.remind_message"


@rules.predicate
def is_public_consultation(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.audience == Audience.PUBLIC


@rules.predicate
def report_is_published(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and consultation.report_published_at is not None


@rules.predicate
def is_editor_of_sender(user: Any, message: Message | None) -> bool:
    """An editor of the organisation a message is from (nobody's, for the partnership's)."""
    return message is not None and bool(is_editor_of(user, message.sender))


may_read_consultation = is_public_consultation | is_partner

# Reading.
rules.add_perm(Permission.VIEW_ENGAGEMENT, is_partner)
rules.add_perm(Permission.VIEW_CONSULTATION, may_read_consultation)
rules.add_perm(
    Permission.VIEW_REPORT, may_read_consultation & (report_is_published | is_programme_office)
)

# Taking part (an open consultation is the services' check, not a permission).
rules.add_perm(Permission.TAKE_PART, may_read_consultation)

# Running consultations: setting up, statements, questions, documents, moderation, responses,
# publishing, recomputing the opinion groups.
rules.add_perm(Permission.MANAGE_ENGAGEMENT, is_programme_office)

# Messages. ADD_MESSAGE: may write one at all (the form); SEND_MESSAGE and REMIND_RECIPIENTS
# on the message (for the organisation it is from); ADOPT_MESSAGE on the adopting organisation.
rules.add_perm(Permission.ADD_MESSAGE, is_programme_office | is_editor_anywhere)
rules.add_perm(Permission.SEND_MESSAGE, is_programme_office | is_editor_of_sender)
rules.add_perm(Permission.REMIND_RECIPIENTS, is_programme_office | is_editor_of_sender)
rules.add_perm(Permission.ADOPT_MESSAGE, is_programme_office | is_editor_of)
