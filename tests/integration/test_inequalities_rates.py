"""Age-standardised rates of the base year's activity (issue 20): crude and directly
standardised rates per 100,000 by deprivation quintile, place and neighbourhood, worked by hand
the way PHEindicatormethods' phe_dsr documents its method, and the page saying so where a rate
cannot be given."""

from typing import get_args

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.api.inequalities import RatePod
from footprint.api.tokens import create_token
from footprint.demand.models import ActivityCell, Baseline
from footprint.engine import inequalities as ie
from footprint.inequalities import compute, queries
from tests.integration.test_small_areas import small_areas  # noqa: F401  (a fixture)

URL = reverse("inequalities:rates")


def cell(baseline, hood, age, count, pod="ip_emergency"):
    return ActivityCell(
        baseline=baseline, provider="RA1", pod=pod, neighbourhood=hood, sex="F", age=age,
        count=count,
    )  # fmt: skip


@pytest.fixture
def activity(small_areas):  # noqa: F811
    """The small areas' 2025 residents (test_small_areas): N1 (quintile 1) 29 of every age,
    so 145 in each five-year band and 29 aged 90 and over; N2 (quintile 3) 16 of every age;
    S1 (quintile 5) 7 of every age. Emergency admissions: N1 29 babies and 29 people of 90 and
    over; N2 none; S1 7 people of 90 and over; and 4 of a neighbourhood the footprint lacks."""
    baseline = Baseline.objects.create(name="Activity", base_year=2025)
    ActivityCell.objects.bulk_create(
        [
            cell(baseline, "N1", 2, 20),
            cell(baseline, "N1", 3, 9),
            cell(baseline, "N1", 90, 29),
            cell(baseline, "S1", 90, 7),
            cell(baseline, "X9", 40, 4),
            cell(baseline, "N1", 50, 1000, pod="ae"),
        ]
    )
    return baseline


def test_a_neighbourhoods_rates_by_hand(activity):
    """N1: 58 events among 2,639 residents.
    Crude: 58 / 2,639 × 100,000 = 2,197.8; Byar's limits of 58 (44.039, 74.980) give
    1,668.8 to 2,841.2.
    DSR (phe_dsr: Σ wᵢxᵢ/nᵢ / Σ wᵢ): the 0-4 band's rate 29/145 = 0.2 weighted by the ESP's
    5,000, and the 90+ band's 29/29 = 1 by its 1,000: (1,000 + 1,000) / 100,000 = 0.02, so
    2,000.0 per 100,000. Older than the standard at 90+, so the crude rate is above it.
    Dobson: var = Σ xᵢ(wᵢ/nᵢ)² / (Σ wᵢ)² = 29 × (5,000/145)² + 29 × (1,000/29)², over 10¹⁰,
    = 6.8966e-6; √(var/58) = 3.4483e-4; limits 0.02 + 3.4483e-4 × (44.039 − 58) = 1,518.6
    and 0.02 + 3.4483e-4 × (74.980 − 58) = 2,585.5 per 100,000."""
    picture = compute.rate_picture(queries.rate_inputs(activity, "ip_emergency"), "The ICS")
    n1 = next(r for r in picture.by_hood if r.key == "N1")
    assert n1.label == "North One (Northshire)" and n1.events == 58 and n1.residents == 2639
    assert n1.crude == pytest.approx(2197.80, abs=0.01)
    assert n1.crude_interval == pytest.approx((1668.78, 2841.22), abs=0.01)
    assert n1.dsr == pytest.approx(2000.0)
    assert n1.dsr_interval == pytest.approx((1518.59, 2585.51), abs=0.01)
    # Northshire adds North Two's 16 of every age: 225 in each band, 45 aged 90 and over.
    # DSR = (5,000 × 29/225 + 1,000 × 29/45) / 100,000 = 1,288.9; crude 58/4,095 = 1,416.4.
    north = next(r for r in picture.by_place if r.key == "Northshire")
    assert north.dsr == pytest.approx(1288.89, abs=0.01)
    assert north.crude == pytest.approx(1416.36, abs=0.01)


def test_rates_below_ten_events_and_unknown_neighbourhoods_are_said_not_guessed(activity):
    picture = compute.rate_picture(queries.rate_inputs(activity, "ip_emergency"), "The ICS")
    s1 = next(r for r in picture.by_hood if r.key == "S1")
    assert s1.crude == pytest.approx(7 / 637 * 100_000)  # 1,098.9
    assert s1.dsr is None and s1.reason == "not calculated: fewer than 10 events"
    n2 = next(r for r in picture.by_hood if r.key == "N2")
    assert n2.events == 0 and n2.crude == 0 and n2.dsr is None
    assert [r.label for r in picture.by_quintile] == [
        "Quintile 1 (most deprived)",
        "Quintile 3",
        "Quintile 5 (least deprived)",
    ]
    assert picture.gradient is None  # only three quintiles hold neighbourhoods
    assert picture.events == 58 + 7 + 4
    assert picture.whole is not None and picture.whole.events == 65
    assert picture.left_out == [
        "4 events of residents of neighbourhood codes the footprint does not hold (X9)"
    ]


def test_an_age_band_with_no_residents_gets_no_dsr_and_says_why():
    residents = [100] * 18 + [0]
    rate = compute.standardised_rate("x", "X", [5.0] * 19, residents)
    assert rate.dsr is None
    assert rate.reason == "not calculated: no residents aged 90+, so no rate for that age band"
    assert rate.crude == pytest.approx(95 / 1800 * 100_000)


def test_the_sii_of_age_standardised_rates_falling_with_deprivation():
    """Residents shaped like the ESP (ten times it: 1,000,000 in each quintile), so each DSR
    is its crude rate: 900, 800, 700, 600 and 500 per 100,000 from the most deprived quintile.
    Equal populations put the quintiles at ranks 0.1 … 0.9 on the line 950 − 500 × rank: the
    SII is −500 (the least deprived end 500 per 100,000 below the most deprived), the RII
    fitted(1)/fitted(0) = 450/950 and the gap 900 − 500 = 400."""
    residents = [w * 10 for w in ie.ESP2013]
    rates = {
        q: compute.standardised_rate(str(q), f"Q{q}", [rate * w / 10_000 for w in ie.ESP2013],
                                     residents)
        for q, rate in zip(range(1, 6), (900, 800, 700, 600, 500), strict=True)
    }  # fmt: skip
    assert rates[1].dsr == pytest.approx(900) and rates[1].crude == pytest.approx(900)
    g = compute.rate_gradient(rates)
    assert g is not None and g.interval is not None
    assert g.sii == pytest.approx(-500) and g.gap == pytest.approx(400)
    assert g.rii == pytest.approx(450 / 950)
    assert g.interval[0] < -500 < g.interval[1]
    assert compute.rate_gradient({q: r for q, r in rates.items() if q != 3}) is None


def test_the_page_shows_crude_beside_standardised_with_tables(client_for, activity):
    page = client_for("viewer").get(URL).content.decode()
    assert "residents of neighbourhoods in the most deprived" not in page  # walk 8 IN1
    assert "Why standardise for age?" in page and "2013 European Standard Population" in page
    assert "A deprived city full of young families" in page
    assert "Emergency admissions per 100,000 residents by deprivation quintile, 2025" in page
    assert '<td class="nhsuk-table__cell fp-numeric">2,000.0</td>' in page
    assert "1,518.6 to 2,585.5" in page and "2,197.8" in page
    assert "Not calculated: fewer than 10 events" in page
    assert "4 events of residents of neighbourhood codes the footprint does not hold" in page
    assert "No slope index of inequality" in page and "fall in only 3" in page
    assert 'id="quintile-rates-chart"' in page and 'id="hood-rates"' in page
    ae = client_for("viewer").get(URL, {"pod": "ae"}).content.decode()
    assert "1,000 A&amp;E attendances of" in ae or "1,000 A&E attendances of" in ae


def test_the_page_says_when_there_is_no_activity_or_no_population(client_for, activity):
    client = client_for("viewer")
    none = client.get(URL, {"pod": "mh_beds"}).content.decode()
    assert "holds no mental health admissions, so there are no rates of it" in none
    Baseline.objects.filter(pk=activity.pk).update(base_year=2024)
    page = client.get(URL).content.decode()
    assert "No small-area population by age for 2024 has been loaded" in page
    assert "Small-area population is held for 2025." in page
    assert "per 100,000 residents by deprivation quintile" not in page
    ActivityCell.objects.all().delete()
    Baseline.objects.all().delete()
    assert "No activity has been imported yet" in client.get(URL).content.decode()


def test_a_choice_that_is_not_offered_falls_back_to_emergency_admissions(client_for, activity):
    page = client_for("viewer").get(URL, {"pod": "sc_home_care", "baseline": "x"}).content
    assert "Emergency admissions, 2025" in page.decode()


def bearer(user):
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def test_the_api_gives_the_same_rates_to_partners_only(client, cast, activity):
    path = "/api/v1/inequalities/rates"
    body = client.get(path, headers=bearer(cast["viewer"])).json()
    assert body["pod_name"] == "Emergency admissions" and body["year"] == 2025
    n1 = next(r for r in body["by_neighbourhood"] if r["key"] == "N1")
    assert n1["dsr"] == pytest.approx(2000.0)
    assert (n1["dsr_lower"], n1["dsr_upper"]) == pytest.approx((1518.59, 2585.51), abs=0.01)
    assert n1["crude"] == pytest.approx(2197.80, abs=0.01)
    assert [r["key"] for r in body["by_quintile"]] == ["1", "3", "5"] and body["sii"] is None
    assert body["left_out"] and body["unavailable"] is None
    none = client.get(path + "?pod=mh_beds", headers=bearer(cast["viewer"])).json()
    assert none["unavailable"].startswith("Activity (2025) holds no mental health admissions")
    assert none["by_neighbourhood"] == []
    wrong = client.get(path + "?pod=sc_home_care", headers=bearer(cast["viewer"]))
    assert wrong.status_code == 422  # home care is hours, not events: not offered
    assert set(get_args(RatePod)) == set(queries.RATE_PODS)
    missing = client.get(path + "?baseline=999", headers=bearer(cast["viewer"]))
    assert missing.status_code == 404 and missing.json()["detail"] == "There is no baseline 999"
    assert client.get(path, headers=bearer(cast["stranger"])).status_code == 403
    assert client.get(path).status_code == 401


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 60), min_size=19, max_size=19),
            st.lists(st.integers(1, 400), min_size=19, max_size=19),
            st.sampled_from([1, 2, 3, 4, 5, None]),
            st.sampled_from(["Eastplace", "Westplace"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_parts_add_up_to_the_whole_and_each_is_phe_dsr(hoods):
    """Random neighbourhoods: the places', and the quintiles' with those of no quintile, add
    up to the whole in events and residents; each neighbourhood's figures are the engine's
    crude rate and DSR of its own bands."""
    inputs = queries.RateInputs(
        baseline=Baseline(name="b", base_year=2025),
        pod="ip_emergency",
        year=2025,
        activity={f"H{i}": [float(n) for n in h[0]] for i, h in enumerate(hoods)},
        population={f"H{i}": h[1] for i, h in enumerate(hoods)},
        quintiles={f"H{i}": h[2] for i, h in enumerate(hoods) if h[2] is not None},
        hoods=[queries.Hood(f"H{i}", f"Hood {i}", h[3]) for i, h in enumerate(hoods)],
        population_years=[2025],
    )
    picture = compute.rate_picture(inputs, "Whole")
    whole = picture.whole
    assert whole is not None
    assert all(
        "no deprivation decile (left out of the quintiles only)" in x for x in picture.left_out
    )
    for parts in (picture.by_place, picture.by_hood):
        assert sum(r.events for r in parts) == pytest.approx(whole.events)
        assert sum(r.residents for r in parts) == whole.residents
    unplaced = sum(sum(h[0]) for h in hoods if h[2] is None)
    assert sum(r.events for r in picture.by_quintile) + unplaced == pytest.approx(whole.events)
    for (counts, people, _, _), r in zip(hoods, picture.by_hood, strict=True):
        want = ie.dsr(counts, people)
        assert r.crude == pytest.approx(float(ie.crude_rate(sum(counts), sum(people)).value))
        if sum(counts) >= 10:
            assert r.dsr == pytest.approx(float(want.value))
        else:
            assert r.dsr is None and r.reason == "not calculated: fewer than 10 events"


def test_a_neighbourhood_with_no_small_area_population_is_left_out_and_named(activity):
    from footprint.partnership.models import Neighbourhood, Place

    Neighbourhood.objects.create(
        place=Place.objects.get(slug="southshire"), name="South Two", slug="south-two", code="S2"
    )
    ActivityCell.objects.create(
        baseline=activity, provider="RA1", pod="ip_emergency", neighbourhood="S2", sex="M",
        age=70, count=12,
    )  # fmt: skip
    picture = compute.rate_picture(queries.rate_inputs(activity, "ip_emergency"), "The ICS")
    assert (
        "12 events of residents of 1 neighbourhood with no small-area population for 2025 "
        "(South Two)"
    ) in picture.left_out
    assert "S2" not in {r.key for r in picture.by_hood}
    assert picture.whole is not None and picture.whole.events == 65  # as before: S2 left out


def test_records_count_in_their_own_quintile_and_the_fallback_is_said(client_for, small_areas):  # noqa: F811
    """N1's small areas are all in quintile 1 (29 of every age: 2,639 residents), N2's in
    quintile 3 (16 of every age: 1,456). 20 admissions of N1 babies gave no small area of
    their own: they count in N1's quintile, 1. 10 admissions of N1 residents aged 90+ gave a
    small area in quintile 3: they count there. Quintile 1: 20 / 2,639 × 100,000 = 757.9;
    quintile 3: 10 / 1,456 × 100,000 = 686.8 (had they fallen back to N1's quintile, quintile
    1 would hold all 30 and quintile 3 none). 20 of the 30 events used the fallback."""
    baseline = Baseline.objects.create(name="Own quintiles", base_year=2025)
    ActivityCell.objects.bulk_create(
        [
            cell(baseline, "N1", 2, 20),
            ActivityCell(
                baseline=baseline, provider="RA1", pod="ip_emergency", neighbourhood="N1",
                sex="F", age=92, count=10, quintile=3,
            ),
        ]
    )  # fmt: skip
    picture = compute.rate_picture(queries.rate_inputs(baseline, "ip_emergency"), "The ICS")
    by_key = {r.key: r for r in picture.by_quintile}
    assert (by_key["1"].events, by_key["1"].residents) == (20, 2639)
    assert (by_key["3"].events, by_key["3"].residents) == (10, 1456)
    assert by_key["1"].crude == pytest.approx(757.86, abs=0.01)
    assert by_key["3"].crude == pytest.approx(686.81, abs=0.01)
    assert (picture.in_quintiles, picture.fallback) == (30, 20)
    # N1's own rate is unchanged by where its records' small areas lie: 30 of 2,639.
    assert next(r for r in picture.by_hood if r.key == "N1").events == 30
    page = client_for("viewer").get(URL, {"baseline": baseline.pk}).content.decode()
    assert (
        "20 of the 30 events counted here gave no small area or deprivation decile of their "
        "own, so they count in their neighbourhood's quintile." in page
    )
