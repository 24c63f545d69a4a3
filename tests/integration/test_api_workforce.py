"""Workforce in the API: partners read returns and the dashboards; a workforce team saves its
own organisation's returns through the import's checks and service, and no one else's."""

import json

import pytest

from footprint.api.tokens import create_token
from footprint.core.models import AuditEvent
from footprint.workforce.models import WorkforceReturn


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def a_return(**changes):
    return {
        "organisation": "RA1",
        "month": "2025-03",
        "staff_group": "nurses",
        "headcount": 1000,
        "wte": 900.5,
        "establishment_wte": 1000,
        "joiners": 10,
        "leavers": 12,
        "sickness_days_lost": 950,
        "days_available": 18900,
        "pay_bill_pence": 350_000_000,
        "bank_pence": 14_000_000,
        "agency_pence": 21_000_001,
    } | changes


def post(client, user, *returns):
    return client.post(
        "/api/v1/workforce/returns",
        json.dumps({"returns": list(returns)}),
        content_type="application/json",
        headers=bearer(user) if user else {},
    )


def test_a_workforce_team_saves_its_own_returns_and_partners_read_them(
    client, cast, workforce_user
):
    saved = post(client, workforce_user, a_return(), a_return(month="2025-04", leavers=30))
    assert saved.status_code == 200 and saved.json() == {"returns": 2, "organisations": 1}
    r = WorkforceReturn.objects.get(month="2025-03-01")
    assert (r.wte, r.agency_pence, r.leavers) == (900.5, 21_000_001, 12)
    assert AuditEvent.objects.filter(
        action="import_workforce_returns", actor=workforce_user
    ).exists()
    # Saving the same month again replaces it.
    assert post(client, workforce_user, a_return(leavers=13)).status_code == 200
    assert WorkforceReturn.objects.get(month="2025-03-01").leavers == 13

    page = client.get(
        "/api/v1/workforce/returns",
        {"organisation": "ra1", "month_from": "2025-04"},
        headers=bearer(cast["viewer"]),
    ).json()
    assert page["count"] == 1
    row = page["items"][0]
    assert row["organisation_name"] == "Trust A Hospitals" and row["leavers"] == 30
    assert row["staff_group_label"] == "Nurses and health visitors"

    board = client.get("/api/v1/workforce/dashboard", headers=bearer(cast["viewer"])).json()
    assert board["rows"][0]["organisation"] == "RA1"
    assert board["rows"][0]["wte"] == 900.5
    assert [t["month"] for t in board["trend"]] == ["2025-03-01", "2025-04-01"]
    assert board["trend"][0]["vacancy"] == pytest.approx(100 * (1000 - 900.5) / 1000, abs=0.01)

    series = client.get(
        "/api/v1/workforce/retention/RA1/nurses", headers=bearer(cast["viewer"])
    ).json()
    assert [p["value"] for p in series] == [1.3, 3.0]  # per cent leaving each month
    signals = client.get("/api/v1/workforce/retention", headers=bearer(cast["viewer"])).json()
    assert signals[0]["organisation"] == "RA1" and signals[0]["latest_rate"] == 0.03
    missing = client.get("/api/v1/workforce/retention/RB1/nurses", headers=bearer(cast["pmo"]))
    assert missing.status_code == 404


def test_no_one_saves_another_organisations_returns(client, cast, workforce_user):
    refused = post(client, workforce_user, a_return(organisation="RB1"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "You may not change the workforce figures of Trust B Hospitals"
    )
    for who in ("editor_a", "viewer", "stranger"):
        assert post(client, cast[who], a_return()).status_code == 403, who
    assert post(client, None, a_return()).status_code == 401
    assert not WorkforceReturn.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"wte": 1200}, "returns[0].wte: 1,200 FTE is more than the headcount of 1,000"),
        ({"month": "2099-01"}, "returns[0].month: '2099-01' is after"),
        ({"month": "1999-12"}, "body.body.returns.1.month: String should match pattern"),
        (
            {"bank_pence": 340_000_000},
            "returns[0].agency_pence: bank and agency spend are more than the pay bill",
        ),
        ({"organisation": "ZZZ"}, "No organisation has the ODS code ZZZ"),
    ],
)
def test_impossible_returns_are_refused_and_nothing_is_saved(client, cast, changes, message):
    second = a_return(month="2025-02") | changes  # the first is fine: nothing is saved
    response = post(client, cast["pmo"], a_return(), second)
    assert response.status_code == 422, response.json()
    assert message.replace("[0]", "[1]") in response.json()["detail"], response.json()
    assert not WorkforceReturn.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"returns": [a_return(wte=float("nan"))]},
        {"returns": [a_return(headcount=-1)]},
        {"returns": [a_return(staff_group="jugglers")]},
        {"returns": []},
        {"returns": [a_return(organisation="RA\x00")]},
    ],
)
def test_bodies_that_do_not_fit_the_schema_are_refused_with_each_problem(client, cast, body):
    response = client.post(
        "/api/v1/workforce/returns",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(cast["pmo"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["body", "body"]
    assert not WorkforceReturn.objects.exists()


@pytest.mark.parametrize("month", ["0000-07", "2025-13", "2025-7", "9999-01"])
def test_a_month_out_of_this_century_or_not_a_month_is_refused(client, cast, month):
    response = client.get(
        "/api/v1/workforce/returns", {"month_to": month}, headers=bearer(cast["viewer"])
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "month_to"]
