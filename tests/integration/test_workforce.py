"""Workforce returns and agency shifts: imports with per-organisation rights, the dashboard,
retention early warning and the agency report."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent, Job
from footprint.demand import compute as demand
from footprint.demand.models import Run
from footprint.demand.services import create_baseline, run_model, save_scenario
from footprint.workforce import importers, services
from footprint.workforce.compute import need_from_scenario
from footprint.workforce.models import AgencyShift, RateCap, WorkforceReturn

# The importers judge dates against the day they are told it is, never the clock.
TODAY = dt.date(2025, 6, 15)
HEAD = (
    "Period,Org code,Staff group,Headcount,FTE,Establishment FTE,Joiners,Leavers,"
    "Sickness FTE days lost,FTE days available,Pay bill,Bank spend,Agency spend\n"
)


def returns_csv(org="RA1", months=24, rise=False):
    lines = [HEAD]
    for i in range(months):
        y, m = divmod(i, 12)
        leavers = 10 + (i % 2) + ((i - 15) * 4 if rise and i > 15 else 0)
        lines.append(
            f"{2023 + y}-{m + 1:02d},{org},Nurses and health visitors,1000,900,1000,"
            f'10,{leavers},950,18900,"3,500,000",140000,210000\n'
        )
    return "".join(lines)


def test_a_workforce_lead_imports_their_own_returns(workforce_user, footprint):
    rows = importers.parse_returns(returns_csv(), "wf.csv", today=TODAY)
    result = services.import_returns(rows=rows, filename="wf.csv", by=workforce_user)
    assert result == {"returns": 24, "organisations": 1}
    r = WorkforceReturn.objects.get(month=dt.date(2023, 1, 1))
    assert (r.headcount, r.wte, r.leavers, r.pay_bill_pence) == (1000, 900.0, 10, 350_000_000)


def test_no_one_imports_another_organisations_returns(workforce_user, footprint):
    rows = importers.parse_returns(returns_csv(org="RB1", months=2), "wf.csv", today=TODAY)
    with pytest.raises(
        ImportRejected,
        match="row 2, column 'Org code': you may not change Trust B Hospitals's workforce figures",
    ):
        services.import_returns(rows=rows, filename="wf.csv", by=workforce_user)
    assert not WorkforceReturn.objects.exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-13,RA1,Nurses and health visitors,1,1,1,0,0,0,1,1,0,0", "'2025-13' is not a month"),
        ("2025-01,RA1,Jugglers,1,1,1,0,0,0,1,1,0,0", "'Jugglers' is not a staff group"),
        ("2025-01,RA1,Nurses and health visitors,1.5,1,1,0,0,0,1,1,0,0", "not a whole number"),
        ("2025-01,RA1,Nurses and health visitors,1,1,1,0,0,5,1,1,0,0", "more days lost than"),
        (
            "2025-01,RA1,Nurses and health visitors,1,1,1,0,0,0,1,100,60,50",
            "bank and agency spend are more than the pay bill",
        ),
    ],
)
def test_bad_returns_name_the_row_and_column(line, expected):
    with pytest.raises(ImportRejected) as exc:
        importers.parse_returns(HEAD + line + "\n", "wf.csv", today=TODAY)
    assert "row 2" in str(exc.value) and expected in str(exc.value)


RETURN = {
    "Period": "2025-04",
    "Org code": "RA1",
    "Staff group": "Nurses and health visitors",
    "Headcount": "900",
    "FTE": "850.5",
    "Establishment FTE": "950",
    "Joiners": "12",
    "Leavers": "10",
    "Sickness FTE days lost": "900",
    "FTE days available": "17000",
    "Pay bill": "3,500,000",
    "Bank spend": "140000",
    "Agency spend": "210000",
}
SHIFT = {
    "Date": "2025-06-10",
    "Org code": "RA1",
    "Agency": "Acme",
    "Staff group": "Nurses and health visitors",
    "Grade": "Band 5",
    "Hours": "12",
    "Hourly rate": "45.00",
    "Reason": "Sickness",
}


def csv_of(row, *rows):
    """A CSV file with ``row``'s headings and its values, and any more rows after it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerows([row, *rows])
    return out.getvalue()


def rejected(parse, text, filename):
    """The lines of the ``ImportRejected`` that parsing ``text`` raises."""
    with pytest.raises(ImportRejected) as exc:
        parse(text, filename, today=TODAY)
    return exc.value.as_lines()


def test_a_plausible_return_and_shift_are_accepted_to_the_last_complete_month():
    """May 2025 is the last complete month on 15 June 2025; a headcount's FTE may equal it."""
    rows = importers.parse_returns(
        csv_of({**RETURN, "Period": "2025-05", "FTE": "900"}), "wf.csv", today=TODAY
    )
    assert rows[0].month == dt.date(2025, 5, 1) and rows[0].figures["wte"] == 900
    shifts = importers.parse_shifts(csv_of({**SHIFT, "Date": "2025-06-15"}), "s.csv", today=TODAY)
    assert shifts[0].date == TODAY and shifts[0].rate_pence == 4500


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        # the tester's: a return for 2200, which drew the chart's axis out to the 2190s
        ("Period", "2200-01", "'2200-01' is after May 2025, the last complete month"),
        ("Period", "Jan 2200", "is after May 2025, the last complete month"),
        ("Period", "2025-06", "'2025-06' is after May 2025, the last complete month"),
        ("Period", "1999-12", "'1999-12' is before January 2000"),
        ("Org code", "", "the ODS code is needed"),
        ("Org code", "RA1RA1RA1", "is longer than 6 characters"),
        ("Headcount", "99,999,999", "'99,999,999' is more than 50,000"),
        ("Headcount", "-900", "'-900' is negative"),
        # the tester's: 99,999 FTE from a headcount of 900, a chart spiking to ~113,000
        ("FTE", "99999", "99,999 FTE is more than the headcount of 900: a person is at most 1.0"),
        ("FTE", "900.5", "900.5 FTE is more than the headcount of 900"),
        ("FTE", "nan", "'nan' is not a number"),
        ("FTE", "inf", "'inf' is not a number"),
        ("FTE", "", "a number is needed here"),
        ("Establishment FTE", "1e9", "'1e9' is more than 50,000"),
        ("Joiners", "901", "901 joiners are more than the headcount of 900"),
        ("Leavers", "1,000", "1,000 leavers are more than the headcount of 900"),
        ("Leavers", "2.5", "'2.5' is not a whole number"),
        ("Sickness FTE days lost", "-1", "'-1' is negative"),
        ("Sickness FTE days lost", "17001", "more days lost than days available"),
        (
            "FTE days available",
            "27001",
            "27,001 FTE days available is more than the headcount of 900 × 30 days in April 2025",
        ),
        # the tester's: a negative pay bill, reported as "bank and agency spend are more than …"
        ("Pay bill", "-3,500,000", "'-3,500,000' is negative"),
        ("Pay bill", "NaN", "'NaN' is not an amount of money"),
        ("Pay bill", "£350,000,000", "is more than £200,000,000 in a month for one staff group"),
        ("Bank spend", "-140000", "'-140000' is negative"),
        ("Agency spend", "Infinity", "'Infinity' is not an amount of money"),
        ("Agency spend", "3,400,000", "bank and agency spend are more than the pay bill"),
    ],
)
def test_impossible_returns_are_refused_naming_the_file_row_and_column(column, value, expected):
    good = dict(RETURN)
    # another staff group's row, so that it is no duplicate of the first
    bad = {**RETURN, "Staff group": "Midwives", column: value}
    lines = rejected(importers.parse_returns, csv_of(good, bad), "wf.csv")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"wf.csv, row 3, column '{column}': "), lines
    assert expected in lines[0]
    if column == "Pay bill":
        assert "more than the pay bill" not in lines[0]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("Date", "2200-01-01", "'2200-01-01' is after today (15 June 2025)"),
        ("Date", "2025-06-16", "is after today (15 June 2025)"),
        ("Date", "1999-12-31", "'1999-12-31' is before 1 January 2000"),
        ("Date", "31/12/2025", "is not a date: use 2025-04-30"),
        ("Org code", "", "the ODS code is needed"),
        ("Agency", "", "the agency is needed"),
        ("Agency", "A" * 121, "is longer than 120 characters"),
        ("Staff group", "Jugglers", "'Jugglers' is not a staff group"),
        ("Grade", "", "the grade is needed"),
        ("Hours", "25", "'25' is more than 24: a shift is at most a day"),
        ("Hours", "0", "a shift of no hours is no shift"),
        ("Hours", "-12", "'-12' is negative"),
        ("Hours", "nan", "'nan' is not a number"),
        ("Hourly rate", "0.45", "'0.45' is less than £3.00 an hour"),
        ("Hourly rate", "4500", "'4500' is more than £500 an hour"),
        ("Hourly rate", "-45", "'-45' is negative"),
        ("Hourly rate", "inf", "'inf' is not an amount of money"),
        ("Reason", "R" * 201, "is longer than 200 characters"),
    ],
)
def test_impossible_shifts_are_refused_naming_the_file_row_and_column(column, value, expected):
    lines = rejected(importers.parse_shifts, csv_of(SHIFT, {**SHIFT, column: value}), "s.csv")
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"s.csv, row 3, column '{column}': "), lines
    assert expected in lines[0]


def test_every_problem_in_a_row_is_listed():
    bad = {**RETURN, "Period": "2200-01", "FTE": "99999", "Pay bill": "-1"}
    lines = rejected(importers.parse_returns, csv_of(bad), "wf.csv")
    assert sorted(line.split(":")[0] for line in lines) == [
        "wf.csv, row 2, column 'FTE'",
        "wf.csv, row 2, column 'Pay bill'",
        "wf.csv, row 2, column 'Period'",
    ]


def upload(client, user, kind, text, name="wf.csv"):
    """Upload a file on the import page as ``user``; the job it ran."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.post(
        reverse("workforce:import"),
        {"kind": kind, "file": SimpleUploadedFile(name, text.encode())},
    )
    return Job.objects.latest("created_at")


def test_an_impossible_row_on_the_import_page_saves_nothing(client, workforce_user):
    good = {**RETURN, "Period": "2025-03"}
    text = csv_of(
        good, {**good, "Staff group": "Doctors"}, {**good, "Staff group": "AHP", "FTE": "99999"}
    )
    job = upload(client, workforce_user, "returns", text)
    assert job.status == Job.Status.FAILED and job.message == "1 problem in wf.csv"
    assert "wf.csv, row 4, column 'FTE': 99,999 FTE is more than the headcount" in " ".join(
        job.errors
    )
    shifts = csv_of(SHIFT, {**SHIFT, "Hours": "30"})
    job = upload(client, workforce_user, "shifts", shifts, name="s.csv")
    assert job.status == Job.Status.FAILED
    assert "s.csv, row 3, column 'Hours'" in " ".join(job.errors)
    assert not WorkforceReturn.objects.exists() and not AgencyShift.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="import_").exists()


def test_every_problem_of_a_file_is_listed_at_once_with_whose_figures(client, workforce_user):
    """Walk WF1: a file whose rows are bad in every way lists every problem at once, by file,
    row and column: its figures, a duplicate (even of a row that is itself bad), another
    organisation's row, an unknown organisation, and saves nothing. Then the other
    organisation's row alone is refused the same way."""
    good = {**RETURN, "Period": "2025-03"}
    text = csv_of(
        good,  # row 2: fine
        {**good, "FTE": "99999"},  # 3: duplicate of row 2 and FTE over the headcount
        {**good, "Staff group": "Doctors", "Pay bill": "-1"},  # 4: bad pay bill
        {**good, "Staff group": "Doctors"},  # 5: duplicate of row 4, itself bad
        {**good, "Org code": "RB1"},  # 6: Trust B's: not this lead's to change
        {**good, "Org code": "ZZ9", "Leavers": "x"},  # 7: unknown organisation, bad leavers
        {**good, "Staff group": "Midwives", "Period": "2200-01"},  # 8: bad period
    )
    job = upload(client, workforce_user, "returns", text)
    assert job.status == Job.Status.FAILED
    where = [line.split(": ")[0] for line in job.errors]
    assert where == [
        "wf.csv, row 3, column 'FTE'",
        "wf.csv, row 3, column 'Org code'",
        "wf.csv, row 4, column 'Pay bill'",
        "wf.csv, row 5, column 'Org code'",
        "wf.csv, row 6, column 'Org code'",
        "wf.csv, row 7, column 'Leavers'",
        "wf.csv, row 7, column 'Org code'",
        "wf.csv, row 8, column 'Period'",
    ], job.errors
    joined = " | ".join(job.errors)
    assert "RA1, 2025-03, Nurses and health visitors is already on row 2" in joined
    assert "RA1, 2025-03, Doctors is already on row 4" in joined
    assert "you may not change Trust B Hospitals's workforce figures (RB1)" in joined
    assert "no organisation has the ODS code 'ZZ9'" in joined
    assert job.message == "8 problems in wf.csv"
    job = upload(client, workforce_user, "returns", csv_of({**good, "Org code": "RB1"}))
    assert job.status == Job.Status.FAILED and [line.split(": ")[0] for line in job.errors] == [
        "wf.csv, row 2, column 'Org code'"
    ]
    shifts = csv_of({**SHIFT, "Org code": "RB1"}, {**SHIFT, "Hours": "30"})
    job = upload(client, workforce_user, "shifts", shifts, name="s.csv")
    assert [line.split(": ")[0] for line in job.errors] == [
        "s.csv, row 2, column 'Org code'",
        "s.csv, row 3, column 'Hours'",
    ]
    assert not WorkforceReturn.objects.exists() and not AgencyShift.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="import_").exists()


def test_the_import_page_judges_periods_against_the_real_date(client, workforce_user):
    """The page tells the importer today's date: this month's return is refused (the month is
    not over), last month's is saved."""
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    job = upload(
        client, workforce_user, "returns", csv_of({**RETURN, "Period": f"{this_month:%Y-%m}"})
    )
    assert job.status == Job.Status.FAILED
    assert f"is after {last_month:%B %Y}, the last complete month" in " ".join(job.errors)
    job = upload(
        client, workforce_user, "returns", csv_of({**RETURN, "Period": f"{last_month:%Y-%m}"})
    )
    assert job.status == Job.Status.SUCCEEDED
    assert WorkforceReturn.objects.get().month == last_month


def test_shifts_import_and_the_agency_report(workforce_user, cast, footprint, client_for):
    RateCap.objects.create(staff_group="nurses", grade="Band 5", cap_pence=4500)
    text = (
        "Date,Org code,Agency,Staff group,Grade,Hours,Hourly rate,Reason\n"
        f"{dt.date.today() - dt.timedelta(days=3)},RA1,Acme,Nurses and health visitors,"
        "Band 5,12,60.00,Sickness\n"
    )
    services.import_shifts(
        rows=importers.parse_shifts(text, "s.csv", today=dt.date.today()),
        filename="s.csv",
        by=workforce_user,
    )
    AgencyShift.objects.create(
        date=dt.date.today() - dt.timedelta(days=2),
        organisation=footprint["trust_b"],
        agency="Acme",
        staff_group="nurses",
        grade="Band 5",
        hours=12,
        rate_pence=4500,
    )
    page = client_for("viewer").get(reverse("workforce:agency")).content.decode()
    # the escalation: each member by name, the month as a month
    assert "Acme" in page and "Trust A Hospitals £60.00; Trust B Hospitals £45.00" in page
    escalation = re.search(r'id="escalations".*?</table>', page, re.S).group(0)
    month = (dt.date.today() - dt.timedelta(days=3)).strftime("%b %Y")
    assert f">{month}<" in escalation and "RA1" not in escalation
    by_org = re.search(r'id="breaches-by-organisation".*?</table>', page, re.S).group(0)
    assert "Trust A Hospitals" in by_org and ">RA1<" not in by_org
    assert "£180" in page  # 12 hours × £15 above the card


def test_the_dashboard_names_months_organisations_and_staff_groups(
    workforce_user, footprint, client_for
):
    rows = importers.parse_returns(returns_csv(months=3), "wf.csv", today=TODAY)
    services.import_returns(rows=rows, filename="wf.csv", by=workforce_user)
    page = client_for("viewer").get(reverse("workforce:index")).content.decode()
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]*)</td>', page)
    assert {"Jan 2023", "Feb 2023", "Mar 2023"} <= set(cells)
    assert not any(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", c) for c in cells)
    assert "Trust A Hospitals" in cells and "Nurses and health visitors" in cells
    assert "nurses" not in cells and "RA1" not in cells


def test_retention_early_warning_lists_the_rise_first(workforce_user, footprint, client_for):
    rows = importers.parse_returns(returns_csv(rise=True), "wf.csv", today=TODAY)
    services.import_returns(rows=rows, filename="wf.csv", by=workforce_user)
    page = client_for("viewer").get(reverse("workforce:retention")).content.decode()
    concern = 'aria-label="Special cause concern: unusually high, which is bad"'
    assert concern in page and "Trust A Hospitals" in page
    series = client_for("viewer").get(reverse("workforce:retention_series", args=["RA1", "nurses"]))
    chart = series.content.decode()
    assert 'id="spc-spec"' in chart
    assert "Monthly leaver rate: Nurses and health visitors, Trust A Hospitals" in chart


def test_import_page_runs_a_job(client, workforce_user):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    client.post(
        reverse("workforce:import"),
        {"kind": "returns", "file": SimpleUploadedFile("wf.csv", returns_csv(months=3).encode())},
    )
    job = Job.objects.get()
    assert job.status == "succeeded" and job.message == "3 returns saved for 1 organisations"


def test_supply_projection_page(client_for, workforce_user):
    services.import_returns(
        rows=importers.parse_returns(returns_csv(), "wf.csv", today=TODAY),
        filename="wf.csv",
        by=workforce_user,
    )
    page = (
        client_for("viewer")
        .get(
            reverse("workforce:supply"),
            {
                "staff_group": "nurses",
                "need": "950, 1000, 1050",
                "training_places": "20",
                "completion": "80",
            },
        )
        .content.decode()
    )
    assert 'id="supply"' in page and "From 900 WTE in post in Dec 2024" in page
    # a need typed in is taken as it is, a year at a time from the latest returns
    assert "Dec 2025" in page and "Dec 2027" in page and 'id="calibration"' not in page
    bad = client_for("viewer").get(
        reverse("workforce:supply"),
        {"staff_group": "nurses", "need": "lots", "training_places": "1", "completion": "1"},
    )
    assert "Give numbers separated by commas" in bad.content.decode()


def _hand_worked_growth(params: dict) -> dict:
    growth = {**params["growth"], "ip_emergency": {"low": 0.02, "high": 0.04}}
    return {**params, "health_status": None, "growth": growth}


def test_supply_need_comes_from_a_demand_scenario(client_for, cast, workforce_user):
    """The need is the nurses' WTE the scenario's latest run needs at the organisations that
    send returns (here Trust A only): 240 emergency admissions of 2 days at 300 nurse minutes a
    bed day in 2025, ×1.1 for population and ×1.03 for growth in 2026, ÷ 1,600 hours a WTE.
    The run counts 1.5 WTE in 2025 against 900 in post, so it is calibrated (walk WF3): the
    need in 2026 is 900 × 1.1 × 1.03 = 1,019.7, the factor 900 ÷ 1.5 = 600."""
    services.import_returns(
        rows=importers.parse_returns(returns_csv(), "wf.csv", today=TODAY),
        filename="wf.csv",
        by=workforce_user,
    )
    baseline = create_baseline(
        name="A",
        base_year=2025,
        source="",
        records=2,
        rows=[
            ("RA1", "ip_emergency", "N1", "F", 80, "", 2, 240.0, 480.0),
            ("RB1", "ip_emergency", "S1", "F", 80, "", 2, 100.0, 200.0),
        ],
        by=cast["pmo"],  # the programme office keeps the demand model
    )
    scenario = save_scenario(
        by=cast["pmo"],
        name="Plan",
        description="",
        baseline=baseline,
        # Without the health-status adjustment, which would shift these 80-year-olds' rates;
        # emergency admissions grow 2-4 % a year (central 3 %), set here, not the library's.
        parameters=_hand_worked_growth(demand.default_parameters(2025, 2026, iterations=0)),
    )
    run_model(
        run=Run.objects.create(scenario=scenario, parameters=scenario.parameters), by=cast["pmo"]
    )
    base = 480 * 300 / 60 / 1600
    expected = base * 1.1 * 1.03
    need = need_from_scenario(scenario, "nurses")
    assert need is not None and need.years == (2026,) and need.base_year == 2025
    assert need.model_base == pytest.approx(base)
    assert need.model_need == pytest.approx((expected,))
    page = (
        client_for("viewer")
        .get(
            reverse("workforce:supply"),
            {
                "staff_group": "nurses",
                "scenario": scenario.pk,
                "need": "",
                "training_places": "0",
                "completion": "80",
            },
        )
        .content.decode()
    )
    assert 'id="supply"' in page and "The latest run of Plan counts 1.5 WTE of nurses" in page
    assert "From 900 WTE in post in Dec 2024" in page
    assert "× 600.00 (the calibration factor" in page
    body = page.split('id="supply"')[1].split("<tbody")[1]
    cells = re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", body.split("</tr>")[0], re.S)
    # 2026 (not 2026/27: the run's years are whole years), need 1,020, the run's own 1.7
    assert cells[:3] == ["2026", "1,020", "1.7"]
    assert "The run counts about 0.2 % of them" in page
    assert "2026/27" not in page and "whole years after its base year, 2025" in page


# --- The rate card on its pages --------------------------------------------------------------


def test_the_programme_office_keeps_the_rate_card_with_its_history(client_for, cast, footprint):
    pmo = client_for("pmo")
    empty = pmo.get(reverse("workforce:rate_card")).content.decode()
    assert "No rate card yet" in empty
    terms = {
        "organisation": "",
        "staff_group": "nurses",
        "grade": " Band  5 ",
        "cap_pence": "45.50",
    }
    body = pmo.post(reverse("workforce:rate_new"), terms, follow=True).content.decode()
    assert "Saved the cap for Nurses and health visitors, Band 5: £45.50 an hour" in body
    assert "Every member" in body
    cap = RateCap.objects.get()
    assert (cap.organisation, cap.grade, cap.cap_pence) == (None, "Band 5", 45_50)

    # Trust A's own, lower cap for the same role is a different cap.
    own = terms | {"organisation": footprint["trust_a"].pk, "cap_pence": "40"}
    pmo.post(reverse("workforce:rate_new"), own)
    assert RateCap.objects.filter(organisation=footprint["trust_a"], cap_pence=40_00).exists()

    pmo.post(reverse("workforce:rate_edit", args=[cap.pk]), terms | {"cap_pence": "48"})
    cap.refresh_from_db()
    assert cap.cap_pence == 48_00
    page = pmo.get(reverse("workforce:rate_edit", args=[cap.pk])).content.decode()
    assert "Changed most per hour from £45.50 to £48.00" in page and "Created" in page
    assert {h.history_user for h in cap.history.all()} == {cast["pmo"]}
    events = AuditEvent.objects.filter(action="save_rate_cap").order_by("pk")
    assert [e.details["cap_pence"] for e in events] == [45_50, 40_00, 48_00]

    pmo.post(reverse("workforce:rate_remove", args=[cap.pk]))
    assert list(RateCap.objects.values_list("cap_pence", flat=True)) == [40_00]
    assert AuditEvent.objects.filter(action="remove_rate_cap").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"cap_pence": "2.99"}, "cap_pence", "The most per hour must be from £3.00 to £500.00"),
        ({"cap_pence": "4550"}, "cap_pence", "is it the rate for one hour"),
        ({"cap_pence": "-5"}, "cap_pence", "The most per hour must be from"),
        ({"cap_pence": "Infinity"}, "cap_pence", "Most per hour (£) must be a number"),
        ({"grade": "   "}, "grade", "Enter the grade"),
        ({"grade": "band 5"}, "grade", "already caps Nurses and health visitors, Band 5"),
        ({"staff_group": "pilots"}, "staff_group", "Choose one of the options for staff group"),
    ],
)
def test_a_cap_that_cannot_be_right_is_refused_naming_the_field(
    client_for, cast, changes, field, message
):
    services.save_rate_cap(
        cap=RateCap(staff_group="nurses", grade="Band 5", cap_pence=45_00), by=cast["pmo"]
    )
    terms = {"organisation": "", "staff_group": "nurses", "grade": "Band 6", "cap_pence": "50"}
    response = client_for("pmo").post(reverse("workforce:rate_new"), terms | changes)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in body and message in body
    assert RateCap.objects.count() == 1


def test_the_rate_card_is_searched_and_sorted(client_for, cast, footprint):
    for org, group, grade, pence in [
        (None, "nurses", "Band 5", 45_00),
        (None, "doctors", "Consultant", 150_00),
        (footprint["trust_a"], "nurses", "Band 5", 40_00),
    ]:
        services.save_rate_cap(
            cap=RateCap(organisation=org, staff_group=group, grade=grade, cap_pence=pence),
            by=cast["pmo"],
        )
    viewer = client_for("viewer")
    found = viewer.get(reverse("workforce:rate_card"), {"q": "consultant"}).content.decode()
    assert "1 cap matching" in found and "Band 5" not in found
    by_cap = viewer.get(reverse("workforce:rate_card"), {"sort": "-cap"}).content.decode()
    assert re.findall(r"£([\d,]+\.\d\d)</td>", by_cap) == ["150.00", "45.00", "40.00"]
    mine = viewer.get(reverse("workforce:rate_card"), {"q": "Trust A"}).content.decode()
    assert "1 cap matching" in mine and "Add a cap" not in mine


def test_the_workforce_pages_take_today_from_the_projects_clock(client_for, monkeypatch):
    """The agency report's year (with no shifts yet, the year to today) and the supply
    projection's first year come from ``timezone.localdate()``, not the server's calendar."""
    instant = dt.datetime(2031, 5, 1, 12, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    page = client_for("viewer").get(reverse("workforce:agency")).content.decode()
    assert "agency shifts in the year from 2 May 2030" in page
