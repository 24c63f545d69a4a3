"""The plan in the API: the published plan for everyone; series and figures for partners."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from footprint.api.tokens import create_token
from footprint.core.models import AuditEvent
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
    # Its target date, March 2026, has passed: missed, not merely at risk.
    assert goal["variation"] == "concern_low" and goal["status"] == "missed"


def test_series_need_a_partner_token(client, cast, plan):
    url = "/api/v1/metrics/ae-4-hour/series/org:RA1"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(cast["stranger"])).status_code == 403
    body = client.get(url, headers=bearer(cast["viewer"])).json()
    assert len(body["points"]) == 24
    assert (body["fed_from_daily_returns"], body["daily_return_measure"]) == (False, "")
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


URL = "/api/v1/metrics/ae-4-hour/series/org:RA1"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"period": "1900-01", "value": 71.0}, "period: January 1900 is before January 2000"),
        ({"period": "2200-01", "value": 50.0}, "period: January 2200 is after"),
        ({"period": "this month", "value": 71.0}, "the last complete month on"),
        ({"period": "2025-06", "value": -50.0}, "value: -50.0 is not possible for a percentage"),
        ({"period": "2025-06", "value": 250.0}, "value: 250.0 is not possible for a percentage"),
        ({"period": "2025-06", "value": 1e300}, "value: 1e+300 is not possible"),
    ],
)
def test_the_api_refuses_impossible_figures(client, cast, plan, body, message):
    if body["period"] == "this month":
        body["period"] = f"{timezone.localdate():%Y-%m}"
    response = client.put(
        URL, json.dumps(body), content_type="application/json", headers=bearer(cast["editor_a"])
    )
    assert response.status_code == 422 and message in response.json()["detail"]
    assert Measurement.objects.count() == 24
    assert not AuditEvent.objects.filter(action="record_measurement").exists()


def test_the_api_removes_a_figure_with_a_reason(client, cast, plan):
    query = "?period=2025-03&reason=Wrong%20month"
    refused = client.delete(URL + query, headers=bearer(cast["editor_b"]))
    assert refused.status_code == 403
    assert Measurement.objects.filter(period=dt.date(2025, 3, 1)).exists()
    ok = client.delete(URL + query, headers=bearer(cast["editor_a"]))
    assert ok.status_code == 200 and ok.json() == {"period": "2025-03-01", "removed": True}
    assert not Measurement.objects.filter(period=dt.date(2025, 3, 1)).exists()
    assert AuditEvent.objects.get(action="remove_measurement").details["reason"] == "Wrong month"
    again = client.delete(URL + query, headers=bearer(cast["editor_a"]))
    assert again.status_code == 422
    assert "There is no figure for March 2025 to remove" in again.json()["detail"]


def test_figures_by_quintile_through_the_api(client, cast, plan):
    url = URL + "/groups"
    figures = [{"group": str(q), "value": 60.0 + q, "population": 1000} for q in range(1, 6)]
    body = {"period": "2025-06", "breakdown": "quintile", "figures": figures}
    refused = client.put(
        url, json.dumps(body), content_type="application/json", headers=bearer(cast["editor_b"])
    )
    assert refused.status_code == 403
    ok = client.put(
        url, json.dumps(body), content_type="application/json", headers=bearer(cast["editor_a"])
    )
    assert ok.status_code == 200, ok.content
    assert [(f["group"], f["value"]) for f in ok.json()] == [
        (str(q), 60.0 + q) for q in range(1, 6)
    ]
    assert ok.json()[0]["group_name"] == "Quintile 1 (most deprived)"
    missing = dict(body, figures=figures[:4])
    bad = client.put(
        url,
        json.dumps(missing),
        content_type="application/json",
        headers=bearer(cast["editor_a"]),
    )
    assert bad.status_code == 422
    assert bad.json()["detail"] == (
        "figures: Quintile 5 (least deprived) is missing: give every group, with no value "
        "for one that is not known"
    )
    unknown = dict(body, figures=[*figures[:4], {"group": "7", "value": 1.0}])
    bad = client.put(
        url, json.dumps(unknown), content_type="application/json", headers=bearer(cast["pmo"])
    )
    assert bad.status_code == 422 and "'7' is not a quintile" in bad.json()["detail"]
    read = client.get(url, headers=bearer(cast["viewer"]))
    assert read.status_code == 200 and len(read.json()) == 5
    assert client.get(url).status_code == 401
    # The whole-population series is untouched.
    assert not Measurement.objects.filter(breakdown="", period=dt.date(2025, 6, 1)).exists()


def test_the_published_plan_says_what_each_goal_is_judged_on(client, cast, footprint, plan):
    from footprint.plans.models import Goal

    services.create_goal(
        by=cast["pmo"],
        today=dt.date(2026, 11, 30),
        priority=plan["priority"],
        statement="Halve the gap between the most and least deprived",
        metric=plan["metric"],
        layer=Goal.Layer.SYSTEM,
        organisation=footprint["trust_a"],
        place=None,
        neighbourhood=None,
        baseline_value=-20.0,
        baseline_date=dt.date(2024, 4, 1),
        target_value=-10.0,
        target_date=dt.date(2027, 4, 1),
        owner=footprint["trust_a"],
        kind=Goal.Kind.GAP,
        gap_breakdown="imd_quintile",
        gap_measure=Goal.GapMeasure.ENDS,
        gap_first="1",
        gap_second="5",
    )
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    goals = {g["statement"]: g for g in client.get("/api/v1/plan").json()["goals"]}
    level = goals["Four in five seen within four hours at Trust A"]
    assert level["kind"] == "level" and level["gap"] is None
    gap = goals["Halve the gap between the most and least deprived"]
    assert gap["kind"] == "gap" and gap["unit"] == "percentage points"
    assert gap["gap"] == {
        "breakdown": "imd_quintile",
        "breakdown_name": "Deprivation quintile",
        "measure": "ends",
        "measure_name": "The difference between two groups",
        "first": {"code": "1", "name": "Quintile 1 (most deprived)"},
        "second": {"code": "5", "name": "Quintile 5 (least deprived)"},
        "name": "Quintile 1 (most deprived) less Quintile 5 (least deprived)",
    }


def test_a_publication_from_before_gap_goals_reads_as_goals_on_their_figure(client, cast, plan):
    kept = services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    for priority in kept.content["priorities"]:
        for goal in priority["goals"]:
            del goal["kind"], goal["gap"]
    kept.save()
    goal = client.get("/api/v1/plan").json()["goals"][0]
    assert goal["kind"] == "level" and goal["gap"] is None


def test_the_published_plan_gives_each_goals_figures_by_group_as_published(
    client, cast, footprint, plan
):
    def quintiles(period, first):
        services.record_split_figures(
            metric=plan["metric"],
            subject=plan["goal"],
            period=period,
            breakdown="quintile",
            figures_by_group=[
                (str(q), v, 1000.0) for q, v in enumerate([first, 60, 65, 68, 70], 1)
            ],
            by=cast["pmo"],
            today=dt.date(2026, 11, 30),
        )

    quintiles(dt.date(2025, 5, 1), 52.0)
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    quintiles(dt.date(2025, 6, 1), 58.0)  # after publishing: not shown
    goal = client.get("/api/v1/plan").json()["goals"][0]
    assert goal["gap_series"] == []
    (split,) = goal["splits"]
    assert split["breakdown"] == "imd_quintile" and split["gap_unit"] == "percentage points"
    (may,) = split["periods"]
    assert may["period"] == "2025-05-01" and may["gap"] == -18.0
    assert may["figures"][0] == {
        "group": "1",
        "group_name": "Quintile 1 (most deprived)",
        "value": 52.0,
    }
    assert split["sii"]["period"] == "2025-05-01"
    assert "population" not in str(goal)
