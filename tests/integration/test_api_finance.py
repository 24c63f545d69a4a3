"""Finance plans in the API: partners read the plans they may see; a finance team saves its
own organisation's plan through the plan page's service, and no one else's."""

import json

import pytest

from footprint.api.tokens import create_token
from footprint.core.models import AuditEvent
from footprint.finance.models import FinancialPlan


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


PLAN = {
    "income_pence": {"QA1": 300_000_000_00, "other": 20_000_000_00},
    "pay_pence": 200_000_000_00,
    "non_pay_pence": 110_000_000_00,
    "fixed_percent": "40.00",
    "semi_fixed_percent": 25.5,
    "control_total_pence": 5_000_000_00,
}


def put(client, user, plan=PLAN, org="RA1", year=2026):
    return client.put(
        f"/api/v1/finance/plans/{org}/{year}",
        json.dumps(plan),
        content_type="application/json",
        headers=bearer(user) if user else {},
    )


def test_a_finance_team_saves_its_plan_which_only_its_own_people_see_until_published(
    client, cast, icb, finance_team
):
    saved = put(client, finance_team["a"])
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["surplus_pence"] == 10_000_000_00 and body["variance_pence"] == 5_000_000_00
    assert body["financial_year"] == "2026/27" and not body["published"]
    plan = FinancialPlan.objects.get(organisation__ods_code="RA1", year=2026)
    assert plan.income == {"QA1": 300_000_000_00, "other": 20_000_000_00}
    assert str(plan.semi_fixed_percent) == "25.50"
    assert AuditEvent.objects.filter(action="save_financial_plan", actor=finance_team["a"]).exists()

    def seen_by(who):
        response = client.get("/api/v1/finance/plans", {"year": 2026}, headers=bearer(who))
        return [p["ods_code"] for p in response.json()]

    assert seen_by(finance_team["a"]) == ["RA1"]
    assert seen_by(finance_team["b"]) == []  # not published: not theirs to see
    assert seen_by(cast["viewer"]) == []
    assert seen_by(cast["pmo"]) == ["RA1"]
    assert client.get("/api/v1/finance/plans", headers=bearer(cast["stranger"])).status_code == 403
    assert client.get("/api/v1/finance/plans").status_code == 401


def test_no_one_saves_another_organisations_plan(client, cast, icb, finance_team):
    refused = put(client, finance_team["b"])
    assert refused.status_code == 403
    assert refused.json()["detail"] == "You may not change Trust A Hospitals's financial plans."
    for who in ("editor_a", "viewer", "stranger"):
        assert put(client, cast[who]).status_code == 403, who
    assert put(client, None).status_code == 401
    assert put(client, cast["pmo"], org="ZZZ").status_code == 404
    assert not FinancialPlan.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fixed_percent": 80, "semi_fixed_percent": 30}, "add up to more than 100%"),
        ({"income_pence": {"ZZZ9": 5}}, "No other organisation has the ODS code ZZZ9"),
        ({"income_pence": {"RA1": 5}}, "No other organisation has the ODS code RA1"),
        ({"fixed_percent": 33.333}, "body.plan.fixed_percent"),
        ({"pay_pence": -1}, "body.plan.pay_pence"),
        ({"control_total_pence": 10**30}, "body.plan.control_total_pence"),
        ({"fixed_percent": "NaN"}, "body.plan.fixed_percent"),
    ],
)
def test_impossible_plans_are_refused_and_nothing_is_saved(client, cast, icb, changes, message):
    response = put(client, cast["pmo"], PLAN | changes)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not FinancialPlan.objects.exists()


def test_a_plan_changed_since_its_year_was_published_is_not_called_published(
    client, cast, icb, finance_team
):
    """Walk 8 FI2: the finance pages say "Draft: changed since published"; the API agrees."""
    from footprint.finance import services

    assert put(client, finance_team["a"]).status_code == 200
    services.publish_year(year=2026, by=cast["pmo"])

    def as_listed():
        response = client.get("/api/v1/finance/plans", {"year": 2026}, headers=bearer(cast["pmo"]))
        (plan,) = response.json()
        return plan["published"], plan["changed_since_published"]

    assert as_listed() == (True, False)
    changed = put(client, finance_team["a"], PLAN | {"pay_pence": 210_000_000_00})
    assert changed.status_code == 200
    assert (changed.json()["published"], changed.json()["changed_since_published"]) == (
        False,
        True,
    )
    assert as_listed() == (False, True)
