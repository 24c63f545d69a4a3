"""Who may do what with the urgent-care flow.

- Partners (anyone with a membership or a partnership role) see the daily picture, the OPEL
  levels, the escalation plan and the mutual-aid log.
- An organisation's staff who keep its figures (its editors and its organisation lead) submit
  its daily return, and no other organisation's; the programme office submits for anyone.
- An organisation's staff log mutual-aid requests and offers from their organisation, and
  record the outcome of aid their organisation asked for, offered or was asked for.
- The programme office keeps the escalation plan (the actions at each level) and the on-call
  contacts.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
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


@rules.predicate
def is_party_to_aid(user: Any, aid: Any) -> bool:
    """Whether ``user`` keeps the figures of an organisation the aid is from or to."""
    if aid is None:
        return bool(submitting_organisations(user))
    mine = submitting_organisations(user)
    return aid.from_organisation_id in mine or (
        aid.to_organisation_id is not None and aid.to_organisation_id in mine
    )


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_FLOW = "flow.view_flow"
    SUBMIT_RETURN = "flow.submit_return"
    CHANGE_ESCALATION_PLAN = "flow.change_escalation_plan"
    LOG_AID = "flow.log_aid"
    RECORD_AID_OUTCOME = "flow.record_aid_outcome"


rules.add_perm(Permission.VIEW_FLOW, is_partner)
# The object is the organisation the return is for (none: may submit for some organisation).
rules.add_perm(Permission.SUBMIT_RETURN, is_programme_office | is_staff_of)
rules.add_perm(Permission.CHANGE_ESCALATION_PLAN, is_programme_office)
# The object is the organisation asking or offering.
rules.add_perm(Permission.LOG_AID, is_programme_office | is_staff_of)
rules.add_perm(Permission.RECORD_AID_OUTCOME, is_programme_office | is_party_to_aid)
