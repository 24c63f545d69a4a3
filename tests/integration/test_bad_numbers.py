"""Bad numbers, periods and NUL characters never give a 500 and are never stored: every door
(API bodies and each importer) refuses them naming the file, row and field, or with a 422
naming the field. The window for periods and years is January 2000 to ``today`` plus ten
years for what may be planned or projected, and to the last period that is over for what
is measured (see footprint.core.imports)."""

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.api.tokens import create_token
from footprint.core import imports
from footprint.core.imports import ImportRejected
from footprint.core.models import Job
from footprint.demand import importers as demand_importers
from footprint.demand.models import Baseline, Scenario
from footprint.finance import importers as finance_importers
from footprint.partnership import importers as partnership_importers
from footprint.plans import importers as plan_importers
from footprint.plans.models import Measurement
from footprint.workforce import importers as workforce_importers
from tests.integration.test_finance import GOOD, workbook_bytes

TODAY = dt.date(2026, 11, 30)
URL = "/api/v1/metrics/ae-4-hour/series/org:RA1"


def bearer(user):
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def rejected(fn, *args, **kwargs):
    with pytest.raises(ImportRejected) as info:
        fn(*args, **kwargs)
    return info.value.as_lines()


# ---- the shared validators -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Infinity", "'Infinity' is not a number"),
        ("-inf", "'-inf' is not a number"),
        ("nan", "'nan' is not a number"),
        ("1e300", "'1e300' is more than 1,000: is it in the right unit?"),
        ("-5", "'-5' is negative"),
        ("", "a number is needed here"),
        ("1\x00", "holds a NUL character"),
    ],
)
def test_one_definition_of_a_plausible_number(text, message):
    errors: list[imports.RowError] = []
    assert imports.parse_number(text, 7, "Count", errors, most=1_000) is None
    assert len(errors) == 1 and errors[0].row == 7 and errors[0].column == "Count"
    assert message in errors[0].message


def test_a_plausible_number_is_read():
    errors: list[imports.RowError] = []
    assert imports.parse_number("1,234.5", 2, "X", errors, most=10_000) == 1234.5
    assert imports.parse_number("-3", 2, "X", errors, least=-10, most=10) == -3
    assert errors == []


@pytest.mark.parametrize(
    ("year", "problem"),
    [
        (1999, "1999 is before 2000: is the year right?"),
        (9999, "9999 is more than ten years after 2026: is the year right?"),
        (1, "1 is before 2000: is the year right?"),
    ],
)
def test_one_window_for_years(year, problem):
    assert imports.year_problem(year, today=TODAY) == problem
    assert imports.year_problem(2000, today=TODAY) is None
    assert imports.year_problem(2036, today=TODAY) is None


# ---- the plan API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"period": "2025-06", "value": Infinity}', "value"),
        ('{"period": "2025-06", "value": -Infinity}', "value"),
        ('{"period": "2025-06", "value": NaN}', "value"),
        ('{"period": "2025-06", "value": 1e300}', "value"),
        ('{"period": "9999-12", "value": 50}', "period"),
        ('{"period": "0001-01", "value": 50}', "period"),
        ('{"period": "2025-06\\u0000", "value": 50}', "period"),
        ('{"period": "2025-06", "value": 50, "note": "a\\u0000b"}', "note"),
    ],
)
def test_the_series_api_refuses_bad_numbers_naming_the_field(client, cast, plan, body, field):
    response = client.put(URL, body, content_type="application/json", headers=bearer(cast["pmo"]))
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json())
    assert Measurement.objects.count() == 24


def test_the_series_and_public_plan_stay_valid_json(client, cast, plan):
    body = '{"period": "2025-06", "value": Infinity}'
    client.put(URL, body, content_type="application/json", headers=bearer(cast["pmo"]))
    series = client.get(URL, headers=bearer(cast["pmo"])).content.decode()
    assert "Infinity" not in series and "NaN" not in series
    json.loads(series, parse_constant=lambda c: pytest.fail(f"{c} in the series"))


def test_a_body_too_large_is_refused_with_words_not_a_500(client, cast, plan):
    body = json.dumps({"period": "2025-06", "value": 1, "note": "x" * 3_000_000})
    response = client.put(URL, body, content_type="application/json", headers=bearer(cast["pmo"]))
    assert response.status_code in (400, 413)
    assert "too large" in response.content.decode()


# ---- each importer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Infinity", "'Infinity' is not an amount of money"),
        ("nan", "'nan' is not an amount of money"),
        (1e300, "is more than £100,000,000,000"),
        ("1e300", "is more than £100,000,000,000"),
    ],
)
def test_finance_refuses_impossible_money_by_cell(value, message):
    rows = [list(r) for r in GOOD]
    rows[4][1] = value  # Pay (£), 2026/27
    lines = rejected(finance_importers.parse_plan_workbook, workbook_bytes(rows), "plan.xlsx")
    assert lines[0].startswith("plan.xlsx, sheet 'Plan', row 7, column '2026/27 (B)'")
    assert message in lines[0]


@pytest.mark.parametrize(
    ("value", "message"), [("-5", "must be between 0 and 100"), ("nan", "is not a percentage")]
)
def test_finance_refuses_impossible_percentages_by_cell(value, message):
    rows = [list(r) for r in GOOD]
    rows[6][1] = value  # Fixed share (%)
    lines = rejected(finance_importers.parse_plan_workbook, workbook_bytes(rows), "plan.xlsx")
    assert lines == [f"plan.xlsx, sheet 'Plan', row 9, column '2026/27 (B)': '{value}' {message}"]


@pytest.mark.parametrize(("year", "problem"), [("1999/00", "before 2000"), ("2099/00", "ten")])
def test_finance_refuses_years_outside_the_window(year, problem):
    rows = [list(r) for r in GOOD]
    rows[0][1] = year
    lines = rejected(
        finance_importers.parse_plan_workbook, workbook_bytes(rows), "plan.xlsx", today=TODAY
    )
    assert lines[0].startswith("plan.xlsx, sheet 'Plan', row 3, column 'B'") and problem in lines[0]


def test_finance_refuses_a_nul_in_a_cell():
    rows = [list(r) for r in GOOD]
    rows[1][0] = "Control total (£)\x00"
    # openpyxl will not write a NUL, so the check is of the reader: a stored string holding one
    errors: list[imports.RowError] = []
    assert imports.nul_problem(rows[1][0]) is not None and errors == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e300", "is more than 2,000,000"),
        ("Infinity", "is not a whole number"),
        ("-3", "is negative"),
    ],
)
def test_population_refuses_impossible_counts_by_row_and_column(value, message):
    head = "Code,Name,Sex," + ",".join(str(a) for a in range(90)) + ",90+"
    row = "N1,x,F," + ",".join(["5"] * 45 + [value] + ["5"] * 45)
    lines = rejected(
        partnership_importers.parse_population_estimates, f"{head}\n{row}\n", "m.csv", 2024
    )
    assert lines[0].startswith("m.csv, row 2, column '45'") and message in lines[0]


def test_population_refuses_years_outside_the_window():
    lines = rejected(
        partnership_importers.parse_population_estimates,
        "Code,Name,Sex\n",
        "m.csv",
        9999,
        today=TODAY,
    )
    assert "9999 is more than ten years after 2026" in lines[0]
    head = "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,1901,2027\n"
    lines = rejected(partnership_importers.parse_population_projection, head, "p.csv", today=TODAY)
    assert lines[0] == "p.csv, row 1, column '1901': 1901 is before 2000: is the year right?"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("count", "inf", "must be a number from 0 to"),
        ("count", "1e300", "must be a number from 0 to"),
        ("count", "NaN", "must be a number from 0 to"),
        ("bed_days", "-1", "must be a number from 0 to"),
    ],
)
def test_demand_refuses_impossible_counts_by_row(footprint, column, value, message):
    row = {"provider": "RA1", "pod": "ae", "neighbourhood": "N1", "sex": "F", "age": "3"}
    row |= {"count": "1", "bed_days": "0", column: value}
    text = ",".join(row) + "\n" + ",".join(row.values()) + "\n"
    lines = rejected(
        demand_importers.parse,
        text.encode(),
        "a.csv",
        aggregated=True,
        providers={"RA1"},
        neighbourhoods={"N1"},
        pods={"ae"},
    )
    assert lines[0].startswith(f"a.csv, row 2, column '{column}': {message}")


def test_demand_parameters_with_infinity_are_refused_in_words(client_for, footprint):
    client = client_for("pmo")
    client.post(
        reverse("demand:import"),
        {
            "name": "A",
            "base_year": 2025,
            "kind": "aggregated",
            "source": "",
            "file": SimpleUploadedFile(
                "a.csv", b"provider,pod,neighbourhood,sex,age,count\nRA1,ae,N1,F,3,5\n"
            ),
        },
    )
    baseline = Baseline.objects.get()
    client.post(
        reverse("demand:scenario_new"),
        {
            "name": "S",
            "description": "",
            "baseline": baseline.pk,
            "horizon": 2026,
            "iterations": 200,
            "seed": 3,
        },
    )
    scenario = Scenario.objects.get(name="S")
    doc = json.dumps(scenario.parameters)
    assert '"iterations": 200' in doc
    for bad in ("Infinity", "NaN", "1e400"):
        page = client.post(
            reverse("demand:parameters_upload", args=[scenario.pk]),
            {"file": SimpleUploadedFile("p.json", doc.replace("200", bad, 1).encode())},
            follow=True,
        ).content.decode()
        assert "p.json: the file is not JSON: " in page and "is not a number" in page, bad
    scenario.refresh_from_db()
    assert scenario.parameters["iterations"] == 200


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ae-4-hour,9999-12,50", "period"),
        ("ae-4-hour,0001-01,50", "period"),
        ("ae-4-hour,2025-06,Infinity", "value"),
        ("ae-4-hour,2025-06,nan", "value"),
        ("ae-4-hour,2025-06,1e300", "value"),
        ("ae-4-hour,2025-06,-5", "value"),
    ],
)
def test_measurement_files_refuse_bad_figures_by_row(client, cast, plan, line, message):
    client.force_login(cast["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    text = f"Metric,Period,Value,Organisation\n{line},RA1\n"
    client.post(
        reverse("plans:measurement_import"),
        {"file": SimpleUploadedFile("m.csv", text.encode())},
    )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED, job.message
    assert any(e.startswith("m.csv, row 2, column") and message in e.lower() for e in job.errors)
    assert Measurement.objects.count() == 24


def test_a_nul_in_a_measurement_file_is_refused_on_the_form(client, cast, plan):
    client.force_login(cast["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    text = "Metric,Period,Value,Note\nae-4-hour,2025-06,50,a\x00b\n"
    page = client.post(
        reverse("plans:measurement_import"), {"file": SimpleUploadedFile("m.csv", text.encode())}
    ).content.decode()
    assert "row 2: this row holds a NUL character" in page
    assert not Job.objects.exists()


@pytest.mark.parametrize("value", ["nan", "Infinity", "1e300", "-1"])
def test_workforce_returns_refuse_bad_numbers_so_no_page_says_nan(value):
    head = (
        "Period,Org code,Staff group,Headcount,FTE,Establishment FTE,Joiners,Leavers,"
        "Sickness FTE days lost,FTE days available,Pay bill,Bank spend,Agency spend\n"
    )
    row = f"2025-03,RA1,Nurses and health visitors,100,{value},100,1,1,10,2000,1000,0,0\n"
    lines = rejected(workforce_importers.parse_returns, head + row, "wf.csv", today=TODAY)
    assert lines[0].startswith("wf.csv, row 2, column 'FTE'")


def test_unused_imports_are_used():
    assert io and plan_importers


def test_a_figure_stored_infinite_before_the_checks_is_null_in_the_api(client, cast, plan):
    stored = Measurement.objects.filter(organisation__ods_code="RA1").order_by("period").first()
    Measurement.objects.filter(pk=stored.pk).update(value=float("inf"))
    response = client.get(URL, headers=bearer(cast["pmo"]))
    assert response.status_code == 200
    text = response.content.decode()
    points = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the series"))["points"]
    assert points[0]["period"] == stored.period.isoformat() and points[0]["value"] is None
    assert "Infinity" not in text and "NaN" not in text
