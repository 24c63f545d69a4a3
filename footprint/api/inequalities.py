"""Health inequalities in the JSON API: each area's deprivation profile (issue 20).

The profiles are counted from open data (the English Indices of Deprivation, ONS small-area
population and the Census), so they are public like the footprint's population."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from footprint.api.errors import Error
from footprint.partnership import queries

router = Router(tags=["inequalities"])


class ShareOut(Schema):
    key: int | str = Field(..., description="Decile or quintile (1 most deprived), or group")
    label: str
    residents: int
    share: float | None = Field(
        None, description="Of residents with a known decile (or of the Census total), 0 to 1"
    )


class DeprivationProfileOut(Schema):
    area: str = Field(..., description="The place or neighbourhood's slug, or 'footprint'")
    year: int | None = Field(None, description="The year of the population counted")
    small_areas: int
    residents: int
    unknown: int = Field(..., description="Residents of small areas with no deprivation decile")
    core20: int = Field(..., description="Residents in the most deprived 20 % of England")
    core20_share: float | None
    deciles: list[ShareOut]
    quintiles: list[ShareOut]
    ethnic_groups: list[ShareOut] = Field(..., description="Census 2021 high-level groups")
    ethnic_total: int


@router.get("/deprivation", response={200: DeprivationProfileOut, 404: Error})
def get_deprivation_profile(request: HttpRequest, area: str = "") -> Any:
    """Residents of a place or neighbourhood (its slug), or of the whole footprint when no area
    is given, by national deprivation decile and quintile, the Core20 share and by ethnic
    group."""
    place, hood = queries.area(area) if area else (None, None)
    if area and not (place or hood):
        return Status(404, {"detail": f"No place or neighbourhood is called '{area}'"})
    profile = queries.deprivation_profile(place=place, hood=hood)
    return Status(200, {"area": area or "footprint", **profile.__dict__})
