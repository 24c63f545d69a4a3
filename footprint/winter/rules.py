"""Who may do what with winter plans.

- Partners see every winter plan, draft or published, its scenarios and results.
- The public (and anyone signed in who is not a partner) sees a plan only once it is
  published to the boards, never a draft, and of a published plan only what was published:
  the plan's page (frozen: its figures and its wording as published) and the runs it was
  published with, never a scenario's live page nor a run made since.
- The programme office builds plans and scenarios, runs them and publishes or withdraws them
  (an operator at the command line may too).
- A partner who may bring proposals to a forum (the programme office, or a member of any
  forum: decisions' ``ADD_PROPOSAL``) may bring a scheme to a decision from its scenario.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import can, permissions
from footprint.decisions.rules import Permission as DecisionPermission
from footprint.partnership.rules import is_partner, is_programme_office
from footprint.winter.models import Scenario, WinterRun


@rules.predicate
def is_published(user: Any, obj: Any) -> bool:
    """A published plan, or a run the plan was published with. Never a scenario: its inputs
    may change after publication, while a run keeps the inputs it used; nor a later run."""
    if isinstance(obj, Scenario):
        return False
    if isinstance(obj, WinterRun):
        plan = obj.scenario.plan
        return plan.published and obj.pk in {r.get("run") for r in plan.published_runs}
    return bool(getattr(obj, "published", False))


@rules.predicate
def may_bring_proposals(user: Any) -> bool:
    """Whether ``user`` may bring a proposal to a forum (decisions' own rule)."""
    return can(user, DecisionPermission.ADD_PROPOSAL)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_WINTER = "winter.view_winter"  # every plan, draft or published
    VIEW_PLAN = "winter.view_plan"  # with a plan (or scenario, or run): this one
    CHANGE_WINTER = "winter.change_winter"
    PUBLISH_WINTER = "winter.publish_winter"
    BRING_TO_DECISION = "winter.bring_to_decision"  # with a scenario


rules.add_perm(Permission.VIEW_WINTER, is_partner)
rules.add_perm(Permission.VIEW_PLAN, is_partner | is_published)
rules.add_perm(Permission.CHANGE_WINTER, is_programme_office)
rules.add_perm(Permission.PUBLISH_WINTER, is_programme_office)
rules.add_perm(Permission.BRING_TO_DECISION, is_partner & may_bring_proposals)
