"""Figures split by deprivation quintile or decile and by ethnic group: read from a file
with clear errors by file, row and column; saved beside the whole-population figure without
changing it."""

import datetime as dt

import pytest

from footprint.core import breakdowns
from footprint.core.imports import ImportRejected
from footprint.plans import importers, queries, services
from footprint.plans.models import Measurement

TODAY = dt.date(2026, 11, 30)
HEAD = "Metric,Period,Breakdown,Group,Value,Population\n"


def quintiles(period="2025-06", values=(60, 64, 68, 72, 76), skip=()):
    return "".join(
        f"ae-4-hour,{period},quintile,{q},{v},1000\n"
        for q, v in zip(range(1, 6), values, strict=True)
        if q not in skip
    )


def test_the_enumeration_reads_what_files_write():
    assert breakdowns.category_of("imd_quintile", "Q1") == "1"
    assert breakdowns.category_of("imd_quintile", "5 - least deprived") == "5"
    assert breakdowns.category_of("imd_decile", "10") == "10"
    assert breakdowns.category_of("ethnic_group", "white") == "white"
    assert breakdowns.category_of("ethnic_group", "Mixed or Multiple ethnic groups") == "mixed"
    assert breakdowns.label("imd_quintile", "1") == "Quintile 1 (most deprived)"
    with pytest.raises(ValueError, match="'6' is not a quintile: write 1"):
        breakdowns.category_of("imd_quintile", "6")


def test_quintiles_and_ethnic_groups_are_saved_beside_the_whole_population(cast, plan):
    text = (
        HEAD
        + "ae-4-hour,2025-06,,,70,\n"
        + quintiles()
        + "ae-4-hour,2025-06,ethnic group,White,71,\n"
        + 'ae-4-hour,2025-06,ethnic group,"Asian, Asian British or Asian Welsh",66,\n'
    )
    rows = importers.parse_measurements(text, "split.csv")
    result = services.import_measurements(
        rows=rows, filename="split.csv", by=cast["pmo"], today=TODAY
    )
    assert result["measurements"] == 8
    june = dt.date(2025, 6, 1)
    q1 = Measurement.objects.get(breakdown="imd_quintile", category="1", period=june)
    assert (q1.value, q1.population) == (60.0, 1000.0)
    assert Measurement.objects.get(breakdown="ethnic_group", category="asian").value == 66.0
    metric = queries.metric("ae-4-hour")
    # The whole-population series is what it was: one figure for June, not eight.
    whole = queries.series(metric, "system")
    assert [(m.period, m.value) for m in whole.measurements if m.period == june] == [(june, 70.0)]
    assert len(queries.series(metric, "system", split=True).split) == 7


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "ae-4-hour,2025-06,quintile,6,60,1000\n",
            "split.csv: row 2, column 'Group': '6' is not a quintile: write 1 (most deprived) "
            "to 5 (least deprived)",
        ),
        (
            "ae-4-hour,2025-06,tercile,1,60,1000\n",
            "row 2, column 'Breakdown': 'tercile' is not a breakdown",
        ),
        (
            "ae-4-hour,2025-06,ethnic group,Martian,60,\n",
            "row 2, column 'Group': 'Martian' is not a Census 2021 ethnic group",
        ),
        ("ae-4-hour,2025-06,quintile,,60,1000\n", "row 2, column 'Group': a figure by "),
        (
            quintiles(skip=(3,)),
            "row 2, column 'Group': ae-4-hour for June 2025 gives 4 of the 5 quintiles "
            "(rows 2, 3, 4, 5): quintile 3 is missing",
        ),
        (
            quintiles() + "ae-4-hour,2025-06,quintile,Q2,61,1000\n",
            "row 7, column 'Period': the same metric, subject, group and period is on row 3",
        ),
        (
            "ae-4-hour,2025-06,quintile,1,60,0\n",
            "row 2, column 'Population': a population of 0",
        ),
    ],
)
def test_bad_split_figures_are_refused_by_row_and_column(cast, plan, body, message):
    with pytest.raises(ImportRejected) as caught:
        importers.parse_measurements(HEAD + body, "split.csv")
    text = str(caught.value) + "\n" + "\n".join(caught.value.as_lines())
    assert message.removeprefix("split.csv: ") in text, text
    assert not Measurement.objects.exclude(breakdown="").exists()


def test_a_missing_quintile_names_what_is_missing(cast, plan):
    with pytest.raises(ImportRejected) as caught:
        importers.parse_measurements(HEAD + quintiles(skip=(3, 4)), "split.csv")
    lines = caught.value.as_lines()
    assert any(
        "row 2, column 'Group': ae-4-hour for June 2025 gives 3 of the 5 quintiles "
        "(rows 2, 3, 4): quintiles 3, 4 are missing" in line
        for line in lines
    ), lines
