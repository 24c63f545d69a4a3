"""Reads of the plan for pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.plans.models import Goal, Metric, Plan, PlanPublication, Subject


def current_plan(*, published_only: bool = False) -> Plan | None:
    """The latest plan (the latest published one, for the public: published, and with what
    was published kept)."""
    qs = Plan.objects.all()
    if published_only:
        qs = qs.filter(status=Plan.Status.PUBLISHED, publications__isnull=False).distinct()
    return qs.order_by("-start_year", "-pk").first()


def publications(plan: Plan) -> QuerySet[PlanPublication]:
    """Every publication of ``plan``, the first first."""
    return plan.publications.select_related("published_by").order_by("published_at", "pk")


def latest_publication(plan: Plan) -> PlanPublication | None:
    return publications(plan).last()


@dataclass(frozen=True)
class PublicPlan:
    """What the public sees of the plan: its latest publication, when the plan was first
    published and which revision this is (1 for the first publication)."""

    latest: PlanPublication
    first_published_on: dt.date
    revision: int

    @property
    def revised(self) -> bool:
        return self.revision > 1


def public_plan() -> PublicPlan | None:
    """The published plan as last published, or None if there is none."""
    plan = current_plan(published_only=True)
    if plan is None:
        return None
    latest = latest_publication(plan)
    first = publications(plan).values_list("published_at", flat=True).first()
    assert latest is not None and first is not None  # the plan has publications
    return PublicPlan(latest, timezone.localtime(first).date(), publications(plan).count())


def goals_of(plan: Plan) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(priority__plan=plan)
        .select_related("priority", "metric", "owner", "organisation", "place", "neighbourhood")
        .order_by("priority__order", "priority__title", "target_date", "statement")
    )


def metrics() -> QuerySet[Metric]:
    return Metric.objects.select_related("owner", "reviewer").order_by("name")


@dataclass(frozen=True)
class SubjectRef:
    """What a series is about, found from its key: an organisation, a place, a
    neighbourhood, or none of them (the whole system)."""

    organisation: Organisation | None = None
    place: Place | None = None
    neighbourhood: Neighbourhood | None = None

    @property
    def subject_key(self) -> str:
        return Subject.key_for(self.organisation, self.place, self.neighbourhood)


def subject_for(key: str) -> SubjectRef | None:
    """'system', 'org:RW9', 'place:E10000099' or 'hood:WYV01' → the subject, or None."""
    kind, _, code = key.partition(":")
    if key == "system":
        return SubjectRef()
    if kind == "org" and (org := Organisation.objects.filter(ods_code=code.upper()).first()):
        return SubjectRef(organisation=org)
    if kind == "place" and (place := Place.objects.filter(code=code).first()):
        return SubjectRef(place=place)
    if kind == "hood" and (hood := Neighbourhood.objects.filter(code=code).first()):
        return SubjectRef(neighbourhood=hood)
    return None
