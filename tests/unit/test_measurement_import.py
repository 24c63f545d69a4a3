"""Measurement imports: periods read as people write them, errors by row and column, every
row checked against who may change that series, nothing half-saved."""

import datetime as dt

import pytest

from footprint.core.imports import ImportRejected
from footprint.plans import importers, services
from footprint.plans.models import Measurement


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05", dt.date(2024, 5, 1)),
        ("2024-05-01", dt.date(2024, 5, 1)),
        ("2024/25", dt.date(2024, 4, 1)),
        ("2024 Q3", dt.date(2024, 7, 1)),
    ],
)
def test_periods(text, expected):
    assert importers.parse_period(text) == expected


@pytest.mark.parametrize("text", ["May 2024", "2024/26", "2024-13", "2024-02-30", ""])
def test_bad_periods_say_what_to_write(text):
    with pytest.raises(ValueError):
        importers.parse_period(text)


def test_an_owner_imports_its_own_figures(cast, plan):
    text = "Metric,Period,Value,Organisation\nae-4-hour,2025-06,71.5,RA1\nae-4-hour,2025-07,,RA1\n"
    rows = importers.parse_measurements(text, "ae.csv")
    result = services.import_measurements(rows=rows, filename="ae.csv", by=cast["editor_a"])
    assert result == {"measurements": 2, "series": 1}
    assert Measurement.objects.get(subject_key="org:RA1", period=dt.date(2025, 6, 1)).value == 71.5
    assert Measurement.objects.get(subject_key="org:RA1", period=dt.date(2025, 7, 1)).value is None


def test_another_organisation_cannot_import_into_the_series(cast, plan):
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\nae-4-hour,2025-06,99,RA1\n", "ae.csv"
    )
    with pytest.raises(
        ImportRejected,
        match="row 2, column 'Metric': you may not change A&E within 4 hours for Trust A Hospitals",
    ):
        services.import_measurements(rows=rows, filename="ae.csv", by=cast["editor_b"])
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()


def test_an_organisation_may_report_its_own_figures_for_any_metric(cast, plan):
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\nae-4-hour,2025-06,68,RB1\n", "ae.csv"
    )
    services.import_measurements(rows=rows, filename="ae.csv", by=cast["editor_b"])
    assert Measurement.objects.get(subject_key="org:RB1").value == 68


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Metric,Value\nx,1\n", "row 1, column 'Period': this column is missing"),
        ("Metric,Period,Value\nae-4-hour,May 2024,1\n", "row 2, column 'Period': 'May 2024'"),
        ("Metric,Period,Value\nae-4-hour,2024-05,lots\n", "row 2, column 'Value': 'lots' is not"),
        (
            "Metric,Period,Value,Organisation,Place\nae-4-hour,2024-05,1,RA1,E10000901\n",
            "give one of organisation, place or neighbourhood",
        ),
        (
            "Metric,Period,Value\nae-4-hour,2024-05,1\nae-4-hour,2024-05,2\n",
            "row 3, column 'Period': the same metric, subject and period is on row 2",
        ),
    ],
)
def test_bad_files_name_the_row_and_column(text, expected):
    with pytest.raises(ImportRejected) as exc:
        importers.parse_measurements(text, "m.csv")
    assert expected in str(exc.value)


def test_unknown_metric_and_organisation_save_nothing(cast, plan):
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\n"
        "ae-4-hour,2025-06,70,RA1\n"
        "beds,2025-06,1,RA1\n"
        "ae-4-hour,2025-06,1,ZZZ\n",
        "m.csv",
    )
    with pytest.raises(ImportRejected) as exc:
        services.import_measurements(rows=rows, filename="m.csv", by=cast["pmo"])
    assert "row 3, column 'Metric': no metric is called 'beds'" in str(exc.value)
    assert "row 4, column 'Organisation': no organisation has the ODS code 'ZZZ'" in str(exc.value)
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()
