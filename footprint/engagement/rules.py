"""Who may do what in engagement.

- Anyone reads open, upcoming and closed public consultations once they are announced, and
  takes part in open ones, without an account; a consultation not yet announced (a draft) is
  the partners' only, and nobody takes part in it; partners also read and take part in the
  partners', practices' and staff consultations. Everyone sees only approved statements and answers.
- Partners see the workspace pages: participation, the opinion groups as they form, messages.
- Only the programme office sets up consultations, moderates, writes the responses and
  publishes the report; once published, the report is readable by whoever reads the
  consultation.
- Messages: the programme office sends for the partnership, an organisation's editors for
  their organisation; the same people adopt a message for an organisation and remind a
  message's recipients. Whoever holds a recipient's personal link reads and acknowledges that
  one message, until the link expires; the link is the permission, so there is no rule for it
  (``services.acknowledge`` checks the link itself).
- Every member of an organisation (any role) sees the messages sent to it in their inbox and
  acknowledges them for it; a member of another organisation does not.
- A message's attachments are for its recipients (their members, or whoever holds a
  recipient's personal link) and its sender (the person who sent it, the sending
  organisation's editors) and the programme office; nobody else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.engagement.models import Audience, Consultation, Message, Recipient
from footprint.partnership.models import Organisation
from footprint.partnership.rules import (
    is_editor_anywhere,
    is_editor_of,
    is_partner,
    is_programme_office,
    roles_of,
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
    VIEW_INBOX = "engagement.view_inbox"
    ACKNOWLEDGE_FOR_ORGANISATION = "engagement.acknowledge_for_organisation"
    VIEW_ATTACHMENTS = "engagement.view_message_attachments"


@rules.predicate
def is_public_consultation(user: Any, consultation: Consultation | None) -> bool:
    """A public consultation that has been announced (a draft is the partners' only)."""
    return (
        consultation is not None
        and consultation.audience == Audience.PUBLIC
        and not consultation.draft
    )


@rules.predicate
def is_announced(user: Any, consultation: Consultation | None) -> bool:
    return consultation is not None and not consultation.draft


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
rules.add_perm(Permission.TAKE_PART, may_read_consultation & is_announced)

# Running consultations: setting up, statements, questions, documents, moderation, responses,
# publishing, recomputing the opinion groups.
rules.add_perm(Permission.MANAGE_ENGAGEMENT, is_programme_office)

# Messages. ADD_MESSAGE: may write one at all (the form); SEND_MESSAGE and REMIND_RECIPIENTS
# on the message (for the organisation it is from); ADOPT_MESSAGE on the adopting organisation.
rules.add_perm(Permission.ADD_MESSAGE, is_programme_office | is_editor_anywhere)
rules.add_perm(Permission.SEND_MESSAGE, is_programme_office | is_editor_of_sender)
rules.add_perm(Permission.REMIND_RECIPIENTS, is_programme_office | is_editor_of_sender)
rules.add_perm(Permission.ADOPT_MESSAGE, is_programme_office | is_editor_of)


@rules.predicate
def is_member_anywhere(user: Any) -> bool:
    """A member (any role) of some organisation: someone with an inbox."""
    return bool(roles_of(user).by_organisation)


@rules.predicate
def is_member_of(user: Any, organisation: Organisation | None) -> bool:
    """A member (any role) of ``organisation``."""
    return (
        isinstance(organisation, Organisation) and organisation.pk in roles_of(user).by_organisation
    )


@rules.predicate
def sent_it(user: Any, message: Message | None) -> bool:
    return (
        isinstance(message, Message)
        and message.sent_by_id is not None
        and (message.sent_by_id == getattr(user, "pk", None))
    )


@rules.predicate
def is_member_of_a_recipient(user: Any, message: Message | None) -> bool:
    """A member of one of the organisations the message was sent to."""
    mine = roles_of(user).by_organisation
    return (
        isinstance(message, Message)
        and bool(mine)
        and Recipient.objects.filter(message=message, organisation_id__in=list(mine)).exists()
    )


# The inbox: messages to one's own organisations, acknowledged for them (on the organisation).
rules.add_perm(Permission.VIEW_INBOX, is_member_anywhere)
rules.add_perm(Permission.ACKNOWLEDGE_FOR_ORGANISATION, is_member_of)
# A message's attachments (on the message), signed in; a personal link is its own permission.
rules.add_perm(
    Permission.VIEW_ATTACHMENTS,
    is_programme_office | is_editor_of_sender | sent_it | is_member_of_a_recipient,
)
