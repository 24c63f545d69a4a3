"""Reads of the plan for pages, the API, the rules and the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from footprint.core.breakdowns import Breakdown, label
from footprint.core.models import Job
from footprint.demand.models import Scenario
from footprint.flow import queries as flow_queries
from footprint.flow.models import NCTR_PATHWAYS, Measure
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.plans.figures import figure as figure_text
from footprint.plans.models import (
    NCTR_ALL,
    Goal,
    GoalScheme,
    Measurement,
    Metric,
    Plan,
    PlanPublication,
    Priority,
    Rebase,
    Subject,
)


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


def goal(pk: int) -> Goal | None:
    """A goal with its metric, owner, plan and subject, or None."""
    return (
        Goal.objects.select_related(
            "metric__owner", "owner", "priority__plan", "organisation", "place", "neighbourhood"
        )
        .filter(pk=pk)
        .first()
    )


def metrics() -> QuerySet[Metric]:
    return Metric.objects.select_related("owner", "reviewer").order_by("name")


def metric(code: str) -> Metric | None:
    """The metric with this code (made from its name), or None."""
    return Metric.objects.select_related("owner", "reviewer").filter(slug=code).first()


def metrics_by_code() -> dict[str, Metric]:
    return {m.code: m for m in Metric.objects.all()}


def metric_codes() -> set[str]:
    return set(Metric.objects.values_list("slug", flat=True))


def metric_named(name: str) -> Metric | None:
    """The metric called ``name``, in any case, or None."""
    return Metric.objects.filter(name__iexact=name.strip()).first()


def values_of_metric(metric: Metric) -> list[tuple[dt.date, float]]:
    """Every figure recorded for ``metric``, of any subject, oldest first."""
    return list(
        Measurement.objects.filter(breakdown="", metric=metric, value__isnull=False)
        .order_by("period")
        .values_list("period", "value")
    )


def plans() -> QuerySet[Plan]:
    """Every plan, the latest first."""
    return Plan.objects.order_by("-start_year", "-pk")


def plan(pk: int) -> Plan | None:
    return Plan.objects.filter(pk=pk).first()


def priorities(plan: Plan) -> QuerySet[Priority]:
    return plan.priorities.select_related("lead").order_by("order", "title")


def priority(pk: int) -> Priority | None:
    return Priority.objects.select_related("plan", "lead").filter(pk=pk).first()


def serving(goal: Goal) -> QuerySet[Any]:
    """The decisions (proposals) chosen as serving ``goal``, the latest first."""
    return goal.proposals.select_related("forum").order_by("-created_at")


def proposal_choices() -> QuerySet[Any]:
    """Every proposal a goal may be served by, the latest first (reached through the goal's
    relation: the plan does not import decisions)."""
    model = Goal._meta.get_field("proposals").related_model
    return model.objects.order_by("-created_at", "-pk")  # type: ignore[union-attr]


@dataclass(frozen=True)
class SchemeChoice:
    """A demand scheme a goal may be served by: its scenario, its key there and its name."""

    scenario: Scenario
    key: str
    name: str

    @property
    def value(self) -> str:
        return f"{self.scenario.pk}:{self.key}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.scenario.name})"


def scheme_choices() -> list[SchemeChoice]:
    """Every scheme of every demand scenario, by scenario name and the scheme's order."""
    return [
        SchemeChoice(sc, str(scheme["key"]), str(scheme.get("name") or scheme["key"]))
        for sc in Scenario.objects.order_by("name")
        for scheme in sc.parameters.get("schemes", [])
        if scheme.get("key")
    ]


def serving_schemes(goal: Goal) -> list[GoalScheme]:
    """The demand schemes chosen as serving ``goal``, by scenario and scheme name."""
    return list(
        goal.scheme_links.select_related("scenario").order_by("scenario__name", "scheme_name")
    )


def history_of(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The changes to a plan, priority, metric or goal, newest first: when, who and which
    fields changed, in words."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    out = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        if older is None or record.history_type == "+":
            what = "Created"
        else:
            order = [f.name for f in type(obj)._meta.get_fields()]
            changed = sorted((c.field for c in record.diff_against(older).changes), key=order.index)
            names = [
                str(type(obj)._meta.get_field(name).verbose_name)
                for name in changed
                if name not in {"horizon", "subject_key"}
            ]
            what = ("Changed " + ", ".join(names)) if names else "Saved, unchanged"
        out.append(
            {
                "when": timezone.localtime(record.history_date),
                "who": record.history_user,
                "what": what,
            }
        )
    return out


def figure_history(goal: Goal, limit: int = 50) -> list[dict[str, Any]]:
    """The changes to the figures of the goal's series (its metric for its subject, by group
    too), newest first: each figure recorded, imported, changed or removed, when, by whom, in
    words. The goal's own history says nothing of its figures."""
    unit = goal.metric.unit
    records = list(
        Measurement.history.filter(metric_id=goal.metric_id, subject_key=goal.subject_key)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    out = []
    for r in records:
        month = f"{r.period:%B %Y}" + (f", {label(r.breakdown, r.category)}" if r.breakdown else "")
        value = figure_text(r.value, unit) if r.value is not None else "missing"
        if r.history_type == "-":
            what = f"Removed the figure for {month}" + (
                f": {r.history_change_reason}" if r.history_change_reason else ""
            )
        else:
            verb = "Recorded" if r.history_type == "+" else "Changed"
            what = f"{verb} {month}: {value}"
        out.append(
            {"when": timezone.localtime(r.history_date), "who": r.history_user, "what": what}
        )
    return out


def recent_imports(user: Any) -> list[Job]:
    """The last ten measurement imports ``user`` started, newest first."""
    return list(Job.objects.filter(kind="import:measurements", created_by=user)[:10])


@dataclass(frozen=True)
class SeriesRef:
    """One metric's series for one subject: what a permission to change figures is about (a
    goal is one too: it has a metric and a subject key)."""

    metric: Metric
    subject_key: str


@dataclass(frozen=True)
class SeriesData:
    """One metric's measurements for one subject, oldest first, and its rebases."""

    metric: Metric
    subject_key: str
    measurements: list[Measurement] = field(default_factory=list)
    rebases: list[Rebase] = field(default_factory=list)
    # The series' figures split by deprivation or ethnic group, by breakdown, category and
    # period (read for a goal page, and for gap goals everywhere).
    split: list[Measurement] = field(default_factory=list)


def series(metric: Metric, subject_key: str, *, split: bool = False) -> SeriesData:
    """A series as stored, in two queries (three with its ``split`` figures)."""
    return SeriesData(
        metric,
        subject_key,
        list(
            Measurement.objects.filter(breakdown="", metric=metric, subject_key=subject_key)
            .select_related("organisation", "place", "neighbourhood")
            .order_by("period")
        ),
        list(Rebase.objects.filter(metric=metric, subject_key=subject_key).order_by("period")),
        split_figures(metric, subject_key) if split else [],
    )


def split_figures(metric: Metric, subject_key: str) -> list[Measurement]:
    """The series' figures by deprivation or ethnic group, by breakdown, period and group."""
    return list(
        Measurement.objects.filter(metric=metric, subject_key=subject_key)
        .exclude(breakdown="")
        .order_by("breakdown", "period", "category")
    )


def periods_of(metric: Metric, subject_key: str) -> list[dt.date]:
    """Every period the series has a row for (a figure or a missing one), oldest first."""
    return list(
        Measurement.objects.filter(breakdown="", metric=metric, subject_key=subject_key)
        .order_by("period")
        .values_list("period", flat=True)
    )


def measurement(metric: Metric, subject_key: str, period: dt.date) -> Measurement | None:
    """One period's figure of a series, or None."""
    return (
        Measurement.objects.filter(
            breakdown="", metric=metric, subject_key=subject_key, period=period
        )
        .select_related("organisation", "place", "neighbourhood")
        .first()
    )


def rebase_at(metric: Metric, subject_key: str, period: dt.date) -> Rebase | None:
    """The rebase of a series that starts new limits from ``period``, or None."""
    return Rebase.objects.filter(metric=metric, subject_key=subject_key, period=period).first()


def series_of_goals(goals: Iterable[Goal]) -> dict[tuple[int, str], SeriesData]:
    """The series every goal is judged on, by (metric id, subject key), with its figures by
    group (what a gap goal is judged on, and what a publication keeps), in three queries."""
    goals = list(goals)
    metrics = {g.metric_id: g.metric for g in goals}
    keys = {(g.metric_id, g.subject_key) for g in goals}
    found = {k: SeriesData(metrics[k[0]], k[1]) for k in keys}
    for m in (
        Measurement.objects.filter(
            breakdown="", metric_id__in=metrics, subject_key__in={k[1] for k in keys}
        )
        .select_related("organisation", "place", "neighbourhood")
        .order_by("period")
    ):
        if (m.metric_id, m.subject_key) in found:
            found[(m.metric_id, m.subject_key)].measurements.append(m)
    for rb in Rebase.objects.filter(metric_id__in=metrics).order_by("period"):
        if (rb.metric_id, rb.subject_key) in found:
            found[(rb.metric_id, rb.subject_key)].rebases.append(rb)
    if keys:
        for m in (
            Measurement.objects.filter(metric_id__in=metrics, subject_key__in={k[1] for k in keys})
            .exclude(breakdown="")
            .order_by("breakdown", "period", "category")
        ):
            if (m.metric_id, m.subject_key) in found:
                found[(m.metric_id, m.subject_key)].split.append(m)
    return found


@dataclass(frozen=True)
class MeasuredValues:
    """Every series of some metrics, for the early warning: the values of each, oldest first,
    by (metric id, subject key); the series with rebases in full; and who each is about."""

    metrics: dict[int, Metric]
    values: dict[tuple[int, str], list[tuple[dt.date, float | None]]]
    rebased: dict[tuple[int, str], SeriesData]
    labels: dict[str, str]


def measured_values(metrics: Iterable[Metric]) -> MeasuredValues:
    """The values of every series of ``metrics`` (one query), the few series with rebases in
    full, and the name of every subject."""
    by_id = {m.pk: m for m in metrics}
    values: dict[tuple[int, str], list[tuple[dt.date, float | None]]] = {}
    for metric_id, key, period, value in (
        Measurement.objects.filter(breakdown="", metric_id__in=by_id)
        .order_by("metric_id", "subject_key", "period")
        .values_list("metric_id", "subject_key", "period", "value")
    ):
        values.setdefault((metric_id, key), []).append((period, value))
    rebased = {
        (metric_id, key): series(by_id[metric_id], key)
        for metric_id, key in set(
            Rebase.objects.filter(metric_id__in=by_id).values_list("metric_id", "subject_key")
        )
        if (metric_id, key) in values
    }
    return MeasuredValues(by_id, values, rebased, subject_labels({k for _, k in values}))


def subject_labels(keys: Iterable[str]) -> dict[str, str]:
    """Each subject key's name ('org:RW9' → 'Wyvern Royal …'; 'system' → 'The whole
    system'); a key naming nothing keeps the key."""
    keys = set(keys)
    codes: dict[str, set[str]] = {"org": set(), "place": set(), "hood": set()}
    for key in keys:
        kind, _, code = key.partition(":")
        if kind in codes:
            codes[kind].add(code)
    names = {"system": "The whole system"}
    for code, name in Organisation.objects.filter(ods_code__in=codes["org"]).values_list(
        "ods_code", "name"
    ):
        names[f"org:{code}"] = name
    for code, name in Place.objects.filter(code__in=codes["place"]).values_list("code", "name"):
        names[f"place:{code}"] = name
    for code, name in Neighbourhood.objects.filter(code__in=codes["hood"]).values_list(
        "code", "name"
    ):
        names[f"hood:{code}"] = name
    return {key: names.get(key, key) for key in keys}


def ods_codes(org_ids: Iterable[int]) -> set[str]:
    return set(Organisation.objects.filter(pk__in=org_ids).values_list("ods_code", flat=True))


def owns_a_goal_on(metric: Metric, subject_key: str, org_ids: Iterable[int]) -> bool:
    """Whether one of these organisations owns a goal judged on this series."""
    return Goal.objects.filter(
        metric=metric, subject_key=subject_key, owner_id__in=list(org_ids)
    ).exists()


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


# --- What a publication froze of each goal's figures by group -------------------------------


@dataclass(frozen=True)
class PublishedSii:
    """The slope index of inequality of the latest period with every quantile's figure, as
    published: its value and interval (None where it has none) in the split's ``gap_unit``."""

    period: dt.date
    value: float
    lower: float | None
    upper: float | None
    confidence: float
    note: str


@dataclass(frozen=True)
class PublishedSplit:
    """One breakdown of a published goal's figures, as they stood when published: each
    period's figure by group (``values[i][k]`` for ``periods[i]`` and ``groups[k]``, None where
    missing), groups as (code, name) in their order (quintile 1, the most deprived, first),
    periods oldest first; for deprivation, the gap between the two ends each period, whether
    it is narrowing (``trend``: narrowing, widening, no_clear_change, too_few_points; with
    ``trend_label`` in words) and the latest SII. No populations are published."""

    breakdown: Breakdown
    breakdown_name: str
    unit: str
    gap_unit: str
    groups: list[tuple[str, str]]
    periods: list[dt.date]
    values: list[list[float | None]]
    ends_gap: list[float | None]
    trend: str | None
    trend_label: str | None
    sii: PublishedSii | None

    @property
    def is_deprivation(self) -> bool:
        return self.breakdown.is_deprivation


@dataclass(frozen=True)
class PublishedGoalSplits:
    """A published goal's figures by group: what the goal is (``goal_id``, its statement,
    priority, metric code and name, who it is about), for a gap goal its gap in words and the
    gap series as published (``gap_periods``, ``gap_values``, in ``gap_unit``), and each
    breakdown's figures (``splits``, in ``Breakdown`` order)."""

    goal_id: int
    statement: str
    priority: str
    metric: str
    metric_name: str
    subject: str
    subject_label: str
    gap_name: str | None
    gap_unit: str | None
    gap_periods: list[dt.date]
    gap_values: list[float | None]
    splits: list[PublishedSplit]


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _published_split(s: dict[str, Any]) -> PublishedSplit:
    sii = s.get("sii")
    return PublishedSplit(
        Breakdown(s["breakdown"]),
        s["breakdown_name"],
        s["unit"],
        s["gap_unit"],
        [(g["code"], g["name"]) for g in s["groups"]],
        [_day(p) for p in s["periods"]],
        s["values"],
        s["ends_gap"],
        s["trend"],
        s["trend_label"],
        None
        if not sii
        else PublishedSii(
            _day(sii["period"]),
            sii["value"],
            sii["lower"],
            sii["upper"],
            sii["confidence"],
            sii["note"],
        ),
    )


def published_splits(publication: PlanPublication) -> list[PublishedGoalSplits]:
    """Each goal of ``publication`` that was published with figures by group (or a gap
    series), in the plan's order, exactly as published: read from what the publication
    froze, never from the figures now, so a later figure, a goal added since, or a metric no
    published goal is on never shows. No query: it reads the publication's content.

    For the public inequalities page: ``published_splits(public_plan().latest)``."""
    out = []
    for priority in publication.content["priorities"]:
        for goal in priority["goals"]:
            splits = goal.get("splits") or []
            gap = goal.get("gap")
            gap_series = goal.get("gap_series")
            if not splits and not gap_series:
                continue
            out.append(
                PublishedGoalSplits(
                    goal["id"],
                    goal["statement"],
                    goal["priority"],
                    goal["metric"],
                    goal["metric_name"],
                    goal["subject"],
                    goal["subject_label"],
                    gap["name"] if gap else None,
                    gap_series["unit"] if gap_series else None,
                    [_day(p) for p in gap_series["periods"]] if gap_series else [],
                    list(gap_series["values"]) if gap_series else [],
                    [_published_split(s) for s in splits],
                )
            )
    return out


# --- Metrics fed from the urgent-care daily returns ------------------------------------------


def flow_measure_choices() -> list[tuple[str, str]]:
    """Every daily-return figure a metric may be made from, as (code, name): the patients
    with no criteria to reside on every pathway first, then each figure of the returns."""
    return [(NCTR_ALL, "No criteria to reside: every pathway (patients)"), *Measure.choices]


def flow_measure_name(code: str) -> str:
    return dict(flow_measure_choices()).get(code, code)


def fed_metrics() -> list[Metric]:
    """The metrics made from the daily returns, by name."""
    return list(
        Metric.objects.exclude(flow_measure="").exclude(flow_aggregation="").order_by("name")
    )


def flow_daily_figures(
    measure: str, start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], float]:
    """Each provider's daily figure of ``measure`` from ``start`` to ``end`` inclusive, by
    (provider key, day): for ``NCTR_ALL``, the sum of the pathway figures it reported (a day
    with none has no figure)."""
    parts = [str(m) for m in NCTR_PATHWAYS] if measure == NCTR_ALL else [measure]
    out = {}
    for key, figures in flow_queries.returns_between(start, end).items():
        found = [figures[p] for p in parts if p in figures]
        if found:
            out[key] = float(sum(found))
    return out
