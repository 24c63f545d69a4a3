"""Workforce returns and agency shifts: imports with per-organisation rights, the dashboard,
retention early warning and the agency report."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.core.imports import ImportRejected
from footprint.core.models import Job
from footprint.demand import compute as demand
from footprint.demand.models import Run
from footprint.demand.services import create_baseline, save_scenario
from footprint.workforce import importers, services
from footprint.workforce.compute import need_from_scenario
from footprint.workforce.models import AgencyShift, RateCap, WorkforceReturn

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
    rows = importers.parse_returns(returns_csv(), "wf.csv")
    result = services.import_returns(rows=rows, filename="wf.csv", by=workforce_user)
    assert result == {"returns": 24, "organisations": 1}
    r = WorkforceReturn.objects.get(month=dt.date(2023, 1, 1))
    assert (r.headcount, r.wte, r.leavers, r.pay_bill_pence) == (1000, 900.0, 10, 350_000_000)


def test_no_one_imports_another_organisations_returns(workforce_user, footprint):
    rows = importers.parse_returns(returns_csv(org="RB1", months=2), "wf.csv")
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
        importers.parse_returns(HEAD + line + "\n", "wf.csv")
    assert "row 2" in str(exc.value) and expected in str(exc.value)


def test_shifts_import_and_the_agency_report(workforce_user, cast, footprint, client_for):
    RateCap.objects.create(staff_group="nurses", grade="Band 5", cap_pence=4500)
    text = (
        "Date,Org code,Agency,Staff group,Grade,Hours,Hourly rate,Reason\n"
        f"{dt.date.today() - dt.timedelta(days=3)},RA1,Acme,Nurses and health visitors,"
        "Band 5,12,60.00,Sickness\n"
    )
    services.import_shifts(
        rows=importers.parse_shifts(text, "s.csv"), filename="s.csv", by=workforce_user
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
    rows = importers.parse_returns(returns_csv(months=3), "wf.csv")
    services.import_returns(rows=rows, filename="wf.csv", by=workforce_user)
    page = client_for("viewer").get(reverse("workforce:index")).content.decode()
    cells = re.findall(r'<td class="nhsuk-table__cell">([^<]*)</td>', page)
    assert {"Jan 2023", "Feb 2023", "Mar 2023"} <= set(cells)
    assert not any(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", c) for c in cells)
    assert "Trust A Hospitals" in cells and "Nurses and health visitors" in cells
    assert "nurses" not in cells and "RA1" not in cells


def test_retention_early_warning_lists_the_rise_first(workforce_user, footprint, client_for):
    rows = importers.parse_returns(returns_csv(rise=True), "wf.csv")
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
        rows=importers.parse_returns(returns_csv(), "wf.csv"), filename="wf.csv", by=workforce_user
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
    assert 'id="supply"' in page and "From 900 WTE in post" in page
    bad = client_for("viewer").get(
        reverse("workforce:supply"),
        {"staff_group": "nurses", "need": "lots", "training_places": "1", "completion": "1"},
    )
    assert "Give numbers separated by commas" in bad.content.decode()


def test_supply_need_comes_from_a_demand_scenario(client_for, workforce_user):
    """The need is the nurses' WTE the scenario's latest run needs at the organisations that
    send returns (here Trust A only): 240 emergency admissions of 2 days at 300 nurse minutes a
    bed day in 2025, ×1.1 for population and ×1.03 for growth in 2026, ÷ 1,600 hours a WTE."""
    services.import_returns(
        rows=importers.parse_returns(returns_csv(), "wf.csv"), filename="wf.csv", by=workforce_user
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
        by=None,
    )
    scenario = save_scenario(
        by=None,
        name="Plan",
        description="",
        baseline=baseline,
        parameters=demand.default_parameters(2025, 2026, iterations=0),
    )
    demand.execute(
        Run.objects.create(scenario=scenario, parameters=scenario.parameters), lambda d, t: None
    )
    expected = 480 * 1.1 * 1.03 * 300 / 60 / 1600
    assert need_from_scenario(scenario, "nurses") == pytest.approx([expected])
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
    assert 'id="supply"' in page and "The need is the WTE the latest run of Plan needs" in page
    assert "2026/27" in page
