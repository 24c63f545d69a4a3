"""The footprint in the JSON API: organisations, places, neighbourhoods, population."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from footprint.api.auth import TokenAuth
from footprint.api.errors import Body, Error, Text
from footprint.api.pagination import BoundedLimitOffset
from footprint.partnership import compute, queries, services
from footprint.partnership.models import OrganisationKind

router = Router(tags=["footprint"])


class OrganisationOut(Schema):
    ods_code: str
    name: str
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    has_statutory_board: bool
    neighbourhood: str | None = Field(None, alias="neighbourhood.code")
    postcode: str
    website: str


class OrganisationPatch(Body):
    name: Text | None = Field(None, min_length=1, max_length=200)
    postcode: Text | None = Field(None, max_length=10)
    website: Text | None = Field(None, max_length=200)
    has_statutory_board: bool | None = None


class PlaceOut(Schema):
    slug: str
    name: str
    code: str
    description: str


class NeighbourhoodOut(Schema):
    slug: str
    name: str
    code: str
    place: str = Field(..., alias="place.slug")


class PopulationOut(Schema):
    area: str
    year: int
    source: str
    total: int
    female: list[int] = Field(..., description="Ages 0 to 89, then 90 and over")
    male: list[int] = Field(..., description="Ages 0 to 89, then 90 and over")


@router.get("/organisations", response=list[OrganisationOut])
@paginate(BoundedLimitOffset)
def list_organisations(
    request: HttpRequest,
    search: str = "",
    kind: OrganisationKind | None = None,
    place: str = "",
) -> Any:
    """Member organisations, filtered by a search, a kind and a place's slug."""
    return queries.organisations(search=search, kind=kind or "", place=place)


@router.get("/organisations/{ods_code}", response={200: OrganisationOut, 404: Error})
def get_organisation(request: HttpRequest, ods_code: str) -> Any:
    org = queries.organisation(ods_code)
    if org is None:
        return Status(404, {"detail": f"No organisation has the ODS code '{ods_code}'"})
    return org


@router.patch(
    "/organisations/{ods_code}",
    response={200: OrganisationOut, 403: Error, 404: Error, 422: Error},
    auth=TokenAuth(),
)
def update_organisation(request: HttpRequest, ods_code: str, patch: OrganisationPatch) -> Any:
    """Change an organisation's details: its own editors or the programme office only, and
    its statutory board the programme office only, as on the organisation's edit page (the
    same service decides)."""
    org = queries.organisation(ods_code)
    if org is None:
        return Status(404, {"detail": f"No organisation has the ODS code '{ods_code}'"})
    changes = patch.dict(exclude_unset=True, exclude_none=True)
    try:
        services.update_organisation(organisation=org, changes=changes, by=request.user)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    except ValidationError as exc:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return Status(422, {"detail": detail})
    return Status(200, org)


@router.get("/places", response=list[PlaceOut])
def list_places(request: HttpRequest) -> Any:
    return queries.places()


@router.get("/neighbourhoods", response=list[NeighbourhoodOut])
def list_neighbourhoods(request: HttpRequest, place: str = "") -> Any:
    return queries.neighbourhoods(place)


@router.get("/population", response={200: PopulationOut, 404: Error})
def get_population(
    request: HttpRequest, year: int = Query(..., ge=1991, le=2100), area: str = ""
) -> Any:
    """Residents by sex and single year of age for a place or neighbourhood (its slug), or
    the whole footprint when no area is given."""
    place, hood = queries.area(area) if area else (None, None)
    if area and not (place or hood):
        return Status(404, {"detail": f"No place or neighbourhood is called '{area}'"})
    pop = compute.population(year, place=place, hood=hood)
    if pop is None:
        return Status(
            404, {"detail": f"No population is held for {area or 'the footprint'} in {year}"}
        )
    return Status(
        200,
        {
            "area": area or "footprint",
            "year": year,
            "source": pop.source,
            "total": pop.summary.total,
            "female": pop.female,
            "male": pop.male,
        },
    )
