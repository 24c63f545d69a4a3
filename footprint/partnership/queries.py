"""Reads of the footprint for pages, the API and the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from footprint.core import listing
from footprint.core.breakdowns import ETHNIC_GROUPS, Breakdown, label
from footprint.core.models import AuditEvent, Job
from footprint.partnership.models import (
    AGE_BANDS,
    Invitation,
    Membership,
    Neighbourhood,
    Organisation,
    OrganisationKind,
    PartnershipRole,
    PartnershipRoleKind,
    Place,
    Population,
    SmallArea,
    SmallAreaEthnicity,
    SmallAreaPopulation,
    System,
)

ORGANISATION_SORTS = {
    "name": "name",
    "-name": "-name",
    "ods": "ods_code",
    "-ods": "-ods_code",
    "kind": "kind",
    "-kind": "-kind",
}


def the_system() -> System | None:
    """The partnership (there is one per installation)."""
    return System.objects.order_by("pk").first()


def organisations(
    *, search: str = "", kind: str = "", place: str = "", sort: str = "name"
) -> QuerySet[Organisation]:
    """Organisations matching a search (name, ODS code or postcode), a kind and a place
    (served by it, or a practice in one of its neighbourhoods), in the order asked for."""
    qs = Organisation.objects.select_related("neighbourhood__place")
    if search:
        qs = qs.filter(
            Q(name__icontains=search) | Q(ods_code__iexact=search) | Q(postcode__icontains=search)
        )
    if kind:
        qs = qs.filter(kind=kind)
    if place:
        qs = qs.filter(Q(places__slug=place) | Q(neighbourhood__place__slug=place)).distinct()
    return qs.order_by(listing.by(ORGANISATION_SORTS.get(sort, "name")), "ods_code")


def organisation(ods_code: str) -> Organisation | None:
    """The organisation with an ODS code (in any case), with its neighbourhood and place."""
    return (
        Organisation.objects.select_related("neighbourhood__place")
        .filter(ods_code=ods_code.upper())
        .first()
    )


def places_served_by(org: Organisation) -> QuerySet[Place]:
    return org.places.order_by(listing.by("name"))


def memberships_of(org: Organisation) -> QuerySet[Membership]:
    """The people of an organisation, by role then surname."""
    return org.memberships.select_related("user").order_by("role", "user__last_name")


def members() -> QuerySet[Organisation]:
    """The partnership's member organisations as the public home page lists them: every one
    but the GP practices (which it counts), by kind, with the places each serves."""
    return (
        Organisation.objects.exclude(kind__in=[OrganisationKind.GP_PRACTICE])
        .prefetch_related("places")
        .order_by("kind", listing.by("name"))
    )


def names_by_code(codes: Iterable[str] | None = None) -> dict[str, str]:
    """Organisations' names by ODS code (of ``codes``, or of every organisation), for pages
    that hold codes but should show names."""
    qs = Organisation.objects.all()
    if codes is not None:
        qs = qs.filter(ods_code__in=list(codes))
    return dict(qs.values_list("ods_code", "name"))


def organisations_by_code() -> dict[str, Organisation]:
    return {o.ods_code: o for o in Organisation.objects.all()}


def places_by_code() -> dict[str, Place]:
    return {p.code: p for p in Place.objects.all()}


def neighbourhoods_by_code() -> dict[str, Neighbourhood]:
    return {n.code: n for n in Neighbourhood.objects.all()}


def page_of(qs: QuerySet[Any], number: str | int | None, per_page: int = 25) -> Page:
    return Paginator(qs, per_page).get_page(number)


def places() -> QuerySet[Place]:
    return Place.objects.order_by(listing.by("name"))


def place(slug: str) -> Place | None:
    return Place.objects.filter(slug=slug).first()


def providers_in(place: Place) -> QuerySet[Organisation]:
    """The organisations that serve a place, by kind then name."""
    return place.organisations.order_by("kind", listing.by("name"))


def neighbourhoods(place_slug: str = "") -> QuerySet[Neighbourhood]:
    """Every neighbourhood, or a place's (by its slug), with its place."""
    qs = Neighbourhood.objects.select_related("place")
    return qs.filter(place__slug=place_slug) if place_slug else qs


def neighbourhood(slug: str) -> Neighbourhood | None:
    return Neighbourhood.objects.select_related("place").filter(slug=slug).first()


def practices_in(hood: Neighbourhood) -> QuerySet[Organisation]:
    return hood.organisations.order_by(listing.by("name"))


def area(slug: str) -> tuple[Place | None, Neighbourhood | None]:
    """The place, or else the neighbourhood, with a slug: ``(None, None)`` when neither."""
    found = place(slug)
    if found is not None:
        return found, None
    return None, neighbourhood(slug)


def places_with_counts() -> QuerySet[Place]:
    return Place.objects.annotate(
        neighbourhood_count=Count("neighbourhoods", distinct=True)
    ).order_by(listing.by("name"))


def neighbourhoods_with_counts(place: Place | None = None) -> QuerySet[Neighbourhood]:
    qs = Neighbourhood.objects.select_related("place").annotate(
        practice_count=Count("organisations", filter=Q(organisations__kind="gp_practice"))
    )
    return qs.filter(place=place) if place else qs


def kind_counts() -> dict[str, int]:
    return dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind"))


def population_years() -> list[int]:
    return sorted(set(Population.objects.values_list("year", flat=True)))


def default_population_year() -> int | None:
    """The year the pages show population for when none is asked: the system's base year if
    figures are held for it, else the earliest year held (None when none is held)."""
    system = the_system()
    years = population_years()
    if not years:
        return None
    if system and system.base_year in years:
        return system.base_year
    return years[0]


def population_rows(
    year: int | None, *, place: Place | None = None, hood: Neighbourhood | None = None
) -> list[Population]:
    """The stored series for an area in one year (or every year, with ``year=None``).

    For a place, its own figures for a year if it has them, else its neighbourhoods'; with
    neither area given, the same for every place."""
    by_year = {"year": year} if year is not None else {}
    if hood is not None:
        return list(Population.objects.filter(neighbourhood=hood, **by_year))
    places = [place] if place is not None else list(Place.objects.all())
    own = Population.objects.filter(place__in=places, **by_year)
    from_hoods = Population.objects.filter(neighbourhood__place__in=places, **by_year)
    own_years = {(r.place_id, r.year) for r in own}
    rows = list(own)
    rows.extend(
        r
        for r in from_hoods.select_related("neighbourhood")
        if (r.neighbourhood.place_id, r.year) not in own_years
    )
    return rows


def recent_imports(limit: int = 10) -> QuerySet[Job]:
    """The latest footprint imports (their background jobs), newest first."""
    return Job.objects.filter(kind__startswith="import:")[:limit]


def partnership_roles_of(user: Any) -> frozenset[str]:
    """The partnership-wide roles a person holds (e.g. programme office)."""
    return frozenset(PartnershipRole.objects.filter(user=user).values_list("role", flat=True))


def roles_by_organisation_of(user: Any) -> dict[int, frozenset[str]]:
    """The roles a person holds at each organisation, by the organisation's key."""
    by_org: dict[int, set[str]] = {}
    for org_id, role in Membership.objects.filter(user=user).values_list("organisation_id", "role"):
        by_org.setdefault(org_id, set()).add(role)
    return {k: frozenset(v) for k, v in by_org.items()}


def area_with_code(code: str) -> Place | Neighbourhood | None:
    """The place or neighbourhood with a geography code, if any."""
    return (
        Place.objects.filter(code=code).first() or Neighbourhood.objects.filter(code=code).first()
    )


@dataclass(frozen=True)
class CodeCheck:
    """Whether population has been imported under an area's code, and for which years."""

    area: Place | Neighbourhood
    years: list[int]

    @property
    def matches(self) -> bool:
        return bool(self.years)


def code_checks() -> tuple[list[CodeCheck], list[CodeCheck]]:
    """For every place and every neighbourhood: the years of population held under its code
    (population files are matched to areas by code, so none means no file has used it yet)."""
    by_hood: dict[int, set[int]] = {}
    by_place: dict[int, set[int]] = {}
    held = Population.objects.order_by().values_list("place_id", "neighbourhood_id", "year")
    for place_id, hood_id, year in held.distinct():
        if hood_id is not None:
            by_hood.setdefault(hood_id, set()).add(year)
        else:
            by_place.setdefault(place_id, set()).add(year)
    places = [
        CodeCheck(p, sorted(by_place.get(p.pk, ())))
        for p in Place.objects.order_by(listing.by("name"))
    ]
    hoods = [
        CodeCheck(h, sorted(by_hood.get(h.pk, ())))
        for h in Neighbourhood.objects.select_related("place")
    ]
    return places, hoods


def setup_counts(*, now: dt.datetime) -> dict[str, int]:
    """How far the partnership is set up in the footprint's own records at ``now`` (an
    invitation that has expired by then is no longer waiting)."""
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(is_active=True)
    with_role = people.filter(
        Q(memberships__isnull=False) | Q(partnership_roles__isnull=False)
    ).distinct()
    return {
        "systems": System.objects.count(),
        "places": Place.objects.count(),
        "neighbourhoods": Neighbourhood.objects.count(),
        "organisations": Organisation.objects.count(),
        "population_series": Population.objects.count(),
        "population_years": len(population_years()),
        "people": with_role.count(),
        # Accepted: a person with a role who has signed in at least once.
        "signed_in": with_role.filter(last_login__isnull=False).count(),
        "waiting_invitations": Invitation.objects.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).count(),
    }


# People.

PEOPLE_SORTS = {
    "name": ["last_name", "first_name"],
    "-name": ["-last_name", "-first_name"],
    "email": ["email"],
    "-email": ["-email"],
    "last_login": [F("last_login").asc(nulls_first=True)],
    "-last_login": [F("last_login").desc(nulls_last=True)],
}


def people(
    *, search: str = "", organisation_ids: Iterable[int] | None = None, sort: str = "name"
) -> QuerySet[Any]:
    """Everyone with a role (or who has ever had an invitation), or only the people of some
    organisations; matching a search of name or email, in the order asked for."""
    from django.contrib.auth import get_user_model

    qs = get_user_model().objects.all()
    if organisation_ids is not None:
        qs = qs.filter(memberships__organisation_id__in=list(organisation_ids))
    else:
        qs = qs.filter(
            Q(memberships__isnull=False)
            | Q(partnership_roles__isnull=False)
            | Q(invitations__isnull=False)
        )
    if search:
        for word in search.split():
            qs = qs.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(username__icontains=word)
            )
    return (
        qs.distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organisation").order_by(
                    "organisation__name", "role"
                ),
            ),
            "partnership_roles",
        )
        .order_by(*(listing.by(f) for f in PEOPLE_SORTS.get(sort, PEOPLE_SORTS["name"])), "pk")
    )


def person(pk: int) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk).first()


def memberships_of_person(person: Any) -> QuerySet[Membership]:
    """A person's roles at organisations, by organisation then role."""
    return (
        Membership.objects.filter(user=person)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def partnership_roles_held(person: Any) -> list[str]:
    return sorted(PartnershipRole.objects.filter(user=person).values_list("role", flat=True))


def programme_office_count() -> int:
    return (
        PartnershipRole.objects.filter(
            role=PartnershipRoleKind.PROGRAMME_OFFICE, user__is_active=True
        )
        .values("user")
        .distinct()
        .count()
    )


def history_of(person: Any) -> QuerySet[AuditEvent]:
    """Everything the audit trail records done to a person's roles, invitations and account,
    newest first."""
    return AuditEvent.objects.filter(details__person=person.pk).select_related("actor")


def invitations_of(person: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(user=person).select_related("organisation", "invited_by")


def invitations(organisation_ids: Iterable[int] | None = None) -> QuerySet[Invitation]:
    """Invitations not yet accepted (waiting, expired or revoked), newest first: every one, or
    those to some organisations."""
    qs = Invitation.objects.filter(accepted_at__isnull=True).select_related(
        "user", "organisation", "invited_by"
    )
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    return qs


def invitation(pk: int) -> Invitation | None:
    return Invitation.objects.select_related("user", "organisation").filter(pk=pk).first()


def invitation_by_digest(digest: str) -> Invitation | None:
    return Invitation.objects.select_related("user", "organisation").filter(digest=digest).first()


def organisations_by_pk(pks: Iterable[int]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=list(pks)).order_by(listing.by("name"))


# --- Small areas and deprivation profiles (issue 20) ------------------------------------------


def small_areas_by_code() -> dict[str, SmallArea]:
    return {a.code: a for a in SmallArea.objects.all()}


def small_areas_in(
    *, place: Place | None = None, hood: Neighbourhood | None = None
) -> QuerySet[SmallArea]:
    """The small areas of a neighbourhood, of a place, or (neither given) of the partnership."""
    qs = SmallArea.objects.select_related("neighbourhood", "neighbourhood__place")
    if hood is not None:
        return qs.filter(neighbourhood=hood)
    if place is not None:
        return qs.filter(neighbourhood__place=place)
    return qs.all()


def small_area_population_years() -> list[int]:
    return sorted(set(SmallAreaPopulation.objects.values_list("year", flat=True)))


def profile_year() -> int | None:
    """The year deprivation profiles are counted in: the system's base year if small-area
    population is held for it, else the latest year held."""
    years = small_area_population_years()
    if not years:
        return None
    system = the_system()
    return system.base_year if system and system.base_year in years else years[-1]


@dataclass(frozen=True)
class Share:
    """A number of residents and its share of a whole (0 … 1; None for a whole of none)."""

    key: int | str
    label: str
    residents: int
    share: float | None


@dataclass(frozen=True)
class DeprivationProfile:
    """An area's residents by national deprivation decile and quintile (1 = most deprived
    10 % / 20 % of small areas in England), the Core20 share (residents in quintile 1), and by
    Census 2021 ethnic group. ``unknown`` counts residents of small areas with no decile."""

    year: int | None
    small_areas: int
    residents: int
    deciles: list[Share]
    quintiles: list[Share]
    unknown: int
    core20: int
    core20_share: float | None
    ethnic_groups: list[Share]
    ethnic_total: int

    @property
    def has_figures(self) -> bool:
        return self.residents > 0 or self.ethnic_total > 0


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def deprivation_profile(
    *, place: Place | None = None, hood: Neighbourhood | None = None, year: int | None = None
) -> DeprivationProfile:
    """The deprivation profile of a neighbourhood, a place or (neither given) the whole
    partnership, counting residents of both sexes in ``year`` (by default ``profile_year``)."""
    areas = small_areas_in(place=place, hood=hood)
    year = year if year is not None else profile_year()
    by_decile: dict[int | None, int] = {}
    if year is not None:
        rows = (
            SmallAreaPopulation.objects.filter(year=year, small_area__in=areas)
            .values("small_area__imd_decile")
            .annotate(n=Sum("total"))
        )
        by_decile = {r["small_area__imd_decile"]: int(r["n"]) for r in rows}
    residents = sum(by_decile.values())
    unknown = by_decile.get(None, 0)
    known = residents - unknown
    deciles = [
        Share(
            d,
            label(Breakdown.DECILE, str(d)),
            by_decile.get(d, 0),
            _share(by_decile.get(d, 0), known),
        )
        for d in range(1, 11)
    ]
    quintiles = []
    for q in range(1, 6):
        n = by_decile.get(2 * q - 1, 0) + by_decile.get(2 * q, 0)
        quintiles.append(Share(q, label(Breakdown.QUINTILE, str(q)), n, _share(n, known)))
    ethnic = dict(
        SmallAreaEthnicity.objects.filter(small_area__in=areas)
        .values("group")
        .annotate(n=Sum("residents"))
        .values_list("group", "n")
    )
    ethnic_total = int(sum(ethnic.values()))
    return DeprivationProfile(
        year=year,
        small_areas=areas.count(),
        residents=residents,
        deciles=deciles,
        quintiles=quintiles,
        unknown=unknown,
        core20=quintiles[0].residents,
        core20_share=quintiles[0].share,
        ethnic_groups=[
            Share(key, name, int(ethnic.get(key, 0)), _share(int(ethnic.get(key, 0)), ethnic_total))
            for key, name in ETHNIC_GROUPS.items()
        ],
        ethnic_total=ethnic_total,
    )


def population_by_band(year: int) -> dict[str, list[int]]:
    """Residents of each neighbourhood (by code) in ``year``, both sexes, in the 19 age bands
    of ``AGE_BANDS``, added up from its small areas; neighbourhoods with no small-area
    population that year are left out."""
    out: dict[str, list[int]] = {}
    rows = SmallAreaPopulation.objects.filter(year=year).values_list(
        "small_area__neighbourhood__code", "bands"
    )
    for code, bands in rows:
        total = out.setdefault(code, [0] * len(AGE_BANDS))
        for i, n in enumerate(bands):
            total[i] += int(n)
    return out
