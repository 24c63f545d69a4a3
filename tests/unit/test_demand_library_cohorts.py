"""The scheme library's cohorts against the demo's activity (issue 17, item 15): every entry's
cohort finds activity in the demo's strata unless it names a condition group the demo does
not flag (then the model refuses it by name, by design), and the entries checked against the
National Elicitation Exercise on 1 December 2026 all find activity there.

Two entries name groups the demo flags, but not at their point of delivery (the demo flags
falls on emergency admissions only, and minor illness on A&E attendances only), so their
cohorts match nothing and a demo scenario holding them is refused when it runs; the test
pins that gap so that it is seen (docs/demand.md says so)."""

from __future__ import annotations

import numpy as np
import pytest

from footprint.demand import compute
from footprint.demo.activity import ATTRIBUTES, synthetic_records
from footprint.engine import demand as dm
from footprint.engine.demand import library, model

PLACES = ("E10000099", "E06000099")  # the demo's two places (its providers are named by them)
# checked on 1 December 2026 against the exercise, with cohorts the demo's strata hold
ADDED = (
    "virtual_ward_frailty",
    "zero_day_admission_avoidance",
    "excess_bed_days_elective",
    "child_followup_reduction",
    "child_remote_followup",
)
# cohorts naming a group the demo flags elsewhere: they match no demo activity
EMPTY_IN_DEMO = ("falls_response", "pharmacy_first")


@pytest.fixture(scope="module")
def strata() -> dm.Strata:
    """The demo's activity for a small population (two neighbourhoods, one in each place,
    60 people of each sex and single year of age), stored as the demo stores it and
    stratified for every age the library's cohorts tell apart."""
    population = np.full((2, 2, 91), 60.0)
    hoods = ("N1", "N2")
    records, aggregated = synthetic_records(
        population, list(hoods), list(PLACES), ["P1", "P2"], np.random.default_rng(17)
    )
    rows = compute.cell_rows(dm.compress(records)) + [
        (provider, pod, hoods[hood], "FM"[sex], age, "", 0, count, 0.0)
        for provider, pod, hood, sex, age, count in aggregated
    ]
    demography = dm.Demography(np.ones((2, 2, 2, 91)), PLACES, np.array([0, 1]))
    bounds = sorted({b for e in library.LIBRARY for b in e.cohort.age_bounds})
    return dm.stratify(compute.baseline_arrays(rows, hoods), demography, bounds)


def scheme(entry: library.Evidence) -> dm.Scheme:
    return dm.Scheme(
        entry.key, entry.name, entry.pod, entry.effect, entry.share, 2026, cohort=entry.cohort,
        convert_to=entry.convert_to, ratio=entry.ratio, evidence=entry.key,
    )  # fmt: skip


@pytest.mark.parametrize("entry", library.LIBRARY, ids=lambda e: e.key)
def test_every_cohort_finds_demo_activity_or_names_the_group_the_demo_lacks(
    entry: library.Evidence, strata: dm.Strata
) -> None:
    problems = model.cohort_problems(scheme(entry), strata)
    missing = [a for a in entry.cohort.attributes if a not in ATTRIBUTES]
    if entry.key in EMPTY_IN_DEMO:
        assert problems == [f"{entry.name}: its cohort ({model.describe_cohort(scheme(entry))}) "
                            "matches no activity"]  # fmt: skip
        return
    if not missing:
        assert problems == []
        return
    assert len(problems) == len(missing)  # refused by name, never "matches no activity"
    for group, problem in zip(missing, problems, strict=True):
        assert f"names attribute {group!r}, which the activity does not hold" in problem


def test_the_entries_added_from_the_exercise_are_verified_and_run_on_the_demo(
    strata: dm.Strata,
) -> None:
    for key in ADDED:
        entry = library.BY_KEY[key]
        assert entry.verified is not None and entry.url and "NEE_table.csv" in entry.url
        assert model.cohort_problems(scheme(entry), strata) == []
    # a plan holding all five compiles on the demo's strata, the conversion finding its target
    plan = dm.compile_plan(
        dm.Scenario(
            base_year=2025,
            horizon=2026,
            growth={},
            schemes=tuple(scheme(library.BY_KEY[k]) for k in ADDED),
            iterations=0,
        ),
        strata,
    )
    assert len(plan.schemes) == len(ADDED)
