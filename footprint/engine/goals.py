"""Judging a goal: its trajectory from baseline to target, its horizon, and its status.

Dates are passed as ordinal day numbers (``date.toordinal()``) so that the engine stays free of
calendars.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from footprint.engine.spc import Assurance, Variation

Horizon = Literal["short", "medium", "long"]


class Status(StrEnum):
    """How a goal is going."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    AT_RISK = "at_risk"
    MISSED = "missed"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        """The status in words, as every page shows it: 'On track'."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.ACHIEVED: "Achieved",
    Status.ON_TRACK: "On track",
    Status.OFF_TRACK: "Off track",
    Status.AT_RISK: "At risk",
    Status.MISSED: "Missed",
    Status.NO_DATA: "No data yet",
}

DAYS_PER_YEAR = 365.25


def horizon(baseline_day: int, target_day: int) -> Horizon:
    """Short (up to 1 year from baseline to target), medium (1–3 years) or long (over 3)."""
    years = (target_day - baseline_day) / DAYS_PER_YEAR
    if years <= 1:
        return "short"
    if years <= 3:
        return "medium"
    return "long"


def trajectory(
    baseline_day: int, baseline_value: float, target_day: int, target_value: float, day: int
) -> float:
    """The value a straight line from baseline to target expects on ``day`` (held at the
    target after the target date, and at the baseline before the baseline date)."""
    if target_day <= baseline_day:
        return target_value
    share = min(max((day - baseline_day) / (target_day - baseline_day), 0.0), 1.0)
    return baseline_value + share * (target_value - baseline_value)


@dataclass(frozen=True)
class GoalJudgement:
    status: Status
    expected: float | None  # the trajectory's value at the latest measurement
    reason: str
    # Whether the target date has passed, so that the status is final (achieved or missed).
    past_target: bool = False


def target_passed(
    *, target_day: int, due_day: int | None, latest_end_day: int | None, today_day: int | None
) -> bool:
    """Whether a goal's target date has passed: ``today_day`` is on or after ``due_day`` (the
    first day after the period the target is for, such as 1 April for a target of March; the
    day after ``target_day`` if not given), or the latest figure covers the target date
    (``latest_end_day``, the last day of its period, is on or after it)."""
    due = target_day + 1 if due_day is None else due_day
    return (today_day is not None and today_day >= due) or (
        latest_end_day is not None and latest_end_day >= target_day
    )


def judge(
    *,
    improvement: str,
    baseline_day: int,
    baseline_value: float,
    target_day: int,
    target_value: float,
    latest_day: int | None,
    latest_value: float | None,
    variation_icon: Variation | str,
    assurance: Assurance | str | None,
    today_day: int | None,
    due_day: int | None = None,
    latest_end_day: int | None = None,
) -> GoalJudgement:
    """A goal's status from its latest value, its trajectory, its SPC verdict and whether its
    target date has passed (``target_passed``: by ``today_day``, the day it is judged on, or
    by the latest figure's period, which ends on ``latest_end_day``, ``latest_day`` if not
    given; ``today_day`` None judges on the figures alone).

    Once the target date has passed the status is final, judged on the latest value alone:

    - achieved: the latest value meets the target (on time or since); when that value is a
      special-cause improvement of a process whose limits do not reliably meet the target,
      the reason says it is met in the latest period only;
    - missed: it does not, whatever the process is doing now.

    Before the target date:

    - achieved: the latest value meets the target;
    - at risk: the latest point is a special-cause concern, or the process cannot meet the
      target (assurance fail);
    - on track: the latest point is a special-cause improvement, the process will reliably
      meet the target (assurance pass), or the latest value is on or better than the
      trajectory;
    - off track: otherwise (worse than the trajectory, with nothing special happening).

    For a neutral metric, "better" means closer to the target.
    """
    variation = Variation(variation_icon)
    verdict = None if assurance is None else Assurance(assurance)
    if latest_day is None or latest_value is None:
        return GoalJudgement(Status.NO_DATA, None, "No measurements yet.")
    expected = trajectory(baseline_day, baseline_value, target_day, target_value, latest_day)
    latest_end = latest_day if latest_end_day is None else latest_end_day
    past = target_passed(
        target_day=target_day, due_day=due_day, latest_end_day=latest_end, today_day=today_day
    )

    def at_least_as_good(value: float, benchmark: float) -> bool:
        if improvement == "increase":
            return value >= benchmark
        if improvement == "decrease":
            return value <= benchmark
        return abs(value - target_value) <= abs(benchmark - target_value)

    met = at_least_as_good(latest_value, target_value)
    # A target met by one unusual point of a process that does not reliably meet it: the
    # status stands (it is judged on the latest value) and the reason says how fragile it is.
    fragile = (
        " It is met in the latest period only: that point is unusual (special cause) and the"
        " process limits show the target will sometimes be met and sometimes missed."
        if variation.is_improvement and verdict in (Assurance.INCONSISTENT, Assurance.FAIL)
        else ""
    )
    if past:
        before = "" if latest_end >= target_day else ", from before it,"
        if met:
            reason = (
                f"The target date has passed and the latest value{before} meets the target."
                + fragile
            )
            return GoalJudgement(Status.ACHIEVED, expected, reason, past_target=True)
        reason = (
            f"The target date has passed and the latest value{before} does not meet the target."
        )
        return GoalJudgement(Status.MISSED, expected, reason, past_target=True)
    if met:
        return GoalJudgement(
            Status.ACHIEVED, expected, "The latest value meets the target." + fragile
        )
    if variation.is_concern:
        return GoalJudgement(
            Status.AT_RISK, expected, "The latest point is a special-cause concern."
        )
    if verdict is Assurance.FAIL:
        return GoalJudgement(
            Status.AT_RISK,
            expected,
            "The process limits show the target will not be met without change.",
        )
    if variation.is_improvement:
        return GoalJudgement(
            Status.ON_TRACK, expected, "The latest point is a special-cause improvement."
        )
    if verdict is Assurance.PASS:
        return GoalJudgement(
            Status.ON_TRACK, expected, "The process limits show the target will be met."
        )
    if at_least_as_good(latest_value, expected):
        return GoalJudgement(
            Status.ON_TRACK, expected, "The latest value is on or ahead of the trajectory."
        )
    return GoalJudgement(Status.OFF_TRACK, expected, "The latest value is behind the trajectory.")
