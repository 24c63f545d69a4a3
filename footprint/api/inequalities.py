"""Health inequalities in the JSON API: each area's deprivation profile, and the crude and
age-standardised rates of the base year's activity (issue 20).

The profiles are counted from open data (the English Indices of Deprivation, ONS small-area
population and the Census), so they are public like the footprint's population; the rates are
of the partnership's activity, so for partners with a token."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from footprint.api.auth import TokenAuth
from footprint.api.errors import Error
from footprint.api.pagination import MAX_ID
from footprint.core.permissions import can
from footprint.inequalities import compute
from footprint.inequalities import queries as ineq
from footprint.inequalities.rules import Permission
from footprint.partnership import queries

router = Router(tags=["inequalities"])

# The points of delivery a rate can be of (``inequalities.queries.RATE_PODS``; a test checks
# the two agree): every one counted in events, not home care's hours.
RatePod = Literal[
    "ae", "ip_emergency", "ip_daycase", "ip_elective", "op_first", "op_first_remote",
    "op_followup", "op_followup_remote", "amb_hear_treat", "amb_see_treat", "amb_conveyed",
    "cs_nursing", "cs_therapy", "cs_beds", "mh_contacts", "mh_beds", "gp_appointments",
    "sc_care_home",
]  # fmt: skip


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


class RateOut(Schema):
    key: str = Field(
        ..., description="Quintile (1 most deprived), place name or neighbourhood code"
    )
    label: str
    events: float
    residents: int
    crude: float = Field(..., description="Events per 100,000 residents")
    crude_lower: float = Field(..., description="95 % (Byar's; exact Poisson below 10 events)")
    crude_upper: float
    dsr: float | None = Field(
        None, description="Directly age-standardised rate per 100,000 (2013 ESP); None: see reason"
    )
    dsr_lower: float | None = Field(None, description="95 % (Dobson's)")
    dsr_upper: float | None = None
    reason: str | None = Field(None, description="Why there is no DSR")


class RateSiiOut(Schema):
    sii: float = Field(..., description="Least deprived end less most deprived, per 100,000")
    lower: float
    upper: float
    rii: float | None
    gap: float = Field(..., description="Most deprived quintile's DSR less the least deprived's")


class RatesOut(Schema):
    baseline: int | None
    pod: str
    pod_name: str
    year: int | None
    unavailable: str | None = Field(None, description="Why no rate can be given, if so")
    whole: RateOut | None
    by_quintile: list[RateOut]
    sii: RateSiiOut | None = Field(None, description="Of the DSRs across the five quintiles")
    by_place: list[RateOut]
    by_neighbourhood: list[RateOut]
    left_out: list[str] = Field(..., description="Events left out of the rates, and why")


def _rate(r: compute.Rate) -> dict[str, Any]:
    low, up = r.dsr_interval or (None, None)
    return {
        "key": r.key,
        "label": r.label,
        "events": r.events,
        "residents": r.residents,
        "crude": r.crude,
        "crude_lower": r.crude_interval[0],
        "crude_upper": r.crude_interval[1],
        "dsr": r.dsr,
        "dsr_lower": low,
        "dsr_upper": up,
        "reason": r.reason,
    }


@router.get(
    "/inequalities/rates",
    response={200: RatesOut, 403: Error, 404: Error},
    auth=TokenAuth(),
)
def rates(
    request: HttpRequest,
    pod: RatePod = "ip_emergency",
    baseline: int | None = Query(None, ge=1, le=MAX_ID),
) -> Any:
    """Crude and directly age-standardised rates per 100,000 residents of one kind of a
    baseline's activity (the latest unless ``baseline`` is given), for the whole partnership,
    by deprivation quintile with the SII, by place and by neighbourhood (partners only)."""
    if not can(request.user, Permission.VIEW_INEQUALITIES):
        return Status(403, {"detail": "Partners only"})
    chosen = ineq.rate_baseline(baseline)
    if baseline is not None and chosen is None:
        return Status(404, {"detail": f"There is no baseline {baseline}"})
    inputs = ineq.rate_inputs(chosen, pod) if chosen is not None else None
    unavailable = ineq.rates_unavailable(chosen, inputs, pod)
    out: dict[str, Any] = {
        "baseline": chosen.pk if chosen else None,
        "pod": pod,
        "pod_name": ineq.RATE_PODS[pod],
        "year": inputs.year if inputs else None,
        "unavailable": unavailable,
        "whole": None,
        "by_quintile": [],
        "sii": None,
        "by_place": [],
        "by_neighbourhood": [],
        "left_out": [],
    }
    if inputs is None or unavailable is not None:
        return Status(200, out)
    picture = compute.rate_picture(inputs, ineq.the_system_name())
    g = picture.gradient
    out |= {
        "whole": _rate(picture.whole) if picture.whole else None,
        "by_quintile": [_rate(r) for r in picture.by_quintile],
        "sii": None
        if g is None or g.interval is None
        else {
            "sii": g.sii,
            "lower": g.interval[0],
            "upper": g.interval[1],
            "rii": g.rii,
            "gap": g.gap,
        },
        "by_place": [_rate(r) for r in picture.by_place],
        "by_neighbourhood": [_rate(r) for r in picture.by_hood],
        "left_out": picture.left_out,
    }
    return Status(200, out)
