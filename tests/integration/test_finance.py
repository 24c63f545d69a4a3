"""System finance in the app: plans entered on the form or uploaded from the Excel template
(all or nothing, every bad cell named), the history of each figure, who sees which plan before
and after the programme office publishes, the risk share, exports, the API and the scenario
page. Money is in pence: 100_000_000 is £1m."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from footprint.api.tokens import create_token
from footprint.core.imports import ImportRejected
from footprint.finance import compute, importers, publication, services
from footprint.finance.models import (
    Contract,
    ContractKind,
    FinancialPlan,
    PublishedYear,
    RiskShareAgreement,
)

M = 100_000_000


def figures(year, *, icb=100, other=10, pay=60, non_pay=45, fixed="40", semi="30", ct=0):
    """A plan in £m: income from the ICB and other income, pay, non-pay, control total."""
    return importers.PlanFigures(
        year=year,
        income={"QA1": round(icb * M), "other": round(other * M)},
        pay_pence=round(pay * M),
        non_pay_pence=round(non_pay * M),
        fixed_percent=Decimal(fixed),
        semi_fixed_percent=Decimal(semi),
        control_total_pence=ct * M,
        row=0,
        column="",
    )


def workbook_bytes(rows, code="RA1"):
    wb = Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws["A1"], ws["B1"] = "Organisation ODS code", code
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["Line", "2026/27", "2027/28"],
    ["Control total (£)", -5_000_000, -2_000_000],
    ["Income from QA1 – Test ICB (£)", 100_000_000, "£103,000,000.50"],
    ["Other income (£)", 10_000_000, 10_000_000],
    ["Pay (£)", 70_000_000, 70_000_000],
    ["Non-pay (£)", 46_000_000, 44_000_000],
    ["Fixed share of expenditure (%)", 40, 40],
    ["Semi-fixed share of expenditure (%)", 30, "30%"],
]


def test_a_finance_lead_uploads_a_two_year_plan(finance_team, icb):
    wb = importers.parse_plan_workbook(workbook_bytes(GOOD), "plan.xlsx")
    plans = services.import_plan_workbook(workbook=wb, filename="plan.xlsx", by=finance_team["a"])
    assert [p.year for p in plans] == [2026, 2027]
    first, second = plans
    # 2026/27: income £110m, spend £116m: a £6m deficit against a £5m deficit plan.
    assert first.income == {"QA1": 100 * M, "other": 10 * M}
    assert (first.surplus_pence, first.variance_pence) == (-6 * M, -1 * M)
    # 2027/28: £103,000,000.50 is kept to the penny; income £113,000,000.50, spend £114m.
    assert second.income["QA1"] == 10_300_000_050
    assert second.surplus_pence == 113 * M + 50 - 114 * M
    assert second.semi_fixed_percent == Decimal("30.00")


def test_every_bad_cell_is_named_and_nothing_is_saved(finance_team, icb):
    bad = [list(r) for r in GOOD]
    bad[4][1] = "seventy million"  # pay, 2026/27
    bad[5][2] = None  # non-pay, 2027/28
    bad[3][2] = 1.005  # a fraction of a penny
    with pytest.raises(ImportRejected) as caught:
        importers.parse_plan_workbook(workbook_bytes(bad), "plan.xlsx")
    lines = caught.value.as_lines()
    where = "plan.xlsx, sheet 'Plan', row"
    assert f"{where} 7, column '2026/27 (B)': 'seventy million' is not an amount of money" in lines
    assert (
        "plan.xlsx, sheet 'Plan', row 8, column '2027/28 (C)': is empty: fill every line of a year"
        in lines
    )
    assert (
        any("row 10, column '2026/27 (B)'" in e and "more than 100%" in e for e in lines) is False
    )
    assert (
        "plan.xlsx, sheet 'Plan', row 6, column '2027/28 (C)': '1.005' has fractions of a penny"
        in lines
    )
    assert not FinancialPlan.objects.exists()


def test_every_problem_is_listed_in_one_upload(client, finance_team, icb):
    """Walk FI6: a workbook with seven problems lists all seven in one round, each by sheet,
    row and column, the ODS code of a trust whose plans the uploader may not change among
    them, and saves nothing."""
    bad = [list(r) for r in GOOD]
    bad[1][1] = "=1+1"  # control total, 2026/27: a formula with no saved value
    bad[4][1] = "abc"  # pay, 2026/27
    bad[3][2] = 10**15  # other income, 2027/28
    bad[6][2] = "-3%"  # fixed share, 2027/28
    bad[5][1] = -5  # non-pay, 2026/27 (the year has other problems too)
    bad[6][1], bad[7][1] = 60, 50  # 2026/27: 110% fixed and semi-fixed
    upload = io.BytesIO(workbook_bytes(bad, code="RB1"))
    upload.name = "plan.xlsx"
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.post(reverse("finance:upload"), {"file": upload}, follow=True).content.decode()
    assert "7 problems in plan.xlsx" in page
    where = "plan.xlsx, sheet &#39;Plan&#39;, row"
    for line in [
        f"{where} 1, column &#39;B&#39;: you may not change Trust B Hospitals&#39;s financial",
        f"{where} 4, column &#39;2026/27 (B)&#39;: holds a formula (=1+1) with no value saved",
        f"{where} 6, column &#39;2027/28 (C)&#39;: &#39;1000000000000000&#39; is more than",
        f"{where} 7, column &#39;2026/27 (B)&#39;: &#39;abc&#39; is not an amount of money",
        f"{where} 8, column &#39;2026/27 (B)&#39;: &#39;-5&#39; must not be negative",
        f"{where} 9, column &#39;2027/28 (C)&#39;: &#39;-3%&#39; must be between 0 and 100",
        f"{where} 10, column &#39;2026/27 (B)&#39;: fixed and semi-fixed shares add up to 110%",
    ]:
        assert line in page, line
    assert page.index(f"{where} 1,") < page.index(f"{where} 4,") < page.index(f"{where} 10,")
    assert not FinancialPlan.objects.exists()


def test_a_formula_with_no_saved_value_is_named_as_a_formula(finance_team, icb):
    """Walk FI7: openpyxl reads the values a spreadsheet saved with its formulas; a formula
    written by a program saves none, and is named as a formula, not as an empty cell."""
    bad = [list(r) for r in GOOD]
    bad[4][2] = "=SUM(1,2)"  # pay, 2027/28
    bad[5][2] = None  # non-pay, 2027/28: truly empty
    with pytest.raises(ImportRejected) as caught:
        importers.parse_plan_workbook(workbook_bytes(bad), "plan.xlsx")
    assert caught.value.as_lines() == [
        "plan.xlsx, sheet 'Plan', row 7, column '2027/28 (C)': holds a formula (=SUM(1,2)) "
        "with no value saved with it: copy the cell and paste its value (Paste Special, "
        "Values), or type the figure",
        "plan.xlsx, sheet 'Plan', row 8, column '2027/28 (C)': is empty: fill every line of a year",
    ]
    # a column of formulas alone is not taken for an empty year
    only = [list(r) for r in GOOD]
    for row in only[1:]:
        row[2] = "=1"
    with pytest.raises(ImportRejected) as caught:
        importers.parse_plan_workbook(workbook_bytes(only), "plan.xlsx")
    assert len(caught.value.errors) == 7
    assert all("holds a formula (=1)" in str(e) for e in caught.value.errors)


def test_an_upload_names_unknown_commissioners_with_the_other_problems(finance_team, icb):
    rows = [list(r) for r in GOOD]
    rows[2][0] = "Income from QZZ9 (£)"
    rows[4][1] = "lots"
    book = importers.read_plan_workbook(workbook_bytes(rows), "plan.xlsx")
    with pytest.raises(ImportRejected) as caught:
        services.import_plan_workbook(workbook=book, filename="plan.xlsx", by=finance_team["a"])
    assert [str(e) for e in caught.value.errors] == [
        "row 5, column 'A': 'Income from QZZ9': no other organisation has this ODS code",
        "row 7, column '2026/27 (B)': 'lots' is not an amount of money",
    ]
    assert not FinancialPlan.objects.exists()


def test_shares_over_a_hundred_per_cent_are_refused(finance_team, icb):
    bad = [list(r) for r in GOOD]
    bad[7][1] = 70  # semi-fixed 70% + fixed 40%
    with pytest.raises(
        ImportRejected, match=r"row 10, column '2026/27 \(B\)': fixed and semi-fixed"
    ):
        importers.parse_plan_workbook(workbook_bytes(bad), "plan.xlsx")


def test_not_a_workbook_and_unknown_lines_are_explained(finance_team, icb):
    with pytest.raises(ImportRejected, match="not an Excel workbook"):
        importers.parse_plan_workbook(b"Org,Pay\nRA1,1\n", "plan.xlsx")
    odd = [list(r) for r in GOOD] + [["Biscuits (£)", 1, 1]]
    with pytest.raises(
        ImportRejected, match="row 11, column 'A': 'Biscuits \\(£\\)' is not a line"
    ):
        importers.parse_plan_workbook(workbook_bytes(odd), "plan.xlsx")


def test_no_one_uploads_another_organisations_plan(finance_team, icb):
    wb = importers.parse_plan_workbook(workbook_bytes(GOOD, code="RB1"), "plan.xlsx")
    with pytest.raises(
        ImportRejected, match="you may not change Trust B Hospitals's financial plans"
    ):
        services.import_plan_workbook(workbook=wb, filename="plan.xlsx", by=finance_team["a"])
    assert not FinancialPlan.objects.exists()


def test_income_from_an_unknown_commissioner_is_refused(finance_team, icb):
    rows = [list(r) for r in GOOD]
    rows[2][0] = "Income from QZZ9 (£)"
    wb = importers.parse_plan_workbook(workbook_bytes(rows), "plan.xlsx")
    with pytest.raises(ImportRejected, match="'Income from QZZ9': no other organisation"):
        services.import_plan_workbook(workbook=wb, filename="plan.xlsx", by=finance_team["a"])


def test_the_template_round_trips(finance_team, icb, footprint):
    services.save_plan(
        organisation=footprint["trust_a"], figures=figures(2026), by=finance_team["a"]
    )
    plans = {p.year: p for p in footprint["trust_a"].financial_plans.all()}
    data = importers.template(footprint["trust_a"], [2026, 2027], [icb], plans)
    sheet = load_workbook(io.BytesIO(data))["Plan"]
    assert sheet["B3"].value == "2026/27" and sheet["C3"].value == "2027/28"
    read = importers.parse_plan_workbook(data, "template.xlsx")
    assert read.organisation == "RA1"
    assert [y.year for y in read.years] == [2026]  # the empty 2027/28 column is left alone
    assert read.years[0].income == {"QA1": 100 * M, "other": 10 * M}
    assert read.years[0].pay_pence == 60 * M


def test_the_form_saves_a_plan_and_the_history_shows_each_change(client, finance_team, icb):
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    page = reverse("finance:plan_edit", args=["RA1", 2026])
    form = {
        "control_total": "-5,000,000",
        "income_QA1": "100000000",
        "income_LA001": "0",
        "other_income": "10000000",
        "pay": "70000000",
        "non_pay": "46000000",
        "fixed_percent": "40",
        "semi_fixed_percent": "30",
    }
    assert client.post(page, form).status_code == 302
    client.post(page, form | {"non_pay": "43000000"})
    plan = FinancialPlan.objects.get()
    assert plan.surplus_pence == -3 * M
    history = client.get(reverse("finance:organisation", args=["RA1"])).content.decode()
    assert "Non-pay" in history and "£46,000,000" in history and "£43,000,000" in history
    assert "Plan entered: surplus or deficit" in history


def test_the_form_names_what_is_wrong(client, finance_team, icb):
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("finance:plan_edit", args=["RA1", 2026]),
        {
            "control_total": "x",
            "pay": "-1",
            "non_pay": "1",
            "fixed_percent": "60",
            "semi_fixed_percent": "50",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Control total (£) must be a number" in body and "Pay (£) must be 0 or more" in body
    assert "more than 100%" in body
    assert not FinancialPlan.objects.exists()


@pytest.fixture
def two_plans(footprint, cast, icb):
    """2026/27: trust A £4m worse than its control total, trust B £6m better."""
    a = services.save_plan(
        organisation=footprint["trust_a"], figures=figures(2026, non_pay=59, ct=-5), by=cast["pmo"]
    )  # income £110m, spend £119m: −£9m against −£5m, so £4m worse
    b = services.save_plan(
        organisation=footprint["trust_b"], figures=figures(2026, non_pay=44, ct=0), by=cast["pmo"]
    )  # income £110m, spend £104m: +£6m against £0, so £6m better
    return a, b


def test_partners_see_only_their_own_unpublished_plan(client_for, two_plans):
    a_page = reverse("finance:organisation", args=["RA1"])
    assert "−£4,000,000" in client_for("editor_a").get(a_page).content.decode()
    other = client_for("editor_b").get(a_page).content.decode()
    assert (
        "−£4,000,000" not in other
        and "You can see no plan for Trust A Hospitals: either it has none" in other
    )
    system = client_for("editor_b").get(reverse("finance:index")).content.decode()
    assert "Trust B Hospitals" in system and "Trust A Hospitals" not in system
    assert "Partner-only" in system
    assert client_for("public").get(reverse("finance:index")).status_code == 302
    public = client_for("public").get(reverse("finance:public")).content.decode()
    assert "has not published a financial summary yet" in public


def test_publishing_opens_the_year_to_partners_and_the_public(client_for, two_plans):
    assert client_for("editor_a").post(reverse("finance:publish", args=[2026])).status_code == 403
    assert not PublishedYear.objects.exists()
    done = client_for("pmo").post(reverse("finance:publish", args=[2026]), follow=True)
    assert "Published the system summary for 2026/27" in done.content.decode()
    assert "Withdraw the 2026/27 summary" in done.content.decode()
    assert PublishedYear.objects.filter(year=2026).exists()
    other = (
        client_for("editor_b").get(reverse("finance:organisation", args=["RA1"])).content.decode()
    )
    assert "−£4,000,000" in other
    public = client_for("public").get(reverse("finance:public")).content.decode()
    # System control total −£5m; plans −£9m and +£6m: −£3m, £2m better than agreed.
    assert "−£5.0m" in public and "−£3.0m" in public and "£2.0m better" in public
    assert "Trust A Hospitals" in public


def test_exports_hold_only_what_the_person_may_see(client_for, two_plans):
    rows = list(
        csv.reader(
            io.StringIO(
                client_for("editor_b")
                .get(reverse("finance:export", args=["csv"]))
                .content.decode("utf-8-sig")
            )
        )
    )
    assert [r[1] for r in rows[1:]] == ["RB1"]
    assert rows[1][8] == "6000000.0"  # variance in pounds
    xlsx = client_for("pmo").get(reverse("finance:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["Positions"]
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["RA1", "RB1"]


def test_positions_in_any_other_format_are_not_found(client_for, two_plans):
    # Walk X1: positions.pdf (any extension) served the CSV.
    for fmt in ("pdf", "json", "CSV"):
        response = client_for("pmo").get(reverse("finance:export", args=[fmt]))
        assert response.status_code == 404
        assert b"Financial year,ODS code" not in response.content


def test_the_api_keeps_unpublished_plans_to_their_own_people(client, cast, two_plans):
    _, token = create_token(user=cast["editor_b"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    mine = client.get("/api/v1/finance/positions", **auth).json()
    assert [p["ods_code"] for p in mine] == ["RB1"]
    assert client.get("/api/v1/finance/summary/2026").status_code == 404
    services.publish_year(year=2026, by=cast["pmo"])
    summary = client.get("/api/v1/finance/summary/2026").json()
    assert summary["control_total_pence"] == -5 * M and summary["variance_pence"] == 2 * M
    assert len(client.get("/api/v1/finance/positions", **auth).json()) == 2
    assert client.get("/api/v1/finance/positions").status_code == 401


def test_the_risk_share_moves_money_and_the_waterfall_shows_it(
    client_for, cast, two_plans, footprint
):
    # B is £6m better: it pays 50% = £3m (cap 5% of £110m = £5.5m). A is £4m worse and gets
    # the £3m. A's final position is −£9m + £3m = −£6m; B's £6m − £3m = £3m.
    services.save_agreement(
        agreement=RiskShareAgreement(
            name="Test risk share",
            first_year=2026,
            last_year=2027,
            contribution_rate=Decimal(50),
            contribution_cap_rate=Decimal(5),
            repayable=True,
            agreed_on="2026-03-01",
        ),
        members=[footprint["trust_a"], footprint["trust_b"]],
        by=cast["pmo"],
    )
    system = compute.system_year(2026)
    by_code = {r.organisation.ods_code: r for r in system.rows}
    assert by_code["RA1"].transfer == 3 * M and by_code["RB1"].transfer == -3 * M
    assert by_code["RA1"].final_pence == -6 * M and by_code["RA1"].owes == 3 * M
    assert publication.waterfall(publication.summary_of(system)) == [
        ("System control total", -5.0),
        ("Trust A Hospitals plan", -4.0),
        ("Trust B Hospitals plan", 6.0),
        ("Paid into the risk share", -3.0),
        ("Paid out of the risk share", 3.0),
    ]
    page = client_for("pmo").get(reverse("finance:index")).content.decode()
    assert "system-waterfall" in page and "Test risk share" in page
    spec = chart_spec(page, "system-waterfall")
    shown = {v["step"]: v["amount_text"] for v in spec["data"]["values"]}
    assert (
        shown["Trust A Hospitals plan"] == "−£4.0m" and shown["Trust B Hospitals plan"] == "£6.0m"
    )
    assert "RA1 plan" not in shown and "'£'" in spec["encoding"]["x"]["axis"]["labelExpr"]
    ledger = client_for("editor_b").get(reverse("finance:risk_share")).content.decode()
    assert "No year of this agreement has been published" in ledger
    services.publish_year(year=2026, by=cast["pmo"])
    ledger = client_for("editor_b").get(reverse("finance:risk_share")).content.decode()
    assert "£3,000,000" in ledger


def test_a_year_without_plans_inside_an_agreement_shows_in_the_ledger(
    client_for, cast, footprint, icb
):
    # Plans for 2026/27 and 2028/29 but none for 2027/28: the ledger runs through the gap.
    for year in (2026, 2028):
        for trust, non_pay in (("trust_a", 59), ("trust_b", 44)):
            services.save_plan(
                organisation=footprint[trust],
                figures=figures(year, non_pay=non_pay),
                by=cast["pmo"],
            )
    services.save_agreement(
        agreement=RiskShareAgreement(
            name="Three-year pool",
            first_year=2026,
            last_year=2028,
            contribution_rate=Decimal(50),
            contribution_cap_rate=Decimal(5),
            agreed_on="2026-03-01",
        ),
        members=[footprint["trust_a"], footprint["trust_b"]],
        by=cast["pmo"],
    )
    page = client_for("pmo").get(reverse("finance:risk_share")).content.decode()
    ledger = re.sub(r"<[^>]+>", " ", page.split('id="ledger-', 1)[1].split("</table>")[0])
    assert "2026/27" in ledger and "2028/29" in ledger
    assert re.search(r"2027/28\s+Trust A Hospitals\s+No plan", ledger)


def test_only_the_programme_office_records_an_agreement(client_for, footprint):
    page = reverse("finance:agreement_new")
    assert client_for("editor_a").get(page).status_code == 403
    response = client_for("pmo").post(
        page,
        {
            "name": "Pool",
            "first_year": 2026,
            "last_year": 2025,
            "contribution_rate": 50,
            "contribution_cap_rate": 1,
            "members": [footprint["trust_a"].pk],
            "agreed_on": "2026-03-01",
        },
    )
    assert "The last year must not be before the first" in response.content.decode()
    assert not RiskShareAgreement.objects.exists()


def test_an_overlapping_agreement_is_recorded_with_a_warning_saying_which_applies(
    client_for, footprint
):
    """Overlapping agreements are legitimate (a renegotiated agreement replaces the old one
    from its first year: the most recently agreed applies), so they are warned of, not
    refused."""
    pmo = client_for("pmo")
    terms = {
        "name": "First pool",
        "first_year": 2026,
        "last_year": 2030,
        "contribution_rate": 50,
        "contribution_cap_rate": 1,
        "members": [footprint["trust_a"].pk, footprint["trust_b"].pk],
        "agreed_on": "2026-03-01",
        "notes": "",
    }
    first = pmo.post(reverse("finance:agreement_new"), terms, follow=True).content.decode()
    assert "Overlaps" not in first
    second = terms | {"name": "Second pool", "first_year": 2027, "last_year": 2031}
    page = pmo.post(
        reverse("finance:agreement_new"), second | {"agreed_on": "2026-06-01"}, follow=True
    ).content.decode()
    assert RiskShareAgreement.objects.count() == 2
    assert "This agreement and First pool both cover 2027/28 to 2030/31" in page
    assert "In those years Second pool applies, as the more recently agreed" in page
    assert "Overlaps Second pool" in page
    undated = pmo.post(
        reverse("finance:agreement_new"), terms | {"name": "Third pool", "agreed_on": ""}
    ).content.decode()
    assert "Enter the date agreed" in undated and "agreed on" not in undated


def test_the_programme_office_records_and_changes_an_agreement_on_its_page(
    client_for, cast, footprint
):
    from footprint.core.models import AuditEvent

    pmo = client_for("pmo")
    terms = {
        "name": "Northshire pool",
        "first_year": 2026,
        "last_year": 2028,
        "contribution_rate": 50,
        "contribution_cap_rate": 1,
        "repayable": "on",
        "members": [footprint["trust_a"].pk, footprint["trust_b"].pk],
        "agreed_on": "2026-03-01",
        "notes": "Agreed by both boards",
    }
    response = pmo.post(reverse("finance:agreement_new"), terms, follow=True)
    body = response.content.decode()
    assert "Saved the agreement" in body and "Northshire pool" in body
    assert "50% of favourable variance, capped at 1% of income" in body
    assert "Trust A Hospitals, Trust B Hospitals" in body and "2026/27 to 2028/29" in body
    agreement = RiskShareAgreement.objects.get()
    assert set(agreement.members.values_list("ods_code", flat=True)) == {"RA1", "RB1"}

    # Changed: a lower rate, and trust B leaves.
    changed = terms | {"contribution_rate": 25, "members": [footprint["trust_a"].pk]}
    response = pmo.post(
        reverse("finance:agreement_edit", args=[agreement.pk]), changed, follow=True
    )
    body = response.content.decode()
    assert "25% of favourable variance" in body and "Trust B Hospitals" not in body
    agreement.refresh_from_db()
    assert agreement.contribution_rate == Decimal(25)
    assert list(agreement.members.values_list("ods_code", flat=True)) == ["RA1"]
    history = agreement.history.order_by("history_date", "history_id")
    assert (history.first().contribution_rate, history.last().contribution_rate) == (50, 25)
    assert {h.history_user for h in history} == {cast["pmo"]}
    events = AuditEvent.objects.filter(action="save_risk_share_agreement").order_by("pk")
    assert [e.actor for e in events] == [cast["pmo"], cast["pmo"]]
    assert events.last().details["members"] == ["RA1"]


def test_withdrawing_a_year_on_the_page_takes_it_back_to_partner_only(client_for, two_plans):
    from footprint.core.models import AuditEvent

    client_for("pmo").post(reverse("finance:publish", args=[2026]))
    withdraw = reverse("finance:withdraw", args=[2026])
    assert client_for("editor_a").post(withdraw).status_code == 403
    assert client_for("pmo").get(withdraw).status_code == 405  # a change, so POST only
    assert PublishedYear.objects.filter(year=2026).exists()
    page = client_for("pmo").post(withdraw, follow=True).content.decode()
    assert "2026/27 is back to partner-only." in page
    assert "Publish the 2026/27 system summary" in page
    assert not PublishedYear.objects.exists()
    event = AuditEvent.objects.get(action="withdraw_finance_year")
    assert event.actor.username == "pmo" and event.details == {"year": 2026}
    other = client_for("editor_b").get(reverse("finance:index")).content.decode()
    assert "Partner-only" in other and "Trust A Hospitals" not in other
    public = client_for("public").get(reverse("finance:public")).content.decode()
    assert "has not published a financial summary yet" in public


def test_spend_per_weighted_resident_by_place(footprint, cast, icb):
    # Each neighbourhood has 20 residents of each age: weighted 20 × 147.5 = 2,950 (the age
    # weights sum to 147.5 over ages 0 to 90). Northshire has two neighbourhoods (5,900),
    # Southshire one (2,950). Trust A serves Northshire and spends £5.9m: £1,000 each.
    # Trust B serves Southshire and spends £5.9m: £2,000 each. The system: £11.8m / 8,850.
    services.save_plan(
        organisation=footprint["trust_a"],
        figures=figures(2025, pay=3, non_pay=2.9),
        by=cast["pmo"],
        confirmed=True,
    )
    services.save_plan(
        organisation=footprint["trust_b"],
        figures=figures(2025, pay=3, non_pay=2.9),
        by=cast["pmo"],
        confirmed=True,
    )
    rows = {r.area: r for r in compute.spend_per_head([2025])}
    assert rows["Northshire"].weighted_residents == 5_900
    assert rows["Northshire"].pounds == Decimal("1000.00")
    assert rows["Southshire"].pounds == Decimal("2000.00")
    assert rows["Whole system"].pounds == Decimal("1333.33")


def chart_spec(page: str, chart: str) -> dict:
    """A chart's Vega-Lite spec as the page holds it."""
    found = re.search(rf'id="{chart}-spec"[^>]*>(.*?)</script>', page, re.S)
    assert found, chart
    return json.loads(found.group(1))


def test_who_gains_and_who_loses_follows_the_contracts(client_for, cast, footprint, icb):
    from footprint.demand import compute as demand
    from footprint.demand.models import Result, Run
    from footprint.demand.services import create_baseline, run_model, save_scenario

    cells = [
        ("RA1", "ip_elective", "N1", "F", 70, "", 1, 1000.0, 3000.0),
        ("RB1", "op_first", "S1", "M", 40, "", 0, 5000.0, 0.0),
    ]
    baseline = create_baseline(
        name="B", base_year=2025, source="test", rows=cells, records=0, by=cast["pmo"]
    )
    doc = demand.default_parameters(2025, 2026, iterations=100, seed=1)
    scenario = save_scenario(
        name="Growth", description="", baseline=baseline, parameters=doc, by=cast["pmo"]
    )
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters)
    run_model(run=run, by=cast["pmo"])
    Contract.objects.create(
        commissioner=icb,
        provider=footprint["trust_a"],
        service="ip_elective",
        kind=ContractKind.ACTIVITY,
        price_pence=4_000_00,
    )
    Contract.objects.create(
        commissioner=icb,
        provider=footprint["trust_b"],
        service="op_first",
        kind=ContractKind.BLOCK,
        price_pence=200_00,
        threshold_units=5000,
    )
    services.save_plan(
        organisation=footprint["trust_a"],
        figures=figures(2026, fixed="50", semi="25"),
        by=cast["pmo"],
    )
    flows = compute.scenario_flows(scenario, None, 2026)
    elective = Result.objects.get(
        run=run, measure="activity", provider="RA1", item="ip_elective", year=2026
    )
    rows = {r.organisation: r for r in flows.rows}
    # Activity-based: A is paid £4,000 for each extra admission; the block pays B nothing more.
    assert rows["RA1"].income_change == round(4_000_00 * (elective.central - elective.baseline))
    assert "RB1" not in rows or rows["RB1"].income_change == 0
    assert rows["QA1"].cost_change == rows["RA1"].income_change
    # B has no plan, so its costs are not estimated: the note names it
    assert any("Trust B Hospitals" in n and "RB1" not in n for n in flows.notes)
    page = (  # the programme office: Trust A's plan is unpublished (tests/integration/test_leaks)
        client_for("pmo")
        .get(reverse("finance:scenario"), {"scenario": scenario.pk, "year": 2026})
        .content.decode()
    )
    assert "Trust A Hospitals" in page and "flows-waterfall" in page
    steps = [v["step"] for v in chart_spec(page, "flows-waterfall")["data"]["values"]]
    assert "Trust A Hospitals" in steps and "RA1" not in steps
    moved = re.sub(r"<[^>]+>", " ", page.split("The activity that moved", 1)[1])
    assert "Trust A Hospitals" in moved and " RA1 " not in moved
    assert f"Activity-based: a price per unit, with {icb.name}" in moved
    # Only the projected years some organisation has a plan for are offered: in a year with
    # none, every "Income, % of plan" would be a dash (the walk found 2031/32 offered so).
    # With a plan for none of them, each is offered and the page says why the column is empty.
    assert "No organisation has a plan for" not in page
    FinancialPlan.objects.filter(year=2026).update(year=2024)
    page = (
        client_for("pmo")
        .get(reverse("finance:scenario"), {"scenario": scenario.pk, "year": 2026})
        .content.decode()
    )
    choice = page.split('name="year"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)"', choice) == ["2026"]
    assert "No organisation has a plan for 2026/27, so no income is shown as a share" in page
    assert client_for("stranger").get(reverse("finance:scenario")).status_code == 403


def test_one_trusts_finance_lead_cannot_touch_anothers_plan(client, finance_team, icb):
    client.force_login(finance_team["b"], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("finance:plan_edit", args=["RA1", 2026])).status_code == 403
    assert client.get(reverse("finance:template", args=["RA1"])).status_code == 403
    own = client.get(reverse("finance:plan_edit", args=["RB1", 2026])).content.decode()
    assert "Trust B Hospitals: enter the plan for 2026/27" in own
    upload = io.BytesIO(workbook_bytes(GOOD, code="RA1"))
    upload.name = "plan.xlsx"
    # the upload's background job refuses it, and its page says why
    page = client.post(reverse("finance:upload"), {"file": upload}, follow=True).content.decode()
    assert "1 problem in plan.xlsx" in page
    assert "you may not change Trust A Hospitals" in page
    assert not FinancialPlan.objects.exists()


def test_a_move_typed_in_by_hand(client_for, cast, footprint, icb):
    # 100 planned admissions move from Trust A (paid £4,000 each) to Trust B (paid £3,500).
    # Both plans are 40% fixed and 30% semi-fixed, so 30% of the £2,500 default cost of an
    # elective admission is variable: A saves £75,000 of its £250,000 and strands £175,000;
    # B spends £75,000 more. A is £325,000 worse, B £275,000 better, the ICB pays £50,000 less.
    for trust, price in (("trust_a", 4_000_00), ("trust_b", 3_500_00)):
        Contract.objects.create(
            commissioner=icb,
            provider=footprint[trust],
            service="ip_elective",
            kind=ContractKind.ACTIVITY,
            price_pence=price,
        )
        services.save_plan(organisation=footprint[trust], figures=figures(2026), by=cast["pmo"])
    move = compute.TypedMove("RA1", "ip_elective", 100, "RB1")
    rows = {r.organisation: r for r in compute.typed_flows(move, 2026).rows}
    assert (rows["RA1"].income_change, rows["RA1"].cost_change) == (-400_000_00, -75_000_00)
    assert rows["RA1"].stranded == 175_000_00 and rows["RA1"].position_change == -325_000_00
    assert rows["RB1"].position_change == 275_000_00
    assert rows["QA1"].position_change == 50_000_00
    page = client_for("pmo").get(  # who sees unpublished plans: tests/integration/test_leaks
        reverse("finance:scenario"),
        {
            "provider": "RA1",
            "service": "ip_elective",
            "units": 100,
            "to_provider": "RB1",
            "move_year": 2026,
        },
    )
    assert "−£325,000" in page.content.decode()


def test_finance_takes_the_points_of_delivery_from_demand_pods():
    """The demand app keeps ALL and pod_name in demand/pods.py; finance never reaches into the
    demand engine's converter for them."""
    import ast
    import pkgutil
    from importlib import import_module
    from pathlib import Path

    import footprint.finance
    from footprint.demand import pods

    for info in pkgutil.iter_modules(footprint.finance.__path__):
        module = import_module(f"footprint.finance.{info.name}")
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "footprint.demand.compute" not in imported, info.name
    assert compute.ALL is pods.ALL
    assert compute.pod_name is pods.pod_name


def test_variance_is_worded_against_the_control_total_everywhere(
    client, client_for, cast, two_plans
):
    """Variance is the surplus less the control total: positive is better than the control
    total, not "better than plan" (the plan is what is measured), on every page, in the
    downloads, in the API's schema and in the docs."""
    from pathlib import Path

    services.publish_year(year=2026, by=cast["pmo"])
    wrong, right = "than plan", "better than the control total"
    pages = [
        client_for("pmo").get(reverse("finance:index")),
        client_for("pmo").get(reverse("finance:organisation", args=["RA1"])),
        client_for("public").get(reverse("finance:public")),
    ]
    for page in pages:
        text = page.content.decode()
        assert wrong not in text and right in text, page.wsgi_request.path
    header = (
        client_for("pmo")
        .get(reverse("finance:export", args=["csv"]))
        .content.decode("utf-8-sig")
        .splitlines()[0]
    )
    assert wrong not in header and right in header
    xlsx = client_for("pmo").get(reverse("finance:export", args=["xlsx"]))
    first = next(load_workbook(io.BytesIO(xlsx.content))["Positions"].iter_rows(values_only=True))
    assert any(right in str(cell) for cell in first)
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("PositionOut", "SummaryOut"):
        assert right in schema[name]["properties"]["variance_pence"]["description"]
    root = Path(__file__).resolve().parents[2]
    for doc in ("docs/finance.md",):
        assert wrong not in (root / doc).read_text()
    assert right in (root / "docs/api.md").read_text()


def test_the_public_money_chart_can_be_read_in_any_window(client, client_for, cast, footprint, icb):
    """The waterfall lists each step down the side, its name whole (in lines, never cut off),
    colours the start, a rise, a fall and the end differently with a legend saying what each
    means, and titles itself in lines short enough for a 390 px phone, filling its container."""
    long_name = "Hallowdale Hospital NHS Foundation Trust"
    trust = footprint["trust_a"]
    trust.name = long_name
    trust.save()
    services.save_plan(organisation=trust, figures=figures(2026, non_pay=59, ct=-5), by=cast["pmo"])
    services.save_plan(
        organisation=footprint["trust_b"], figures=figures(2026, non_pay=44), by=cast["pmo"]
    )
    services.publish_year(year=2026, by=cast["pmo"])
    page = client.get(reverse("finance:public")).content.decode()
    spec = chart_spec(page, "public-waterfall")
    assert spec["width"] == "container" and spec["autosize"]["type"].startswith("fit")
    assert all(len(line) <= 40 for line in spec["title"]["text"])
    assert " ".join(spec["title"]["text"]) == spec["description"]
    names = spec["encoding"]["y"]
    assert names["axis"]["labelLimit"] == 0 and "split" in names["axis"]["labelExpr"]
    labels = {v["step"]: v["label"] for v in spec["data"]["values"]}
    assert labels[f"{long_name} plan"].replace("|", " ") == f"{long_name} plan"
    assert all(len(line) <= 40 for label in labels.values() for line in label.split("|"))
    colour = spec["encoding"]["color"]
    assert len(set(colour["scale"]["range"])) == 4
    assert colour["scale"]["domain"] == [
        "System control total",
        "Raises the position (better)",
        "Lowers the position (worse)",
        "Final system position",
    ]
    assert colour["legend"]["labelLimit"] == 0
    kinds = {v["step"]: v["kind"] for v in spec["data"]["values"]}
    assert kinds[f"{long_name} plan"] == "Lowers the position (worse)"
    assert kinds["Trust B Hospitals plan"] == "Raises the position (better)"
    assert "positions" in page  # the chart's figures stay in the table


# --- Contracts on pages -------------------------------------------------------------------


def contract_terms(footprint, icb, **changes):
    return {
        "commissioner": icb.pk,
        "provider": footprint["trust_a"].pk,
        "service": "ip_elective",
        "kind": "block_marginal",
        "price_pence": "4,500.50",
        "threshold_units": "1000",
        "marginal_rate": "70",
    } | changes


def test_the_programme_office_adds_and_changes_a_contract_with_its_history(
    client_for, cast, footprint, icb
):
    from footprint.core.models import AuditEvent

    pmo = client_for("pmo")
    empty = pmo.get(reverse("finance:contracts")).content.decode()
    assert "No contract is recorded yet" in empty
    response = pmo.post(
        reverse("finance:contract_new"), contract_terms(footprint, icb), follow=True
    )
    body = response.content.decode()
    assert "Saved the contract for" in body and "Trust A Hospitals" in body
    assert "Block of 1,000 units, then 70% of the price" in body and "£4,500.50" in body
    contract = Contract.objects.get()
    assert (contract.price_pence, contract.kind) == (450_050, ContractKind.BLOCK_MARGINAL)

    changed = contract_terms(footprint, icb, price_pence="4800", marginal_rate="50")
    pmo.post(reverse("finance:contract_edit", args=[contract.pk]), changed)
    contract.refresh_from_db()
    assert contract.price_pence == 480_000 and contract.marginal_rate == Decimal("0.5")
    page = pmo.get(reverse("finance:contract_edit", args=[contract.pk])).content.decode()
    assert "Changed marginal rate above the block, price per unit" in page
    assert re.search(r'<input[^>]*name="marginal_rate"[^>]*value="50"', page)
    assert "For a block too: the block is paid as its units at this price" in page
    assert "Created" in page
    assert {h.history_user for h in contract.history.all()} == {cast["pmo"]}
    events = AuditEvent.objects.filter(action="save_contract").order_by("pk")
    assert [e.details["price_pence"] for e in events] == [450_050, 480_000]

    pmo.post(reverse("finance:contract_remove", args=[contract.pk]))
    assert not Contract.objects.exists()
    assert AuditEvent.objects.filter(action="remove_contract").count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"commissioner": "trust_b"}, "commissioner", "Choose one of the options for commissioner"),
        ({"provider": "icb"}, "provider", "Choose one of the options for provider"),
        ({"price_pence": "0"}, "price_pence", "The price per unit must be from £0.01"),
        ({"price_pence": "2000000"}, "price_pence", "is it the price of one unit"),
        ({"threshold_units": "nan"}, "threshold_units", "Units in the block must be a number"),
        ({"threshold_units": "0"}, "threshold_units", "needs the number of units"),
        ({"kind": "activity"}, "threshold_units", "has no block"),
        ({"kind": "block"}, "marginal_rate", "Only a block with a marginal rate has one"),
        ({"marginal_rate": "150"}, "marginal_rate", "150% is not a percentage from 0 to 100"),
        ({"marginal_rate": "70.25"}, "marginal_rate", "to at most one decimal place"),
        ({"marginal_rate": "seventy"}, "marginal_rate", "enter a percentage from 0 to 100"),
    ],
)
def test_a_contract_that_cannot_be_right_is_refused_naming_the_field(
    client_for, footprint, icb, changes, field, message
):
    orgs = {"trust_b": footprint["trust_b"].pk, "icb": icb.pk}
    terms = contract_terms(footprint, icb, **{k: orgs.get(v, v) for k, v in changes.items()})
    response = client_for("pmo").post(reverse("finance:contract_new"), terms)
    body = response.content.decode().replace("&#39;", "'").replace("&#x27;", "'")
    assert response.status_code == 200
    assert f'href="#id_{field}"' in body  # the error summary leads to the field
    assert message in body
    assert not Contract.objects.exists()


def test_a_council_provides_but_not_to_itself_and_one_contract_per_service(cast, footprint, icb):
    council = footprint["council"]
    contract = Contract(
        commissioner=council,
        provider=council,
        service="ip_elective",
        kind=ContractKind.ACTIVITY,
        price_pence=100_00,
    )
    with pytest.raises(ValidationError) as refused:
        services.save_contract(contract=contract, by=cast["pmo"])
    assert refused.value.message_dict == {
        "provider": ["Northshire Council cannot hold a contract it lets itself"]
    }
    services.save_contract(
        contract=Contract(
            commissioner=icb,
            provider=council,
            service="ip_elective",
            kind=ContractKind.ACTIVITY,
            price_pence=100_00,
        ),
        by=cast["pmo"],
    )
    again = Contract(
        commissioner=icb,
        provider=council,
        service="ip_elective",
        kind=ContractKind.ACTIVITY,
        price_pence=200_00,
    )
    with pytest.raises(ValidationError, match=r"already has a contract for .* \(from Test ICB\)"):
        services.save_contract(contract=again, by=cast["pmo"])
    assert Contract.objects.count() == 1


def test_contracts_are_searched_and_sorted(client_for, cast, footprint, icb):
    for provider, service, price in [
        ("trust_a", "ip_elective", 5_000_00),
        ("trust_b", "ip_elective", 4_000_00),
        ("trust_a", "ae", 300_00),
    ]:
        services.save_contract(
            contract=Contract(
                commissioner=icb,
                provider=footprint[provider],
                service=service,
                kind=ContractKind.ACTIVITY,
                price_pence=price,
            ),
            by=cast["pmo"],
        )
    viewer = client_for("viewer")
    found = viewer.get(reverse("finance:contracts"), {"q": "trust b"}).content.decode()
    assert "1 contract matching" in found
    assert "Trust B Hospitals" in found and "Trust A Hospitals" not in found
    by_price = viewer.get(reverse("finance:contracts"), {"sort": "-price"}).content.decode()
    prices = re.findall(r"£([\d,]+\.\d\d)</td>", by_price)
    assert prices == ["5,000.00", "4,000.00", "300.00"]
    assert 'aria-sort="descending"' in by_price
    page = viewer.get(reverse("finance:contracts"), {"q": "nothing like it"}).content.decode()
    assert "No contract matches" in page and "Add a contract" not in page


def test_an_agreement_dated_after_today_or_in_an_implausible_year_is_refused(client_for, footprint):
    terms = {
        "name": "Pool",
        "first_year": 1999,
        "last_year": 2026,
        "contribution_rate": 50,
        "contribution_cap_rate": 1,
        "members": [footprint["trust_a"].pk],
        "agreed_on": "2999-03-01",
    }
    body = client_for("pmo").post(reverse("finance:agreement_new"), terms).content.decode()
    assert "The first year must be from" in body and 'href="#id_first_year"' in body
    assert "must not be after today" in body and 'href="#id_agreed_on"' in body
    assert not RiskShareAgreement.objects.exists()
