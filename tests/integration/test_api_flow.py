"""Urgent-care flow in the API: partners read returns and a day's levels; an organisation's
staff submit its own return (the token's organisation by default) through the page's service
and checks, and no one else's."""

import datetime as dt
import json

import pytest
from django.core import mail

from footprint.api import flow as api_flow
from footprint.api.tokens import create_token
from footprint.flow.models import DailyReturn, LevelChange, OnCallContact

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _on_a_fixed_day(clock):
    clock(TODAY)


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


def test_a_post_for_a_day_already_returned_updates_it_and_null_clears(client, cast):
    # Walk 8 AP1: one figure posted replaced the whole day's return and lost its level.
    full = {
        "ga_beds_open": 500,
        "ga_beds_occupied": 499,
        "handover_mean_minutes": 90,
        "four_hour_percent": 50,
        "escalation_beds": 20,
    }
    first = post(client, cast["editor_a"], {"date": YESTERDAY.isoformat(), "figures": full})
    assert first.status_code == 200, first.content
    level = first.json()["level"]
    assert level is not None and level >= 3
    one = post(
        client, cast["editor_a"], {"date": YESTERDAY.isoformat(), "figures": {"ga_beds_open": 510}}
    )
    assert one.status_code == 200, one.content
    assert (one.json()["figures"], one.json()["level"]) == (5, level)
    read = client.get(
        f"/api/v1/flow/returns?date_from={YESTERDAY}&date_to={YESTERDAY}",
        headers=bearer(cast["viewer"]),
    ).json()
    assert read[0]["figures"] == {k: float(v) for k, v in (full | {"ga_beds_open": 510}).items()}
    cleared = post(
        client,
        cast["editor_a"],
        {"date": YESTERDAY.isoformat(), "figures": {"escalation_beds": None}},
    )
    assert cleared.status_code == 200, cleared.content
    assert cleared.json()["figures"] == 4
    ret = DailyReturn.objects.get()
    assert sorted(v.measure for v in ret.values.all()) == sorted(set(full) - {"escalation_beds"})
    # The checks across figures are made on the return as it will be.
    refused = post(
        client,
        cast["editor_a"],
        {"date": YESTERDAY.isoformat(), "figures": {"ga_beds_occupied": 600}},
    )
    assert refused.status_code == 422
    assert "600 is more than the 510 beds open" in refused.json()["detail"]


def test_pathways_and_reasons_that_disagree_are_refused(client, cast):
    # Walk 8 FL6: 2 + 80 + 12 + 17 = 111 by pathway against 57 by reason was saved silently.
    body = {
        "date": YESTERDAY.isoformat(),
        "figures": {
            "nctr_pathway_1": 80,
            "nctr_pathway_3": 31,
            "nctr_awaiting_home_care": 40,
            "nctr_awaiting_care_home": 17,
        },
    }
    refused = post(client, cast["editor_a"], body)
    assert refused.status_code == 422
    assert (
        "figures.nctr_pathway_0: the patients with no criteria to reside by pathway"
        in (refused.json()["detail"])
    )
    assert "add up to 111, but by reason for delay" in refused.json()["detail"]
    assert "to 57: they count the same patients" in refused.json()["detail"]
    assert not DailyReturn.objects.exists()


CRISIS = {
    "ga_beds_open": 500,
    "ga_beds_occupied": 499,
    "handover_mean_minutes": 120,
    "four_hour_percent": 40,
}
CALM = {
    "ga_beds_open": 500,
    "ga_beds_occupied": 400,
    "handover_mean_minutes": 10,
    "four_hour_percent": 95,
}


def test_flapping_levels_email_each_change_once(client, cast, django_capture_on_commit_callbacks):
    # Probe F2: ten posts in three seconds alternating OPEL 4 and 1 sent 25 emails.
    OnCallContact.objects.create(name="System on call", email="oncall@ics.example")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(10):
            body = {"date": TODAY.isoformat(), "figures": CRISIS if i % 2 == 0 else CALM}
            saved = post(client, cast["editor_a"], body)
            assert saved.status_code == 200, saved.content
    # Every change is recorded; each (organisation or system, from, to) is emailed once.
    assert LevelChange.objects.count() == 20
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "OPEL 1: The system (overall ICS level)",
        "OPEL 1: Trust A Hospitals",
        "OPEL 4: The system (overall ICS level)",
        "OPEL 4: Trust A Hospitals",
    ]


def test_api_returns_for_one_organisation_are_rate_limited(client, cast, monkeypatch):
    monkeypatch.setattr(api_flow, "RETURNS_MOST", 3)
    body = {"date": YESTERDAY.isoformat(), "figures": {"ga_beds_open": 500}}
    for _ in range(3):
        assert post(client, cast["editor_a"], body).status_code == 200
    refused = post(client, cast["editor_a"], body | {"figures": {"ga_beds_open": 501}})
    assert refused.status_code == 429
    assert "at most 3 returns for one organisation every 10 minutes" in refused.json()["detail"]
    assert "Trust A Hospitals has reached that" in refused.json()["detail"]
    ret = DailyReturn.objects.get()
    assert [v.value for v in ret.values.all()] == [500.0]
