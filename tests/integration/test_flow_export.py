"""The daily returns as a download: the returns page's table for each day of a range, with the
figures, as CSV or Excel; the same rows the page shows, inert in a spreadsheet."""

import csv
import datetime as dt
import html
import io
import re

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from footprint.flow import services
from footprint.flow.models import Measure

TODAY = dt.date(2026, 11, 30)
YESTERDAY = TODAY - dt.timedelta(days=1)


def at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def submit(org, day, figures, by, hour=9):
    return services.submit_return(
        organisation=org, day=day, figures=figures, by=by, now=at(day, hour)
    )


def page_rows(client, day):
    """The returns page's table for ``day``, as the text of each row's cells."""
    body = client.get(reverse("flow:returns") + f"?date={day.isoformat()}").content.decode()
    table = re.search(r'<table[^>]*id="returns".*?<tbody[^>]*>(.*?)</tbody>', body, re.S)
    assert table, "the returns table is on the page"
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)
        ]
        for r in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    ]


def export_csv(client, **params):
    response = client.get(reverse("flow:returns_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text)))


def test_the_export_is_what_the_returns_page_shows(client_for, cast, footprint):
    submit(
        footprint["trust_a"],
        TODAY,
        {"ga_beds_open": "500", "ga_beds_occupied": "480"},
        cast["editor_a"],
    )
    submit(footprint["trust_b"], TODAY, {"four_hour_percent": "71.5"}, cast["editor_b"], hour=15)
    client = client_for("viewer")
    shown = page_rows(client, TODAY)

    response, rows = export_csv(client, start=TODAY.isoformat(), end=TODAY.isoformat())
    assert response["Content-Disposition"] == (
        'attachment; filename="daily-returns-2026-11-30-to-2026-11-30.csv"'
    )
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Day", "Organisation", "ODS code", "Submitted", "Late", "By"]
    assert header[6:] == [m.label for m in Measure]
    # Row for row, the page's organisation, when (late or missing) and by whom.
    assert len(body) == len(shown) >= 3
    for (org, submitted, by), row in zip(shown, body, strict=True):
        assert row[0] == "2026-11-30"
        assert row[1] == org
        expected = (
            "Missing" if row[3] == "Missing" else row[3] + (" (late)" if row[4] == "Yes" else "")
        )
        assert submitted == expected
        assert by == (row[5] or "–")
    by_org = {row[1]: row for row in body}
    a = by_org[footprint["trust_a"].name]
    assert (a[3], a[4]) == ("30 November 2026 at 09:00", "No")
    assert a[header.index("General and acute beds occupied")] == "480"  # a count, written whole
    assert a[header.index("Seen within 4 hours in ED (%)")] == ""
    b = by_org[footprint["trust_b"].name]
    assert (b[3], b[4]) == ("30 November 2026 at 15:00", "Yes")
    assert b[header.index("Seen within 4 hours in ED (%)")] == "71.5"
    # An organisation that made no return: missing, and no figures.
    missing = [row for row in body if row[3] == "Missing"]
    assert missing, "a reporting organisation has no return in this test"
    assert all(row[4:] == [""] * (len(header) - 4) for row in missing)


def test_a_range_gives_each_day_oldest_first_and_the_workbook_the_same(client_for, cast, footprint):
    submit(footprint["trust_a"], YESTERDAY, {"ga_beds_open": "510"}, cast["editor_a"])
    submit(footprint["trust_a"], TODAY, {"ga_beds_open": "500"}, cast["editor_a"])
    client = client_for("editor_b")
    # Given backwards, the range is turned round.
    _, rows = export_csv(client, start=TODAY.isoformat(), end=YESTERDAY.isoformat())
    per_day = len(page_rows(client, TODAY))
    assert [r[0] for r in rows[1:]] == ["2026-11-29"] * per_day + ["2026-11-30"] * per_day
    beds = rows[0].index("General and acute beds open")
    trust_a = [r[beds] for r in rows[1:] if r[1] == footprint["trust_a"].name]
    assert trust_a == ["510", "500"]

    response = client.get(
        reverse("flow:returns_export"),
        {"start": YESTERDAY.isoformat(), "end": TODAY.isoformat(), "format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('2026-11-29-to-2026-11-30.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "Daily returns"
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    assert cells[0] == rows[0]
    assert [r[1] for r in cells[1:]] == [r[1] for r in rows[1:]]
    assert [r[beds] for r in cells[1:] if r[1] == footprint["trust_a"].name] == [510, 500]


def test_a_range_is_a_year_at_most_and_names_cannot_run_as_formulas(client_for, cast, footprint):
    cast["editor_a"].first_name = '=HYPERLINK("http://x")'
    cast["editor_a"].last_name = ""
    cast["editor_a"].save()
    submit(footprint["trust_a"], TODAY, {"ga_beds_open": "500"}, cast["editor_a"])
    client = client_for("pmo")
    _, rows = export_csv(client, start="2020-01-01", end=TODAY.isoformat())
    days = sorted({r[0] for r in rows[1:]})
    assert len(days) == 366
    assert days[0] == "2025-11-30" and days[-1] == "2026-11-30"
    by = [r[5] for r in rows[1:] if r[1] == footprint["trust_a"].name and r[0] == "2026-11-30"]
    assert by == ['\'=HYPERLINK("http://x")']


def test_the_returns_page_links_to_the_download(client_for):
    body = client_for("viewer").get(reverse("flow:returns") + "?date=2026-11-30").content.decode()
    assert f'action="{reverse("flow:returns_export")}"' in body
    assert 'name="start" type="date" value="2026-11-24"' in body
    assert 'name="end" type="date" value="2026-11-30"' in body
    assert "Download Excel" in body


def test_only_csv_and_excel_are_downloads(client_for):
    client = client_for("viewer")
    url = reverse("flow:returns_export")
    assert client.get(url, {"format": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get(url, {"format": "csv"})["Content-Type"].startswith("text/csv")
    # Any other format is not found, rather than a CSV under another name.
    assert client.get(url, {"format": "pdf"}).status_code == 404
