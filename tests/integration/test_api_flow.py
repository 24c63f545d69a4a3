"""Urgent-care flow in the API: partners read returns and a day's levels; an organisation's
staff submit its own return (the token's organisation by default) through the page's service
and checks, and no one else's."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from footprint.api.tokens import create_token
from footprint.flow.models import DailyReturn

TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def post(client, user, body):
    return client.post(
        "/api/v1/flow/returns",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(user) if user else {},
    )


def test_staff_submit_their_own_return_and_partners_read_it(client, cast):
    body = {
        "date": YESTERDAY.isoformat(),
        "figures": {"ga_beds_open": 500, "ga_beds_occupied": 470},
    }
    saved = post(client, cast["editor_a"], body)  # no organisation: the token's own
    assert saved.status_code == 200, saved.content
    out = saved.json()
    assert (out["organisation"], out["figures"], out["level"]) == ("RA1", 2, 2)
    assert out["system_level"] == 2
    read = client.get(
        f"/api/v1/flow/returns?date_from={YESTERDAY}&date_to={TODAY}",
        headers=bearer(cast["viewer"]),
    )
    assert read.status_code == 200
    assert read.json() == [
        {
            "organisation": "RA1",
            "organisation_name": "Trust A Hospitals",
            "date": YESTERDAY.isoformat(),
            "figures": {"ga_beds_open": 500.0, "ga_beds_occupied": 470.0},
        }
    ]
    day = client.get(f"/api/v1/flow/day?date={YESTERDAY}", headers=bearer(cast["viewer"])).json()
    assert [(lvl["organisation"], lvl["level"]) for lvl in day["levels"]] == [(None, 2), ("RA1", 2)]
    assert day["missing"] == ["LA001", "RB1"]


def test_another_organisations_return_is_refused(client, cast):
    body = {"organisation": "RB1", "date": YESTERDAY.isoformat(), "figures": {"ga_beds_open": 5}}
    refused = post(client, cast["editor_a"], body)
    assert refused.status_code == 403
    assert "Trust B Hospitals" in refused.json()["detail"]
    assert not DailyReturn.objects.exists()


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"figures": {"ga_beds_open": -1}}, "figures.ga_beds_open: '-1.0' is negative"),
        (
            {"date": (TODAY + dt.timedelta(days=1)).isoformat(), "figures": {"ga_beds_open": 1}},
            "is in the future",
        ),
        ({"figures": {"ga_beds_open": 5, "ga_beds_occupied": 9}}, "more than the 5 beds open"),
        ({"figures": {"beds": 5}}, "figures.beds: is not a measure Footprint knows"),
    ],
)
def test_bad_figures_are_refused_in_words(client, cast, body, words):
    saved = post(client, cast["editor_a"], {"date": YESTERDAY.isoformat()} | body)
    assert saved.status_code == 422
    assert words in saved.json()["detail"]
    assert not DailyReturn.objects.exists()


def test_the_public_and_strangers_may_not_read(client, cast):
    assert client.get(f"/api/v1/flow/day?date={TODAY}").status_code == 401
    stranger = client.get(f"/api/v1/flow/day?date={TODAY}", headers=bearer(cast["stranger"]))
    assert stranger.status_code == 403
