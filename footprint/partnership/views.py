"""The footprint's pages: the public home page and the partner workspace."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from footprint.core import charts
from footprint.core.exports import csv_response
from footprint.core.jobs import start_upload
from footprint.core.permissions import can, permission_required, require
from footprint.partnership import compute, queries, services
from footprint.partnership.forms import (
    IMPORT_KINDS,
    ImportForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from footprint.partnership.models import Neighbourhood, OrganisationKind, Place
from footprint.partnership.rules import Permission
from footprint.partnership.tasks import run_import

partner_only = permission_required(Permission.VIEW_WORKSPACE)

T = TypeVar("T")


def _found(obj: T | None) -> T:
    if obj is None:
        raise Http404("Not found")
    return obj


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the partnership is, who is in it, and its places."""
    system = queries.the_system()
    year = queries.default_population_year()
    places = []
    for place in queries.places_with_counts():
        pop = compute.population(year, place=place) if year else None
        places.append({"place": place, "population": pop.summary if pop else None})
    total = compute.population(year) if year else None
    return render(
        request,
        "partnership/home.jinja",
        {
            "system": system,
            "year": year,
            "places": places,
            "total": total.summary if total else None,
            "members": queries.members(),
            "kind_counts": queries.kind_counts(),
            "kinds": dict(OrganisationKind.choices),
        },
    )


@partner_only
def workspace(request: HttpRequest) -> HttpResponse:
    """The partner workspace: the footprint at a glance."""
    year = queries.default_population_year()
    totals = compute.totals_by_year()
    return render(
        request,
        "partnership/workspace.jinja",
        {
            "system": queries.the_system(),
            "year": year,
            "total": compute.population(year).summary if year and totals else None,
            "totals": totals,
            "totals_chart": charts.yearly_totals(
                totals, "Residents of the footprint by year", "Residents"
            )
            if totals
            else None,
            "places": queries.places_with_counts(),
            "neighbourhoods": queries.neighbourhoods_with_counts(),
            "kind_counts": queries.kind_counts(),
            "kinds": dict(OrganisationKind.choices),
        },
    )


@partner_only
def numbers(request: HttpRequest) -> HttpResponse:
    """The numbers behind the plan: the landing page of demand, workforce and finance."""
    return render(request, "partnership/numbers.jinja", {})


SORTABLE = [("name", "Name"), ("ods", "ODS code"), ("kind", "Kind")]


@partner_only
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every organisation: search, filter by kind and place, sort, paginate."""
    form = OrganisationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = data.get("sort") or "name"
    qs = queries.organisations(
        search=data.get("q", ""), kind=data.get("kind", ""), place=data.get("place", ""), sort=sort
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            "organisations.csv",
            ["ODS code", "Name", "Kind", "Statutory board", "Neighbourhood", "Postcode", "Website"],
            (
                [
                    o.ods_code,
                    o.name,
                    o.get_kind_display(),
                    "yes" if o.has_statutory_board else "no",
                    o.neighbourhood.code if o.neighbourhood else "",
                    o.postcode,
                    o.website,
                ]
                for o in qs
            ),
        )
    page = queries.page_of(qs, request.GET.get("page"))
    base = {k: v for k, v in (data or {}).items() if v and k != "sort"}

    def link(**extra: Any) -> str:
        return (
            reverse("partnership:organisations") + "?" + urlencode({**base, "sort": sort, **extra})
        )

    columns = []
    for key, label in SORTABLE:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        columns.append(
            {
                "label": label,
                "href": link(sort=("-" + key) if current and not descending else key),
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    context = {
        "form": form,
        "page": page,
        "columns": columns,
        "sort": sort,
        "page_links": {
            n: link(page=n)
            for n in page.paginator.get_elided_page_range(page.number)
            if isinstance(n, int)
        },
        "csv_link": link(format="csv"),
        "previous_link": link(page=page.previous_page_number()) if page.has_previous() else None,
        "next_link": link(page=page.next_page_number()) if page.has_next() else None,
        "kinds": dict(OrganisationKind.choices),
    }
    template = (
        "partnership/_organisation_results.jinja"
        if request.headers.get("HX-Request")
        else "partnership/organisation_list.jinja"
    )
    return render(request, template, context)


@partner_only
def organisation_detail(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = _found(queries.organisation(ods_code))
    return render(
        request,
        "partnership/organisation_detail.jinja",
        {
            "org": org,
            "places": queries.places_served_by(org),
            "memberships": queries.memberships_of(org),
            "can_edit": can(request.user, Permission.CHANGE_ORGANISATION, org),
        },
    )


@partner_only
def organisation_edit(request: HttpRequest, ods_code: str) -> HttpResponse:
    """An organisation's editors change its details; the programme office its structure too.
    Those who may not are refused the page; the service refuses them too."""
    org = _found(queries.organisation(ods_code))
    require(request.user, Permission.CHANGE_ORGANISATION, org)
    structure = can(request.user, Permission.CHANGE_ORGANISATION_STRUCTURE, org)
    form = OrganisationForm(request.POST or None, instance=org, structure=structure)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                # The form has already set its values on ``org``: the service starts afresh.
                organisation=_found(queries.organisation(ods_code)),
                changes={k: form.cleaned_data[k] for k in form.changed_data},
                by=request.user,
            )
        except ValidationError as exc:
            for field_name, errs in exc.message_dict.items():
                form.add_error(field_name if field_name in form.fields else None, errs)
        else:
            messages.success(request, f"{org.name} has been updated.")
            return redirect(org)
    return render(
        request,
        "partnership/organisation_edit.jinja",
        {
            "org": org,
            "form": form,
        },
    )


@partner_only
def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = _found(queries.place(slug))
    return _area_page(
        request,
        "partnership/place_detail.jinja",
        place=place,
        context={
            "neighbourhoods": queries.neighbourhoods_with_counts(place),
            "providers": queries.providers_in(place),
        },
    )


@partner_only
def neighbourhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    hood = _found(queries.neighbourhood(slug))
    return _area_page(
        request,
        "partnership/neighbourhood_detail.jinja",
        hood=hood,
        context={
            "practices": queries.practices_in(hood),
        },
    )


def _area_page(
    request: HttpRequest,
    template: str,
    *,
    context: dict[str, Any],
    place: Place | None = None,
    hood: Neighbourhood | None = None,
) -> HttpResponse:
    area = hood or place
    assert area is not None
    years = queries.population_years()
    try:
        year = int(request.GET.get("year", "")) if request.GET.get("year") else None
    except ValueError:
        year = None
    if year not in years:
        year = queries.default_population_year()
    pop = compute.population(year, place=place, hood=hood) if year else None
    if pop is not None and request.GET.get("format") == "csv":
        return csv_response(
            f"population-{area.code}-{year}.csv",
            ["Code", "Name", "Sex", *[str(a) for a in range(90)], "90+"],
            [[area.code, area.name, "F", *pop.female], [area.code, area.name, "M", *pop.male]],
        )
    totals = compute.totals_by_year(place=place, hood=hood)
    context.update(
        {
            "area": area,
            "place": place,
            "hood": hood,
            "year": year,
            "years": years,
            "pop": pop,
            "pyramid_chart": charts.population_pyramid(
                [r.__dict__ for r in pop.pyramid],
                f"Residents of {area.name} by age and sex, {year}",
            )
            if pop
            else None,
            "totals": totals,
        }
    )
    return render(request, template, context)


@permission_required(Permission.IMPORT_DATA)
def imports(request: HttpRequest) -> HttpResponse:
    """Upload an organisations or population file; it is imported in the background, as the
    person who uploaded it (the import service refuses anyone else)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        job = start_upload(
            form,
            request,
            job_kind=f"import:{kind}",
            task=run_import,
            kind=kind,
            year=form.cleaned_data.get("year"),
        )
        if job is not None:
            return redirect("core:job", job.pk)
    return render(
        request,
        "partnership/imports.jinja",
        {
            "form": form,
            "kinds": IMPORT_KINDS,
            "recent": queries.recent_imports(),
        },
    )
