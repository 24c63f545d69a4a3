"""SPC and goal judgements for the plan's pages: the only module here that calls the engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from footprint.engine import goals as goal_engine
from footprint.engine import spc
from footprint.plans.models import Goal, Measurement, Metric, Rebase


def horizon_of(baseline: dt.date, target: dt.date) -> str:
    return goal_engine.horizon(baseline.toordinal(), target.toordinal())


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

    @property
    def latest_period(self) -> dt.date | None:
        present = [p for p, v in zip(self.periods, self.values, strict=True) if v is not None]
        return present[-1] if present else None

    @property
    def latest_value(self) -> float | None:
        present = [v for v in self.values if v is not None]
        return present[-1] if present else None


def series_for(metric: Metric, subject_key: str, target: float | None = None) -> Series:
    """Judge one series (with its rebases) against an optional target."""
    rows = list(
        Measurement.objects.filter(metric=metric, subject_key=subject_key)
        .select_related("organisation", "place", "neighbourhood")
        .order_by("period")
    )
    rebases = list(Rebase.objects.filter(metric=metric, subject_key=subject_key).order_by("period"))
    return _judge(metric, subject_key, rows, rebases, target)


def _judge(
    metric: Metric,
    subject_key: str,
    rows: list[Measurement],
    rebases: list[Rebase],
    target: float | None,
) -> Series:
    periods = [r.period for r in rows]
    starts = {rb.period for rb in rebases}
    rebase_at = [i for i, p in enumerate(periods) if p in starts]
    result = spc.analyse(
        [r.value for r in rows], improvement=metric.improvement, target=target, rebase_at=rebase_at
    )
    label = rows[0].subject_label if rows else subject_key
    return Series(metric, subject_key, label, periods, [r.value for r in rows], rebases, result)


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    series: Series
    judgement: goal_engine.GoalJudgement


def judge_goal(goal: Goal) -> GoalView:
    return _judge_goal(goal, series_for(goal.metric, goal.subject_key, target=goal.target_value))


def judge_goals(goals: Iterable[Goal]) -> list[GoalView]:
    """Judge many goals, reading all their series in two queries."""
    goals = list(goals)
    keys = {(g.metric_id, g.subject_key) for g in goals}
    metric_ids = {k[0] for k in keys}
    rows: dict[tuple[int, str], list[Measurement]] = {k: [] for k in keys}
    for m in (
        Measurement.objects.filter(metric_id__in=metric_ids, subject_key__in={k[1] for k in keys})
        .select_related("organisation", "place", "neighbourhood")
        .order_by("period")
    ):
        if (m.metric_id, m.subject_key) in rows:
            rows[(m.metric_id, m.subject_key)].append(m)
    rebases: dict[tuple[int, str], list[Rebase]] = {k: [] for k in keys}
    for rb in Rebase.objects.filter(metric_id__in=metric_ids).order_by("period"):
        if (rb.metric_id, rb.subject_key) in rebases:
            rebases[(rb.metric_id, rb.subject_key)].append(rb)
    return [
        _judge_goal(
            g,
            _judge(
                g.metric,
                g.subject_key,
                rows[(g.metric_id, g.subject_key)],
                rebases[(g.metric_id, g.subject_key)],
                g.target_value,
            ),
        )
        for g in goals
    ]


def _judge_goal(goal: Goal, series: Series) -> GoalView:
    latest = series.latest_period
    judgement = goal_engine.judge(
        improvement=goal.metric.improvement,
        baseline_day=goal.baseline_date.toordinal(),
        baseline_value=goal.baseline_value,
        target_day=goal.target_date.toordinal(),
        target_value=goal.target_value,
        latest_day=latest.toordinal() if latest else None,
        latest_value=series.latest_value,
        variation_icon=series.result.variation_icon,
        assurance=series.result.assurance,
    )
    return GoalView(goal, series, judgement)


@dataclass(frozen=True)
class Warning:
    """A series whose latest point is a special-cause concern."""

    metric: Metric
    subject_key: str
    subject_label: str
    latest_period: dt.date
    latest_value: float
    rule: str
    variation_icon: str


def early_warnings(metrics: Iterable[Metric]) -> list[Warning]:
    """Every series of these metrics whose latest verdict is a concern, newest first.

    Series without rebases are judged together with ``analyse_many`` (aligned on their last
    period, missing periods left empty); series with rebases one at a time.
    """
    metric_by_id = {m.pk: m for m in metrics}
    grouped: dict[tuple[int, str], list[tuple[dt.date, float | None]]] = {}
    for metric_id, key, period, value in (
        Measurement.objects.filter(metric_id__in=metric_by_id)
        .order_by("metric_id", "subject_key", "period")
        .values_list("metric_id", "subject_key", "period", "value")
    ):
        grouped.setdefault((metric_id, key), []).append((period, value))
    rebased = set(
        Rebase.objects.filter(metric_id__in=metric_by_id).values_list("metric_id", "subject_key")
    )
    # series, point, rule, variation icon
    concerns: list[tuple[tuple[int, str], int, str | None, str]] = []
    batch_keys = [k for k in grouped if k not in rebased]
    if batch_keys:
        width = max(len(grouped[k]) for k in batch_keys)
        values = np.full((len(batch_keys), width), np.nan)
        for i, key in enumerate(batch_keys):
            series = [np.nan if v is None else v for _, v in grouped[key]]
            values[i, width - len(series) :] = series
        directions = [metric_by_id[k[0]].improvement for k in batch_keys]
        result = spc.analyse_many(values, improvement=directions)
        for i, key in enumerate(batch_keys):
            icon = spc.VARIATION_ICONS[result.variation_icon[i]]
            if icon.startswith("concern"):
                last = _last_present(grouped[key])
                rule = spc.RULES[result.rule[i, width - len(grouped[key]) + last]]
                concerns.append((key, last, rule, icon))
    for key in grouped.keys() & rebased:
        judged = series_for(metric_by_id[key[0]], key[1])
        if judged.result.variation_icon.startswith("concern"):
            last = _last_present(grouped[key])
            concerns.append(
                (key, last, judged.result.points[last].rule, judged.result.variation_icon)
            )
    warnings = []
    for (metric_id, key), last, rule, icon in concerns:
        period, value = grouped[(metric_id, key)][last]
        assert value is not None
        label = (
            Measurement.objects.filter(metric_id=metric_id, subject_key=key)
            .select_related("organisation", "place", "neighbourhood")
            .first()
        )
        warnings.append(
            Warning(
                metric_by_id[metric_id],
                key,
                label.subject_label if label else key,
                period,
                value,
                rule or "",
                icon,
            )
        )
    warnings.sort(key=lambda w: (w.latest_period, w.metric.name), reverse=True)
    return warnings


def _last_present(points: list[tuple[dt.date, float | None]]) -> int:
    """The index of the last point with a value."""
    return max(i for i, (_, v) in enumerate(points) if v is not None)


def variation_group(icon: str) -> str:
    """The row of the summary matrix a variation icon belongs to: improvement, common,
    concern, neutral, or too_few_points."""
    return icon if icon == "too_few_points" else icon.split("_")[0]


def summary_matrix(views: Iterable[GoalView]) -> dict[tuple[str, str], list[GoalView]]:
    """Goals by (variation, assurance) for the Making Data Count summary matrix."""
    matrix: dict[tuple[str, str], list[GoalView]] = {}
    for view in views:
        variation = variation_group(view.series.result.variation_icon)
        assurance = view.series.result.assurance or "none"
        matrix.setdefault((variation, assurance), []).append(view)
    return matrix


ICON_WORDS = {
    "common_cause": "common-cause variation only: nothing unusual is happening",
    "improvement_high": "special-cause improvement: unusually high, which is good",
    "improvement_low": "special-cause improvement: unusually low, which is good",
    "concern_high": "special-cause concern: unusually high, which is bad",
    "concern_low": "special-cause concern: unusually low, which is bad",
    "neutral_high": "special cause: unusually high",
    "neutral_low": "special cause: unusually low",
    "too_few_points": "too few points to judge",
}
ASSURANCE_WORDS = {
    "pass": "the process will consistently meet the target",
    "fail": "the process will not meet the target without a change to how it works",
    "inconsistent": "the process will sometimes meet the target and sometimes miss it",
}
RULE_WORDS = {
    "above_upper": "a point above the upper process limit",
    "below_lower": "a point below the lower process limit",
    "trend_increasing": "seven points in a row rising",
    "trend_decreasing": "seven points in a row falling",
    "two_in_three_above": "two of three points close to the upper limit",
    "two_in_three_below": "two of three points close to the lower limit",
    "run_above": "seven points in a row above the average",
    "run_below": "seven points in a row below the average",
}


def reading(view: GoalView) -> list[str]:
    """The chart in plain English, a sentence at a time."""
    s = view.series
    if s.latest_value is None or s.latest_period is None:
        return ["There are no measurements yet."]
    unit = s.metric.unit
    last = [p for p in s.result.points if p.value is not None][-1]
    sentences = [
        f"The latest figure, for {s.latest_period:%B %Y}, is {_fmt(s.latest_value)} {unit}."
    ]
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
            f"The average is {_fmt(last.mean)} {unit}; most months should fall between "
            f"{_fmt(last.lower)} and {_fmt(last.upper)} {unit}.",
            f"The latest point shows {ICON_WORDS[s.result.variation_icon]}"
            + (f" ({RULE_WORDS[last.rule]})." if last.rule else "."),
        ]
    if s.result.assurance:
        sentences.append(
            f"Against the target of {_fmt(view.goal.target_value)} {unit}, "
            f"{ASSURANCE_WORDS[s.result.assurance]}."
        )
    if view.judgement.expected is not None:
        sentences.append(
            f"The trajectory from the baseline expects {_fmt(view.judgement.expected)} {unit} "
            f"by now. {view.judgement.reason}"
        )
    if s.rebases:
        sentences.append(
            "The limits were recalculated from "
            + "; ".join(f"{r.period:%B %Y} ({r.reason})" for r in s.rebases)
            + "."
        )
    return sentences


def _fmt(x: float) -> str:
    return f"{x:,.1f}" if abs(x) < 1000 else f"{x:,.0f}"


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
