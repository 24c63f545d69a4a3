"""The plan in the API: the published plan for everyone; series and figures for partners."""

import datetime as dt
import json

from footprint.api.tokens import create_token
from footprint.plans import services
from footprint.plans.models import Measurement


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def test_only_a_published_plan_is_public(client, cast, plan):
    assert client.get("/api/v1/plan").status_code == 404
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    body = client.get("/api/v1/plan").json()
    goal = body["goals"][0]
    assert body["period"] == "2023/24–2027/28"
    assert goal["subject"] == "org:RA1" and goal["latest_value"] == 66.0
    assert goal["variation"] == "concern_low" and goal["status"] == "at_risk"


def test_series_need_a_partner_token(client, cast, plan):
    url = "/api/v1/metrics/ae-4-hour/series/org:RA1"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(cast["stranger"])).status_code == 403
    body = client.get(url, headers=bearer(cast["viewer"])).json()
    assert len(body["points"]) == 24
    assert body["points"][-1]["rule"] == "two_in_three_below"


def test_recording_a_figure_follows_the_pages_rules(client, cast, plan):
    url = "/api/v1/metrics/ae-4-hour/series/org:RA1"
    body = json.dumps({"period": "2025-06", "value": 71.0})
    refused = client.put(
        url, body, content_type="application/json", headers=bearer(cast["editor_b"])
    )
    assert refused.status_code == 403
    ok = client.put(url, body, content_type="application/json", headers=bearer(cast["editor_a"]))
    assert ok.status_code == 200 and ok.json()["value"] == 71.0
    assert Measurement.objects.get(period=dt.date(2025, 6, 1)).value == 71.0
    bad = client.put(
        url,
        json.dumps({"period": "June"}),
        content_type="application/json",
        headers=bearer(cast["editor_a"]),
    )
    assert bad.status_code == 422 and "is not a period" in bad.json()["detail"]
    nowhere = client.put(
        "/api/v1/metrics/ae-4-hour/series/org:ZZZ",
        body,
        content_type="application/json",
        headers=bearer(cast["pmo"]),
    )
    assert nowhere.status_code == 404
