"""Who may do what with demand scenarios.

- Partners see baselines, scenarios and results; the public sees none of them.
- The programme office imports activity, edits scenarios and runs them.
"""

from __future__ import annotations

from enum import StrEnum

import rules

from footprint.core.permissions import permissions
from footprint.partnership.rules import is_partner, is_programme_office


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_DEMAND = "demand.view_demand"
    CHANGE_DEMAND = "demand.change_demand"


rules.add_perm(Permission.VIEW_DEMAND, is_partner)
rules.add_perm(Permission.CHANGE_DEMAND, is_programme_office)
