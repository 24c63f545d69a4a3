"""Who may do what with the plan.

- Partners read the whole plan, drafts included; the public reads a published plan only.
- The programme office sets up and changes the plan, its priorities, goals and metrics, and
  publishes it.
- A metric is reviewed content kept by the organisation that owns it: that organisation's
  editors change its definition, source, checker and review date (not who owns it).
- The editors of the organisation that owns a goal choose the decisions that serve it, as
  the programme office does.
- A series' measurements are changed by the programme office and by editors of the
  organisation the series is about: an organisation's own figures are its own, whoever owns
  the metric or a goal on it. A series about the system, a place or a neighbourhood is changed
  by editors of the metric's owner or of the organisation that owns a goal judged on it.
  Rebases likewise.

A series is anything with a ``metric`` and a ``subject_key``: a goal, or a
``queries.SeriesRef``. Services ask these rules before they write; views ask them only to
decide what to show and to refuse a page.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.permissions import permissions
from footprint.partnership.models import Role
from footprint.partnership.rules import is_partner, is_programme_office, roles_of
from footprint.plans import queries


def editor_org_ids(user: Any) -> set[int]:
    return {org for org, roles in roles_of(user).by_organisation.items() if Role.EDITOR in roles}


@rules.predicate
def edits_the_series(user: Any, series: Any) -> bool:
    """Whether ``user`` edits for the organisation ``series`` is about; or, for a series not
    about one organisation, for the owner of its metric or of a goal judged on it."""
    if series is None:
        return False
    orgs = editor_org_ids(user)
    if not orgs:
        return False
    metric, key = series.metric, series.subject_key
    if key.startswith("org:"):  # an organisation's own figures: its editors' alone
        return key[4:] in queries.ods_codes(orgs)
    if metric.owner_id in orgs:
        return True
    return queries.owns_a_goal_on(metric, key, orgs)


@rules.predicate
def edits_the_metric_owner(user: Any, metric: Any) -> bool:
    """Whether ``user`` edits for the organisation that owns ``metric``."""
    return metric is not None and metric.owner_id in editor_org_ids(user)


@rules.predicate
def edits_the_goal_owner(user: Any, goal: Any) -> bool:
    """Whether ``user`` edits for the organisation that owns ``goal``."""
    return goal is not None and goal.owner_id in editor_org_ids(user)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_PLAN = "plans.view_plan"
    CHANGE_PLAN = "plans.change_plan"
    CHANGE_GOAL = "plans.change_goal"
    ADD_METRIC = "plans.add_metric"
    CHANGE_METRIC = "plans.change_metric"
    LINK_GOAL_DECISIONS = "plans.link_goal_decisions"
    RECORD_MEASUREMENT = "plans.record_measurement"
    ADD_REBASE = "plans.add_rebase"
    IMPORT_MEASUREMENTS = "plans.import_measurements"


rules.add_perm(Permission.VIEW_PLAN, is_partner)
# The plan and its priorities; goals (adding one, and changing any).
rules.add_perm(Permission.CHANGE_PLAN, is_programme_office)
rules.add_perm(Permission.CHANGE_GOAL, is_programme_office)
# Adding a metric, or giving one to another organisation, is the programme office's.
rules.add_perm(Permission.ADD_METRIC, is_programme_office)
# On a metric: its definition, unit, source, checker and review date.
rules.add_perm(Permission.CHANGE_METRIC, is_programme_office | edits_the_metric_owner)
# On a goal: which decisions serve it.
rules.add_perm(Permission.LINK_GOAL_DECISIONS, is_programme_office | edits_the_goal_owner)
# On a series (a goal or a SeriesRef).
rules.add_perm(Permission.RECORD_MEASUREMENT, is_programme_office | edits_the_series)
rules.add_perm(Permission.ADD_REBASE, is_programme_office | edits_the_series)
# Partners may upload a file; each of its rows is then checked as RECORD_MEASUREMENT.
rules.add_perm(Permission.IMPORT_MEASUREMENTS, is_partner)
