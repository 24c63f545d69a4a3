"""A scenario's assumptions: growth, schemes and the settings that turn activity into beds,
staff and money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

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
    # national deprivation quintiles (1 most deprived … 5) of where the activity's residents
    # live: each record's own, or its neighbourhood's where it gave none (as results by
    # quintile count it); empty means every quintile, and activity whose quintile is not known
    quintiles: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "quintiles", tuple(sorted({int(q) for q in self.quintiles})))
        if any(not 1 <= q <= 5 for q in self.quintiles):
            raise ValueError("a deprivation quintile must be 1 (most deprived) to 5")
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


def quintile_words(quintiles: tuple[int, ...] | list[int]) -> str:
    """Deprivation quintiles in words: ``(1,)`` → "quintile 1 (most deprived 20 %)", ``(1, 2)``
    → "quintiles 1–2 (most deprived 40 %)", ``(5,)`` → "quintile 5 (least deprived 20 %)",
    ``(2, 4)`` → "quintiles 2 and 4"; empty for none."""
    qs = sorted({int(q) for q in quintiles})
    if not qs:
        return ""
    run = qs == list(range(qs[0], qs[-1] + 1))
    if len(qs) == 1:
        words = f"quintile {qs[0]}"
    elif run:
        words = f"quintiles {qs[0]}–{qs[-1]}"
    else:
        words = "quintiles " + ", ".join(map(str, qs[:-1])) + f" and {qs[-1]}"
    if run and len(qs) < 5 and qs[0] == 1:
        words += f" (most deprived {20 * len(qs)} %)"
    elif run and len(qs) < 5 and qs[-1] == 5:
        words += f" (least deprived {20 * len(qs)} %)"
    return words


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


AGES = 91  # single years 0…89, then 90 and over (as in :mod:`.baseline`)


@dataclass(frozen=True)
class Variant:
    """A population projection variant (ONS principal, high or low population, a migration
    variant…) as growth multipliers relative to the principal projection, drawn for an
    iteration with ``probability``. ``multipliers[year][sex][band]`` is the variant's
    population over the principal's in projection year ``year + 1`` for sex F then M and the
    age bands starting at ``age_bounds``; the last year given holds after it. No multipliers:
    the principal projection itself."""

    name: str
    probability: float
    age_bounds: tuple[int, ...] = (0,)
    multipliers: tuple[tuple[tuple[float, ...], ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "age_bounds", tuple(int(b) for b in self.age_bounds))
        object.__setattr__(
            self,
            "multipliers",
            tuple(tuple(tuple(float(x) for x in sex) for sex in year) for year in self.multipliers),
        )
        if not 0 <= self.probability <= 1:
            raise ValueError(f"variant {self.name}: its probability must lie in 0–1")
        if (
            not self.age_bounds
            or self.age_bounds[0] != 0
            or list(self.age_bounds) != sorted(set(self.age_bounds))
        ):
            raise ValueError(f"variant {self.name}: age bands must start at 0 and rise")
        for year in self.multipliers:
            if len(year) != 2 or any(len(sex) != len(self.age_bounds) for sex in year):
                raise ValueError(
                    f"variant {self.name}: each year needs a multiplier for each sex and band"
                )
            if any(not 0 < x < 10 for sex in year for x in sex):
                raise ValueError(f"variant {self.name}: multipliers must be positive and plausible")

    def factor(self, years: int) -> npt.NDArray[np.float64]:
        """``[t, sex, age]`` multipliers for ``t = 0 … years`` (the base year is 1)."""
        out = np.ones((years + 1, 2, AGES))
        if not self.multipliers:
            return out
        band = np.searchsorted(np.asarray(self.age_bounds), np.arange(AGES), side="right") - 1
        for t in range(1, years + 1):
            given = np.asarray(self.multipliers[min(t, len(self.multipliers)) - 1])
            out[t] = given[:, band]
        return out


@dataclass(frozen=True)
class HealthStatus:
    """The health-status adjustment (after The Strategy Unit's NHP model): as life expectancy
    rises, a share of the years gained is spent in good health, so activity of residents aged
    ``age_from`` and over at age ``a`` in projection year ``t`` behaves like base-year activity
    at age ``a − Δ``, with ``Δ = share × life_expectancy_gain × t``. ``share`` (an 80 %
    interval of the share of the gain spent in good health) is drawn once per iteration and
    kept within ``GRID_SDS`` standard deviations of its centre; ``life_expectancy_gain`` is
    the years of life expectancy gained a year."""

    share: Interval
    life_expectancy_gain: float = 0.1
    age_from: int = 55

    GRID_SDS = 3.0
    GRID_POINTS = 13

    def __post_init__(self) -> None:
        if not 0 <= self.life_expectancy_gain <= 1:
            raise ValueError("life expectancy cannot plausibly gain more than a year a year")
        if not 0 <= self.age_from < AGES:
            raise ValueError("the health-status adjustment must start at an age 0–90")
        if not -1 <= self.share.low <= self.share.high <= 2:
            raise ValueError("the share of years gained in good health must lie in −1 to 2")

    @property
    def bounds(self) -> tuple[float, float]:
        """The range a drawn share is kept to: the centre ± ``GRID_SDS`` standard deviations."""
        c, sd = self.share.central, self.share.sd
        return c - self.GRID_SDS * sd, c + self.GRID_SDS * sd

    @property
    def grid(self) -> npt.NDArray[np.float64]:
        """Shares at which the strata are adjusted; a draw between two interpolates."""
        low, high = self.bounds
        return np.linspace(low, high, self.GRID_POINTS if high > low else 1)

    def shift(self, share: float, year_index: int) -> float:
        """Δ: the years of age by which activity shifts in projection year ``year_index``."""
        return share * self.life_expectancy_gain * year_index

    def factor(self, rates: npt.NDArray[np.float64], delta: float) -> npt.NDArray[np.float64]:
        """``rates[..., age]`` (base-year activity per resident by single year of age) →
        multipliers of the same shape: rate at ``a − Δ`` (interpolated between single ages)
        over rate at ``a`` for ages from ``age_from``; 1 below it or where the rate is 0."""
        ages = np.arange(AGES, dtype=np.float64)
        shifted = np.clip(ages - delta, 0, AGES - 1)
        flat = rates.reshape(-1, AGES)
        moved = np.stack([np.interp(shifted, ages, r) for r in flat]).reshape(rates.shape)
        ratio = np.divide(moved, rates, out=np.ones_like(rates), where=rates > 0)
        ratio[..., : self.age_from] = 1.0
        return np.asarray(np.maximum(ratio, 0.0), dtype=np.float64)


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
    # population projection variants, one drawn per iteration (the first is the central case)
    variants: tuple[Variant, ...] = ()
    health_status: HealthStatus | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "variants", tuple(self.variants))
        if self.variants:
            total = sum(v.probability for v in self.variants)
            if abs(total - 1) > 1e-6:
                raise ValueError(f"the variants' probabilities add up to {total:g}, not 1")
            names = [v.name for v in self.variants]
            if len(set(names)) != len(names):
                raise ValueError("variant names must be unique")
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

    @property
    def quintile_schemes(self) -> tuple[Scheme, ...]:
        """The schemes whose cohorts name deprivation quintiles: the strata must keep
        quintiles apart in the cells they may hold."""
        return tuple(s for s in self.schemes if s.cohort.quintiles)


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
