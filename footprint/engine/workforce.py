"""Workforce measures as NHS England and NHS Digital define them, the agency rate card, and
supply projection.

Measures (all rates are shares, 0–1):

- **Staff in post**: headcount (people) and WTE (whole-time equivalent: contracted hours ÷
  37.5 a week).
- **Turnover (12-month rolling)**: leavers over the 12 months ÷ the average of staff in post
  at the start and the end of the period (NHS Digital's definition, by headcount).
- **Stability index**: staff in post at the start of the 12 months who are still in post at
  the end ÷ staff in post at the start.
- **Vacancy rate**: vacant WTE ÷ establishment WTE, where vacant = establishment − staff in post.
- **Sickness absence rate**: FTE days lost to sickness ÷ FTE days available.
- **Agency (bank) share**: agency (bank) spend ÷ the total pay bill.
- **Monthly leaver rate**: leavers in the month ÷ headcount, the series the retention early
  warning judges with SPC.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


def _share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def turnover(leavers_12m: float, headcount_start: float, headcount_end: float) -> float | None:
    """Leavers over 12 months ÷ average staff in post; None if there were no staff."""
    if leavers_12m < 0 or headcount_start < 0 or headcount_end < 0:
        raise ValueError("counts must not be negative")
    return _share(leavers_12m, (headcount_start + headcount_end) / 2)


def stability(still_in_post: float, headcount_start: float) -> float | None:
    """Staff in post at the start still in post at the end ÷ staff in post at the start."""
    if not 0 <= still_in_post <= headcount_start:
        raise ValueError("those still in post must be between 0 and the staff at the start")
    return _share(still_in_post, headcount_start)


def vacancy_rate(establishment_wte: float, staff_in_post_wte: float) -> float | None:
    """Vacant WTE ÷ establishment WTE (no lower than 0: over-establishment is no vacancy)."""
    if establishment_wte <= 0:
        return None
    return max(establishment_wte - staff_in_post_wte, 0.0) / establishment_wte


def sickness_rate(days_lost: float, days_available: float) -> float | None:
    if days_lost < 0 or days_lost > days_available:
        raise ValueError("days lost must be between 0 and the days available")
    return _share(days_lost, days_available)


def pay_share(spend: float, pay_bill: float) -> float | None:
    """Agency or bank spend as a share of the total pay bill."""
    if spend < 0 or spend > pay_bill:
        raise ValueError("spend must be between 0 and the pay bill")
    return _share(spend, pay_bill)


def monthly_leaver_rates(
    leavers: npt.ArrayLike, headcount: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Leavers ÷ headcount month by month (NaN where there were no staff), element-wise over
    arrays of any shape — e.g. series × months for the early warning."""
    lv = np.asarray(leavers, dtype=np.float64)
    hc = np.asarray(headcount, dtype=np.float64)
    out = np.full(np.broadcast(lv, hc).shape, np.nan)
    np.divide(lv, hc, out=out, where=hc > 0)
    return out


def rolling_turnover(leavers: Sequence[float], headcount: Sequence[float]) -> list[float | None]:
    """12-month rolling turnover for each month from the 12th: leavers in the last 12 months
    ÷ the average of headcount 12 months before and now."""
    out: list[float | None] = [None] * len(leavers)
    for i in range(11, len(leavers)):
        start = headcount[i - 12] if i >= 12 else headcount[0]
        out[i] = turnover(sum(leavers[i - 11 : i + 1]), start, headcount[i])
    return out


# --- Agency shifts against the rate card ------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """One agency shift. Money in pence per hour."""

    month: str  # "2025-04"
    organisation: str
    agency: str
    role: str  # staff group and grade, e.g. "Registered nurse, band 5"
    hours: float
    rate_pence: int


@dataclass(frozen=True)
class Breach:
    shift: Shift
    cap_pence: int

    @property
    def excess_pence(self) -> int:
        """What was paid above the cap for the whole shift, in whole pence."""
        return round((self.shift.rate_pence - self.cap_pence) * self.shift.hours)


def breaches(shifts: Iterable[Shift], caps: dict[tuple[str, str], int]) -> list[Breach]:
    """Shifts paid above the rate card. ``caps`` maps (organisation, role) to the most it
    will pay per hour; a role without a cap is not judged."""
    return [
        Breach(s, caps[(s.organisation, s.role)])
        for s in shifts
        if (s.organisation, s.role) in caps and s.rate_pence > caps[(s.organisation, s.role)]
    ]


@dataclass(frozen=True)
class Spread:
    role: str
    shifts: int
    lowest_pence: int
    median_pence: float
    highest_pence: int


def spread(shifts: Iterable[Shift]) -> list[Spread]:
    """The range of hourly rates paid for each role across the system."""
    by_role: dict[str, list[int]] = defaultdict(list)
    for s in shifts:
        by_role[s.role].append(s.rate_pence)
    return [
        Spread(role, len(r), min(r), statistics.median(r), max(r))
        for role, r in sorted(by_role.items())
    ]


@dataclass(frozen=True)
class Escalation:
    """One agency charging members different rates for the same role in the same month."""

    agency: str
    role: str
    month: str
    rates: tuple[tuple[str, int], ...]  # (organisation, its highest rate), highest first

    @property
    def difference_pence(self) -> int:
        return self.rates[0][1] - self.rates[-1][1]


def escalations(shifts: Iterable[Shift], tolerance_pence: int = 0) -> list[Escalation]:
    """Where the same agency charged one member more than another for the same role in the same
    month (by more than ``tolerance_pence`` an hour): the bidding war, for every member to see.
    Each organisation is represented by the highest rate it was charged."""
    highest: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    for s in shifts:
        key = (s.agency, s.role, s.month)
        highest[key][s.organisation] = max(highest[key].get(s.organisation, 0), s.rate_pence)
    out = []
    for (agency, role, month), by_org in sorted(highest.items()):
        if len(by_org) < 2:
            continue
        ranked = tuple(sorted(by_org.items(), key=lambda kv: (-kv[1], kv[0])))
        if ranked[0][1] - ranked[-1][1] > tolerance_pence:
            out.append(Escalation(agency, role, month, ranked))
    out.sort(key=lambda e: (-e.difference_pence, e.month, e.agency))
    return out


# --- Supply projection ---------------------------------------------------------------------


@dataclass(frozen=True)
class SupplyAssumptions:
    """Yearly flows for one staff group, in WTE. Turnover and completion are uncertain:
    each is drawn from a normal distribution (mean, standard deviation), clipped to 0–1."""

    staff_in_post: float
    turnover_mean: float
    turnover_sd: float
    recruits_per_year: float  # from outside the local training pipeline
    training_places: float
    completion_mean: float
    completion_sd: float


@dataclass(frozen=True)
class SupplyProjection:
    years: int
    p10: npt.NDArray[np.float64]
    p50: npt.NDArray[np.float64]
    p90: npt.NDArray[np.float64]
    gap_p10: npt.NDArray[np.float64]  # need − supply: positive is a shortfall
    gap_p50: npt.NDArray[np.float64]
    gap_p90: npt.NDArray[np.float64]


def project_supply(
    a: SupplyAssumptions, need: Sequence[float], runs: int = 1000, seed: int = 0
) -> SupplyProjection:
    """Staff in post each year: last year's staff less leavers, plus recruits and those
    completing local training. ``need`` gives the WTE needed each year; the gap is need less
    supply, at the 10th, 50th and 90th percentiles of ``runs`` Monte Carlo runs. Run 0 uses the
    central assumptions."""
    years = len(need)
    rng = np.random.default_rng(seed)
    turnover_draws = np.clip(rng.normal(a.turnover_mean, a.turnover_sd, (runs, years)), 0, 1)
    completion_draws = np.clip(rng.normal(a.completion_mean, a.completion_sd, (runs, years)), 0, 1)
    turnover_draws[0] = a.turnover_mean
    completion_draws[0] = a.completion_mean
    supply = np.empty((runs, years))
    current = np.full(runs, float(a.staff_in_post))
    for y in range(years):
        current = (
            current * (1 - turnover_draws[:, y])
            + a.recruits_per_year
            + a.training_places * completion_draws[:, y]
        )
        supply[:, y] = current
    gap = np.asarray(need, dtype=np.float64)[np.newaxis, :] - supply
    p = np.percentile
    return SupplyProjection(
        years,
        p(supply, 10, axis=0),
        p(supply, 50, axis=0),
        p(supply, 90, axis=0),
        p(gap, 10, axis=0),
        p(gap, 50, axis=0),
        p(gap, 90, axis=0),
    )


@dataclass(frozen=True)
class CalibratedNeed:
    """A demand model's need for one staff group set against the staff in post.

    A model that counts activity × staff minutes ÷ productive hours rarely finds the staff in
    post in its base year: it leaves out work it does not count by activity (teaching,
    management, cover for work it does not model) and its minutes are averages. The standard
    workforce-planning approach takes the staff in post as the base year's need and grows it
    as the model's need grows: ``need[y] = staff_in_post × model_need[y] ÷ model_base``, or,
    what is the same, every minute scaled by ``factor = staff_in_post ÷ model_base``. Then the
    base year's gap is nil and each year's gap is the change in need less the change in
    supply."""

    staff_in_post: float
    model_base: float  # the model's own need in its base year
    model_need: tuple[float, ...]  # the model's own need each year
    need: tuple[float, ...]  # the calibrated need each year

    @property
    def factor(self) -> float:
        """Staff in post ÷ the model's base-year need: above 1, the model counts fewer staff
        than are in post (it covers ``1 ÷ factor`` of their work)."""
        return self.staff_in_post / self.model_base

    @property
    def base_gap(self) -> float:
        """The calibrated need less the staff in post in the base year: nil by construction."""
        return self.model_base * self.factor - self.staff_in_post


def calibrate_need(
    staff_in_post: float, model_base: float, model_need: Sequence[float]
) -> CalibratedNeed:
    """The model's need each year scaled so that its base year needs exactly the staff in
    post. 100 WTE in post, a model base of 80 and a model need of 88 (activity +10 %):
    a need of 110."""
    if not (np.isfinite(staff_in_post) and staff_in_post >= 0):
        raise ValueError("staff in post must be a number of at least 0")
    if not (np.isfinite(model_base) and model_base > 0):
        raise ValueError("the model's base-year need must be above 0 to calibrate against")
    if any(not np.isfinite(n) or n < 0 for n in model_need):
        raise ValueError("the model's need must be numbers of at least 0")
    factor = staff_in_post / model_base
    return CalibratedNeed(
        staff_in_post,
        model_base,
        tuple(float(n) for n in model_need),
        tuple(float(n) * factor for n in model_need),
    )


# Staff for beds


@dataclass(frozen=True)
class BedStaffing:
    """One staff group's cover of an open bed: patients to one member of staff by day and by
    night, each shift ``shift_hours`` long (a day shift and a night shift cover the 24 hours)."""

    staff_group: str
    name: str
    shift_hours: float
    patients_per_staff_day: float
    patients_per_staff_night: float


def wte_for_beds(beds: float, staffing: BedStaffing, weekly_hours: float, headroom: float) -> float:
    """The whole-time equivalents (WTE) of one staff group that ``beds`` open every day and
    night need: hours on the ward a week, divided by a WTE's weekly hours, plus ``headroom``
    (a share, for leave, sickness and study).

    10 beds at 1 to 8 by day and by night on 12-hour shifts: 10 × (12/8 + 12/8) × 7 = 210 hours
    a week, 5.6 WTE at 37.5 hours, 7.0 WTE with 25 % headroom."""
    if beds < 0 or weekly_hours <= 0 or headroom < 0:
        raise ValueError("beds and headroom must be at least 0 and weekly hours above 0")
    if staffing.patients_per_staff_day <= 0 or staffing.patients_per_staff_night <= 0:
        raise ValueError("patients to one member of staff must be above 0")
    hours_a_day = staffing.shift_hours * (
        1 / staffing.patients_per_staff_day + 1 / staffing.patients_per_staff_night
    )
    return beds * hours_a_day * 7 / weekly_hours * (1 + headroom)
