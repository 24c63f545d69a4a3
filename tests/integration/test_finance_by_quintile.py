"""Spend per weighted resident by national deprivation quintile, on the finance system page,
worked by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from footprint.finance import compute, services
from footprint.partnership.models import SmallArea, SmallAreaPopulation

from .test_finance import figures


def band(index: int, people: int) -> list[int]:
    """19 age bands (0-4 … 90+), everyone in one."""
    return [people if i == index else 0 for i in range(19)]


@pytest.fixture
def deprived(footprint):
    return add_small_areas(footprint)


def add_small_areas(footprint):
    """Three small areas, 100 residents each in 2025: North One's in quintile 1 aged 20-24
    (weight 0.8: 80 weighted), South One's in quintile 1 aged 20-24 (80), North Two's in
    quintile 5 aged 70-74 (weight 2.2: 220). An area without a decile is left out."""
    for code, hood, decile, index in (
        ("E01000001", "N1", 1, 4),
        ("E01000002", "S1", 2, 4),
        ("E01000003", "N2", 10, 14),
        ("E01000004", "N2", None, 14),
    ):
        area = SmallArea.objects.create(
            code=code, neighbourhood=footprint["hoods"][hood], imd_decile=decile
        )
        SmallAreaPopulation.objects.create(
            small_area=area, year=2025, sex="F", bands=band(index, 100), total=100
        )
    return footprint


def test_spend_per_weighted_resident_by_quintile(deprived, cast, icb, client_for):
    # As by place: Northshire spends £1,000 per weighted resident (5,900 of them), Southshire
    # £2,000 (2,950). Each place's residents are shared as its small areas' are: Northshire's
    # 80 : 220 between quintiles 1 and 5 (1,573⅓ and 4,326⅔), Southshire's all in quintile 1.
    # Quintile 1: 1,573⅓ × £1,000 + 2,950 × £2,000 = £7,473,333.33 over 4,523⅓ = £1,652.17.
    # Quintile 5: 4,326⅔ × £1,000 over 4,326⅔ = £1,000.
    for trust in ("trust_a", "trust_b"):
        services.save_plan(
            organisation=deprived[trust],
            figures=figures(2025, pay=3, non_pay=2.9),
            by=cast["pmo"],
            confirmed=True,
        )
    rows = compute.spend_per_head_by_quintile([2025])
    assert [(r.quintile, r.spend_pence, r.pounds) for r in rows] == [
        (1, 747_333_333, Decimal("1652.17")),
        (5, 432_666_667, Decimal("1000.00")),
    ]
    assert [r.weighted_residents for r in rows] == pytest.approx([4523 + 1 / 3, 4326 + 2 / 3])
    assert {r.population_year for r in rows} == {2025}
    body = client_for("pmo").get(reverse("finance:index") + "?year=2025").content.decode()
    assert "Spend per weighted resident by deprivation quintile" in body
    assert "1 – most deprived 20%" in body and "£1,652.17" in body


def test_a_finance_year_uses_the_small_areas_of_the_nearest_year_held(deprived, cast, icb):
    services.save_plan(
        organisation=deprived["trust_a"],
        figures=figures(2026, pay=3, non_pay=2.9),
        by=cast["pmo"],
        confirmed=True,
    )
    rows = compute.spend_per_head_by_quintile([2026])
    assert rows and {r.population_year for r in rows} == {2025}


def test_without_small_areas_there_is_no_quintile_table(footprint, cast, icb, client_for):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(2025), by=cast["pmo"])
    assert compute.spend_per_head_by_quintile([2025]) == []
    body = client_for("pmo").get(reverse("finance:index") + "?year=2025").content.decode()
    assert "Spend per weighted resident</h2>" in body
    assert "by deprivation quintile" not in body


def test_partners_see_spend_per_head_by_quintile_once_the_year_is_published(
    deprived, cast, icb, client_for, client
):
    """The programme office sees every year; other partners only published years, on the page
    and in the API; the public and strangers neither."""
    from footprint.api.tokens import create_token

    for trust in ("trust_a", "trust_b"):
        services.save_plan(
            organisation=deprived[trust],
            figures=figures(2025, pay=3, non_pay=2.9),
            by=cast["pmo"],
            confirmed=True,
        )
    page = reverse("finance:index") + "?year=2025"

    def api(who):
        token = create_token(user=cast[who], name="t")[1]
        return client.get(
            "/api/v1/finance/spend-per-head", headers={"Authorization": f"Bearer {token}"}
        )

    assert "by deprivation quintile" in client_for("pmo").get(page).content.decode()
    assert [r["pounds"] for r in api("pmo").json()["by_quintile"]] == ["1652.17", "1000.00"]
    assert "by deprivation quintile" not in client_for("editor_b").get(page).content.decode()
    assert api("editor_b").json() == {"by_place": [], "by_quintile": []}
    assert api("stranger").status_code == 403
    assert client.get("/api/v1/finance/spend-per-head").status_code == 401
    services.publish_year(year=2025, by=cast["pmo"])
    assert "£1,652.17" in client_for("editor_b").get(page).content.decode()
    body = api("editor_b").json()
    assert [(r["quintile"], r["population_year"]) for r in body["by_quintile"]] == [
        (1, 2025),
        (5, 2025),
    ]
    assert {r["area"] for r in body["by_place"]} == {"Northshire", "Southshire", "Whole system"}


def test_quintile_rows_add_up_to_the_whole_system_every_year(deprived, cast, icb):
    # Walk FN1: quintiles' residents were frozen at the small areas' year while places used
    # each year's residents, so for later years the quintiles did not add up to the system.
    years = [2025, 2026]  # the places' residents differ; the small areas' are of 2025
    for year in years:
        for trust in ("trust_a", "trust_b"):
            services.save_plan(
                organisation=deprived[trust],
                figures=figures(year, pay=3, non_pay=2.9),
                by=cast["pmo"],
                confirmed=True,  # toy figures: a small spend on the fixture's income
            )
    system = {r.year: r for r in compute.spend_per_head(years) if r.area == "Whole system"}
    rows = compute.spend_per_head_by_quintile(years)
    assert {r.year for r in rows} == set(years)
    for year in years:
        mine = [r for r in rows if r.year == year]
        assert sum(r.weighted_residents for r in mine) == pytest.approx(
            system[year].weighted_residents
        )
        # Each quintile's spend is rounded to the penny on its own.
        assert abs(sum(r.spend_pence for r in mine) - system[year].spend_pence) <= len(mine)
