"""Who may do what with the inequalities picture.

- Partners read the partnership's inequalities picture and its Core20PLUS5 page.
- The programme office chooses the PLUS groups and the plan metric that tracks each clinical
  area, and says which PLUS groups the public page shows.
- The public reads only the public page: profiles counted from open data, the PLUS groups the
  programme office has made public, and figures the plan has published.
"""

from __future__ import annotations

from enum import StrEnum

import rules

from footprint.core.permissions import permissions
from footprint.partnership.rules import is_partner, is_programme_office


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_INEQUALITIES = "inequalities.view_inequalities"
    CHANGE_CORE20PLUS5 = "inequalities.change_core20plus5"


rules.add_perm(Permission.VIEW_INEQUALITIES, is_partner)
rules.add_perm(Permission.CHANGE_CORE20PLUS5, is_programme_office)
