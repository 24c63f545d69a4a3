"""Reads of the plan for pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from footprint.plans.models import Goal, Metric, Plan


def current_plan(*, published_only: bool = False) -> Plan | None:
    """The latest plan (the latest published one, for the public)."""
    qs = Plan.objects.all()
    if published_only:
        qs = qs.filter(status=Plan.Status.PUBLISHED)
    return qs.order_by("-start_year", "-pk").first()


def goals_of(plan: Plan) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(priority__plan=plan)
        .select_related("priority", "metric", "owner", "organisation", "place", "neighbourhood")
        .order_by("priority__order", "priority__title", "target_date", "statement")
    )


def metrics() -> QuerySet[Metric]:
    return Metric.objects.select_related("owner", "reviewer").order_by("name")
