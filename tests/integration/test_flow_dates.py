"""The flow pages for a day out of the window returns are made for (probe C2/F3, walk 8 FL8):
a day before 2000 or in the future was a 500 on the system page and listed every organisation
as missing on the others; a day with no returns said nothing had changed."""

import datetime as dt
import html

import pytest
from django.utils import timezone

from footprint.api.tokens import create_token
from footprint.flow import services

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _on_a_fixed_day(clock):
    clock(TODAY)


@pytest.mark.parametrize("path", ["/workspace/flow/system/", "/workspace/flow/returns/"])
@pytest.mark.parametrize(
    ("date", "said"),
    [
        ("0001-01-01", "1 January 1 is before 2000, when no returns were made"),
        ("9999-12-31", "31 December 9999 is in the future: no return is made for it yet"),
    ],
)
def test_a_day_out_of_the_window_is_refused_in_words(client_for, cast, path, date, said):
    page = client_for("viewer").get(f"{path}?date={date}")
    assert page.status_code == 200
    assert said in html.unescape(page.content.decode())


def test_a_future_day_lists_no_one_as_missing(client_for, cast, footprint):
    future = TODAY + dt.timedelta(days=30)
    for path in ("/workspace/flow/", "/workspace/flow/returns/"):
        text = html.unescape(client_for("viewer").get(f"{path}?date={future}").content.decode())
        assert f"{future:%-d %B %Y} is in the future" in text
        assert f"shows today, {TODAY:%-d %B %Y}" in text


def test_a_day_with_no_returns_gives_no_verdict(client_for, cast, footprint):
    services.submit_return(
        organisation=footprint["trust_a"],
        day=TODAY,
        figures={"ga_beds_open": "500", "ga_beds_occupied": "400"},
        by=cast["pmo"],
        now=timezone.now(),
    )
    empty = html.unescape(
        client_for("viewer").get("/workspace/flow/system/?date=2001-01-01").content.decode()
    )
    assert "No returns for 1 January 2001: there is nothing to judge for the day." in empty
    assert "Nothing changed beyond the usual variation" not in empty
    made = html.unescape(
        client_for("viewer").get(f"/workspace/flow/system/?date={TODAY}").content.decode()
    )
    assert "No returns for" not in made


# Every other route that takes a flow day from the request (probe F3b): the daily-returns
# download, the API's returns and day, and the return page's chooser gave a 500 for a day at
# either end of the calendar.
OUT_OF_WINDOW = [
    ("0001-01-01", "1 January 1 is before 2000, when no returns were made"),
    ("9999-12-31", "31 December 9999 is more than a year ahead"),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize(("date", "said"), OUT_OF_WINDOW)
def test_the_download_refuses_a_day_out_of_the_window_in_words(client_for, cast, fmt, date, said):
    url = "/workspace/flow/returns/export/"
    for query, which in ((f"end={date}", "The last day"), (f"start={date}", "The first day")):
        got = client_for("viewer").get(f"{url}?{query}&format={fmt}")
        assert got.status_code == 400
        text = got.content.decode()
        assert text.startswith("The daily returns were not downloaded.")
        assert f"{which} {said}" in text
    fine = client_for("viewer").get(f"{url}?start=2026-11-01&end=2026-11-30&format={fmt}")
    assert fine.status_code == 200


@pytest.mark.parametrize(("date", "said"), OUT_OF_WINDOW)
def test_the_api_refuses_a_day_out_of_the_window_with_422(client, cast, date, said):
    token = {"Authorization": f"Bearer {create_token(user=cast['viewer'], name='t')[1]}"}
    for query, name in (
        (f"date_from={date}&date_to=2026-11-30", "date_from"),
        (f"date_from=2026-11-01&date_to={date}", "date_to"),
    ):
        got = client.get(f"/api/v1/flow/returns?{query}", headers=token)
        assert got.status_code == 422, got.content
        assert f"{name}: {said}" in got.json()["detail"]
    day = client.get(f"/api/v1/flow/day?date={date}", headers=token)
    assert day.status_code == 422
    assert f"date: {said}" in day.json()["detail"]
    assert client.get("/api/v1/flow/day?date=2026-11-30", headers=token).status_code == 200


@pytest.mark.parametrize(
    ("date", "said"),
    [
        ("0001-01-01", "1 January 1 is before 2000: a return is for a day from 2000 on"),
        ("9999-12-31", "31 December 9999 is in the future: a return is for a day that has begun"),
    ],
)
def test_the_return_page_refuses_a_day_out_of_the_window_in_words(
    client_for, cast, footprint, date, said
):
    page = client_for("editor_a").get(f"/workspace/flow/submit/?organisation=RA1&date={date}")
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert said in text
    assert "General and acute beds open" not in text  # the chooser again, not the figures' form
