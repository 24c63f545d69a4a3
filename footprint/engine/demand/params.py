"""A scenario's assumptions: growth, schemes and the settings that turn activity into beds,
staff and money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist

from footprint.engine.demand.pods import BY_CODE, LOS_BAND_STARTS, pod

Z80 = NormalDist().inv_cdf(0.9)  # an 80 % interval spans ±1.2816 standard deviations


@dataclass(frozen=True)
class Interval:
    """An 80 % interval: the value lies between ``low`` and ``high`` four times in five."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"the interval's low ({self.low}) is above its high ({self.high})")

    @property
    def central(self) -> float:
        return (self.low + self.high) / 2

    @property
    def sd(self) -> float:
        """The standard deviation of the normal distribution with this 80 % interval."""
        return (self.high - self.low) / (2 * Z80)


class Effect(StrEnum):
    AVOID = "avoid"  # a share of the cohort's activity no longer happens
    SHORTEN = "shorten"  # a share of the cohort's bed days is cut (shorter stays)
    CONVERT = "convert"  # a share moves to another point of delivery at a ratio
    MOVE = "move"  # a share moves to another provider at the same point of delivery, stays too


@dataclass(frozen=True)
class Cohort:
    """Who a scheme reaches. Empty tuples mean everyone; ages are inclusive."""

    age_low: int = 0
    age_high: int | None = None
    sex: str = ""  # "F", "M" or "" for both
    places: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    los_bands: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.age_low < 0 or (self.age_high is not None and self.age_high < self.age_low):
            raise ValueError("the cohort's age range is empty")
        if self.sex not in ("", "F", "M"):
            raise ValueError("sex must be F, M or blank")
        if any(not 0 <= b < len(LOS_BAND_STARTS) for b in self.los_bands):
            raise ValueError("unknown length-of-stay band")

    @property
    def age_bounds(self) -> tuple[int, ...]:
        """The age-band boundaries the strata need to tell this cohort apart."""
        return (self.age_low,) if self.age_high is None else (self.age_low, self.age_high + 1)


class Profile(StrEnum):
    """How a scheme's effect builds up from its start year to full effect after its ramp."""

    LINEAR = "linear"  # an equal step each year
    FRONT = "front"  # most of the effect early: 1 − (1 − k/n)²
    BACK = "back"  # most of the effect late: (k/n)²
    STEP = "step"  # nothing until the ramp's last year, then all of it
    CUSTOM = "custom"  # a share of full effect for each year from the start (the last holds)


@dataclass(frozen=True)
class Scheme:
    """A transformation scheme: its effect on one point of delivery's cohort, given as an 80 %
    interval of the share affected at full effect, from ``start_year`` and reaching full effect
    after ``ramp_years``."""

    key: str
    name: str
    pod: str
    effect: Effect
    share: Interval
    start_year: int
    ramp_years: int = 1
    cohort: Cohort = field(default_factory=Cohort)
    yearly_cost: float = 0.0  # pounds a year to deliver, from the start year
    convert_to: str = ""
    ratio: float = 1.0  # units of ``convert_to`` per unit avoided
    convert_provider: str = ""  # blank: the same provider
    evidence: str = ""  # the key of the library entry this scheme is judged against
    profile: Profile | str = Profile.LINEAR
    profile_shares: tuple[float, ...] = ()  # for a custom profile: each year's share of effect
    eligible: Interval = Interval(1.0, 1.0)  # 80 % interval of the cohort's share it reaches

    def __post_init__(self) -> None:
        target = pod(self.pod)
        if self.profile not in tuple(Profile):
            raise ValueError(
                f"{self.name}: unknown profile {self.profile!r}; "
                f"expected one of {', '.join(Profile)}"
            )
        object.__setattr__(self, "profile", Profile(self.profile))
        object.__setattr__(self, "profile_shares", tuple(self.profile_shares))
        if self.profile is Profile.CUSTOM and not self.profile_shares:
            raise ValueError(f"{self.name}: a custom profile needs a share for each year")
        if any(not 0 <= x <= 1 for x in self.profile_shares):
            raise ValueError(f"{self.name}: each year's share of effect must lie in 0–1")
        if not 0 <= self.eligible.low <= self.eligible.high <= 1:
            raise ValueError(f"{self.name}: the eligible share must lie between 0 and 1")
        if not 0 <= self.share.low <= self.share.high <= 1:
            raise ValueError(f"{self.name}: the share must lie between 0 and 1")
        if self.ramp_years < 1:
            raise ValueError(f"{self.name}: the ramp must be at least one year")
        if self.yearly_cost < 0:
            raise ValueError(f"{self.name}: the yearly cost cannot be negative")
        if self.effect is Effect.SHORTEN and not target.has_stay:
            raise ValueError(f"{self.name}: only admissions with a stay can be shortened")
        if self.effect is Effect.CONVERT:
            if not self.convert_to:
                raise ValueError(f"{self.name}: a conversion needs a point of delivery to move to")
            if pod(self.convert_to).has_stay:
                raise ValueError(f"{self.name}: conversion into admissions is not supported")
            if self.ratio < 0:
                raise ValueError(f"{self.name}: the ratio cannot be negative")
        if self.effect is Effect.MOVE:
            if not self.convert_provider:
                raise ValueError(f"{self.name}: a move needs the provider it moves to")
            if self.convert_to not in ("", self.pod):
                raise ValueError(f"{self.name}: a move keeps its point of delivery")

    def ramp(self, year: int) -> float:
        """The fraction of full effect in a calendar year, by the scheme's profile."""
        if year < self.start_year:
            return 0.0
        k = year - self.start_year + 1  # the scheme's first year is 1
        done = min(1.0, k / self.ramp_years)
        if self.profile is Profile.FRONT:
            return 1 - (1 - done) ** 2
        if self.profile is Profile.BACK:
            return done**2
        if self.profile is Profile.STEP:
            return 1.0 if k >= self.ramp_years else 0.0
        if self.profile is Profile.CUSTOM:
            return self.profile_shares[min(k, len(self.profile_shares)) - 1]
        return done


ELECTIVE = (
    "ip_elective",
    "ip_daycase",
    "op_first",
    "op_first_remote",
    "op_followup",
    "op_followup_remote",
)


@dataclass(frozen=True)
class WaitingList:
    """A waiting list cleared (or let grow) over ``years``: ``change`` is the backlog worked
    off as a share of a year's demand (an 80 % interval; negative when the backlog grows), done
    in equal parts over the first ``years`` projected years."""

    change: Interval
    years: int = 1

    def __post_init__(self) -> None:
        if self.years < 1:
            raise ValueError("a waiting list is cleared over at least one year")
        if self.change.low < -1:
            raise ValueError("a waiting list cannot shrink demand by more than all of it")

    def share(self, change: float, year_index: int) -> float:
        """The extra share of demand done in projection year ``year_index`` (1 the first)."""
        return change / self.years if year_index <= self.years else 0.0


@dataclass(frozen=True)
class Scenario:
    """Everything a run needs besides the data: years, growth, schemes, seed and iterations."""

    base_year: int
    horizon: int  # the last projected year
    growth: Mapping[str, Interval]  # non-demographic growth a year, by point of delivery
    schemes: tuple[Scheme, ...] = ()
    seed: int = 0
    iterations: int = 1000
    # points of delivery whose growth moves together, and how closely (0: independently)
    correlated_growth: tuple[tuple[str, ...], ...] = ()
    growth_correlation: float = 0.0
    # backlogs of elective points of delivery cleared or grown over the first years
    waiting_list: Mapping[str, WaitingList] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.horizon <= self.base_year:
            raise ValueError("the horizon must be after the base year")
        if self.iterations < 0:
            raise ValueError("iterations cannot be negative")
        unknown = [code for code in self.growth if code not in BY_CODE]
        if unknown:
            raise ValueError(f"growth given for unknown points of delivery: {', '.join(unknown)}")
        keys = [s.key for s in self.schemes]
        if len(set(keys)) != len(keys):
            raise ValueError("scheme keys must be unique")
        object.__setattr__(
            self, "correlated_growth", tuple(tuple(g) for g in self.correlated_growth)
        )
        grouped = [code for group in self.correlated_growth for code in group]
        if len(set(grouped)) != len(grouped):
            raise ValueError("a point of delivery can be in only one group of correlated growth")
        outside = [code for code in grouped if code not in self.growth]
        if outside:
            raise ValueError(
                f"correlated growth names points of delivery with no growth: {', '.join(outside)}"
            )
        if not 0 <= self.growth_correlation <= 1:
            raise ValueError("the growth correlation must lie between 0 and 1")
        other = [code for code in self.waiting_list if code not in ELECTIVE]
        if other:
            raise ValueError(
                f"a waiting list is for elective points of delivery, not {', '.join(other)}"
            )

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.base_year + 1, self.horizon + 1))

    @property
    def age_bounds(self) -> tuple[int, ...]:
        return tuple(sorted({b for s in self.schemes for b in s.cohort.age_bounds}))


class BedRule(StrEnum):
    """How beds follow from bed days (see :func:`capacity.bed_candidates`)."""

    OCCUPANCY = "occupancy"  # the mean daily occupied beds at the target occupancy
    PEAK = "peak"  # the beds that meet demand on the chosen share of days
    LARGER = "larger"  # the larger of the two: both the target and the peak days are met


@dataclass(frozen=True)
class Capacity:
    """How activity becomes beds, staff and money.

    - Beds: daily occupied beds have mean ``bed days ÷ 365`` and a variance of the mean plus
      ``(daily_variation × mean)²``, the variation taken per bed type from
      ``daily_variation_by_bed_type`` where given (measure it from daily bed returns with
      :func:`capacity.daily_variation`). ``bed_rule`` says which number is planned for: the
      mean at the target occupancy, the number that meets demand on ``share_of_days`` of
      days, or the larger of the two.
    - Staff: ``staff_minutes[(pod, staff group)]`` per unit (per bed day for admissions), over
      ``hours_per_wte`` productive hours a year.
    - Cost: ``unit_costs[pod]`` pounds per unit plus ``bed_day_costs[pod]`` per bed day.
    """

    occupancy: Mapping[str, float]
    share_of_days: float = 0.95
    daily_variation: float = 0.1
    daily_variation_by_bed_type: Mapping[str, float] = field(default_factory=dict)
    bed_rule: BedRule | str = BedRule.LARGER
    staff_minutes: Mapping[tuple[str, str], float] = field(default_factory=dict)
    hours_per_wte: float = 1600.0
    unit_costs: Mapping[str, float] = field(default_factory=dict)
    bed_day_costs: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(not 0 < o <= 1 for o in self.occupancy.values()):
            raise ValueError("a target occupancy must lie in (0, 1]")
        if not 0.5 <= self.share_of_days < 1:
            raise ValueError("the share of days must lie in [0.5, 1)")
        if (
            self.daily_variation < 0
            or any(v < 0 for v in self.daily_variation_by_bed_type.values())
            or self.hours_per_wte <= 0
        ):
            raise ValueError(
                "daily variation cannot be negative and hours per WTE must be positive"
            )
        if self.bed_rule not in tuple(BedRule):
            rules = ", ".join(BedRule)
            raise ValueError(f"unknown bed rule {self.bed_rule!r}; expected one of {rules}")
        object.__setattr__(self, "bed_rule", BedRule(self.bed_rule))

    def bed_settings(self, bed_type: str) -> tuple[float, float, float, BedRule]:
        """Target occupancy, share of days, daily variation and rule for one bed type."""
        return (
            self.occupancy.get(bed_type, 0.92),
            self.share_of_days,
            self.daily_variation_by_bed_type.get(bed_type, self.daily_variation),
            BedRule(self.bed_rule),
        )
