"""The footprint's pages: the public home page and the partner workspace."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from footprint.core import charts, passwords
from footprint.core.exports import csv_response
from footprint.core.jobs import refuse_big_uploads, start_upload
from footprint.core.permissions import can, permission_required, require
from footprint.partnership import capabilities, compute, queries, services, setup_steps
from footprint.partnership import charts as area_charts
from footprint.partnership.forms import (
    IMPORT_KINDS,
    GrantRoleForm,
    ImportForm,
    InviteForm,
    NeighbourhoodForm,
    OrganisationFilterForm,
    OrganisationForm,
    PartnershipRoleForm,
    PeopleFilterForm,
    PlaceForm,
    SystemForm,
)
from footprint.partnership.models import (
    Invitation,
    Neighbourhood,
    OrganisationKind,
    PartnershipRoleKind,
    Place,
    Role,
)
from footprint.partnership.rules import Permission, led_organisations
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
                    o.neighbourhood.name if o.neighbourhood else "",
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
    profile = queries.deprivation_profile(place=place, hood=hood)
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
            "profile": profile,
            "profile_charts": area_charts.profile_charts(profile, area.name),
        }
    )
    return render(request, template, context)


@permission_required(Permission.IMPORT_DATA)
@refuse_big_uploads
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


# Setting up the partnership: the checklist, the system, places and neighbourhoods.


def _url_if(name: str) -> str | None:
    """The address of another app's page, if that app has it yet (set-up pages are being
    added app by app)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@permission_required(Permission.VIEW_SETUP)
def setup(request: HttpRequest) -> HttpResponse:
    """From an empty database to a working partnership: each step, how far it has got, and
    the page where it is done."""
    return render(
        request,
        "partnership/setup.jinja",
        {"steps": setup_steps.steps(now=timezone.now()), "url_if": _url_if},
    )


def _form_page(request: HttpRequest, form: Any, save: Any) -> HttpResponse | None:
    """The submit step every set-up form shares: validate, run the service, say what was done
    (returning the redirect) or put its errors on the form (returning None)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        done, where = save(form.cleaned_data)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for field_name, errs in errors.items():
            form.add_error(field_name if field_name in form.fields else None, errs)
        return None
    messages.success(request, done)
    return redirect(where)


@permission_required(Permission.CHANGE_SYSTEM)
def system_edit(request: HttpRequest) -> HttpResponse:
    """The partnership's name, code, description and base year."""
    system = queries.the_system()
    form = SystemForm(request.POST or None, instance=system)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        changes = {k: data[k] for k in form.changed_data} if system else dict(data)
        saved = services.save_system(changes=changes, by=request.user, today=timezone.localdate())
        return f"{saved.name} has been saved.", reverse("partnership:setup")

    done = _form_page(request, form, save)
    return done or render(
        request, "partnership/system_edit.jinja", {"form": form, "system": system}
    )


@partner_only
def places(request: HttpRequest) -> HttpResponse:
    """Every place and neighbourhood with its geography code, and whether population has been
    imported under that code."""
    place_checks, hood_checks = queries.code_checks()
    return render(
        request,
        "partnership/places.jinja",
        {
            "place_checks": place_checks,
            "hood_checks": hood_checks,
            "unmatched": [c for c in hood_checks if not c.matches],
            "system": queries.the_system(),
            "can_change": can(request.user, Permission.CHANGE_PLACE),
        },
    )


@permission_required(Permission.ADD_PLACE)
def place_add(request: HttpRequest) -> HttpResponse:
    form = PlaceForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        place = services.create_place(**data, by=request.user)
        return f"{place.name} has been added.", reverse("partnership:places")

    return _form_page(request, form, save) or render(
        request, "partnership/area_form.jinja", {"form": form, "title": "Add a place"}
    )


@permission_required(Permission.CHANGE_PLACE)
def place_edit(request: HttpRequest, slug: str) -> HttpResponse:
    place = _found(queries.place(slug))
    form = PlaceForm(request.POST or None, instance=place)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        fresh = _found(queries.place(slug))
        services.update_place(
            place=fresh, changes={k: data[k] for k in form.changed_data}, by=request.user
        )
        return f"{fresh.name} has been updated.", reverse("partnership:places")

    return _form_page(request, form, save) or render(
        request,
        "partnership/area_form.jinja",
        {"form": form, "title": f"Edit {place.name}", "area": place},
    )


@permission_required(Permission.ADD_NEIGHBOURHOOD)
def neighbourhood_add(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("place"):
        initial["place"] = queries.place(request.GET["place"])
    form = NeighbourhoodForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        hood = services.create_neighbourhood(**data, by=request.user)
        return f"{hood.name} has been added to {hood.place.name}.", reverse("partnership:places")

    return _form_page(request, form, save) or render(
        request, "partnership/area_form.jinja", {"form": form, "title": "Add a neighbourhood"}
    )


@permission_required(Permission.CHANGE_NEIGHBOURHOOD)
def neighbourhood_edit(request: HttpRequest, slug: str) -> HttpResponse:
    hood = _found(queries.neighbourhood(slug))
    form = NeighbourhoodForm(request.POST or None, instance=hood)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        fresh = _found(queries.neighbourhood(slug))
        services.update_neighbourhood(
            hood=fresh, changes={k: data[k] for k in form.changed_data}, by=request.user
        )
        return f"{fresh.name} has been updated.", reverse("partnership:places")

    return _form_page(request, form, save) or render(
        request,
        "partnership/area_form.jinja",
        {"form": form, "title": f"Edit {hood.name}", "area": hood},
    )


# People: who belongs where, invitations, roles, deactivation, and what each role may do.

manages_people = permission_required(Permission.MANAGE_MEMBERS)


def _when(moment: Any) -> str:
    """A moment in local time, as people write it: '3 Dec 2026, 09:15'."""
    return f"{timezone.localtime(moment):%-d %b %Y, %H:%M}"


def _day(moment: Any) -> str:
    return f"{timezone.localtime(moment):%-d %b %Y}"


WHEN = {"when": _when, "day": _day}


def _managed_org_ids(user: Any) -> frozenset[int] | None:
    """The organisations whose people ``user`` manages: None for every one."""
    if can(user, Permission.MANAGE_PEOPLE):
        return None
    return led_organisations(user)


def _managed_organisations(user: Any) -> Any:
    ids = _managed_org_ids(user)
    return queries.organisations() if ids is None else queries.organisations_by_pk(ids)


@manages_people
def people(request: HttpRequest) -> HttpResponse:
    """Who belongs to which organisation with what role, and when they last signed in: the
    programme office sees everyone, an organisation lead their organisations' people."""
    form = PeopleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = data.get("sort") or "name"
    ids = _managed_org_ids(request.user)
    qs = queries.people(search=data.get("q", ""), organisation_ids=ids, sort=sort)
    page = queries.page_of(qs, request.GET.get("page"))
    base = {k: v for k, v in data.items() if v and k != "page"}

    def link(**extra: Any) -> str:
        return reverse("partnership:people") + "?" + urlencode({**base, "sort": sort, **extra})

    now = timezone.now()
    return render(
        request,
        "partnership/people.jinja",
        {
            "form": form,
            "page": page,
            "page_links": {
                n: link(page=n)
                for n in page.paginator.get_elided_page_range(page.number)
                if isinstance(n, int)
            },
            "previous_link": link(page=page.previous_page_number())
            if page.has_previous()
            else None,
            "next_link": link(page=page.next_page_number()) if page.has_next() else None,
            "invitations": [(i, i.status(now)) for i in queries.invitations(ids)[:50]],
            "led": None if ids is None else queries.organisations_by_pk(ids),
            "partnership_roles": dict(PartnershipRoleKind.choices),
            **WHEN,
        },
    )


def _person(request: HttpRequest, pk: int) -> Any:
    person = _found(queries.person(pk))
    require(request.user, Permission.VIEW_PERSON, person)
    return person


@permission_required(Permission.VIEW_WORKSPACE)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A person: their roles in each organisation and the partnership, their invitations, and
    the history of every change to them."""
    person = _person(request, pk)
    ids = _managed_org_ids(request.user)
    memberships = list(queries.memberships_of_person(person))
    now = timezone.now()
    return render(
        request,
        "partnership/person.jinja",
        {
            "person": person,
            "memberships": [(m, ids is None or m.organisation_id in ids) for m in memberships],
            "organisations": sorted(
                {m.organisation for m in memberships if ids is None or m.organisation_id in ids},
                key=lambda o: o.name,
            ),
            "partnership_roles": queries.partnership_roles_held(person),
            "partnership_role_names": dict(PartnershipRoleKind.choices),
            "invitations": [(i, i.status(now)) for i in queries.invitations_of(person)],
            "history": queries.history_of(person)[:100],
            "grant_form": GrantRoleForm(organisations=_managed_organisations(request.user)),
            "partnership_form": PartnershipRoleForm(prefix="partnership"),
            "may_grant_partnership": can(request.user, Permission.GRANT_PARTNERSHIP_ROLE),
            "may_deactivate": can(request.user, Permission.DEACTIVATE_PERSON, person)
            and person.pk != request.user.pk,
            "may_send_reset": can(request.user, Permission.SEND_PASSWORD_RESET, person)
            and passwords.may_reset(person),
            **WHEN,
        },
    )


def _do(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    """Run a service on a person's page and go back to it, saying what was done or why not."""
    try:
        message = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message or done)
    return redirect("partnership:person", pk)


@require_POST
@manages_people
def person_grant_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = GrantRoleForm(request.POST, organisations=_managed_organisations(request.user))
    if not form.is_valid():
        messages.error(request, "Choose an organisation you manage and a role.")
        return redirect("partnership:person", pk)
    org, role = form.cleaned_data["organisation"], form.cleaned_data["role"]

    def grant() -> str:
        given = services.grant_role(person=person, organisation=org, role=role, by=request.user)
        label = dict(Role.choices)[role]
        return (
            f"{person.get_full_name()} is now {label} at {org.name}."
            if given
            else f"{person.get_full_name()} was already {label} at {org.name}."
        )

    return _do(request, pk, grant, "")


@require_POST
@manages_people
def person_remove_role(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    person = _person(request, pk)
    held = _found(queries.memberships_of_person(person).filter(pk=membership).first())
    return _do(
        request,
        pk,
        lambda: services.remove_role(membership=held, by=request.user),
        f"{person.get_full_name()} is no longer {held.get_role_display()} at "
        f"{held.organisation.name}.",
    )


@require_POST
@manages_people
def person_leave_organisation(request: HttpRequest, pk: int, ods_code: str) -> HttpResponse:
    """Take a person off one organisation: every role they hold there (their account and
    other organisations stay)."""
    person = _person(request, pk)
    org = _found(queries.organisation(ods_code))
    return _do(
        request,
        pk,
        lambda: (
            services.remove_from_organisation(person=person, organisation=org, by=request.user)
            and None
        ),
        f"{person.get_full_name()} no longer has any role at {org.name}.",
    )


@require_POST
@permission_required(Permission.GRANT_PARTNERSHIP_ROLE)
def person_grant_partnership_role(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = PartnershipRoleForm(request.POST, prefix="partnership")
    if not form.is_valid():
        messages.error(request, "Choose a partnership role.")
        return redirect("partnership:person", pk)
    role = form.cleaned_data["role"]
    return _do(
        request,
        pk,
        lambda: services.grant_partnership_role(person=person, role=role, by=request.user) and None,
        f"{person.get_full_name()} is now {dict(PartnershipRoleKind.choices)[role]}.",
    )


@require_POST
@permission_required(Permission.GRANT_PARTNERSHIP_ROLE)
def person_remove_partnership_role(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    person = _person(request, pk)
    if role not in PartnershipRoleKind.values:
        raise Http404("No such role")
    return _do(
        request,
        pk,
        lambda: services.remove_partnership_role(person=person, role=role, by=request.user),
        f"{person.get_full_name()} is no longer {dict(PartnershipRoleKind.choices)[role]}.",
    )


@require_POST
@permission_required(Permission.DEACTIVATE_PERSON)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return _do(
        request,
        pk,
        lambda: services.deactivate_person(person=person, by=request.user, now=timezone.now()),
        f"{person.get_full_name()} has been deactivated: they can no longer sign in.",
    )


@require_POST
@permission_required(Permission.SEND_PASSWORD_RESET)
def person_send_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return _do(
        request,
        pk,
        lambda: services.send_password_reset(person=person, by=request.user, now=timezone.now()),
        f"{person.get_full_name() or person.email} has been emailed a link to choose a new "
        f"password (it works for {passwords.link_days()} day"
        f"{'s' if passwords.link_days() != 1 else ''}).",
    )


@require_POST
@permission_required(Permission.DEACTIVATE_PERSON)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    return _do(
        request,
        pk,
        lambda: services.reactivate_person(person=person, by=request.user),
        f"{person.get_full_name()} can sign in again.",
    )


@manages_people
def invite(request: HttpRequest) -> HttpResponse:
    """Invite someone by email to a role at an organisation the inviter manages (or, for the
    programme office, to a partnership role)."""
    partnership = can(request.user, Permission.GRANT_PARTNERSHIP_ROLE)
    initial = {}
    if request.GET.get("organisation"):
        initial["organisation"] = queries.organisation(request.GET["organisation"])
    form = InviteForm(
        request.POST or None,
        initial=initial,
        organisations=_managed_organisations(request.user),
        partnership=partnership,
    )

    def save(data: dict[str, Any]) -> tuple[str, str]:
        result = services.invite_person(**data, by=request.user, now=timezone.now())
        name = result.person.get_full_name() or result.person.email
        if result.invitation is not None:
            done = (
                f"An invitation has been sent to {result.person.email}. The link works for "
                f"{services.invitation_days()} days."
            )
        elif result.granted:
            done = f"{name} already has an account: they have been given the role."
        else:
            done = f"{name} already has that role."
        return done, reverse("partnership:person", args=[result.person.pk])

    return _form_page(request, form, save) or render(
        request,
        "partnership/invite.jinja",
        {"form": form, "days": services.invitation_days()},
    )


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    return _found(queries.invitation(pk))


def _invitation_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        action(invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done.format(email=invitation.user.email))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("partnership:people")
    return redirect(back)


@require_POST
@manages_people
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(
        request,
        pk,
        lambda i: services.resend_invitation(invitation=i, by=request.user, now=timezone.now()),
        "The invitation has been sent to {email} again, with a new link.",
    )


@require_POST
@manages_people
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _invitation_action(
        request,
        pk,
        lambda i: services.revoke_invitation(invitation=i, by=request.user, now=timezone.now()),
        "The invitation to {email} has been revoked: its link no longer works.",
    )


INVITATION_SESSION_KEY = "partnership_invitation"


@never_cache
@require_GET
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Its token goes into the session and the browser is sent on at once
    to an address without it, so it is not left in the address bar, the history, a Referer
    header or the server's log of error pages."""
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("partnership:invitation_accept")


@never_cache
def invitation_accept(request: HttpRequest) -> HttpResponse:
    """Choose a password from an invitation, then be signed in."""
    token = request.session.get(INVITATION_SESSION_KEY, "")
    digest = services.invitation_digest(token) if token else None
    invitation = queries.invitation_by_digest(digest) if digest else None
    now = timezone.now()
    problem = services.invitation_problem(invitation, now)
    if problem or invitation is None:
        return render(
            request,
            "partnership/invitation_problem.jinja",
            {"problem": problem},
            status=410 if invitation is not None else 404,
        )
    form = SetPasswordForm(invitation.user, request.POST or None)
    # Django's hint is an HTML list; the NHS.UK hint is text.
    form.fields["new_password1"].help_text = " ".join(
        password_validation.password_validators_help_texts()
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.accept_invitation(
                invitation=invitation, password=form.cleaned_data["new_password1"], now=now
            )
        except ValidationError as exc:
            form.add_error("new_password1", exc.messages)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome, {person.first_name or person.email}. Next time, sign in with your "
                f"email address, {person.email}, as your username.",
            )
            return redirect("partnership:workspace")
    return render(
        request,
        "partnership/invitation_accept.jinja",
        {"form": form, "invitation": invitation},
    )


@partner_only
def roles(request: HttpRequest) -> HttpResponse:
    """What each role may do, asked of the rules themselves."""
    columns, rows = capabilities.table()
    return render(
        request,
        "partnership/roles.jinja",
        {"columns": columns, "rows": rows},
    )
