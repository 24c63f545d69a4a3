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

import rules

from footprint.partnership.rules import is_partner, is_programme_office

rules.add_perm("engagement.view_engagement", is_partner)
rules.add_perm("engagement.manage_engagement", is_programme_office)
