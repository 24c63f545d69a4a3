"""Who may do what with the plan.

- Partners read the whole plan, drafts included; the public reads a published plan only.
- The programme office changes the plan, its priorities, goals and metrics.
- A series' measurements are changed by the programme office, by editors of the organisation
  that owns a goal judged on that series, of the metric's owner, or of the organisation the
  series is about. Rebases likewise.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.partnership.models import Role
from footprint.partnership.rules import is_partner, is_programme_office, roles_of
from footprint.plans.models import Goal, Metric


def editor_org_ids(user: Any) -> set[int]:
    return {org for org, roles in roles_of(user).by_organisation.items() if Role.EDITOR in roles}


def may_change_series(user: Any, metric: Metric, subject_key: str) -> bool:
    """Whether ``user`` may record or change measurements of ``metric`` for ``subject_key``."""
    if is_programme_office(user):
        return True
    orgs = editor_org_ids(user)
    if not orgs:
        return False
    if metric.owner_id in orgs:
        return True
    if subject_key.startswith("org:") and any(code == subject_key[4:] for code in _codes(orgs)):
        return True
    return Goal.objects.filter(metric=metric, subject_key=subject_key, owner_id__in=orgs).exists()


def _codes(org_ids: set[int]) -> list[str]:
    from footprint.partnership.models import Organisation

    return list(Organisation.objects.filter(pk__in=org_ids).values_list("ods_code", flat=True))


@rules.predicate
def can_change_goal_series(user: Any, goal: Goal | None) -> bool:
    return goal is not None and may_change_series(user, goal.metric, goal.subject_key)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_PLAN = "plans.view_plan"
    CHANGE_PLAN = "plans.change_plan"
    CHANGE_GOAL = "plans.change_goal"
    CHANGE_METRIC = "plans.change_metric"
    RECORD_MEASUREMENT = "plans.record_measurement"
    IMPORT_MEASUREMENTS = "plans.import_measurements"


rules.add_perm(Permission.VIEW_PLAN, is_partner)
rules.add_perm(Permission.CHANGE_PLAN, is_programme_office)
rules.add_perm(Permission.CHANGE_GOAL, is_programme_office)
rules.add_perm(Permission.CHANGE_METRIC, is_programme_office)
rules.add_perm(Permission.RECORD_MEASUREMENT, can_change_goal_series)
rules.add_perm(Permission.IMPORT_MEASUREMENTS, is_partner)
