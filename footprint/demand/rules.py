"""Who may do what with demand scenarios.

- Partners see baselines, scenarios and results; the public sees none of them.
- The programme office imports activity, edits scenarios and runs them.
"""

from __future__ import annotations

import rules

from footprint.partnership.rules import is_partner, is_programme_office

rules.add_perm("demand.view_demand", is_partner)
rules.add_perm("demand.change_demand", is_programme_office)
