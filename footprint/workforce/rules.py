"""Who may do what with workforce figures.

- The system summary, early warning and agency pages are for partners.
- Only an organisation's workforce users (and the programme office) change its returns and
  shifts; the programme office keeps the rate card.
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


def may_change_workforce(user: Any, organisation: Organisation) -> bool:
    return bool(is_programme_office(user)) or has_role_at(user, organisation, Role.WORKFORCE)


@rules.predicate
def is_workforce_user(user: Any) -> bool:
    return has_role_anywhere(user, Role.WORKFORCE)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_WORKFORCE = "workforce.view_workforce"
    IMPORT_WORKFORCE = "workforce.import_workforce"
    CHANGE_RATE_CARD = "workforce.change_rate_card"


rules.add_perm(Permission.VIEW_WORKFORCE, is_partner)
rules.add_perm(Permission.IMPORT_WORKFORCE, is_programme_office | is_workforce_user)
rules.add_perm(Permission.CHANGE_RATE_CARD, is_programme_office)
