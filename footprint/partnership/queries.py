"""Reads of the footprint for pages and the API."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from footprint.partnership.models import (
    Neighbourhood,
    Organisation,
    Place,
    Population,
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
    return qs.order_by(ORGANISATION_SORTS.get(sort, "name"), "ods_code")


def names_by_code(codes: Iterable[str] | None = None) -> dict[str, str]:
    """Organisations' names by ODS code (of ``codes``, or of every organisation), for pages
    that hold codes but should show names."""
    qs = Organisation.objects.all()
    if codes is not None:
        qs = qs.filter(ods_code__in=list(codes))
    return dict(qs.values_list("ods_code", "name"))


def page_of(qs: QuerySet[Organisation], number: str | int | None, per_page: int = 25) -> Page:
    return Paginator(qs, per_page).get_page(number)


def places_with_counts() -> QuerySet[Place]:
    return Place.objects.annotate(
        neighbourhood_count=Count("neighbourhoods", distinct=True)
    ).order_by("name")


def neighbourhoods_with_counts(place: Place | None = None) -> QuerySet[Neighbourhood]:
    qs = Neighbourhood.objects.select_related("place").annotate(
        practice_count=Count("organisations", filter=Q(organisations__kind="gp_practice"))
    )
    return qs.filter(place=place) if place else qs


def kind_counts() -> dict[str, int]:
    return dict(Organisation.objects.values_list("kind").annotate(n=Count("pk")).order_by("kind"))


def population_years() -> list[int]:
    return sorted(set(Population.objects.values_list("year", flat=True)))


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
