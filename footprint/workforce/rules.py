"""Who may do what with workforce figures.

- The system summary, early warning and agency pages are for partners.
- Only an organisation's workforce users (and the programme office) change its returns and
  shifts; the programme office keeps the rate card.
"""

from __future__ import annotations

from typing import Any

import rules

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


rules.add_perm("workforce.view_workforce", is_partner)
rules.add_perm("workforce.import_workforce", is_programme_office | is_workforce_user)
rules.add_perm("workforce.change_rate_card", is_programme_office)
