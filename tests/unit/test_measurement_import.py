"""Measurement imports: periods read as people write them, errors by row and column, every
row checked against who may change that series and every figure against its period and unit,
nothing half-saved. And figures: what each unit allows, and how each is written."""

import datetime as dt
import math

import pytest

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.plans import figures, importers, services
from footprint.plans.models import Measurement, Metric

TODAY = dt.date(2026, 11, 30)  # the last complete month is October 2026


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
    result = services.import_measurements(
        rows=rows, filename="ae.csv", by=cast["editor_a"], today=TODAY
    )
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
        services.import_measurements(rows=rows, filename="ae.csv", by=cast["editor_b"], today=TODAY)
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()


def test_an_organisation_may_report_its_own_figures_for_any_metric(cast, plan):
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\nae-4-hour,2025-06,68,RB1\n", "ae.csv"
    )
    services.import_measurements(rows=rows, filename="ae.csv", by=cast["editor_b"], today=TODAY)
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
        services.import_measurements(rows=rows, filename="m.csv", by=cast["pmo"], today=TODAY)
    assert "row 3, column 'Metric': no metric has the code 'beds'" in str(exc.value)
    assert "row 4, column 'Organisation': no organisation has the ODS code 'ZZZ'" in str(exc.value)
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()


# --- Figures that cannot be ---------------------------------------------------------------


def count_metric(footprint, **kwargs):
    defaults = {
        "slug": "handover-delays",
        "name": "Ambulance handovers over 60 minutes",
        "unit": "count",
        "improvement": "decrease",
        "definition": "Handovers taking over an hour.",
        "data_source": "Test",
        "owner": footprint["trust_a"],
        "next_review": dt.date(2027, 1, 1),
    }
    return Metric.objects.create(**(defaults | kwargs))


def test_impossible_figures_name_their_row_and_column_and_nothing_is_saved(cast, plan, footprint):
    count_metric(footprint)
    count_metric(footprint, slug="quarterly-count", name="Quarterly", frequency="quarterly")
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\n"
        "ae-4-hour,2025-06,71,RA1\n"  # a good row: saved only if all are
        "ae-4-hour,1900-01,71,RA1\n"
        "ae-4-hour,2200-01,50,RA1\n"
        "ae-4-hour,2026-11,70,RA1\n"  # November is not over on 30 November
        "ae-4-hour,2025-07,-50,RA1\n"
        "ae-4-hour,2025-08,250%,RA1\n"
        "handover-delays,2025-06,1e300,RA1\n"
        "handover-delays,2025-07,-3,RA1\n"
        "handover-delays,2025-08,inf,RA1\n"
        "quarterly-count,2026 Q4,5,RA1\n"
        "ae-4-hour,2300-01,-1,RA1\n",
        "ae.csv",
    )
    with pytest.raises(ImportRejected) as exc:
        services.import_measurements(rows=rows, filename="ae.csv", by=cast["pmo"], today=TODAY)
    lines = exc.value.as_lines()
    expected = [
        "ae.csv, row 3, column 'Period': January 1900 is before January 2000: is the year right?",
        "ae.csv, row 4, column 'Period': January 2200 is after October 2026, the last complete "
        "month on 30 November 2026: a month's figure comes once the month is over",
        "ae.csv, row 5, column 'Period': November 2026 is after October 2026, the last complete "
        "month on 30 November 2026: a month's figure comes once the month is over",
        "ae.csv, row 6, column 'Value': -50.0 is not possible for a percentage: it must be from "
        "0 to 100",
        "ae.csv, row 7, column 'Value': 250.0 is not possible for a percentage: it must be from "
        "0 to 100",
        "ae.csv, row 8, column 'Value': 1e+300 is not possible for a count: it must be from 0 "
        "to 100,000,000",
        "ae.csv, row 9, column 'Value': -3 is not possible for a count: it must be from 0 to "
        "100,000,000",
        "ae.csv, row 10, column 'Value': enter a number (not infinity or 'not a number')",
        "ae.csv, row 11, column 'Period': the quarter from October 2026 ends in December 2026, "
        "after October 2026, the last complete month on 30 November 2026: a quarter's figure "
        "comes once the quarter is over",
    ]
    assert lines[: len(expected)] == expected
    # A row with two problems names both.
    assert [line.split(":")[0] for line in lines[len(expected) :]] == [
        "ae.csv, row 12, column 'Period'",
        "ae.csv, row 12, column 'Value'",
    ]
    assert not Measurement.objects.filter(period__gte=dt.date(2025, 6, 1)).exists()
    assert not Measurement.objects.filter(period__lt=dt.date(2000, 1, 1)).exists()
    assert not AuditEvent.objects.exists()


def test_the_last_complete_month_and_quarter_are_accepted(cast, plan, footprint):
    count_metric(footprint, slug="quarterly-count", name="Quarterly", frequency="quarterly")
    rows = importers.parse_measurements(
        "Metric,Period,Value,Organisation\n"
        "ae-4-hour,2026-10,100,RA1\n"
        "ae-4-hour,2000-01,0,RA1\n"
        "quarterly-count,2026 Q3,0,RA1\n",
        "ae.csv",
    )
    services.import_measurements(rows=rows, filename="ae.csv", by=cast["pmo"], today=TODAY)
    assert Measurement.objects.filter(period__in=[dt.date(2026, 10, 1), dt.date(2000, 1, 1)])
    assert Measurement.objects.get(metric__slug="quarterly-count").period == dt.date(2026, 7, 1)


def test_an_upload_is_judged_on_the_day_it_was_uploaded(client_for, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import timezone

    from footprint.core.models import Job

    this_month = timezone.localdate().replace(day=1)
    client_for("editor_a").post(
        reverse("plans:measurement_import"),
        {
            "file": SimpleUploadedFile(
                "m.csv",
                f"Metric,Period,Value,Organisation\nae-4-hour,{this_month:%Y-%m},75,RA1\n".encode(),
            )
        },
    )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert f"{this_month:%B %Y} is after" in job.errors[0]
    assert not Measurement.objects.filter(period=this_month).exists()


# --- What each unit allows, and how a figure is written --------------------------------------


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        ("%", figures.Kind.PERCENT),
        ("% of 2019/20", figures.Kind.PERCENT_OF),
        ("per 1,000", figures.Kind.RATE),
        ("per 100,000 residents", figures.Kind.RATE),
        ("count", figures.Kind.COUNT),
        ("bed days", figures.Kind.COUNT),
        ("Patients", figures.Kind.COUNT),
        ("minutes", figures.Kind.DURATION),
        ("points", figures.Kind.OTHER),
    ],
)
def test_units_have_kinds(unit, kind):
    assert figures.kind_of(unit) is kind


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [
        (65.0, "%", "65.0%"),
        (66.04, "%", "66.0%"),
        (100.0, "%", "100.0%"),
        (104.3, "% of 2019/20", "104.3% of 2019/20"),
        (8.6, "per 1,000", "8.6 per 1,000"),
        (560.0, "per 100,000", "560.0 per 100,000"),
        (174.0, "count", "174"),
        (189.94, "count", "190"),
        (0.0, "count", "0"),
        (-0.4, "count", "0"),
        (12_345.0, "count", "12,345"),
        (174.0, "patients", "174 patients"),
        (1.0, "patients", "1 patient"),
        (1.0, "people", "1 person"),
        (280.0, "bed days", "280 bed days"),
        (38.24, "minutes", "38.2 minutes"),
        (7.5, "points", "7.5 points"),
        (None, "%", "no figure"),
    ],
)
def test_figures_are_written_as_their_unit_is(value, unit, written):
    assert figures.figure(value, unit) == written


@pytest.mark.parametrize(
    ("value", "unit", "allowed"),
    [
        (0.0, "%", True),
        (100.0, "%", True),
        (-0.1, "%", False),
        (100.1, "%", False),
        (104.0, "% of 2019/20", True),
        (-1.0, "% of 2019/20", False),
        (0.0, "per 1,000", True),
        (-0.1, "per 1,000", False),
        (100_000_000.0, "count", True),
        (100_000_001.0, "count", False),
        (-1.0, "count", False),
        (-1.0, "minutes", False),
        (-5.0, "points", True),  # a score may be negative
        (1e300, "points", False),
        (math.inf, "count", False),
        (math.nan, "%", False),
        (None, "%", True),  # a missing figure
    ],
)
def test_each_unit_allows_its_range(value, unit, allowed):
    assert (figures.value_problem(value, unit) is None) is allowed
