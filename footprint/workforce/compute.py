"""Workforce figures for pages: the only module here that calls the engine. It reads through
``queries`` and writes nothing."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from footprint.demand.models import Scenario
from footprint.engine import spc
from footprint.engine import workforce as wf
from footprint.partnership.queries import names_by_code
from footprint.workforce import queries
from footprint.workforce.models import RateCap, StaffGroup, WorkforceReturn


@dataclass(frozen=True)
class Row:
    """One organisation's staff group: the latest month and the last 12 months."""

    organisation: str
    organisation_name: str
    staff_group: str
    month: dt.date
    headcount: int
    wte: float
    vacancy: float | None
    turnover: float | None
    sickness: float | None
    agency_share: float | None


def dashboard() -> tuple[list[Row], list[dict[str, object]]]:
    """The latest position of each organisation's staff groups, and the system's WTE in post
    and vacancy rate month by month."""
    returns = queries.returns()
    series: dict[tuple[str, str], list[WorkforceReturn]] = defaultdict(list)
    for r in returns:
        series[(r.organisation.ods_code, r.staff_group)].append(r)
    rows = []
    for (code, group), rs in sorted(series.items()):
        last = rs[-1]
        year = rs[-12:]
        rolling = wf.rolling_turnover([r.leavers for r in year], [r.headcount for r in year])
        rows.append(
            Row(
                code,
                last.organisation.name,
                StaffGroup(group).label,
                last.month,
                last.headcount,
                last.wte,
                wf.vacancy_rate(last.establishment_wte, last.wte),
                rolling[-1] if len(year) == 12 else None,
                wf.sickness_rate(
                    sum(r.sickness_days_lost for r in year), sum(r.days_available for r in year)
                ),
                wf.pay_share(
                    sum(r.agency_pence for r in year), sum(r.pay_bill_pence for r in year)
                ),
            )
        )
    by_month: dict[dt.date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in returns:
        by_month[r.month][0] += r.wte
        by_month[r.month][1] += r.establishment_wte
    trend = [
        {
            "month": m,
            "wte": round(w, 1),
            "vacancy": round(100 * (wf.vacancy_rate(e, w) or 0), 2),
        }
        for m, (w, e) in sorted(by_month.items())
    ]
    return rows, trend


@dataclass(frozen=True)
class RetentionSignal:
    organisation: str
    organisation_name: str
    staff_group: str
    staff_group_key: str
    latest_month: dt.date
    latest_rate: float
    variation: str
    rule: str | None


def retention_signals() -> list[RetentionSignal]:
    """SPC on the monthly leaver rate of every organisation's staff group, judged together,
    special-cause concerns first (a rising leaver rate is the concern)."""
    series: dict[tuple[str, str], list[WorkforceReturn]] = defaultdict(list)
    for r in queries.returns():
        series[(r.organisation.ods_code, r.staff_group)].append(r)
    if not series:
        return []
    keys = sorted(series)
    width = max(len(v) for v in series.values())
    leavers = np.full((len(keys), width), np.nan)
    headcount = np.full((len(keys), width), np.nan)
    for i, key in enumerate(keys):
        rs = series[key]
        leavers[i, width - len(rs) :] = [r.leavers for r in rs]
        headcount[i, width - len(rs) :] = [r.headcount for r in rs]
    rates = wf.monthly_leaver_rates(leavers, np.nan_to_num(headcount))
    result = spc.analyse_many(rates, improvement="decrease")
    signals = []
    for i, key in enumerate(keys):
        last = series[key][-1]
        signals.append(
            RetentionSignal(
                key[0],
                last.organisation.name,
                StaffGroup(key[1]).label,
                key[1],
                last.month,
                float(rates[i, -1]),
                result.variation_of(i),
                result.rule_at(i, -1),
            )
        )
    order = {"concern": 0, "neutral": 1, "improvement": 2, "common": 3, "too": 4}
    signals.sort(key=lambda s: (order[s.variation.split("_")[0]], -s.latest_rate))
    return signals


def leaver_series(ods_code: str, staff_group: str) -> tuple[list[WorkforceReturn], spc.SpcResult]:
    """One organisation's returns for a staff group and SPC on its monthly leaver rate."""
    rs = queries.returns_of(ods_code, staff_group)
    rates = wf.monthly_leaver_rates([r.leavers for r in rs], [r.headcount for r in rs])
    values = [None if np.isnan(v) else float(v) for v in rates]
    return rs, spc.analyse(values, improvement="decrease")


def leaver_points(returns: list[WorkforceReturn], result: spc.SpcResult) -> list[dict[str, object]]:
    """The points of a leaver-rate chart, as percentages, month by month."""
    return [
        {
            "period": r.month.isoformat(),
            "value": None if p.value is None else round(100 * p.value, 3),
            "mean": round(100 * p.mean, 3),
            "lower": round(100 * p.lower, 3),
            "upper": round(100 * p.upper, 3),
            "point_type": p.point_type,
            "rule": p.rule,
            "segment": p.segment,
        }
        for r, p in zip(returns, result.points, strict=True)
    ]


def _shifts(since: dt.date) -> list[wf.Shift]:
    return [
        wf.Shift(date.strftime("%Y-%m"), org, agency, role, hours, rate)
        for date, org, agency, role, hours, rate in queries.shifts_since(since)
    ]


def _caps(organisations: set[str], cards: list[RateCap]) -> dict[tuple[str, str], int]:
    caps: dict[tuple[str, str], int] = {}
    for cap in cards:  # the system's card for every member first …
        if cap.organisation is None:
            for org in organisations:
                caps[(org, cap.role)] = cap.cap_pence
    for cap in cards:  # … then each member's own, which overrides it
        if cap.organisation is not None:
            caps[(cap.organisation.ods_code, cap.role)] = cap.cap_pence
    return caps


@dataclass(frozen=True)
class Escalation:
    """One agency charging members different rates for the same role in a month, for the
    page: the month as a date and each member by name with the highest rate it paid."""

    agency: str
    role: str
    month: dt.date
    rates: list[tuple[str, int]]


@dataclass(frozen=True)
class AgencyReport:
    breaches: list[wf.Breach]
    by_organisation: list[tuple[str, int, int]]  # organisation by name, breaches, excess pence
    by_agency: list[tuple[str, int, int]]
    spread: list[wf.Spread]
    escalations: list[Escalation]
    shifts: int
    card: list[RateCap]  # the rate card the shifts were judged against


def agency_report(since: dt.date) -> AgencyReport:
    """The agency shifts from ``since`` judged against the rate card: breaches, the spread of
    rates for each role and agencies charging members different rates."""
    shifts = _shifts(since)
    card = queries.rate_card()
    found = wf.breaches(shifts, _caps({s.organisation for s in shifts}, card))
    names = names_by_code({s.organisation for s in shifts})

    def totals(key: str) -> list[tuple[str, int, int]]:
        agg: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for b in found:
            name = getattr(b.shift, key)
            if key == "organisation":
                name = names.get(name, name)
            agg[name][0] += 1
            agg[name][1] += b.excess_pence
        return sorted(((k, v[0], v[1]) for k, v in agg.items()), key=lambda t: (-t[2], t[0]))

    return AgencyReport(
        found,
        totals("organisation"),
        totals("agency"),
        wf.spread(shifts),
        [
            Escalation(
                e.agency,
                e.role,
                dt.date.fromisoformat(f"{e.month}-01"),
                [(names.get(org, org), rate) for org, rate in e.rates],
            )
            for e in wf.escalations(shifts)
        ],
        len(shifts),
        card,
    )


@dataclass(frozen=True)
class ScenarioNeed:
    """The WTE of a staff group a demand scenario's latest run needs at the organisations that
    send returns: its own figures, before they are set against the staff in post."""

    scenario: Scenario
    base_year: int
    years: tuple[int, ...]  # as the run counts them: whole years after its base year
    model_base: float  # in the base year
    model_need: tuple[float, ...]  # each year (the mean of the run's iterations)


@dataclass(frozen=True)
class SupplyResult:
    assumptions: wf.SupplyAssumptions
    projection: wf.SupplyProjection
    month: dt.date  # of the latest returns: the staff in post the projection starts from
    calibration: wf.CalibratedNeed | None  # None when the need was typed in
    need: tuple[float, ...]  # the need the gap is taken from, each year


def supply(
    staff_group: str,
    need: list[float] | ScenarioNeed,
    training_places: float,
    completion: float,
) -> SupplyResult | None:
    """Project a staff group's supply from its latest returns: staff in post and 12-month
    turnover across the system, recruits at the last year's joiners less those from local
    training places. A scenario's need is first calibrated to the staff in post (see
    ``wf.calibrate_need``); a need typed in is taken as it is."""
    rs = queries.returns(staff_group=staff_group)
    if not rs:
        return None
    months = sorted({r.month for r in rs})[-12:]
    year = [r for r in rs if r.month in months]
    first = sum(r.headcount for r in year if r.month == months[0])
    last_wte = sum(r.wte for r in year if r.month == months[-1])
    last_hc = sum(r.headcount for r in year if r.month == months[-1])
    rate = wf.turnover(sum(r.leavers for r in year), first, last_hc) or 0.0
    joiners_wte = sum(r.joiners for r in year) * (last_wte / last_hc if last_hc else 1)
    assumptions = wf.SupplyAssumptions(
        staff_in_post=last_wte,
        turnover_mean=rate,
        turnover_sd=rate * 0.15,
        recruits_per_year=max(joiners_wte - training_places * completion, 0.0),
        training_places=training_places,
        completion_mean=completion,
        completion_sd=0.08,
    )
    calibration = None
    if isinstance(need, ScenarioNeed):
        calibration = wf.calibrate_need(last_wte, need.model_base, need.model_need)
        needed = calibration.need
    else:
        needed = tuple(need)
    return SupplyResult(
        assumptions,
        wf.project_supply(assumptions, needed, runs=2000, seed=2026),
        months[-1],
        calibration,
        needed,
    )


def need_from_scenario(scenario: Scenario, staff_group: str) -> ScenarioNeed | None:
    """WTE of a staff group that a demand scenario's latest run needs in its base year and
    each year after (the mean of its iterations), at the organisations that send returns;
    None if it has no run or needs none of the group in its base year (then there is
    nothing to set against the staff in post)."""
    run = scenario.latest_run
    if run is None:
        return None
    rows = queries.needed_wte(run, staff_group)
    if not rows:
        return None
    totals: dict[int, float] = {}
    for year, _, mean in rows:
        totals[year] = totals.get(year, 0.0) + mean
    first = min(totals)
    # the base year's figure is on each year's row of a provider: count one year's rows
    model_base = sum(b or 0.0 for y, b, _ in rows if y == first)
    if model_base <= 0:
        return None
    years = tuple(sorted(totals))
    return ScenarioNeed(
        scenario,
        int(run.parameters["base_year"]),
        years,
        model_base,
        tuple(totals[y] for y in years),
    )


# Staff for escalation beds

BED_STAFFING = Path(__file__).parent / "data" / "bed_staffing.toml"


@dataclass(frozen=True)
class BedStaffingAssumptions:
    """What an open bed needs, per staff group, and how hours become WTE
    (``data/bed_staffing.toml``), with where each figure comes from, in words for the page."""

    staff: tuple[wf.BedStaffing, ...]
    weekly_hours: float
    headroom: float
    sources: tuple[str, ...]  # for each of ``staff``
    weekly_hours_source: str
    headroom_source: str


@cache
def bed_staffing() -> BedStaffingAssumptions:
    data = tomllib.loads(BED_STAFFING.read_text(encoding="utf-8"))
    rows = [dict(row) for row in data["staff"]]
    sources = tuple(str(row.pop("source", "")) for row in rows)
    return BedStaffingAssumptions(
        staff=tuple(wf.BedStaffing(**row) for row in rows),
        weekly_hours=float(data["weekly_hours"]),
        headroom=float(data["headroom"]),
        sources=sources,
        weekly_hours_source=str(data.get("weekly_hours_source", "")),
        headroom_source=str(data.get("headroom_source", "")),
    )


@dataclass(frozen=True)
class StaffNeed:
    """The WTE one staff group needs to staff some beds."""

    staff_group: str
    staff_group_name: str  # the national staff group it counts in
    name: str  # who they are on the ward
    wte: float


def staff_for_beds(beds: float) -> list[StaffNeed]:
    """The WTE each staff group needs to keep ``beds`` open day and night."""
    a = bed_staffing()
    return [
        StaffNeed(
            staff_group=s.staff_group,
            staff_group_name=StaffGroup(s.staff_group).label,
            name=s.name,
            wte=wf.wte_for_beds(beds, s, a.weekly_hours, a.headroom),
        )
        for s in a.staff
    ]


@dataclass(frozen=True)
class EscalationStaffing:
    """One trust's escalation beds open in its latest daily return, and the staff they need."""

    organisation: str
    organisation_name: str
    day: dt.date
    beds: float
    need: list[StaffNeed]

    @property
    def wte(self) -> float:
        return sum(n.wte for n in self.need)


def escalation_staffing(today: dt.date) -> list[EscalationStaffing]:
    """Each acute trust's escalation beds open in its latest return in the week to ``today``,
    with the WTE by staff group they need."""
    return [
        EscalationStaffing(
            organisation=org.ods_code,
            organisation_name=org.name,
            day=day,
            beds=beds,
            need=staff_for_beds(beds),
        )
        for org, day, beds in queries.escalation_beds_open(today)
    ]
