"""Who may do what with workforce figures.

- The system summary, early warning and agency pages are for partners.
- Only an organisation's workforce users (and the programme office) change its returns and
  shifts: importing needs a workforce role somewhere (or the programme office), and each row
  is checked against the organisation it is about. The programme office keeps the rate card.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.partnership.models import Organisation, Role
from footprint.partnership.rules import (
    has_role_anywhere,
    has_role_at,
    is_partner,
    is_programme_office,
)


@rules.predicate
def is_workforce_user(user: Any) -> bool:
    """Whether ``user`` is on the workforce team of any member."""
    return has_role_anywhere(user, Role.WORKFORCE)


@rules.predicate
def is_workforce_user_of(user: Any, organisation: Organisation | None) -> bool:
    """Whether ``user`` is on ``organisation``'s workforce team."""
    return organisation is not None and has_role_at(user, organisation, Role.WORKFORCE)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_WORKFORCE = "workforce.view_workforce"
    IMPORT_WORKFORCE = "workforce.import_workforce"
    CHANGE_WORKFORCE = "workforce.change_workforce"
    CHANGE_RATE_CARD = "workforce.change_rate_card"


rules.add_perm(Permission.VIEW_WORKFORCE, is_partner)
rules.add_perm(Permission.IMPORT_WORKFORCE, is_programme_office | is_workforce_user)
# One organisation's returns and shifts (the object is the organisation).
rules.add_perm(Permission.CHANGE_WORKFORCE, is_programme_office | is_workforce_user_of)
rules.add_perm(Permission.CHANGE_RATE_CARD, is_programme_office)
