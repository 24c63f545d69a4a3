"""SPC and goal judgements for the plan's pages: the only module here that calls the engine.

It turns what ``queries`` read into the engine's inputs and the engine's verdicts into values
for pages, the API and publication. It reads nothing and writes nothing. The verdicts are the
engine's enumerations (``Variation``, ``Assurance``, ``Rule``, ``Status``), each with its
``label``: the one set of words every page uses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from footprint.core import breakdowns
from footprint.core.breakdowns import Breakdown
from footprint.engine import gaps as gap_engine
from footprint.engine import goals as goal_engine
from footprint.engine import inequalities as ineq
from footprint.engine import spc
from footprint.engine.gaps import Trend
from footprint.engine.goals import Status
from footprint.engine.spc import Assurance, Rule, Variation, VariationGroup
from footprint.plans.figures import MONTHS_IN, Kind, add_months, figure, kind_of
from footprint.plans.models import Goal, Measurement, Metric, Rebase
from footprint.plans.queries import MeasuredValues, SeriesData

__all__ = [
    "Assurance",
    "Rule",
    "Status",
    "Trend",
    "Variation",
    "VariationGroup",
]


def horizon_of(baseline: dt.date, target: dt.date) -> str:
    return goal_engine.horizon(baseline.toordinal(), target.toordinal())


def set_horizon(sender: type[Goal], instance: Goal, **kwargs: Any) -> None:
    """Before a goal is saved, its horizon from its dates (connected in ``apps.py``, so that
    the model need not import this module)."""
    instance.horizon = horizon_of(instance.baseline_date, instance.target_date)


@dataclass(frozen=True)
class Series:
    """One metric's measurements for one subject, oldest first, with its SPC verdict."""

    metric: Metric
    subject_key: str
    subject_label: str
    periods: list[dt.date]
    values: list[float | None]
    rebases: list[Rebase]
    result: spc.SpcResult
    # A gap series is written in its own unit (percentage points for a percentage).
    unit: str = ""

    @property
    def figure_unit(self) -> str:
        return self.unit or self.metric.unit

    @property
    def latest_period(self) -> dt.date | None:
        present = [p for p, v in zip(self.periods, self.values, strict=True) if v is not None]
        return present[-1] if present else None

    @property
    def latest_value(self) -> float | None:
        present = [v for v in self.values if v is not None]
        return present[-1] if present else None


def judge_series(data: SeriesData, target: float | None = None) -> Series:
    """Judge one series (with its rebases) against an optional target."""
    rows = data.measurements
    periods = [r.period for r in rows]
    rebase_at = rebase_points(periods, [rb.period for rb in data.rebases])
    result = spc.analyse(
        [r.value for r in rows],
        improvement=data.metric.improvement,
        target=target,
        rebase_at=rebase_at,
    )
    label = rows[0].subject_label if rows else data.subject_key
    return Series(
        data.metric,
        data.subject_key,
        label,
        periods,
        [r.value for r in rows],
        data.rebases,
        result,
    )


def rebase_points(periods: list[dt.date], starts: Iterable[dt.date]) -> list[int]:
    """Where new limits start: for each rebase, the first period on or after it (a rebase
    recorded for a month with no row yet starts at the next one); none at the first period,
    where the limits start anyway, or after the last."""
    points = set()
    for start in starts:
        i = next((i for i, p in enumerate(periods) if p >= start), None)
        if i:
            points.add(i)
    return sorted(points)


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    series: Series
    judgement: goal_engine.GoalJudgement
    # What the goal was judged from (its figures by group are published with it).
    data: SeriesData | None = None


def period_end(period: dt.date, frequency: str) -> dt.date:
    """The last day of the month, quarter or year that starts on ``period``."""
    return add_months(period, MONTHS_IN.get(frequency, 1)) - dt.timedelta(days=1)


def judge_goal(goal: Goal, data: SeriesData, today: dt.date | None = None) -> GoalView:
    """Judge a goal on its series (``queries.series(goal.metric, goal.subject_key)``) on
    ``today`` (the target date has passed once its month is over; without ``today``, once the
    figures reach it). A gap goal is judged the same way on its gap series (``gap_series``),
    better towards its target."""
    if goal.is_gap:
        improvement = gap_engine.improvement_towards(goal.baseline_value, goal.target_value)
        series = gap_series(goal, data)
    else:
        improvement = goal.metric.improvement
        series = judge_series(data, target=goal.target_value)
    latest = series.latest_period
    judgement = goal_engine.judge(
        improvement=improvement,
        baseline_day=goal.baseline_date.toordinal(),
        baseline_value=goal.baseline_value,
        target_day=goal.target_date.toordinal(),
        target_value=goal.target_value,
        latest_day=latest.toordinal() if latest else None,
        latest_value=series.latest_value,
        variation_icon=series.result.variation_icon,
        assurance=series.result.assurance,
        today_day=today.toordinal() if today else None,
        due_day=add_months(goal.target_date, 1).toordinal(),
        latest_end_day=period_end(latest, goal.metric.frequency).toordinal() if latest else None,
    )
    return GoalView(goal, series, judgement, data)


def judge_goals(
    goals: Iterable[Goal],
    series: dict[tuple[int, str], SeriesData],
    today: dt.date | None = None,
) -> list[GoalView]:
    """Judge many goals on their series (``queries.series_of_goals``), in their order."""
    return [judge_goal(g, series[(g.metric_id, g.subject_key)], today) for g in goals]


@dataclass(frozen=True)
class Warning:
    """A series whose latest point is a special-cause concern."""

    metric: Metric
    subject_key: str
    subject_label: str
    latest_period: dt.date
    latest_value: float
    rule: Rule | None
    variation_icon: Variation


def early_warnings(measured: MeasuredValues) -> list[Warning]:
    """Every series whose latest verdict is a concern, newest first.

    Series without rebases are judged together with ``analyse_many`` (aligned on their last
    period, missing periods left empty); series with rebases one at a time.
    """
    grouped = measured.values
    # series, point, rule, variation icon
    concerns: list[tuple[tuple[int, str], int, Rule | None, Variation]] = []
    batch_keys = [k for k in grouped if k not in measured.rebased]
    if batch_keys:
        width = max(len(grouped[k]) for k in batch_keys)
        values = np.full((len(batch_keys), width), np.nan)
        for i, key in enumerate(batch_keys):
            series = [np.nan if v is None else v for _, v in grouped[key]]
            values[i, width - len(series) :] = series
        directions = [measured.metrics[k[0]].improvement for k in batch_keys]
        result = spc.analyse_many(values, improvement=directions)
        for i, key in enumerate(batch_keys):
            icon = result.variation_of(i)
            if icon.is_concern:
                last = _last_present(grouped[key])
                rule = result.rule_at(i, width - len(grouped[key]) + last)
                concerns.append((key, last, rule, icon))
    for key, data in measured.rebased.items():
        judged = judge_series(data)
        if judged.result.variation_icon.is_concern:
            last = _last_present(grouped[key])
            concerns.append(
                (key, last, judged.result.points[last].rule, judged.result.variation_icon)
            )
    warnings = []
    for (metric_id, key), last, rule, icon in concerns:
        period, value = grouped[(metric_id, key)][last]
        assert value is not None
        warnings.append(
            Warning(
                measured.metrics[metric_id],
                key,
                measured.labels.get(key, key),
                period,
                value,
                rule,
                icon,
            )
        )
    warnings.sort(key=lambda w: (w.latest_period, w.metric.name), reverse=True)
    return warnings


def _last_present(points: list[tuple[dt.date, float | None]]) -> int:
    """The index of the last point with a value."""
    return max(i for i, (_, v) in enumerate(points) if v is not None)


# The summary matrix's rows and columns, in the order the page shows them; no assurance
# (no target, or too few points) is the last column.
MATRIX_ROWS = [
    VariationGroup.IMPROVEMENT,
    VariationGroup.COMMON,
    VariationGroup.CONCERN,
    VariationGroup.NEUTRAL,
    VariationGroup.TOO_FEW_POINTS,
]
MATRIX_COLUMNS: list[Assurance | None] = [
    Assurance.PASS,
    Assurance.INCONSISTENT,
    Assurance.FAIL,
    None,
]
# Every symbol, in the order the key on each page explains them.
SYMBOLS = {"variations": list(Variation), "assurances": list(Assurance)}


def summary_matrix(
    views: Iterable[GoalView],
) -> dict[tuple[VariationGroup, Assurance | None], list[GoalView]]:
    """Goals by (variation, assurance) for the Making Data Count summary matrix."""
    matrix: dict[tuple[VariationGroup, Assurance | None], list[GoalView]] = {}
    for view in views:
        result = view.series.result
        matrix.setdefault((result.variation_icon.group, result.assurance), []).append(view)
    return matrix


def reading(view: GoalView) -> list[str]:
    """The chart in plain English, a sentence at a time, each figure written as its unit is
    (``figures.figure``)."""
    s = view.series
    if s.latest_value is None or s.latest_period is None:
        return ["There are no measurements yet."]
    unit = s.figure_unit

    def fig(x: float) -> str:
        return figure(x, unit)

    last = [p for p in s.result.points if p.value is not None][-1]
    sentences = [f"The latest figure, for {s.latest_period:%B %Y}, is {fig(s.latest_value)}."]
    if s.result.too_few_points:
        count = sum(1 for p in s.result.points if p.segment == last.segment and p.value is not None)
        since = " since the limits were last recalculated" if last.segment else ""
        sentences.append(
            f"There are too few points to judge: {count} "
            f"{'month' if count == 1 else 'months'} of figures{since}, and limits need at "
            f"least {spc.MIN_POINTS}. The chart shows no limits and no verdict against the "
            "target until there are enough."
        )
    else:
        sentences += [
            f"The average is {fig(last.mean)}; most months should fall between "
            f"{fig(last.lower)} and {fig(last.upper)}.",
            f"The latest point shows {_lower_first(s.result.variation_icon.label)}"
            + (f" ({last.rule.label})." if last.rule else "."),
        ]
    goal = view.goal
    if s.result.assurance:
        sentences.append(
            f"Against the target of {fig(goal.target_value)}: {s.result.assurance.label}."
        )
    if view.judgement.past_target:
        sentences.append(
            f"The target was {fig(goal.target_value)} by {goal.target_date:%B %Y}. "
            f"{view.judgement.reason}"
        )
    elif view.judgement.expected is not None:
        sentences.append(
            f"The trajectory from the baseline expects {fig(view.judgement.expected)} "
            f"by now. {view.judgement.reason}"
        )
    if s.rebases:
        sentences.append(
            "The limits were recalculated from "
            + "; ".join(f"{r.period:%B %Y} ({r.reason})" for r in s.rebases)
            + "."
        )
    return sentences


def _lower_first(words: str) -> str:
    return words[:1].lower() + words[1:]


def chart_points(series: Series) -> list[dict[str, object]]:
    """The series as rows for the chart and its table."""

    def clean(x: float) -> float | None:
        return None if x != x else round(x, 4)  # NaN → None

    return [
        {
            "period": period.isoformat(),
            "value": value,
            "mean": clean(p.mean),
            "lower": clean(p.lower),
            "upper": clean(p.upper),
            "point_type": p.point_type,
            "rule": p.rule,
            "segment": p.segment,
        }
        for period, value, p in zip(
            series.periods, series.values, series.result.points, strict=True
        )
    ]


# Split figures and gaps


def gap_unit(unit: str) -> str:
    """The unit a gap between two figures in ``unit`` is written in: percentage points
    between percentages, else the unit itself."""
    return "percentage points" if kind_of(unit) in (Kind.PERCENT, Kind.PERCENT_OF) else unit


@dataclass(frozen=True)
class GroupFigures:
    """One breakdown's figures of a series: each period's value and population by group
    (``None`` where missing), periods oldest first, groups in the breakdown's order (every
    quantile; the ethnic groups that have a figure)."""

    breakdown: Breakdown
    groups: list[tuple[str, str]]
    periods: list[dt.date]
    values: list[list[float | None]]
    populations: list[list[float | None]]

    @property
    def label(self) -> str:
        return self.breakdown.label

    def array(self, which: str = "values") -> np.ndarray:
        rows = self.values if which == "values" else self.populations
        return np.array(
            [[np.nan if x is None else x for x in row] for row in rows], dtype=np.float64
        )

    def column(self, code: str) -> int | None:
        return next((i for i, (c, _) in enumerate(self.groups) if c == code), None)

    @property
    def all_populations(self) -> bool:
        return all(x is not None for row in self.populations for x in row)


def group_figures(split: Iterable[Measurement]) -> list[GroupFigures]:
    """The split figures of a series as one table per breakdown, in ``Breakdown`` order."""
    by_kind: dict[str, list[Measurement]] = {}
    for m in split:
        by_kind.setdefault(m.breakdown, []).append(m)
    tables = []
    for kind in Breakdown:
        rows = by_kind.get(kind.value)
        if not kind or not rows:
            continue
        present = {m.category for m in rows}
        groups = [
            (c, name)
            for c, name in breakdowns.categories(kind)
            if kind.is_deprivation or c in present
        ]
        periods = sorted({m.period for m in rows})
        at = {(m.period, m.category): m for m in rows}
        tables.append(
            GroupFigures(
                kind,
                groups,
                periods,
                [[_value(at.get((p, c))) for c, _ in groups] for p in periods],
                [[_population(at.get((p, c))) for c, _ in groups] for p in periods],
            )
        )
    return tables


def _value(m: Measurement | None) -> float | None:
    return None if m is None else m.value


def _population(m: Measurement | None) -> float | None:
    return None if m is None else m.population


def gap_values(goal: Goal, table: GroupFigures) -> list[float | None]:
    """Each period's gap for a gap goal: the SII across the quantiles (weighted by population
    when every figure has one, else equally), or the first group less the second."""
    if goal.gap_measure == Goal.GapMeasure.SII:
        pops = table.array("populations") if table.all_populations else None
        # Every gap reads the most deprived end less the least deprived end: the engine's
        # SII (OHID's sign, least less most) negated.
        found = -gap_engine.sii_series(table.array(), pops)
    else:
        first, second = table.column(goal.gap_first), table.column(goal.gap_second)
        if first is None or second is None:
            return [None] * len(table.periods)
        found = gap_engine.difference_series(table.array(), first, second)
    return [None if not np.isfinite(x) else float(x) for x in found]


def gap_table(goal: Goal, data: SeriesData) -> GroupFigures | None:
    """The breakdown a gap goal's gap is taken across, if the series has its figures."""
    return next((t for t in group_figures(data.split) if t.breakdown == goal.gap_breakdown), None)


def gap_series(goal: Goal, data: SeriesData) -> Series:
    """A gap goal's gap, period by period, with its SPC verdict against the goal's target
    (better towards the target)."""
    table = gap_table(goal, data)
    periods = table.periods if table else []
    values = gap_values(goal, table) if table else []
    result = spc.analyse(
        values,
        improvement=gap_engine.improvement_towards(goal.baseline_value, goal.target_value),
        target=goal.target_value,
    )
    return Series(
        data.metric,
        data.subject_key,
        goal.subject_label,
        periods,
        values,
        [],
        result,
        unit=gap_unit(data.metric.unit),
    )


def gap_name(goal: Goal) -> str:
    """What a gap goal's gap is, in words: 'Quintile 1 (most deprived) less Quintile 5
    (least deprived)', or 'The slope index of inequality across deprivation quintiles (the
    most deprived end less the least deprived end)'."""
    if goal.gap_measure == Goal.GapMeasure.SII:
        across = Breakdown(goal.gap_breakdown).label.lower()
        return (
            f"The slope index of inequality across {across}s "
            "(the most deprived end less the least deprived end)"
        )
    first = breakdowns.label(goal.gap_breakdown, goal.gap_first)
    second = breakdowns.label(goal.gap_breakdown, goal.gap_second)
    return f"{first} less {second}"


@dataclass(frozen=True)
class SiiView:
    """The SII of the latest period with every quantile's figure, and its interval."""

    period: dt.date
    sii: float
    lower: float | None
    upper: float | None
    confidence: float
    note: str


RATE = re.compile(r"^per\s+([\d,]+)")
SII_CONFIDENCE = 0.95


def latest_sii(table: GroupFigures, unit: str) -> SiiView | None:
    """The SII of the latest period with every quantile's figure and population, with its
    95 % interval simulated as OHID's ``phe_sii`` does (a percentage as a proportion with
    Wilson limits, a rate per N with Byar's); None if no period has them all. Its sign is
    Footprint's for every gap, the most deprived end less the least deprived end: OHID's
    (least less most) negated, as in ``gap_values``."""
    if not table.breakdown.is_deprivation:
        return None
    values, pops = table.array(), table.array("populations")
    complete = np.isfinite(values).all(axis=1) & np.isfinite(pops).all(axis=1)
    if not complete.any():
        return None
    i = int(np.flatnonzero(complete)[-1])
    v, n = values[i], pops[i]
    kind = kind_of(unit)
    try:
        if kind is Kind.PERCENT:
            p = v / 100
            est = ineq.proportion(p * n, n)
            se = ineq.standard_errors_from_limits(est.lower, est.upper, ineq.ValueType.PROPORTION)
            res = ineq.sii(
                list(p), list(n), list(se), value_type="proportion", confidence=(SII_CONFIDENCE,)
            )
            scale, note = 100.0, "Wilson limits of each quintile's percentage"
        elif kind is Kind.RATE and (m := RATE.match(" ".join(unit.lower().split()))):
            per = float(m.group(1).replace(",", ""))
            est = ineq.crude_rate(v * n / per, n, multiplier=per)
            se = ineq.standard_errors_from_limits(est.lower, est.upper, ineq.ValueType.RATE)
            res = ineq.sii(
                list(v), list(n), list(se), value_type="rate", confidence=(SII_CONFIDENCE,)
            )
            scale, note = 1.0, "Byar's limits of each quintile's rate"
        else:
            slope = -float(gap_engine.sii_series(values[i : i + 1], pops[i : i + 1])[0])
            return SiiView(
                table.periods[i],
                slope,
                None,
                None,
                SII_CONFIDENCE,
                "No interval: it needs a percentage or a rate per number of people",
            )
    except ineq.InequalityInputError as exc:
        slope = -float(gap_engine.sii_series(values[i : i + 1], pops[i : i + 1])[0])
        return SiiView(table.periods[i], slope, None, None, SII_CONFIDENCE, f"No interval: {exc}")
    low, high = res.sii_limits[SII_CONFIDENCE]
    return SiiView(
        table.periods[i],
        -res.sii * scale,
        -high * scale,
        -low * scale,
        SII_CONFIDENCE,
        f"Simulated from the {note} ({res.repetitions:,} draws)",
    )


@dataclass(frozen=True)
class BreakdownView:
    """One breakdown's figures on a goal page: the table, the latest SII (deprivation only),
    the gap between the two ends and whether it is narrowing."""

    table: GroupFigures
    sii: SiiView | None
    ends_gap: list[float | None]
    trend: Trend | None


def breakdown_views(data: SeriesData) -> list[BreakdownView]:
    """Every breakdown a series' figures are supplied by, for its goal page."""
    views = []
    for table in group_figures(data.split):
        if table.breakdown.is_deprivation:
            ends = gap_engine.difference_series(table.array(), 0, len(table.groups) - 1)
            gap = [None if not np.isfinite(x) else float(x) for x in ends]
            trend = gap_engine.trend(ends)
            sii = latest_sii(table, data.metric.unit)
        else:
            gap, trend, sii = [], None, None
        views.append(BreakdownView(table, sii, gap, trend))
    return views


def gap_trend(series: Series) -> Trend:
    """Whether a gap goal's gap is narrowing."""
    return gap_engine.trend([np.nan if v is None else v for v in series.values])


# Metrics fed from the urgent-care daily returns


def period_of(day: dt.date, frequency: str) -> dt.date:
    """The period ``day`` falls in: its month, its calendar quarter (as '2024 Q1' is read), or
    its financial year (from April)."""
    if frequency == "quarterly":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    if frequency == "annual":
        return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    return day.replace(day=1)


@dataclass(frozen=True)
class FlowFigure:
    """One period's figure made from the daily returns, and how many days it is made from."""

    period: dt.date
    value: float
    days: int


def flow_figures(
    daily: dict[tuple[int, dt.date], float], aggregation: str, frequency: str
) -> list[FlowFigure]:
    """Each period's figure from the providers' daily figures (by (provider, day)), oldest
    first: ``daily_total_mean``, each day's total over the providers that reported it,
    averaged over the days; ``mean``, the average of every provider's daily figure;
    ``total``, the sum of them all. Days with no figure count for nothing (a period with none
    has no figure)."""
    by_period: dict[dt.date, dict[dt.date, list[float]]] = {}
    for (_, day), value in daily.items():
        by_period.setdefault(period_of(day, frequency), {}).setdefault(day, []).append(value)
    out = []
    for period in sorted(by_period):
        days = by_period[period]
        values = [v for vs in days.values() for v in vs]
        if aggregation == "daily_total_mean":
            value = sum(sum(vs) for vs in days.values()) / len(days)
        elif aggregation == "mean":
            value = sum(values) / len(values)
        elif aggregation == "total":
            value = float(sum(values))
        else:
            raise ValueError(f"'{aggregation}' is not a way to make a figure from the days")
        out.append(FlowFigure(period, value, len(days)))
    return out
