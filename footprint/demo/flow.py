"""The demo's daily situation returns: two years of them for the two acute trusts, the
community and mental health trust (one return a day with both sections), the ambulance trust's
NHS 111 service and the two councils, with a believable
winter each year (NHS 111 busiest at weekends and in winter), a norovirus week
that closes beds at Wyvern, a week at OPEL 4 across the acute trusts, and a care-home closure in
Wyvernshire that lengthens pathway-3 delays; the OPEL levels they give, the escalation plan,
the on-call contacts and a few mutual-aid requests.

Drawn with NumPy for every day at once and saved with ``bulk_create``; the levels are computed
through ``flow.compute`` (the engine's OPEL scoring), as a return saved on the page would be.
Hallowdale Council's return for today is missing (late), so the page has someone to chase.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection

from footprint.demo.timeline import Timeline
from footprint.flow import compute
from footprint.flow.models import (
    AidRequest,
    DailyReturn,
    EscalationAction,
    ExpectedReturn,
    LevelChange,
    Measure,
    OnCallContact,
    OpelLevel,
    ReturnKind,
    ReturnValue,
)
from footprint.partnership.models import Organisation

DAYS = 730
SEED = 2019
M = Measure
Array = npt.NDArray[np.float64]

# Admissions by day of the week (Monday first): busiest on Monday, quietest on Saturday.
WEEKLY = np.array([1.12, 1.04, 1.0, 0.99, 0.98, 0.92, 0.95])
# Discharges by day of the week: few at weekends.
DISCHARGING = np.array([1.05, 1.1, 1.1, 1.12, 1.18, 0.75, 0.7])
# NHS 111 calls by day of the week: busiest at weekends, when practices are shut.
CALLING = np.array([1.05, 0.85, 0.8, 0.8, 0.9, 1.55, 1.45])

ACUTE = {
    "RW9": {"beds": 640, "admissions": 105, "ed": 380},
    "RM9": {"beds": 420, "admissions": 70, "ed": 250},
}

ACTIONS = [
    (1, "Daily system call at 10:00 reviews flow and the day's discharges", "System flow lead"),
    (2, "Each trust's site team confirms its discharge plan for the next 48 hours", "Site leads"),
    (2, "Councils bring forward home-care packages waiting to start", "Councils' brokerage"),
    (3, "Open the planned escalation beds and the discharge lounges from 08:00", "Acute COOs"),
    (
        3,
        "Twice-daily system calls; community trust takes step-down patients the same day",
        "ICB on call",
    ),
    (
        3,
        "Offer mutual aid between the acute trusts: beds, staff and ambulance diverts",
        "ICB on call",
    ),
    (
        4,
        "Executive incident meeting; cancel non-urgent elective surgery for 48 hours",
        "Chief executives",
    ),
    (
        4,
        "Ask NHS England regional team for support; report hourly to the regional cell",
        "ICB director on call",
    ),
]


def build_flow(timeline: Timeline) -> dict[str, int]:
    rng = np.random.default_rng(SEED)
    orgs = {
        o.ods_code: o
        for o in Organisation.objects.filter(
            ods_code__in=["RW9", "RM9", "RX9", "RY9", "LA901", "LA902", "VS901"]
        )
    }
    if not {"RW9", "RM9", "RX9", "LA901", "LA902"} <= set(orgs):
        return {"daily_returns": 0}
    end = timeline.today
    days = [end - dt.timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    doy = np.array([d.timetuple().tm_yday for d in days], dtype=float)
    dow = np.array([d.weekday() for d in days])
    # Winter: 0 in summer, 1 in mid-January.
    winter = np.clip(np.cos(2 * np.pi * (doy - 18) / 365.25), 0, None) ** 1.5
    januaries = sorted({d.year for d in days if d.month == 1 and d.day <= 25})
    noro = _week(days, dt.date(januaries[0], 1, 13))
    opel4 = _week(days, dt.date(januaries[-1], 1, 5))
    if opel4[0] == noro[0]:
        opel4 = noro + 14
    closure_day = next((i for i, d in enumerate(days) if d.month == 9 and d.day == 1), DAYS // 2)
    since_closure = np.clip((np.arange(DAYS) - closure_day) / 60, 0, 1)
    figures: dict[str, dict[str, Array]] = {}
    for code, size in ACUTE.items():
        figures[code] = _acute(rng, code, size, winter, dow, noro, opel4, since_closure)
    figures["RX9"] = _community(rng, winter, dow, opel4, since_closure)
    for code, scale in (("LA901", 1.0), ("LA902", 0.7)):
        figures[code] = _council(rng, scale, winter, code == "LA901", since_closure)
    if "RY9" in orgs:  # the ambulance trust runs NHS 111 (its own draws: the rest unchanged)
        figures["RY9"] = _nhs_111(np.random.default_rng(SEED + 111), winter, dow, opel4)
    # The community trust runs the mental health services too: one return a day carries both
    # sections (its own draws: the rest unchanged).
    figures["RX9"] |= _mental_health(np.random.default_rng(SEED + 136), winter, dow, opel4)

    returns: list[DailyReturn] = []
    kinds = {
        "RW9": ReturnKind.ACUTE,
        "RM9": ReturnKind.ACUTE,
        "RX9": ReturnKind.COMMUNITY,
        "RY9": ReturnKind.NHS_111,
        "LA901": ReturnKind.SOCIAL_CARE,
        "LA902": ReturnKind.SOCIAL_CARE,
    }
    for code in figures:
        for i, day in enumerate(days):
            if code == "LA902" and day == end:
                continue  # late today
            returns.append(
                DailyReturn(
                    organisation=orgs[code],
                    date=day,
                    kind=kinds[code].value,
                    submitted_at=timeline.moment(day, 6, 30 + (i % 25)),
                )
            )
    _expected(orgs, timeline.moment(days[0], 9))
    DailyReturn.objects.bulk_create(returns, batch_size=2000)
    saved = DailyReturn.objects.filter(date__gte=days[0]).values_list(
        "pk", "organisation_id", "date"
    )
    code_of = {o.pk: c for c, o in orgs.items()}
    index = {d: i for i, d in enumerate(days)}
    per_day: dict[tuple[str, int], dict[str, float]] = {}
    rows: list[tuple[int, str, float]] = []
    for pk, org_id, day in saved:
        code, i = code_of[org_id], index[day]
        row = {str(m): float(a[i]) for m, a in figures[code].items()}
        per_day[(code, i)] = row
        rows += [(pk, m, v) for m, v in row.items()]
    # Some 45,000 figures: straight into the table (model instances would take seconds).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {ReturnValue._meta.db_table} (daily_return_id, measure, value) "
            "VALUES (%s, %s, %s)",
            rows,
        )
    levels = _levels(orgs, days, per_day, timeline)
    _plan(orgs)
    _aid(orgs, days, opel4, timeline)
    return {"daily_returns": len(returns), "return_values": len(rows), "opel_levels": levels}


def _week(days: list[dt.date], start: dt.date) -> npt.NDArray[np.int64]:
    first = next((i for i, d in enumerate(days) if d >= start), 0)
    return np.arange(first, min(first + 7, len(days)))


def _smooth(rng: np.random.Generator, n: int, sd: float, keep: float = 0.8) -> Array:
    """AR(1) noise: today's pressure is mostly yesterday's."""
    shocks = rng.normal(0, sd * np.sqrt(1 - keep**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0, sd)
    for i in range(1, n):
        out[i] = keep * out[i - 1] + shocks[i]
    return out


def _acute(
    rng: np.random.Generator,
    code: str,
    size: dict[str, int],
    winter: Array,
    dow: npt.NDArray[np.int64],
    noro: npt.NDArray[np.int64],
    opel4: npt.NDArray[np.int64],
    since_closure: Array,
) -> dict[str, Array]:
    n = len(winter)
    core = size["beds"]
    escalation = np.round(0.05 * core * winter + rng.integers(0, 9, n))
    escalation[opel4] = np.round(0.08 * core)
    closed = np.zeros(n)
    if code == "RW9":
        closed[noro] = [28, 44, 52, 52, 46, 34, 20][: len(noro)]
    beds_open = core + escalation - closed
    pressure = np.zeros(n)
    pressure[opel4] = 1.0
    if code == "RW9":
        pressure[noro] = np.maximum(pressure[noro], 0.55)
    # Day-to-day noise mostly independent (autocorrelation 0.3): with 0.8 the day-of-week SPC
    # flagged most days of a steady stretch (tests/engine/test_spc_daily.py).
    rate = 0.875 + 0.075 * winter + _smooth(rng, n, 0.012, keep=0.3) + 0.1 * pressure
    rate -= 0.012 * (dow >= 5)
    occupied = np.minimum(np.round(rate * beds_open), beds_open)
    admissions = rng.poisson(size["admissions"] * WEEKLY[dow] * (1 + 0.1 * winter))
    attendances = rng.poisson(size["ed"] * WEEKLY[dow] * (1 + 0.05 * winter))
    strain = np.clip(winter + 2 * pressure, 0, 3)
    four_hour = np.clip(79 - 9 * winter - 20 * pressure + rng.normal(0, 2, n), 35, 98).round(1)
    waits_12 = rng.binomial(attendances, np.clip(0.008 + 0.035 * winter + 0.08 * pressure, 0, 0.5))
    ed_occupancy = np.clip(78 + 45 * winter + 70 * pressure + rng.normal(0, 6, n), 30, 300).round()
    handovers = rng.poisson(0.28 * attendances)
    handover_mean = np.clip(13 + 16 * strain + rng.gamma(2, 2, n), 5, 600).round(1)
    over_60 = rng.binomial(handovers, np.clip(0.005 + 0.06 * strain, 0, 0.6))
    nctr_share = 0.12 + 0.04 * winter + 0.06 * pressure + _smooth(rng, n, 0.01, keep=0.3)
    nctr_total = np.round(np.clip(nctr_share, 0.02, 0.4) * occupied)
    shares = np.array([0.08, 0.47, 0.2, 0.25])
    split = np.array([rng.multinomial(int(t), shares) for t in nctr_total], dtype=float)
    if code == "RW9":
        split[:, 3] += np.round(26 * since_closure)  # the care home's residents wait longer
    p0, p1, p2, p3 = split.T
    care_home = np.round(0.85 * p3)
    home_care = np.round(0.65 * p1)
    community_bed = np.round(0.75 * p2)
    assessment = np.round(0.3 * p1 + 0.2 * p2 + 0.1 * p3)
    family = np.round(0.5 * p0)
    other = np.maximum(
        p0 + p1 + p2 + p3 - care_home - home_care - community_bed - assessment - family, 0
    )
    discharged = rng.poisson(admissions.mean() * DISCHARGING[dow])
    by_pathway = np.array(
        [rng.multinomial(int(t), [0.62, 0.25, 0.09, 0.04]) for t in discharged], dtype=float
    )
    return {
        M.GA_BEDS_OPEN: beds_open,
        M.GA_BEDS_OCCUPIED: occupied,
        M.ESCALATION_BEDS: escalation,
        M.ADMISSIONS: admissions.astype(float),
        M.HANDOVERS: handovers.astype(float),
        M.HANDOVER_MEAN_MINUTES: handover_mean,
        M.HANDOVERS_OVER_60: over_60.astype(float),
        M.ED_ATTENDANCES: attendances.astype(float),
        M.FOUR_HOUR_PERCENT: four_hour,
        M.WAITS_OVER_12_HOURS: waits_12.astype(float),
        M.ED_OCCUPANCY_PERCENT: ed_occupancy,
        M.NCTR_PATHWAY_0: p0,
        M.NCTR_PATHWAY_1: p1,
        M.NCTR_PATHWAY_2: p2,
        M.NCTR_PATHWAY_3: p3,
        M.NCTR_AWAITING_ASSESSMENT: assessment,
        M.NCTR_AWAITING_HOME_CARE: home_care,
        M.NCTR_AWAITING_COMMUNITY_BED: community_bed,
        M.NCTR_AWAITING_CARE_HOME: care_home,
        M.NCTR_AWAITING_FAMILY: family,
        M.NCTR_AWAITING_OTHER: other,
        M.DISCHARGES_PATHWAY_0: by_pathway[:, 0],
        M.DISCHARGES_PATHWAY_1: by_pathway[:, 1],
        M.DISCHARGES_PATHWAY_2: by_pathway[:, 2],
        M.DISCHARGES_PATHWAY_3: by_pathway[:, 3],
    }


def _community(
    rng: np.random.Generator,
    winter: Array,
    dow: npt.NDArray[np.int64],
    opel4: npt.NDArray[np.int64],
    since_closure: Array,
) -> dict[str, Array]:
    n = len(winter)
    pressure = np.zeros(n)
    pressure[opel4] = 1.0
    beds = np.full(n, 180.0)
    rate = 0.87 + 0.08 * winter + 0.1 * pressure + _smooth(rng, n, 0.015)
    occupied = np.minimum(np.round(rate * beds), beds)
    share = 0.16 + 0.04 * winter + 0.1 * pressure
    nctr = np.minimum(np.round(occupied * share + 8 * since_closure), occupied)
    capacity = np.where(winter > 0.3, 150.0, 120.0)
    vw_rate = 0.68 + 0.22 * winter + 0.3 * pressure + _smooth(rng, n, 0.03)
    vw = np.minimum(np.round(vw_rate * capacity), capacity)
    referrals = rng.poisson(46 * WEEKLY[dow])
    within = rng.binomial(referrals, np.clip(0.82 - 0.1 * winter - 0.3 * pressure, 0, 1))
    return {
        M.COMMUNITY_BEDS_OPEN: beds,
        M.COMMUNITY_BEDS_OCCUPIED: occupied,
        M.COMMUNITY_NCTR: nctr,
        M.VIRTUAL_WARD_CAPACITY: capacity,
        M.VIRTUAL_WARD_OCCUPIED: vw,
        M.UCR_REFERRALS: referrals.astype(float),
        M.UCR_WITHIN_2_HOURS: within.astype(float),
    }


def _mental_health(
    rng: np.random.Generator,
    winter: Array,
    dow: npt.NDArray[np.int64],
    opel4: npt.NDArray[np.int64],
) -> dict[str, Array]:
    """Adult acute mental health wards of 150 beds for the partnership's million people: about
    94 % occupied in summer and full in winter (over 100 % with patients on leave), placements
    out of area that build up over weeks as the wards fill, a few people held under section 136
    (more at weekends), mental health patients waiting over 12 hours in the acute trusts' EDs
    in winter; all at their worst in the week at OPEL 4."""
    n = len(winter)
    pressure = np.zeros(n)
    pressure[opel4] = 1.0
    beds = np.full(n, 150.0)
    rate = 0.94 + 0.06 * winter + 0.08 * pressure + _smooth(rng, n, 0.015)
    occupied = np.clip(np.round(rate * beds), 0, 1.5 * beds)
    placements = 2.5 + 7 * winter + 6 * pressure + _smooth(rng, n, 1.2, keep=0.95)
    out_of_area = np.clip(np.round(placements), 0, None)
    weekend = (dow >= 5).astype(float)
    section_136 = rng.poisson(1.0 + 0.8 * weekend + 1.0 * winter + 5 * pressure)
    over_12 = rng.poisson(0.8 + 2.5 * winter + 5 * pressure)
    return {
        M.MH_BEDS_OPEN: beds,
        M.MH_BEDS_OCCUPIED: occupied,
        M.OUT_OF_AREA: out_of_area,
        M.SECTION_136: section_136.astype(float),
        M.MH_ED_OVER_12_HOURS: over_12.astype(float),
    }


def _nhs_111(
    rng: np.random.Generator,
    winter: Array,
    dow: npt.NDArray[np.int64],
    opel4: npt.NDArray[np.int64],
) -> dict[str, Array]:
    """A 111 service for the partnership's million people: some 800 calls a day, more in winter
    and at weekends; slower to answer and to call back when busy, worst in the week at OPEL 4."""
    n = len(winter)
    pressure = np.zeros(n)
    pressure[opel4] = 1.0
    offered = rng.poisson(800 * CALLING[dow] * (1 + 0.3 * winter + 0.2 * pressure))
    busy = np.clip(0.6 * winter + 0.25 * (dow >= 5) + pressure + _smooth(rng, n, 0.08), 0, 2)
    abandoned = rng.binomial(offered, np.clip(0.025 + 0.05 * busy, 0, 0.5))
    answer = np.clip(35 + 170 * busy + rng.gamma(2, 8, n), 5, 3600).round()
    callbacks = rng.binomial(offered - abandoned, 0.3)
    within = rng.binomial(callbacks, np.clip(0.6 - 0.2 * busy, 0.05, 1))
    return {
        M.CALLS_OFFERED: offered.astype(float),
        M.CALLS_ABANDONED: abandoned.astype(float),
        M.ANSWER_MEAN_SECONDS: answer,
        M.CLINICAL_CALLBACKS: callbacks.astype(float),
        M.CALLBACKS_WITHIN_20: within.astype(float),
    }


def _council(
    rng: np.random.Generator, scale: float, winter: Array, closes: bool, since_closure: Array
) -> dict[str, Array]:
    packages = rng.poisson(scale * np.clip(26 - 16 * winter, 2, None)).astype(float)
    beds = rng.poisson(
        scale * np.clip(19 - 9 * winter - (12 * since_closure if closes else 0), 1, None)
    )
    return {
        M.HOME_CARE_PACKAGES_AVAILABLE: packages,
        M.CARE_HOME_BEDS_AVAILABLE: beds.astype(float),
    }


def _levels(
    orgs: dict[str, Organisation],
    days: list[dt.date],
    per_day: dict[tuple[str, int], dict[str, float]],
    timeline: Timeline,
) -> int:
    """Each provider's level for each of its services and the system's, day by day, and every
    change of level."""
    services = [(code, kind) for code, made in SERVICES.items() for kind in made]
    levels: list[OpelLevel] = []
    changes: list[LevelChange] = []
    last: dict[tuple[str, str], int | None] = {}
    for i, day in enumerate(days):
        scores: list[tuple[ReturnKind, float]] = []
        for code, kind in services:
            row = per_day.get((code, i))
            lvl = compute.provider_level(kind, row) if row else None
            if lvl is None:
                continue
            scores.append((kind, lvl.score))
            levels.append(
                OpelLevel(
                    organisation=orgs[code],
                    kind=kind.value,
                    date=day,
                    score=lvl.score,
                    level=lvl.level,
                    points=lvl.points,
                    missing=list(lvl.missing),
                )
            )
            if last.get((code, kind)) != lvl.level:
                changes.append(
                    LevelChange(
                        organisation=orgs[code],
                        kind=kind.value,
                        date=day,
                        from_level=last.get((code, kind)),
                        to_level=lvl.level,
                        created_at=timeline.moment(day, 7),
                    )
                )
                last[(code, kind)] = lvl.level
        system = compute.system_level(scores)
        if system is not None:
            levels.append(
                OpelLevel(
                    organisation=None,
                    date=day,
                    score=system.score,
                    level=system.level,
                    points=system.points,
                )
            )
            if last.get(("ICS", "")) != system.level:
                changes.append(
                    LevelChange(
                        organisation=None,
                        date=day,
                        from_level=last.get(("ICS", "")),
                        to_level=system.level,
                        created_at=timeline.moment(day, 7),
                    )
                )
                last[("ICS", "")] = system.level
    OpelLevel.objects.bulk_create(levels, batch_size=2000)
    LevelChange.objects.bulk_create(changes, batch_size=2000)
    return len(levels)


# The services with an OPEL level, by provider.
SERVICES = {
    "RW9": (ReturnKind.ACUTE,),
    "RM9": (ReturnKind.ACUTE,),
    "RX9": (ReturnKind.COMMUNITY, ReturnKind.MENTAL_HEALTH),
    "RY9": (ReturnKind.NHS_111,),
}


# The returns each demo member is set to make, as the programme office would set them: the
# community trust runs the mental health services too (both sections), the ambulance trust runs
# the partnership's NHS 111 service, and the voluntary sector alliance holds no beds or packages
# of its own and makes none.
EXPECTED = {
    "RX9": (ReturnKind.COMMUNITY, ReturnKind.MENTAL_HEALTH),
    "RY9": (ReturnKind.NHS_111,),
    "VS901": (),
}


def _expected(orgs: dict[str, Organisation], when: dt.datetime) -> None:
    ExpectedReturn.objects.bulk_create(
        ExpectedReturn(organisation=orgs[code], kind=k.value, expected=k in kinds, changed_at=when)
        for code, kinds in EXPECTED.items()
        if code in orgs
        for k in ReturnKind
    )


def _plan(orgs: dict[str, Organisation]) -> None:
    EscalationAction.objects.bulk_create(
        EscalationAction(level=level, text=text, owner=owner, order=i)
        for i, (level, text, owner) in enumerate(ACTIONS)
    )
    OnCallContact.objects.bulk_create(
        [
            OnCallContact(
                name="ICB director on call", email="oncall@wyvern-hallowdale-icb.example"
            ),
            OnCallContact(
                organisation=orgs["RW9"],
                name="Wyvern site manager",
                email="site@wyvern-acute.example",
            ),
            OnCallContact(
                organisation=orgs["RM9"],
                name="Hallowdale site manager",
                email="site@hallowdale.example",
            ),
        ]
    )


def _aid(
    orgs: dict[str, Organisation], days: list[dt.date], opel4: Any, timeline: Timeline
) -> None:
    first = days[int(opel4[0])]
    AidRequest.objects.bulk_create(
        [
            AidRequest(
                from_organisation=orgs["RW9"],
                to_organisation=orgs["RM9"],
                kind="divert",
                quantity=6,
                date=first,
                details="Divert six ambulances an hour from 14:00 while ED is full",
                outcome="agreed",
                outcome_note="Agreed until 22:00",
                created_at=timeline.moment(first, 9),
            ),
            AidRequest(
                from_organisation=orgs["RW9"],
                to_organisation=orgs["RX9"],
                kind="beds",
                quantity=10,
                date=first,
                details="Step-down beds for pathway 2 patients",
                outcome="partly",
                outcome_note="Six beds from tomorrow",
                created_at=timeline.moment(first, 9, 30),
            ),
            AidRequest(
                is_offer=True,
                from_organisation=orgs["LA902"],
                to_organisation=None,
                kind="packages",
                quantity=8,
                date=first,
                details="Eight reablement packages free this week",
                outcome="agreed",
                created_at=timeline.moment(first, 11),
            ),
            # This week's: the log is not only last winter's story.
            AidRequest(
                from_organisation=orgs["RW9"],
                to_organisation=orgs["LA901"],
                kind="packages",
                quantity=4,
                date=days[-3],
                details="Four home-care packages for patients ready to go home",
                outcome="partly",
                outcome_note="Two packages start tomorrow",
                created_at=timeline.moment(days[-3], 10),
            ),
            AidRequest(
                is_offer=True,
                from_organisation=orgs["RX9"],
                to_organisation=None,
                kind="beds",
                quantity=3,
                date=days[-2],
                details="Three community rehabilitation beds free from today",
                created_at=timeline.moment(days[-2], 8, 15),
            ),
            AidRequest(
                from_organisation=orgs["RM9"],
                to_organisation=orgs["RW9"],
                kind="staff",
                quantity=2,
                date=days[-1],
                details="Two band 5 nurses for the night shift",
                created_at=timeline.moment(days[-1], 6, 45),
            ),
        ]
    )
