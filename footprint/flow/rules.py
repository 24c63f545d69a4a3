"""Who may do what with the urgent-care flow.

- Partners (anyone with a membership or a partnership role) see the daily picture, the OPEL
  levels, the escalation plan and the mutual-aid log.
- An organisation's staff who keep its figures (its editors and its organisation lead) submit
  its daily return, and no other organisation's; the programme office submits for anyone.
- An organisation's staff log mutual-aid requests and offers from their organisation. The
  organisation asked (or offered to; any partner's staff for an entry to any partner) agrees,
  partly meets or declines; the organisation that asked or offered may only withdraw it (or
  reopen what it withdrew). No party but the programme office takes an answered entry back to
  open; the programme office may record any outcome (``aid_outcomes``).
- The programme office says which returns each organisation is expected to make (partners
  see it).
- The programme office keeps the escalation plan (the actions at each level) and the on-call
  contacts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.flow.models import AidOutcome
from footprint.partnership.models import Organisation, Role
from footprint.partnership.rules import (
    is_partner,
    is_programme_office,
    roles_of,
)

# The roles at an organisation that keep its figures.
SUBMITTING_ROLES = frozenset({Role.EDITOR, Role.ORGANISATION_LEAD})


def submitting_organisations(user: Any) -> frozenset[int]:
    """The keys of the organisations whose returns ``user`` keeps."""
    return frozenset(
        org for org, held in roles_of(user).by_organisation.items() if held & SUBMITTING_ROLES
    )


@rules.predicate
def is_staff_of(user: Any, organisation: Organisation | None) -> bool:
    """Whether ``user`` keeps ``organisation``'s figures; with none given, any organisation's."""
    if organisation is None:
        return bool(submitting_organisations(user))
    if not isinstance(organisation, Organisation):
        return False
    return organisation.pk in submitting_organisations(user)


def _is_asked(mine: frozenset[int], aid: Any) -> bool:
    if aid.to_organisation_id is None:  # asked of, or offered to, every partner
        return bool(mine - {aid.from_organisation_id})
    return bool(aid.to_organisation_id in mine)


@rules.predicate
def is_party_to_aid(user: Any, aid: Any) -> bool:
    """Whether ``user`` keeps the figures of an organisation the aid is from or to (for aid
    asked of, or offered to, any partner: of any organisation)."""
    mine = submitting_organisations(user)
    if aid is None:
        return bool(mine)
    return aid.from_organisation_id in mine or _is_asked(mine, aid)


ANSWERS = frozenset({AidOutcome.AGREED, AidOutcome.PARTLY, AidOutcome.DECLINED})


def aid_outcomes(user: Any, aid: Any) -> tuple[str, ...]:
    """The outcomes ``user`` may record for ``aid``, in the usual order, always with the one
    it has (so a party may add a note without changing it): the programme office any; the
    organisation asked (or offered to) agreed, partly met or declined, until the entry is
    withdrawn (then nothing); the one that asked (or offered) withdrawn, and open again only
    from withdrawn. No party but the programme office takes an answered entry (agreed, partly
    met, declined) back to open: the other side's answer is not undone."""
    if is_programme_office(user):
        return tuple(AidOutcome.values)
    mine = submitting_organisations(user)
    current = aid.outcome
    allowed = set()
    if _is_asked(mine, aid) and current != AidOutcome.WITHDRAWN:
        allowed |= {current} | ANSWERS
    if aid.from_organisation_id in mine:
        allowed |= {current, AidOutcome.WITHDRAWN}
        if current in (AidOutcome.OPEN, AidOutcome.WITHDRAWN):
            allowed.add(AidOutcome.OPEN)
    return tuple(o for o in AidOutcome.values if o in allowed)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_FLOW = "flow.view_flow"
    SUBMIT_RETURN = "flow.submit_return"
    CHANGE_ESCALATION_PLAN = "flow.change_escalation_plan"
    LOG_AID = "flow.log_aid"
    RECORD_AID_OUTCOME = "flow.record_aid_outcome"
    SET_EXPECTED_RETURNS = "flow.set_expected_returns"


rules.add_perm(Permission.VIEW_FLOW, is_partner)
# The object is the organisation the return is for (none: may submit for some organisation).
rules.add_perm(Permission.SUBMIT_RETURN, is_programme_office | is_staff_of)
rules.add_perm(Permission.CHANGE_ESCALATION_PLAN, is_programme_office)
# The object is the organisation whose returns are set.
rules.add_perm(Permission.SET_EXPECTED_RETURNS, is_programme_office)
# The object is the organisation asking or offering.
rules.add_perm(Permission.LOG_AID, is_programme_office | is_staff_of)
rules.add_perm(Permission.RECORD_AID_OUTCOME, is_programme_office | is_party_to_aid)
