"""Reads of daily returns, OPEL levels, escalation actions and mutual aid, for pages, CSV, the
API and other apps (the winter plans read the daily history through ``daily_history``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from footprint.flow.models import (
    MEASURES_BY_KIND,
    AidRequest,
    DailyReturn,
    EscalationAction,
    ExpectedReturn,
    LevelChange,
    Measure,
    OnCallContact,
    OpelLevel,
    ReturnKind,
    ReturnValue,
    default_kinds,
)
from footprint.partnership.models import Organisation, OrganisationKind

# The kinds of organisation that may make a daily return: listed on the page where the
# programme office says which returns each is expected to make.
REPORTING_KINDS = (
    OrganisationKind.ACUTE_TRUST,
    OrganisationKind.COMMUNITY_TRUST,
    OrganisationKind.MENTAL_HEALTH_TRUST,
    OrganisationKind.AMBULANCE_TRUST,
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.VOLUNTARY,
)


def _settings(
    organisations: Iterable[Organisation] | None = None,
) -> dict[int, dict[str, ExpectedReturn]]:
    qs = ExpectedReturn.objects.all()
    if organisations is not None:
        qs = qs.filter(organisation__in=list(organisations))
    out: dict[int, dict[str, ExpectedReturn]] = defaultdict(dict)
    for row in qs:
        out[row.organisation_id][row.kind] = row
    return out


def _kinds(org: Organisation, settings: dict[str, ExpectedReturn]) -> tuple[ReturnKind, ...]:
    defaults = default_kinds(org.kind)
    return tuple(
        k for k in ReturnKind if (settings[k].expected if k.value in settings else k in defaults)
    )


def expected_kinds(organisations: Iterable[Organisation]) -> dict[int, tuple[ReturnKind, ...]]:
    """The returns (sections of the daily return) each organisation is expected to make, by
    its key: as the programme office set them, or by default from its kind. One query."""
    orgs = list(organisations)
    settings = _settings(orgs)
    return {o.pk: _kinds(o, settings.get(o.pk, {})) for o in orgs}


def kinds_of(organisation: Organisation) -> tuple[ReturnKind, ...]:
    """The returns ``organisation`` is expected to make (none: it makes no daily return)."""
    return expected_kinds([organisation])[organisation.pk]


def _candidates() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(
            Q(kind__in=REPORTING_KINDS) | Q(expected_returns__expected=True)
        )
        .distinct()
        .order_by("name")
    )


def expectations() -> list[tuple[Organisation, list[tuple[ReturnKind, bool, bool]]]]:
    """Every organisation that may make a return, by name, with each kind of return: whether
    it is expected, and whether that is its kind's default (not set by the programme
    office)."""
    orgs = list(_candidates())
    settings = _settings(orgs)
    out = []
    for o in orgs:
        mine = settings.get(o.pk, {})
        kinds = _kinds(o, mine)
        out.append((o, [(k, k in kinds, k.value not in mine) for k in ReturnKind]))
    return out


def reporting_organisations() -> QuerySet[Organisation]:
    """The organisations expected to make a daily return, by name."""
    orgs = list(_candidates())
    kinds = expected_kinds(orgs)
    return Organisation.objects.filter(pk__in=[o.pk for o in orgs if kinds[o.pk]]).order_by("name")


def organisations_making(kind: ReturnKind) -> list[Organisation]:
    """The organisations expected to make the ``kind`` return (section), by name."""
    orgs = list(_candidates())
    kinds = expected_kinds(orgs)
    return [o for o in orgs if kind in kinds[o.pk]]


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
    expected = expected_kinds(orgs)
    kinds = {pk: next((k for k in _BEDS if k in made), None) for pk, made in expected.items()}
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
    """The organisations expected to make a return with none for ``day``, by name."""
    done = DailyReturn.objects.filter(date=day).values("organisation_id")
    return list(reporting_organisations().exclude(pk__in=done))


def submissions(day: dt.date) -> list[tuple[Organisation, DailyReturn | None]]:
    """Each organisation expected to make a return, with its return for ``day`` (None when it
    made none), and any other that made one that day (no longer expected to), by name."""
    by_org = {
        r.organisation_id: r
        for r in DailyReturn.objects.filter(date=day).select_related(
            "submitted_by", "changed_by", "organisation"
        )
    }
    orgs = {o.pk: o for o in reporting_organisations()}
    orgs.update({pk: r.organisation for pk, r in by_org.items() if pk not in orgs})
    ordered = sorted(orgs.values(), key=lambda o: o.name)
    return [(o, by_org.get(o.pk)) for o in ordered]


def submissions_between(
    start: dt.date, end: dt.date
) -> list[tuple[dt.date, Organisation, DailyReturn | None]]:
    """Each day from ``start`` to ``end`` (oldest first) and each reporting organisation, by
    name, with its return for the day and the return's figures (None when it made none)."""
    by_key = {
        (r.date, r.organisation_id): r
        for r in DailyReturn.objects.filter(date__gte=start, date__lte=end)
        .select_related("submitted_by", "changed_by")
        .prefetch_related("values")
    }
    orgs = list(reporting_organisations())
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return [(d, o, by_key.get((d, o.pk))) for d in days for o in orgs]


def opel_levels(start: dt.date, end: dt.date) -> QuerySet[OpelLevel]:
    return OpelLevel.objects.filter(date__gte=start, date__lte=end).select_related("organisation")


def opel_level(
    organisation: Organisation | None, day: dt.date, kind: ReturnKind | None = None
) -> OpelLevel | None:
    """``organisation``'s level on ``day`` for the service ``kind`` (None: the system's)."""
    return OpelLevel.objects.filter(
        organisation=organisation, kind=kind.value if kind else "", date=day
    ).first()


def provider_levels(organisation: Organisation, day: dt.date) -> list[OpelLevel]:
    """``organisation``'s level for each of its services on ``day``, in the services' order."""
    order = {k.value: i for i, k in enumerate(ReturnKind)}
    levels = OpelLevel.objects.filter(organisation=organisation, date=day)
    return sorted(levels, key=lambda lvl: order.get(lvl.kind, 99))


def levels_to_refresh(
    first: dt.date, last: dt.date, organisations: Iterable[Organisation]
) -> list[OpelLevel]:
    """What recomputing the levels of ``organisations`` and of the system on days from
    ``first`` to ``last`` starts from: their stored levels (each service's, and the system's)
    in that span, and the latest one of each before ``first``. Three queries, however many
    days."""
    mine = Q(organisation__in={o.pk for o in organisations}) | Q(organisation__isnull=True)
    inside = list(OpelLevel.objects.filter(mine, date__range=(first, last)))
    latest = (
        OpelLevel.objects.filter(mine, date__lt=first)
        .order_by()
        .values("organisation", "kind")
        .annotate(last=Max("date"))
    )
    wanted = [Q(organisation=r["organisation"], kind=r["kind"], date=r["last"]) for r in latest]
    if not wanted:
        return inside
    either = wanted[0]
    for q in wanted[1:]:
        either |= q
    return list(OpelLevel.objects.filter(either)) + inside


# Days read at once by the queries below (a file's days may be spread over years: the days
# themselves are read, not every day between).
DAYS_A_QUERY = 500


def figures_on(
    days: Sequence[dt.date], organisations: Sequence[Organisation]
) -> dict[tuple[int, dt.date], dict[str, float]]:
    """The figures of ``organisations`` on ``days``, by (organisation key, date), then by
    measure: a query for each ``DAYS_A_QUERY`` days."""
    out: dict[tuple[int, dt.date], dict[str, float]] = defaultdict(dict)
    for at in range(0, len(days), DAYS_A_QUERY):
        qs = ReturnValue.objects.filter(
            daily_return__date__in=days[at : at + DAYS_A_QUERY],
            daily_return__organisation__in=organisations,
        ).values_list("daily_return__organisation_id", "daily_return__date", "measure", "value")
        for org, day, measure, value in qs:
            out[(org, day)][measure] = value
    return dict(out)


def other_provider_scores(
    days: Sequence[dt.date], organisations: Iterable[Organisation]
) -> list[tuple[dt.date, int, ReturnKind, float]]:
    """Every stored provider score on ``days`` of the organisations other than
    ``organisations``, as (day, organisation key, service, score): a query for each
    ``DAYS_A_QUERY`` days."""
    pks = {o.pk for o in organisations}
    out = []
    for at in range(0, len(days), DAYS_A_QUERY):
        rows = (
            OpelLevel.objects.filter(
                date__in=days[at : at + DAYS_A_QUERY], organisation__isnull=False
            )
            .exclude(kind="")
            .exclude(organisation__in=pks)
            .values_list("date", "organisation_id", "kind", "score")
        )
        out += [(day, org, ReturnKind(kind), score) for day, org, kind, score in rows]
    return out


def changes_since(since: dt.datetime) -> list[LevelChange]:
    """Every change of level recorded since ``since`` (for telling a change once an hour)."""
    return list(LevelChange.objects.filter(created_at__gte=since))


def previous_level(
    organisation: Organisation | None, day: dt.date, kind: ReturnKind | None = None
) -> OpelLevel | None:
    """The most recent stored level before ``day`` (of the service ``kind``)."""
    return (
        OpelLevel.objects.filter(
            organisation=organisation, kind=kind.value if kind else "", date__lt=day
        )
        .order_by("-date")
        .first()
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
    """Each provider's stored OPEL score for each of its services on ``day``, with the
    service."""
    levels = OpelLevel.objects.filter(date=day, organisation__isnull=False).exclude(kind="")
    return [(ReturnKind(lvl.kind), lvl.score) for lvl in levels.order_by("organisation", "kind")]


def acute_trusts() -> list[Organisation]:
    """The organisations that make the acute return, by name."""
    return organisations_making(ReturnKind.ACUTE)


def acute_figures_by_day(
    start: dt.date, end: dt.date
) -> tuple[list[str], dict[dt.date, dict[str, dict[str, float]]]]:
    """The acute trusts expected to make a return (their names, in order), and their figures
    from ``start`` to ``end``, by day and then by trust name."""
    acute = acute_trusts()
    names = {o.pk: o.name for o in acute}
    out: dict[dt.date, dict[str, dict[str, float]]] = defaultdict(dict)
    for (org, day), values in returns_between(start, end, acute).items():
        out[day][names[org]] = values
    return [o.name for o in acute], dict(out)


def all_contacts() -> QuerySet[OnCallContact]:
    return OnCallContact.objects.select_related("organisation").order_by(
        "organisation__name", "name"
    )


def change_told_since(
    organisation: Organisation | None,
    service: str,
    from_level: int | None,
    to_level: int,
    since: dt.datetime,
) -> bool:
    """Whether the same change of level (the organisation's service, or the system's, from
    and to the same levels) was emailed to someone since ``since``."""
    changes = LevelChange.objects.filter(
        organisation=organisation,
        kind=service,
        from_level=from_level,
        to_level=to_level,
        created_at__gte=since,
    ).only("told")
    return any(c.told for c in changes)
