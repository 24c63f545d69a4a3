"""The flow app's calculations, through the engine: OPEL parameters from a day's figures, each
provider's score and level, and the overall ICS score. Plain values in, plain values out: no
database reads and no writes (services store what this returns)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from footprint.engine import flow_fit, opel, spc, spc_daily
from footprint.flow.models import DISCHARGE_PATHWAYS, NCTR_PATHWAYS, Measure, ReturnKind

PROVIDER_TYPE = {
    ReturnKind.ACUTE: opel.ProviderType.ACUTE,
    ReturnKind.COMMUNITY: opel.ProviderType.COMMUNITY,
    ReturnKind.MENTAL_HEALTH: opel.ProviderType.MENTAL_HEALTH,
    ReturnKind.NHS_111: opel.ProviderType.NHS_111,
}


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or whole <= 0:
        return None
    return 100.0 * part / whole


def opel_parameters(kind: ReturnKind, figures: Mapping[str, float]) -> dict[str, float]:
    """The OPEL framework's parameters that ``figures`` (a day's return) give, by key; a
    parameter whose figures were not reported is left out."""
    f = figures.get
    out: dict[str, float | None]
    if kind == ReturnKind.ACUTE:
        nctr_parts = [f(m) for m in NCTR_PATHWAYS]
        nctr = (
            sum(p for p in nctr_parts if p is not None)
            if any(p is not None for p in nctr_parts)
            else None
        )
        out = {
            "handover_mean": f(Measure.HANDOVER_MEAN_MINUTES),
            "handover_60": _share(f(Measure.HANDOVERS_OVER_60), f(Measure.HANDOVERS)),
            "four_hour": f(Measure.FOUR_HOUR_PERCENT),
            "ed_12_hours": _share(f(Measure.WAITS_OVER_12_HOURS), f(Measure.ED_ATTENDANCES)),
            "ed_occupancy": f(Measure.ED_OCCUPANCY_PERCENT),
            "ga_occupancy": _share(f(Measure.GA_BEDS_OCCUPIED), f(Measure.GA_BEDS_OPEN)),
            "nctr_share": _share(nctr, f(Measure.GA_BEDS_OCCUPIED)),
        }
    elif kind == ReturnKind.COMMUNITY:
        out = {
            "bed_occupancy": _share(
                f(Measure.COMMUNITY_BEDS_OCCUPIED), f(Measure.COMMUNITY_BEDS_OPEN)
            ),
            "virtual_ward": _share(
                f(Measure.VIRTUAL_WARD_OCCUPIED), f(Measure.VIRTUAL_WARD_CAPACITY)
            ),
            "ucr_2_hour": _share(f(Measure.UCR_WITHIN_2_HOURS), f(Measure.UCR_REFERRALS)),
            "nctr_share": _share(f(Measure.COMMUNITY_NCTR), f(Measure.COMMUNITY_BEDS_OCCUPIED)),
        }
    elif kind == ReturnKind.MENTAL_HEALTH:
        out = {
            "bed_occupancy": _share(f(Measure.MH_BEDS_OCCUPIED), f(Measure.MH_BEDS_OPEN)),
            "out_of_area": f(Measure.OUT_OF_AREA),
            "ed_12_hours": f(Measure.MH_ED_OVER_12_HOURS),
            "section_136": f(Measure.SECTION_136),
        }
    elif kind == ReturnKind.NHS_111:
        out = {
            "abandoned": _share(f(Measure.CALLS_ABANDONED), f(Measure.CALLS_OFFERED)),
            "answer_seconds": f(Measure.ANSWER_MEAN_SECONDS),
            "callback_20": _share(f(Measure.CALLBACKS_WITHIN_20), f(Measure.CLINICAL_CALLBACKS)),
        }
    else:
        return {}
    return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Level:
    score: float
    level: int
    points: dict[str, int]
    missing: tuple[str, ...]


def provider_level(kind: ReturnKind, figures: Mapping[str, float]) -> Level | None:
    """A provider's OPEL score and level from its day's figures, or None when its kind has
    no OPEL (councils and care providers) or it reported none of the parameters."""
    if kind not in PROVIDER_TYPE:
        return None
    values = opel_parameters(kind, figures)
    if not values:
        return None
    result = opel.provider_score(PROVIDER_TYPE[kind], values)
    return Level(result.score, result.level, dict(result.points), result.missing)


def system_level(providers: Sequence[tuple[ReturnKind, float]]) -> Level | None:
    """The overall ICS score and level from the providers' (kind, score) on a day."""
    scores = [
        opel.ProviderScore(
            kind=PROVIDER_TYPE[kind],
            score=score,
            level=opel.level_for(score),
            points={},
            missing=(),
        )
        for kind, score in providers
        if kind in PROVIDER_TYPE
    ]
    if not scores:
        return None
    result = opel.system_score(scores)
    return Level(
        result.score,
        result.level,
        {kind.value: level for kind, (_, level) in result.pillars.items()},
        (),
    )


def parameter_labels(kind: ReturnKind) -> dict[str, str]:
    """The OPEL parameters of ``kind`` by key, in words (for the pages)."""
    if kind not in PROVIDER_TYPE:
        return {}
    return {p.key: p.label for p in opel.OPEL_2024_26.parameters[PROVIDER_TYPE[kind]]}


def unconfirmed() -> list[str]:
    """Every value of the framework not confirmed against the published text."""
    return opel.OPEL_2024_26.unconfirmed()


# ---------------------------------------------------------------------------------------------
# The system page: daily series across the providers, each judged with day-of-week SPC

VERDICTS = {
    spc.PointType.COMMON_CAUSE: "Usual variation",
    spc.PointType.IMPROVEMENT: "Special cause: improvement",
    spc.PointType.CONCERN: "Special cause: concern",
    spc.PointType.NEUTRAL_HIGH: "Special cause: high",
    spc.PointType.NEUTRAL_LOW: "Special cause: low",
    spc.PointType.TOO_FEW_POINTS: "Too few points to judge",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class SeriesDef:
    key: str
    title: str
    unit: str
    improvement: str  # "increase", "decrease" or "neutral"


SYSTEM_SERIES = (
    SeriesDef("ga_occupancy", "General and acute bed occupancy", "%", "decrease"),
    SeriesDef("escalation_beds", "Escalation beds open", "beds", "neutral"),
    SeriesDef("admissions", "Emergency admissions", "patients", "neutral"),
    SeriesDef("nctr_total", "Patients with no criteria to reside", "patients", "decrease"),
    SeriesDef("nctr_pathway_0", "No criteria to reside: pathway 0", "patients", "decrease"),
    SeriesDef("nctr_pathway_1", "No criteria to reside: pathway 1", "patients", "decrease"),
    SeriesDef("nctr_pathway_2", "No criteria to reside: pathway 2", "patients", "decrease"),
    SeriesDef("nctr_pathway_3", "No criteria to reside: pathway 3", "patients", "decrease"),
    SeriesDef("handover_mean", "Mean ambulance handover time", "minutes", "decrease"),
    SeriesDef("handovers_over_60", "Ambulance handovers over 60 minutes", "handovers", "decrease"),
)


# A day's returns by provider name (the acute trusts' for the system page).
DayReturns = Mapping[str, Mapping[str, float]]


def missing_from(rows: DayReturns, expected: Sequence[str], measures: Sequence[str]) -> list[str]:
    """The providers ``expected`` to report (by name, in their order) that did not report every
    one of ``measures`` on the day: no return, or a return without one of them."""
    return [n for n in expected if any(m not in rows.get(n, {}) for m in measures)]


def complete_total(
    rows: DayReturns, expected: Sequence[str], measure: str
) -> tuple[float | None, list[str]]:
    """The system total of ``measure`` on a day and the providers that did not report it: the
    total only when every provider ``expected`` reported it (a total of the returns that
    arrived would look like an improvement), else None. None too when none is expected."""
    missing = missing_from(rows, expected, (measure,))
    if missing or not expected:
        return None, missing
    return sum(rows[n][measure] for n in expected), []


_PARTS: dict[str, tuple[str, ...]] = {
    "ga_occupancy": (Measure.GA_BEDS_OCCUPIED, Measure.GA_BEDS_OPEN),
    "escalation_beds": (Measure.ESCALATION_BEDS,),
    "admissions": (Measure.ADMISSIONS,),
    "nctr_total": NCTR_PATHWAYS,
    **{str(m): (m,) for m in NCTR_PATHWAYS},
    "handover_mean": (Measure.HANDOVER_MEAN_MINUTES, Measure.HANDOVERS),
    "handovers_over_60": (Measure.HANDOVERS_OVER_60,),
}


def system_day(
    rows: DayReturns, expected: Sequence[str]
) -> tuple[dict[str, float | None], dict[str, list[str]]]:
    """One day's system figures from the acute trusts' returns of that day (by trust name),
    and for each figure the trusts ``expected`` that did not report every part of it.

    A figure is given only when every trust expected reported every part of it (occupancy:
    beds occupied and open; the mean handover time: the mean and the number of handovers);
    otherwise it is None and the day is incomplete for it, naming who is missing: a total of
    the returns that arrived would look like an improvement, and a ratio over some trusts is
    not the system's. Occupancy is beds occupied ÷ beds open over the trusts; the mean
    handover time is weighted by handovers."""
    missing = {key: missing_from(rows, expected, parts) for key, parts in _PARTS.items()}
    mine = [rows[n] for n in expected if n in rows]

    def added(measure: str) -> float:
        return sum(r[measure] for r in mine)

    values: dict[str, float | None] = {key: None for key in _PARTS}
    if expected:
        if not missing["ga_occupancy"]:
            values["ga_occupancy"] = _share(
                added(Measure.GA_BEDS_OCCUPIED), added(Measure.GA_BEDS_OPEN)
            )
        for key in ("escalation_beds", "admissions", "handovers_over_60", *NCTR_PATHWAYS):
            measure = _PARTS[str(key)][0]
            if not missing[str(key)]:
                values[str(key)] = added(measure)
        if not missing["nctr_total"]:
            values["nctr_total"] = sum(added(m) for m in NCTR_PATHWAYS)
        if not missing["handover_mean"]:
            handovers = added(Measure.HANDOVERS)
            values["handover_mean"] = (
                sum(r[Measure.HANDOVER_MEAN_MINUTES] * r[Measure.HANDOVERS] for r in mine)
                / handovers
                if handovers
                else None
            )
    return values, missing


def listed(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class TableRow:
    """A row of a table of system totals: a figure on the day and a week before, each with the
    providers that did not report it (the figure is then None: not given)."""

    label: str
    now: float | None
    missing_now: list[str]
    before: float | None
    missing_before: list[str]


def system_table(
    measures: Sequence[str],
    labels: Sequence[str],
    now: DayReturns,
    before: DayReturns,
    expected: Sequence[str],
) -> list[TableRow]:
    """The system totals of ``measures`` on a day and a week before (``complete_total``)."""
    out = []
    for measure, label in zip(measures, labels, strict=True):
        value, missing = complete_total(now, expected, measure)
        earlier, missing_earlier = complete_total(before, expected, measure)
        out.append(TableRow(label, value, missing, earlier, missing_earlier))
    return out


# The system page's limits come from a baseline: the first six whole weeks with figures (each
# weekday six times; 42 days, more than the 20 points Making Data Count asks for), fixed for
# the days after them.
BASELINE_DAYS = 42


@dataclass(frozen=True)
class JudgedSeries:
    key: str
    title: str
    unit: str
    points: list[dict[str, object]]  # for the chart
    rows: list[dict[str, str]]  # for its table, newest first
    sentence: str  # what the chosen day shows, in words
    special: bool  # whether the chosen day is a special cause
    incomplete_days: int = 0  # days with no system figure because a provider did not report
    baseline: tuple[dt.date, dt.date] | None = None  # the days the limits come from
    shifted: bool | None = None  # above (True) or below its average every day for a week or
    # more up to the chosen day; None when not


def _shown(value: float, unit: str) -> str:
    text = f"{value:,.1f}" if unit in ("%", "minutes") else f"{value:,.0f}"
    return f"{text}%" if unit == "%" else f"{text} {unit}"


INCOMPLETE = "Incomplete, not judged"


def _difference(value: float, unit: str) -> str:
    """A difference between two figures: of percentages, in percentage points."""
    if unit == "%":
        return f"{value:,.1f} percentage points"
    return _shown(value, unit)


def judge_series(
    definition: SeriesDef,
    days: Sequence[dt.date],
    values: Sequence[float | None],
    missing: Sequence[Sequence[str]] | None = None,
    baseline: int | None = None,
) -> JudgedSeries:
    """Day-of-week SPC on one daily series, the last day being the day chosen. A day with
    providers ``missing`` (expected, they did not report the figure) is incomplete: it has no
    system figure (any value given for it is dropped), it is listed naming who is missing,
    and it is neither drawn, judged nor used for the limits. With ``baseline``, the weekly
    pattern, the average and the limits are those of the ``baseline`` days from the first
    with a figure, and every later day is judged against them; when no day is left after
    them, there is no baseline (the limits come from every day, as without one). A run of
    seven or more days on one side of the average is said once, as a shift, rather than as
    that many unusual days."""
    gaps = [list(m) for m in missing] if missing is not None else [[] for _ in values]
    skip = [bool(g) for g in gaps]
    values = [None if x else v for v, x in zip(values, skip, strict=True)]
    first = next((i for i, v in enumerate(values) if v is not None), 0)
    if baseline is not None:
        baseline = first + baseline if first + baseline < len(days) else None
    judged = spc_daily.analyse_by_weekday(
        values,
        [d.weekday() for d in days],
        improvement=definition.improvement,
        excluded=skip,
        baseline=baseline,
    )
    average = "the baseline average" if baseline else "the average"
    in_shift: dict[int, spc_daily.Shift] = {
        i: found
        for found in spc_daily.shifts(judged.sides)
        for i in range(found.start, found.end + 1)
    }
    last_index = len(days) - 1
    ongoing = in_shift.get(last_index)

    def shift_words(found: spc_daily.Shift) -> str:
        side = "above" if found.high else "below"
        if found.end == last_index:
            return f"{side} {average} every day since {days[found.start]:%-d %B}"
        return f"a run {side} {average}, {days[found.start]:%-d %B} to {days[found.end]:%-d %B}"

    def verdict(i: int, p: spc.SpcPoint) -> str:
        found = in_shift.get(i)
        if found is None:
            return VERDICTS[p.point_type] + (f" ({p.rule.label.lower()})" if p.rule else "")
        words = "Part of a shift: " + shift_words(found)
        if p.rule is not None and p.rule not in (spc.Rule.SHIFT_HIGH, spc.Rule.SHIFT_LOW):
            return (
                f"{VERDICTS[p.point_type]} ({p.rule.label.lower()}); {words[0].lower()}{words[1:]}"
            )
        return words

    points = [
        {
            "period": d.isoformat(),
            "value": None if p.value is None or x else round(p.value, 2),
            "mean": round(p.mean, 2),
            # Every system figure is a count, a time or a percentage: none below 0.
            "lower": round(max(p.lower, 0.0), 2),
            "upper": round(p.upper, 2),
            "point_type": p.point_type.value,
            "rule": p.rule.value if p.rule else None,
            "segment": p.segment,
        }
        for d, p, x in zip(days, judged.result.points, skip, strict=True)
    ]
    last = judged.result.points[-1]
    day = days[-1]
    weekday = WEEKDAYS[day.weekday()]
    if skip[-1]:
        sentence = (
            f"{definition.title}: no system figure for {day:%-d %B %Y}, because "
            f"{listed(gaps[-1])} did not report it (a total of the returns that arrived would "
            "understate the system); the day is not judged."
        )
        special = False
    elif last.value is None:
        sentence = f"{definition.title}: no figures for {day:%-d %B %Y}."
        special = False
    elif last.point_type == spc.PointType.TOO_FEW_POINTS or not math.isfinite(last.mean):
        sentence = (
            f"{definition.title}: {_shown(last.value, definition.unit)}; too few days to judge."
        )
        special = False
    else:
        gap = last.value - last.mean
        direction = "above" if gap >= 0 else "below"
        usual = f"the usual {_shown(last.mean, definition.unit)} for a {weekday}"
        special = last.rule is not None
        kind = (
            ": a concern"
            if last.point_type == spc.PointType.CONCERN
            else ": an improvement"
            if last.point_type == spc.PointType.IMPROVEMENT
            else ""
        )
        run_only = last.rule in (spc.Rule.SHIFT_HIGH, spc.Rule.SHIFT_LOW)
        said = (
            f", part of a shift{kind}"
            if ongoing is not None and run_only
            else f" — {last.rule.label.lower()}{kind}"
            if last.rule is not None
            else ", within the usual variation"
        )
        sentence = (
            f"{definition.title}: {_shown(last.value, definition.unit)}, "
            f"{_difference(abs(gap), definition.unit)} {direction} {usual}{said}."
        )
        if ongoing is not None:
            sentence += " " + _shift_sentence(
                definition, days, judged, ongoing, baseline, first, shift_words(ongoing)
            )
    rows = [
        {
            "day": f"{d:%a %-d %B %Y}",
            "value": "–" if p.value is None else _number(p.value, definition.unit),
            "mean": _number(p.mean, definition.unit),
            "lower": _number(max(p.lower, 0.0), definition.unit),
            "upper": _number(p.upper, definition.unit),
            "verdict": f"{INCOMPLETE}: no figure from {listed(g)}" if g else verdict(i, p),
            "baseline": "" if baseline is None else "Yes" if i < baseline else "No",
        }
        for i, d, p, g in reversed(
            list(zip(range(len(days)), days, judged.result.points, gaps, strict=True))
        )
    ]
    return JudgedSeries(
        definition.key,
        definition.title,
        definition.unit,
        points,
        rows,
        sentence,
        special,
        incomplete_days=sum(skip),
        baseline=None if baseline is None else (days[first], days[baseline - 1]),
        shifted=None if ongoing is None else ongoing.high,
    )


def _shift_sentence(
    definition: SeriesDef,
    days: Sequence[dt.date],
    judged: spc_daily.WeekdayResult,
    ongoing: spc_daily.Shift,
    baseline: int | None,
    first: int,
    words: str,
) -> str:
    """The plain-English line for a series that has been on one side of its average for a
    week or more up to the chosen day: one change of level, with the baseline's average
    beside the last seven days' (both a whole week's worth, so the weekly pattern cancels)."""
    # The average day: the mean the adjusted values were judged against.
    p, a = judged.result.points[-1], judged.adjusted[-1]
    centre = p.mean - (p.value - a) if p.value is not None and a is not None else p.mean
    recent = [v for v in (q.value for q in judged.result.points[-7:]) if v is not None]
    text = (
        f"It has been {words} ({ongoing.days} days): a change of level, not "
        f"{ongoing.days} unusual days."
    )
    if baseline is not None:
        text += (
            f" The limits are those of the baseline, {days[first]:%-d %B} to "
            f"{days[baseline - 1]:%-d %B %Y}, which averaged "
            f"{_shown(centre, definition.unit)} a day"
        )
        if recent:
            text += (
                f"; the last 7 days averaged {_shown(sum(recent) / len(recent), definition.unit)}"
            )
        text += "."
    return text


def _number(value: float, unit: str) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{value:,.1f}" if unit in ("%", "minutes") else f"{value:,.1f}".removesuffix(".0")


def system_picture(
    days: Sequence[dt.date],
    by_day: Mapping[dt.date, DayReturns],
    expected: Sequence[str],
) -> list[JudgedSeries]:
    """Every system series over ``days`` (the chosen day last), judged; ``by_day`` is each
    day's acute returns by trust name and ``expected`` the trusts expected to make them. A
    day on which an expected trust did not report a figure (or a part of it) has no system
    figure for it and is incomplete, naming the trust (``system_day``)."""
    judged_days = [system_day(by_day.get(d, {}), expected) for d in days]
    return [
        judge_series(
            s,
            days,
            [v[s.key] for v, _ in judged_days],
            [gaps[s.key] for _, gaps in judged_days],
            baseline=BASELINE_DAYS,
        )
        for s in SYSTEM_SERIES
    ]


def what_changed(series: Sequence[JudgedSeries], day: dt.date) -> str:
    """The plain-English line: which series the chosen day is a special cause in, and which
    have shifted (a week or more on one side of their average up to the day)."""

    def names(chosen: Sequence[JudgedSeries]) -> str:
        return listed([s.title[0].lower() + s.title[1:] for s in chosen])

    shifted = [s for s in series if s.shifted is not None]
    special = [s for s in series if s.special and s.shifted is None]
    parts = []
    if special:
        parts.append(
            f"On {day:%-d %B %Y}, allowing for the day of the week, {names(special)} "
            f"{'was' if len(special) == 1 else 'were'} beyond the usual variation (details below)."
        )
    for high in (True, False):
        chosen = [s for s in shifted if s.shifted is high]
        if chosen:
            has = "has" if len(chosen) == 1 else "have"
            parts.append(
                f"For a week or more up to {day:%-d %B}, {names(chosen)} {has} been "
                f"{'above' if high else 'below'} {'its' if len(chosen) == 1 else 'their'} "
                f"{'baseline ' if all(s.baseline for s in chosen) else ''}average every day: "
                "a change of level rather than unusual days (details below)."
            )
    if not parts:
        return (
            f"Nothing changed beyond the usual variation on {day:%-d %B %Y}: every series is "
            "within its limits, allowing for the day of the week."
        )
    return " ".join(parts)


def has_opel(kind: ReturnKind | None) -> bool:
    """Whether a provider of ``kind`` has an OPEL level (councils and care providers do not)."""
    return kind in PROVIDER_TYPE


def _fit_day(values: Mapping[str, float]) -> flow_fit.Day:
    return flow_fit.Day(
        admissions=values.get(Measure.ADMISSIONS),
        occupied=values.get(Measure.GA_BEDS_OCCUPIED),
        discharges={p: values.get(m) for p, m in enumerate(DISCHARGE_PATHWAYS)},
        nctr={p: values.get(m) for p, m in enumerate(NCTR_PATHWAYS)},
    )


def discharge_fit(
    figures: Mapping[tuple[int, dt.date], Mapping[str, float]],
) -> dict[int | None, flow_fit.Fit]:
    """Length of stay, discharge pathway shares and each pathway's mean delay (Little's law,
    ``engine.flow_fit``) from acute returns by (organisation key, day), as
    ``queries.returns_between(start, end, queries.acute_trusts())`` gives them: one fit for
    each organisation and, under None, one for them all added up day by day (a figure counts
    on a day only when every organisation that made a return that day reported it)."""
    by_org: dict[int, list[tuple[dt.date, Mapping[str, float]]]] = {}
    by_day: dict[dt.date, list[Mapping[str, float]]] = {}
    for (org, day), values in sorted(figures.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        by_org.setdefault(org, []).append((day, values))
        by_day.setdefault(day, []).append(values)
    out: dict[int | None, flow_fit.Fit] = {
        org: flow_fit.fit([_fit_day(v) for _, v in days]) for org, days in by_org.items()
    }
    measures = (Measure.ADMISSIONS, Measure.GA_BEDS_OCCUPIED, *DISCHARGE_PATHWAYS, *NCTR_PATHWAYS)
    summed = []
    for rows in by_day.values():
        total = {str(m): sum(r[m] for r in rows) for m in measures if all(m in r for r in rows)}
        summed.append(_fit_day(total))
    if summed:
        out[None] = flow_fit.fit(summed)
    return out
