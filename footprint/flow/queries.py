"""Reads of daily returns, OPEL levels, escalation actions and mutual aid, for pages, CSV, the
API and other apps (the winter plans read the daily history through ``daily_history``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from footprint.flow.models import (
    MEASURES_BY_KIND,
    AidRequest,
    DailyReturn,
    EscalationAction,
    LevelChange,
    Measure,
    OnCallContact,
    OpelLevel,
    ReturnKind,
    ReturnValue,
    return_kind,
)
from footprint.partnership.models import Organisation, OrganisationKind

REPORTING_KINDS = (
    OrganisationKind.ACUTE_TRUST,
    OrganisationKind.COMMUNITY_TRUST,
    OrganisationKind.MENTAL_HEALTH_TRUST,
    OrganisationKind.AMBULANCE_TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.VOLUNTARY,
)


def reporting_organisations() -> QuerySet[Organisation]:
    """The organisations that make a daily return (by their kind), by name."""
    return Organisation.objects.filter(kind__in=REPORTING_KINDS).order_by("name")


def organisations_by_code(codes: Iterable[str]) -> dict[str, Organisation]:
    return {o.ods_code: o for o in Organisation.objects.filter(ods_code__in=set(codes))}


def figures(organisation: Organisation, day: dt.date) -> dict[str, float] | None:
    """``organisation``'s figures for ``day`` by measure, or None if it made no return."""
    ret = DailyReturn.objects.filter(organisation=organisation, date=day).first()
    if ret is None:
        return None
    return {v.measure: v.value for v in ret.values.all()}


def daily_return(organisation: Organisation, day: dt.date) -> DailyReturn | None:
    return (
        DailyReturn.objects.filter(organisation=organisation, date=day)
        .select_related("organisation", "submitted_by")
        .first()
    )


def returns_between(
    start: dt.date, end: dt.date, organisations: Sequence[Organisation] | None = None
) -> dict[tuple[int, dt.date], dict[str, float]]:
    """Every figure from ``start`` to ``end`` inclusive, by (organisation key, date), then by
    measure: one query."""
    qs = ReturnValue.objects.filter(
        daily_return__date__gte=start, daily_return__date__lte=end
    ).values_list("daily_return__organisation_id", "daily_return__date", "measure", "value")
    if organisations is not None:
        qs = qs.filter(daily_return__organisation__in=organisations)
    out: dict[tuple[int, dt.date], dict[str, float]] = defaultdict(dict)
    for org, day, measure, value in qs.iterator(chunk_size=5000):
        out[(org, day)][measure] = value
    return dict(out)


@dataclass(frozen=True)
class DailyHistory:
    """One provider's day: its emergency admissions and its occupied and open beds (general
    and acute for an acute trust, community beds for a community trust, adult acute beds for
    a mental health trust). A figure not reported is None."""

    organisation_id: int
    date: dt.date
    admissions: float | None
    occupied: float | None
    beds_open: float | None
    nctr: float | None


_BEDS = {
    ReturnKind.ACUTE: (Measure.GA_BEDS_OCCUPIED, Measure.GA_BEDS_OPEN),
    ReturnKind.COMMUNITY: (Measure.COMMUNITY_BEDS_OCCUPIED, Measure.COMMUNITY_BEDS_OPEN),
    ReturnKind.MENTAL_HEALTH: (Measure.MH_BEDS_OCCUPIED, Measure.MH_BEDS_OPEN),
}


def daily_history(
    start: dt.date, end: dt.date, organisations: Sequence[Organisation] | None = None
) -> dict[int, list[DailyHistory]]:
    """Daily admissions and occupancy by provider from ``start`` to ``end`` inclusive: for
    each bedded provider (acute, community, mental health) that made returns, its days in
    date order (days it made no return are absent). The winter plans fit their simulation to
    this."""
    orgs = list(organisations) if organisations is not None else list(reporting_organisations())
    kinds = {o.pk: return_kind(o) for o in orgs}
    figures_by_day = returns_between(start, end, orgs)
    out: dict[int, list[DailyHistory]] = defaultdict(list)
    for (org, day), values in sorted(figures_by_day.items(), key=lambda kv: kv[0][1]):
        kind = kinds.get(org)
        if kind not in _BEDS:
            continue
        occupied, beds = _BEDS[kind]
        nctr: float | None
        if kind == ReturnKind.ACUTE:
            parts = [values.get(m) for m in MEASURES_BY_KIND[kind] if m.startswith("nctr_pathway")]
            nctr = (
                sum(p for p in parts if p is not None)
                if any(p is not None for p in parts)
                else None
            )
        elif kind == ReturnKind.COMMUNITY:
            nctr = values.get(Measure.COMMUNITY_NCTR)
        else:
            nctr = None
        out[org].append(
            DailyHistory(
                organisation_id=org,
                date=day,
                admissions=values.get(Measure.ADMISSIONS),
                occupied=values.get(occupied),
                beds_open=values.get(beds),
                nctr=nctr,
            )
        )
    return dict(out)


def missing_returns(day: dt.date) -> list[Organisation]:
    """The reporting organisations with no return for ``day``, by name."""
    done = DailyReturn.objects.filter(date=day).values("organisation_id")
    return list(reporting_organisations().exclude(pk__in=done))


def submissions(day: dt.date) -> list[tuple[Organisation, DailyReturn | None]]:
    """Each reporting organisation with its return for ``day`` (None when it made none)."""
    by_org = {
        r.organisation_id: r
        for r in DailyReturn.objects.filter(date=day).select_related("submitted_by")
    }
    return [(o, by_org.get(o.pk)) for o in reporting_organisations()]


def submissions_between(
    start: dt.date, end: dt.date
) -> list[tuple[dt.date, Organisation, DailyReturn | None]]:
    """Each day from ``start`` to ``end`` (oldest first) and each reporting organisation, by
    name, with its return for the day and the return's figures (None when it made none)."""
    by_key = {
        (r.date, r.organisation_id): r
        for r in DailyReturn.objects.filter(date__gte=start, date__lte=end)
        .select_related("submitted_by")
        .prefetch_related("values")
    }
    orgs = list(reporting_organisations())
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return [(d, o, by_key.get((d, o.pk))) for d in days for o in orgs]


def opel_levels(start: dt.date, end: dt.date) -> QuerySet[OpelLevel]:
    return OpelLevel.objects.filter(date__gte=start, date__lte=end).select_related("organisation")


def opel_level(organisation: Organisation | None, day: dt.date) -> OpelLevel | None:
    return OpelLevel.objects.filter(organisation=organisation, date=day).first()


def previous_level(organisation: Organisation | None, day: dt.date) -> OpelLevel | None:
    """The most recent stored level before ``day``."""
    return (
        OpelLevel.objects.filter(organisation=organisation, date__lt=day).order_by("-date").first()
    )


def actions(level: int | None = None) -> QuerySet[EscalationAction]:
    qs = EscalationAction.objects.all()
    return qs.filter(level=level) if level is not None else qs


def on_call_contacts(organisation: Organisation | None) -> list[OnCallContact]:
    """Who is told of a change in ``organisation``'s level (its own contacts and the system's);
    for the system's level (None), the system's contacts."""
    qs = OnCallContact.objects.filter(organisation__isnull=True)
    if organisation is not None:
        qs = qs | OnCallContact.objects.filter(organisation=organisation)
    return list(qs.order_by("name"))


def level_changes(limit: int = 20) -> QuerySet[LevelChange]:
    return LevelChange.objects.select_related("organisation")[:limit]


def aid_log() -> QuerySet[AidRequest]:
    return AidRequest.objects.select_related("from_organisation", "to_organisation", "created_by")


def provider_scores(day: dt.date) -> list[tuple[ReturnKind, float]]:
    """Each provider's stored OPEL score on ``day`` with its kind of return."""
    out = []
    for lvl in OpelLevel.objects.filter(date=day, organisation__isnull=False).select_related(
        "organisation"
    ):
        kind = return_kind(lvl.organisation)
        if kind is not None:
            out.append((kind, lvl.score))
    return out


def acute_trusts() -> list[Organisation]:
    """The organisations that make the acute return, by name."""
    return [o for o in reporting_organisations() if return_kind(o) == ReturnKind.ACUTE]


def acute_figures_by_day(start: dt.date, end: dt.date) -> dict[dt.date, list[dict[str, float]]]:
    """The acute trusts' figures from ``start`` to ``end``, by day: one dict per return."""
    acute = acute_trusts()
    out: dict[dt.date, list[dict[str, float]]] = defaultdict(list)
    for (_, day), values in returns_between(start, end, acute).items():
        out[day].append(values)
    return dict(out)


def all_contacts() -> QuerySet[OnCallContact]:
    return OnCallContact.objects.select_related("organisation").order_by(
        "organisation__name", "name"
    )
