"""What partners and the public see on the pages."""

import re

import pytest

from footprint.partnership.models import Organisation, OrganisationKind


def names_on(html: str) -> list[str]:
    return re.findall(r'<a href="/workspace/organisations/[A-Z0-9]+/">([^<]+)</a>', html)


def test_public_home_page_shows_the_partnership_members_and_places(client, footprint):
    html = client.get("/").content.decode()
    assert "Test Partnership" in html
    assert "5,460" in html  # residents in 2025: 3 neighbourhoods × 1,820
    assert "Northshire Council" in html and "Trust A Hospitals" in html
    assert "Practice 0" not in html  # practices are counted, not listed
    assert "Log in" in html


def test_home_page_before_set_up_says_what_to_do(client, db):
    html = client.get("/").content.decode()
    assert "has not been set up yet" in html


def test_organisations_search_filter_sort_and_paginate(client_for, footprint):
    client = client_for("viewer")
    html = client.get("/workspace/organisations/", {"q": "trust"}).content.decode()
    assert names_on(html) == ["Trust A Hospitals", "Trust B Hospitals"]
    html = client.get("/workspace/organisations/", {"q": "rb1"}).content.decode()
    assert names_on(html) == ["Trust B Hospitals"]
    html = client.get("/workspace/organisations/", {"place": "northshire"}).content.decode()
    assert names_on(html) == ["Northshire Council", "Practice 0", "Practice 1", "Trust A Hospitals"]
    html = client.get("/workspace/organisations/", {"sort": "-name"}).content.decode()
    assert names_on(html)[0] == "Trust B Hospitals"
    assert 'aria-sort="descending"' in html
    for i in range(30):
        Organisation.objects.create(
            ods_code=f"B{i:05d}",
            name=f"Extra {i:02d}",
            kind=OrganisationKind.GP_PRACTICE,
            neighbourhood=footprint["hoods"]["S1"],
        )
    html = client.get("/workspace/organisations/", {"page": 2}).content.decode()
    assert "36 organisations, page 2 of 2" in html
    assert len(names_on(html)) == 11


def test_the_filter_updates_only_the_results_for_htmx(client_for, footprint):
    response = client_for("viewer").get(
        "/workspace/organisations/", {"kind": "acute_trust"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and "2 organisations" in html


def test_no_match_says_so(client_for, footprint):
    html = client_for("viewer").get("/workspace/organisations/", {"q": "zzz"}).content.decode()
    assert "No organisations match" in html


def test_place_page_adds_up_its_neighbourhoods_and_has_a_pyramid(client_for, footprint):
    html = client_for("viewer").get("/workspace/places/northshire/").content.decode()
    assert 'id="residents">3,640<' in html
    assert 'data-chart="pyramid-spec"' in html and 'id="pyramid-spec"' in html
    assert "North One" in html and "Trust A Hospitals" in html
    html = client_for("viewer").get("/workspace/places/northshire/", {"year": 2026}).content
    assert b'id="residents">4,004<' in html


def test_neighbourhood_page_lists_its_practices(client_for, footprint):
    html = client_for("viewer").get("/workspace/neighbourhoods/north-one/").content.decode()
    assert 'id="residents">1,820<' in html
    assert "Practice 0" in html and "Practice 2" not in html
    # 90+: 10 women and 10 men in the table
    assert re.search(r"90\+</th><td[^>]*>10</td><td[^>]*>10</td><td[^>]*>20</td>", html)


def test_a_name_that_already_holds_its_code_shows_the_code_once(client_for, footprint):
    """Two practices of the same name are told apart by their codes in their names; the label
    does not add the code a second time."""
    twin = Organisation.objects.create(
        ods_code="A00009",
        name="Practice 0 (A00009)",
        kind=OrganisationKind.GP_PRACTICE,
        neighbourhood=footprint["hoods"]["N1"],
    )
    assert str(twin) == twin.label == "Practice 0 (A00009)"
    assert str(footprint["trust_a"]) == "Trust A Hospitals (RA1)"
    html = client_for("viewer").get("/workspace/neighbourhoods/north-one/").content.decode()
    assert "Practice 0 (A00009)" in html and "(A00009) (A00009)" not in html
    assert "Practice 1 (A00001)" in html


def test_an_area_without_population_says_so(client_for, footprint):
    from footprint.partnership.models import Population

    Population.objects.all().delete()
    html = client_for("viewer").get("/workspace/places/southshire/").content.decode()
    assert "No population has been loaded for Southshire yet" in html


def test_organisation_page_shows_its_people_to_partners(client_for, cast):
    html = client_for("viewer").get("/workspace/organisations/RA1/").content.decode()
    assert "Editor_A" in html and "Editor" in html
    assert "Edit organisation" not in html
    html = client_for("editor_a").get("/workspace/organisations/RA1/").content.decode()
    assert "Edit organisation" in html


def test_unknown_pages_get_a_helpful_404(client_for, footprint):
    response = client_for("viewer").get("/workspace/organisations/ZZZ/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_organisations_download_as_csv_with_the_filters_applied(client_for, footprint):
    response = client_for("viewer").get(
        "/workspace/organisations/", {"kind": "acute_trust", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ODS code,Name,Kind")
    assert lines[1:] == [
        "RA1,Trust A Hospitals,Acute trust,yes,,,",
        "RB1,Trust B Hospitals,Acute trust,yes,,,",
    ]


def test_area_population_downloads_in_the_layout_the_importer_reads(client_for, cast):
    from footprint.partnership import importers

    response = client_for("viewer").get(
        "/workspace/places/northshire/", {"year": 2025, "format": "csv"}
    )
    text = response.content.decode("utf-8-sig")
    records = importers.parse_population_estimates(text, "roundtrip.csv", 2025)
    assert [(r.area_code, r.sex, sum(r.counts)) for r in records] == [
        ("E10000901", "F", 1820),
        ("E10000901", "M", 1820),
    ]


def test_the_numbers_page_leads_to_demand_workforce_and_finance(client_for, footprint):
    html = client_for("viewer").get("/workspace/numbers/").content.decode()
    for path, title in [
        ("/workspace/demand/", "Demand and capacity"),
        ("/workspace/workforce/", "Workforce"),
        ("/workspace/finance/", "Finance"),
    ]:
        assert f'href="{path}"' in html and title in html


def current_section(html: str) -> list[str]:
    """The header links marked as the current section."""
    return re.findall(
        r'navigation-item--current"[^>]*>\s*<a[^>]*>\s*<strong[^>]*>\s*([^<]+?)\s*</strong>', html
    )


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/workspace/", "Overview"),
        ("/workspace/organisations/RA1/", "Overview"),
        ("/workspace/api-tokens/", "Overview"),
        ("/workspace/plan/", "Plan"),
        ("/workspace/plan/early-warning/", "Plan"),
        ("/workspace/numbers/", "Numbers"),
        ("/workspace/finance/", "Numbers"),
        ("/workspace/workforce/", "Numbers"),
        ("/workspace/demand/", "Numbers"),
        ("/workspace/decisions/", "Decisions"),
        ("/workspace/engagement/", "Engagement"),
    ],
)
def test_the_header_marks_the_section_the_page_belongs_to(client_for, plan, path, section):
    response = client_for("viewer").get(path)
    assert response.status_code == 200
    assert current_section(response.content.decode()) == [section]


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/", "Home"),
        ("/our-plan/", "Our plan"),
        ("/decisions/", "Decisions"),
        ("/finance/", "Money"),
        ("/consultations/", "Have your say"),
    ],
)
def test_the_public_header_marks_its_section_too(client, footprint, path, section):
    assert current_section(client.get(path).content.decode()) == [section]


def test_the_login_page_asks_for_an_email_address_or_username(client):
    """Invited people sign in with their email address, which is their username."""
    page = client.get("/login/").content.decode()
    label = re.search(r'<label[^>]*for="id_username"[^>]*>\s*(.*?)\s*</label>', page, re.S)
    assert label is not None and label.group(1) == "Email address or username"


def test_wide_tables_scroll_inside_their_region_at_phone_width(client_for, plan):
    """The visually hidden "Change …" text in a cell is positioned absolutely: the scroll
    region must be its containing block, or it escapes and the page drags sideways."""
    from pathlib import Path

    css = (Path(__file__).parents[2] / "footprint/core/static/core/footprint.css").read_text()
    rule = re.search(r"\.fp-table-scroll\s*\{([^}]*)\}", css)
    assert rule and "position: relative" in rule.group(1)
    page = client_for("viewer").get("/workspace/plan/metrics/").content.decode()
    region = re.search(
        r'<div class="fp-table-scroll" tabindex="0" role="region" aria-label="Metrics">\s*'
        r'<table class="nhsuk-table">\s*<caption[^>]*>Metrics</caption>',
        page,
    )
    assert region, page


def test_a_place_and_a_neighbourhood_page_link_to_their_change_page_for_those_allowed(
    client_for, footprint
):
    for path, change in (
        ("/workspace/places/northshire/", "/workspace/places/northshire/edit/"),
        ("/workspace/neighbourhoods/north-one/", "/workspace/neighbourhoods/north-one/edit/"),
    ):
        html = client_for("pmo").get(path).content.decode()
        assert re.search(rf'<a href="{change}">Change<span class="nhsuk-u-visually-hidden">', html)
        assert client_for("pmo").get(change).status_code == 200
        assert change not in client_for("viewer").get(path).content.decode()
