"""The parameters document: a scenario's assumptions as JSON, validated by a published schema.

The document is what the scenario page edits, what import and export exchange, and what each
run stores. The pydantic models below are its one definition: the published JSON schema is
generated from them, :func:`validate` checks a document against them and returns the validated
model (or raises :class:`ParameterError` naming every problem by its path in the document),
``defaults.py`` builds a new scenario's document through them, and ``compute.py`` builds the
engine's scenario and capacity settings from a validated model, in one place, where the
model's own rules (an interval's low above its high, a conversion into admissions, …) are
checked too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from footprint.core.jobs import WorkRefused
from footprint.demand.pods import CODES

PodCode = Literal[CODES]  # type: ignore[valid-type]


class ParameterError(WorkRefused):
    """A parameters document that cannot be run, with one line per problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IntervalDoc(Strict):
    low: float = Field(description="The low end of the 80 % interval")
    high: float = Field(description="The high end of the 80 % interval")


class CohortDoc(Strict):
    age_low: int = Field(0, ge=0, le=90)
    age_high: int | None = Field(None, ge=0, le=90)
    sex: Literal["", "F", "M"] = ""
    places: list[str] = Field(default_factory=list, description="Place ONS codes; empty: all")
    providers: list[str] = Field(default_factory=list, description="Provider ODS codes")
    attributes: list[str] = Field(default_factory=list, description="e.g. condition groups")
    los_bands: list[int] = Field(default_factory=list, description="Length-of-stay bands 0–6")
    quintiles: list[Annotated[int, Field(ge=1, le=5)]] = Field(
        default_factory=list,
        description=(
            "National deprivation quintiles (1 most deprived … 5) of where the activity's "
            "residents live: each record's own, or its neighbourhood's; empty: all"
        ),
    )


class SchemeDoc(Strict):
    key: str = Field(pattern=r"^[a-z0-9_\-]{1,60}$")
    name: str = Field(min_length=1, max_length=200)
    pod: PodCode
    effect: Literal["avoid", "shorten", "convert", "move"]
    share: IntervalDoc = Field(description="Share of the cohort affected at full effect")
    start_year: int
    ramp_years: int = Field(1, ge=1, le=20)
    cohort: CohortDoc = Field(default_factory=CohortDoc)
    yearly_cost: float = Field(0, ge=0, description="Pounds a year to deliver")
    convert_to: PodCode | Literal[""] = ""
    ratio: float = Field(1.0, ge=0)
    convert_provider: str = ""
    evidence: str = Field("", description="The scheme library entry it is judged against")
    profile: Literal["linear", "front", "back", "step", "custom"] = Field(
        "linear", description="How the effect builds up over the ramp years"
    )
    profile_shares: list[Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=list,
        description="For a custom profile: the share of full effect in each year from the start",
    )
    eligible: IntervalDoc = Field(
        default_factory=lambda: IntervalDoc(low=1.0, high=1.0),
        description="Share of the cohort's activity the scheme can reach (80 % interval)",
    )


class WaitingListDoc(Strict):
    change: IntervalDoc = Field(
        description="Backlog cleared as a share of a year's demand (negative: it grows)"
    )
    years: int = Field(1, ge=1, le=20, description="Years over which it is cleared")


class VariantDoc(Strict):
    name: str = Field(min_length=1, max_length=100, description="e.g. High population")
    probability: float = Field(ge=0, le=1, description="Chance an iteration uses this variant")
    age_bounds: list[Annotated[int, Field(ge=0, le=90)]] = Field(
        default_factory=lambda: [0], description="Lower ages of the bands the multipliers are for"
    )
    multipliers: list[list[list[Annotated[float, Field(gt=0, lt=10)]]]] = Field(
        default_factory=list,
        description=(
            "For each projection year from the first, for women then men, each band's "
            "population over the principal projection's; the last year holds after it. "
            "Empty: the principal projection itself"
        ),
    )


class HealthStatusDoc(Strict):
    share: IntervalDoc = Field(
        description="Share of the years of life expectancy gained that are spent in good health"
    )
    life_expectancy_gain: float = Field(
        0.1, ge=0, le=1, description="Years of life expectancy gained a year"
    )
    age_from: int = Field(55, ge=0, le=90, description="The youngest age adjusted")


class CapacityDoc(Strict):
    occupancy: dict[str, float] = Field(description="Target occupancy by bed type")
    share_of_days: float = Field(0.95, ge=0.5, lt=1)
    daily_variation: float = Field(
        0.1, ge=0, description="Day-to-day swing of occupied beds beyond chance, as a share"
    )
    daily_variation_by_bed_type: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict,
        description="The daily variation measured for a bed type (from daily bed returns)",
    )
    bed_rule: Literal["larger", "occupancy", "peak"] = Field(
        "larger",
        description="Beds at the target occupancy, for the peak days, or the larger of the two",
    )
    hours_per_wte: float = Field(1600, gt=0)
    staff_minutes: dict[PodCode, dict[str, float]] = Field(
        default_factory=dict, description="Minutes per unit (per bed day for admissions)"
    )
    unit_costs: dict[PodCode, float] = Field(default_factory=dict, description="£ per unit")
    bed_day_costs: dict[PodCode, float] = Field(default_factory=dict, description="£ per bed day")


class ParametersDoc(Strict):
    """A demand scenario's parameters."""

    model_config = ConfigDict(extra="forbid", title="Footprint demand scenario parameters")

    base_year: int
    horizon: int
    seed: int = Field(ge=0, le=2**32 - 1)
    iterations: int = Field(ge=0, le=10_000)
    growth: dict[PodCode, IntervalDoc] = Field(
        description="Non-demographic growth a year, by point of delivery"
    )
    schemes: list[SchemeDoc] = Field(default_factory=list)
    correlated_growth: list[list[PodCode]] = Field(
        default_factory=list,
        description="Groups of points of delivery whose growth moves together",
    )
    growth_correlation: float = Field(
        0.0, ge=0, le=1, description="How closely growth in one group moves together (0–1)"
    )
    waiting_list: dict[PodCode, WaitingListDoc] = Field(
        default_factory=dict,
        description="Elective backlogs cleared (or grown) over the first years",
    )
    variants: list[VariantDoc] = Field(
        default_factory=list,
        description=(
            "Population projection variants, one drawn per iteration by its probability; "
            "the first is the central case"
        ),
    )
    health_status: HealthStatusDoc | None = Field(
        None, description="Older residents' activity shifted as healthy life expectancy changes"
    )
    capacity: CapacityDoc


def schema() -> dict[str, Any]:
    """The published JSON schema of the parameters document."""
    return ParametersDoc.model_json_schema()


def validate(document: Any) -> ParametersDoc:
    """The document as a validated model, or :class:`ParameterError` naming every problem."""
    if isinstance(document, ParametersDoc):
        return document
    try:
        return ParametersDoc.model_validate(document)
    except ValidationError as exc:
        raise ParameterError(problems(exc)) from None


def validate_scheme(document: Any) -> SchemeDoc:
    """One scheme as a validated model, or :class:`ParameterError` naming every problem."""
    try:
        return SchemeDoc.model_validate(document)
    except ValidationError as exc:
        raise ParameterError(problems(exc)) from None


def problems(error: ValidationError) -> list[str]:
    """One line per problem, naming the field by its path in the document."""
    lines = []
    for e in error.errors():
        path = ".".join(str(p) for p in e["loc"]) or "document"
        lines.append(f"{path}: {e['msg']}")
    return lines
