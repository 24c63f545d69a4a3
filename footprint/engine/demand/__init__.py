"""Demand and capacity: a whole-system Monte Carlo projection of activity, beds, staff and cost.

- :mod:`.pods` the points of delivery; :mod:`.baseline` base-year activity and its strata;
- :mod:`.params` scenarios, schemes and capacity settings; :mod:`.library` the scheme library;
- :mod:`.model` the Monte Carlo run; :mod:`.capacity` beds, workforce, cost and summaries;
- :mod:`.evidence` the evidence check.
"""

from footprint.engine.demand.baseline import (
    BREAKDOWNS,
    Baseline,
    Demography,
    Records,
    Strata,
    compress,
    demography_from_counts,
    regroup,
    stratify,
)
from footprint.engine.demand.capacity import (
    BedsSetBy,
    ByValue,
    Measure,
    Summary,
    beds,
    beds_set_by,
    by_value,
    cost,
    daily_variation,
    summarise,
    workforce,
)
from footprint.engine.demand.evidence import Flag, check_plan, check_schemes, plan_totals
from footprint.engine.demand.model import (
    Outcome,
    Plan,
    Split,
    compile_plan,
    describe_cohort,
    run,
    run_split,
    simulate,
    split_of,
)
from footprint.engine.demand.params import (
    BedRule,
    Capacity,
    Cohort,
    Effect,
    HealthStatus,
    Interval,
    Scenario,
    Scheme,
    Variant,
    WaitingList,
    quintile_words,
)

__all__ = [
    "BREAKDOWNS",
    "Baseline",
    "BedRule",
    "BedsSetBy",
    "ByValue",
    "Capacity",
    "Cohort",
    "Demography",
    "Effect",
    "Flag",
    "HealthStatus",
    "Interval",
    "Measure",
    "Outcome",
    "Plan",
    "Records",
    "Scenario",
    "Scheme",
    "Split",
    "Strata",
    "Summary",
    "Variant",
    "WaitingList",
    "beds",
    "beds_set_by",
    "by_value",
    "check_plan",
    "check_schemes",
    "compile_plan",
    "compress",
    "cost",
    "daily_variation",
    "demography_from_counts",
    "describe_cohort",
    "plan_totals",
    "quintile_words",
    "regroup",
    "run",
    "run_split",
    "simulate",
    "split_of",
    "stratify",
    "summarise",
    "workforce",
]
