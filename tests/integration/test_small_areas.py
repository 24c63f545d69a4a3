"""Small areas (issue 20): the lookup to neighbourhoods, deprivation, population and ethnic
groups imported and checked, and each area's deprivation profile counted by hand."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent, Job
from footprint.core.permissions import OPERATOR
from footprint.partnership import importers, queries, services
from footprint.partnership.models import SmallArea, SmallAreaEthnicity, SmallAreaPopulation

LOOKUP = (
    "LSOA code,LSOA name,Neighbourhood code\n"
    "E01000001,North One A,N1\n"
    "E01000002,North One B,N1\n"
    "E01000003,North Two A,N2\n"
    "E01000004,South One A,S1\n"
)
IMD = (
    "LSOA code (2021),LSOA name (2021),Index of Multiple Deprivation (IMD) Rank (where 1 is most "
    "deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)\n"
    "E01000001,North One A,120,1\n"
    "E01000002,North One B,5000,2\n"
    "E01000003,North Two A,20000,6\n"
    "E01000004,South One A,33000,10\n"
    "E01099999,Elsewhere,15000,5\n"
)


def wide_population(rows: dict[str, tuple[int, int]]) -> str:
    """Sapelsoasyoa layout: each small area with ``f`` women and ``m`` men of every age."""
    header = (
        ["LSOA 2021 Code", "Total"] + [f"F{a}" for a in range(91)] + [f"M{a}" for a in range(91)]
    )
    lines = [",".join(header)]
    for code, (f, m) in rows.items():
        lines.append(",".join([code, str(91 * (f + m)), *[str(f)] * 91, *[str(m)] * 91]))
    return "\n".join(lines) + "\n"


ETHNIC = (
    "date,geography,geography code,Ethnic group: Total: All usual residents,"
    '"Ethnic group: Asian, Asian British or Asian Welsh","Ethnic group: Black, Black British, '
    'Black Welsh, Caribbean or African",Ethnic group: Mixed or Multiple ethnic groups,'
    "Ethnic group: White,Ethnic group: Other ethnic group\n"
    "2021,North One A,E01000001,1000,300,100,50,500,50\n"
    "2021,North One B,E01000002,1000,100,0,50,850,0\n"
    "2021,North Two A,E01000003,800,0,0,0,800,0\n"
    "2021,South One A,E01000004,1200,20,10,10,1150,10\n"
)


def reasons(exc: pytest.ExceptionInfo[ImportRejected]) -> str:
    return "\n".join(exc.value.as_lines())


@pytest.fixture
def small_areas(footprint):
    services.import_small_areas(
        rows=importers.parse_small_area_lookup(LOOKUP, "lookup.csv"), filename="l", by=OPERATOR
    )
    services.import_deprivation(
        rows=importers.parse_deprivation(IMD, "imd.csv"), filename="imd.csv", by=OPERATOR
    )
    pop = wide_population(
        {"E01000001": (10, 9), "E01000002": (5, 5), "E01000003": (8, 8), "E01000004": (3, 4)}
    )
    services.import_small_area_population(
        rows=importers.parse_small_area_population(pop, "pop.csv", 2025),
        year=2025,
        filename="pop.csv",
        by=OPERATOR,
    )
    services.import_ethnic_groups(
        rows=importers.parse_ethnic_groups(ETHNIC, "ts021.csv"), filename="ts021.csv", by=OPERATOR
    )
    return footprint


# --- The lookup -------------------------------------------------------------------------------


def test_a_small_area_in_two_neighbourhoods_is_refused_naming_both_rows():
    text = LOOKUP + "E01000001,North One A,S1\n"
    with pytest.raises(ImportRejected) as exc:
        importers.parse_small_area_lookup(text, "lookup.csv")
    assert reasons(exc) == (
        "lookup.csv, row 6, column 'LSOA code': E01000001 is in neighbourhood N1 on row 2 and "
        "in S1 here: a small area belongs to one neighbourhood"
    )


def test_a_small_area_twice_and_codes_that_are_not_lsoas_are_refused():
    text = LOOKUP + "E01000002,North One B,N1\nE0100,Short,N1\nE01000009,,\n"
    with pytest.raises(ImportRejected) as exc:
        importers.parse_small_area_lookup(text, "lookup.csv")
    assert exc.value.as_lines() == [
        "lookup.csv, row 6, column 'LSOA code': E01000002 is already on row 3",
        "lookup.csv, row 7, column 'LSOA code': 'E0100' is not a small-area (LSOA 2021) code "
        "like E01012345",
        "lookup.csv, row 8, column 'Neighbourhood code': the neighbourhood's code is needed",
    ]


def test_an_unknown_neighbourhood_saves_nothing(footprint):
    text = LOOKUP + "E01000005,Nowhere,X9\n"
    rows = importers.parse_small_area_lookup(text, "lookup.csv")
    with pytest.raises(ImportRejected) as exc:
        services.import_small_areas(rows=rows, filename="lookup.csv", by=OPERATOR)
    assert reasons(exc) == (
        "lookup.csv, row 6, column 'Neighbourhood code': no neighbourhood has the code 'X9'"
    )
    assert not SmallArea.objects.exists()


def test_a_new_lookup_moves_adds_and_removes_small_areas(small_areas):
    text = "LSOA code,Neighbourhood code\nE01000001,N2\nE01000002,N1\nE01000007,S1\n"
    r = services.import_small_areas(
        rows=importers.parse_small_area_lookup(text, "l2.csv"), filename="l2.csv", by=OPERATOR
    )
    assert r == {"added": 1, "kept": 2, "removed": 2}
    assert SmallArea.objects.get(code="E01000001").neighbourhood.code == "N2"
    assert SmallArea.objects.get(code="E01000001").name == "North One A"  # kept when not given
    assert not SmallAreaPopulation.objects.filter(small_area__code="E01000004").exists()


def test_only_the_programme_office_imports(cast, footprint):
    rows = importers.parse_small_area_lookup(LOOKUP, "lookup.csv")
    with pytest.raises(PermissionDenied):
        services.import_small_areas(rows=rows, filename="lookup.csv", by=cast["editor_a"])
    services.import_small_areas(rows=rows, filename="lookup.csv", by=cast["pmo"])
    assert AuditEvent.objects.filter(action="import_small_areas", actor=cast["pmo"]).exists()


# --- Deprivation ------------------------------------------------------------------------------


def test_deciles_outside_1_to_10_and_impossible_ranks_are_refused_by_row_and_field():
    text = "LSOA code,IMD rank,IMD decile\nE01000001,0,1\nE01000002,50,11\nE01000003,99999,0\n"
    with pytest.raises(ImportRejected) as exc:
        importers.parse_deprivation(text, "imd.csv")
    assert exc.value.as_lines() == [
        "imd.csv, row 2, column 'IMD rank': '0' is not a rank from 1 to 33,755",
        "imd.csv, row 3, column 'IMD decile': '11' is not a decile from 1 to 10",
        "imd.csv, row 4, column 'IMD decile': '0' is not a decile from 1 to 10",
        "imd.csv, row 4, column 'IMD rank': '99999' is not a rank from 1 to 33,755",
    ]


def test_a_missing_decile_and_so_quintile_is_refused_by_row_and_field(small_areas):
    """A small area without its decile would have no quintile: refused before anything is
    saved, naming the file, the row and the column."""
    text = "LSOA code,IMD rank,IMD decile\nE01000001,5,3\nE01000002,6000,\n"
    with pytest.raises(ImportRejected) as exc:
        importers.parse_deprivation(text, "imd.csv")
    assert reasons(exc) == "imd.csv, row 3, column 'IMD decile': a number is needed here"
    with pytest.raises(ImportRejected) as exc:
        importers.parse_deprivation("LSOA code,IMD rank\nE01000001,5\n", "imd.csv")
    assert reasons(exc) == "imd.csv, row 1, column 'IMD decile': this column is missing"
    assert SmallArea.objects.get(code="E01000001").imd_decile == 1  # as before


def test_deprivation_before_the_lookup_is_refused_and_saves_nothing(footprint):
    with pytest.raises(ImportRejected) as exc:
        services.import_deprivation(
            rows=importers.parse_deprivation(IMD, "imd.csv"), filename="imd.csv", by=OPERATOR
        )
    assert "import the lookup of small areas to neighbourhoods first" in reasons(exc)


def test_national_rows_outside_the_partnership_are_skipped(small_areas):
    areas = {a.code: (a.imd_rank, a.imd_decile, a.imd_quintile) for a in SmallArea.objects.all()}
    assert areas == {
        "E01000001": (120, 1, 1),
        "E01000002": (5000, 2, 1),
        "E01000003": (20000, 6, 3),
        "E01000004": (33000, 10, 5),
    }


# --- Population -------------------------------------------------------------------------------


def test_population_of_zero_or_negative_is_refused():
    text = wide_population({"E01000001": (10, 9), "E01000002": (0, 0)})
    text = text.replace("E01000001,1729,10,", "E01000001,1729,-3,")
    with pytest.raises(ImportRejected) as exc:
        importers.parse_small_area_population(text, "pop.csv", 2025)
    assert exc.value.as_lines() == [
        "pop.csv, row 2, column 'F0': '-3' is negative",
        "pop.csv, row 3, column 'LSOA 2021 Code': E01000002 has no residents: a population of "
        "zero is not possible",
    ]


def test_a_total_that_disagrees_and_a_missing_age_column_are_refused():
    text = wide_population({"E01000001": (10, 9)}).replace(",1729,", ",1730,")
    with pytest.raises(ImportRejected) as exc:
        importers.parse_small_area_population(text, "pop.csv", 2025)
    assert reasons(exc) == "pop.csv, row 2, column 'Total': says 1,730 but the ages add up to 1,729"
    with pytest.raises(ImportRejected) as exc:
        importers.parse_small_area_population(
            wide_population({"E01000001": (1, 1)}).replace("M45,", "Mx,"), "pop.csv", 2025
        )
    assert reasons(exc) == "pop.csv, row 1, column 'M45': this age column is missing"


def test_long_layout_by_sex_is_read_into_five_year_bands():
    header = "Code,Sex," + ",".join(str(a) for a in range(90)) + ",90+"
    female = "E01000001,F," + ",".join(str(a) for a in range(91))
    male = "E01000001,M," + ",".join("1" for _ in range(91))
    rows = importers.parse_small_area_population(f"{header}\n{female}\n{male}\n", "p.csv", 2025)
    assert [(r.sex, r.bands[0], r.bands[1], r.bands[-1], len(r.bands)) for r in rows] == [
        ("F", 0 + 1 + 2 + 3 + 4, 5 + 6 + 7 + 8 + 9, 90, 19),
        ("M", 5, 5, 1, 19),
    ]


# --- Ethnic groups ----------------------------------------------------------------------------


def test_ethnic_groups_that_do_not_add_to_the_total_are_refused():
    text = ETHNIC.replace("2021,North Two A,E01000003,800,", "2021,North Two A,E01000003,801,")
    with pytest.raises(ImportRejected) as exc:
        importers.parse_ethnic_groups(text, "ts021.csv")
    assert reasons(exc) == (
        "ts021.csv, row 4, column 'Ethnic group: Total: All usual residents': says 801 but the "
        "groups add up to 800"
    )


def test_nothing_is_half_saved_when_one_row_is_wrong(small_areas):
    before = list(SmallAreaEthnicity.objects.values_list("small_area__code", "group", "residents"))
    bad = ETHNIC.replace("E01000004,1200,20,", "E01000004,1200,x,")
    with pytest.raises(ImportRejected) as exc:
        importers.parse_ethnic_groups(bad, "ts021.csv")
    assert reasons(exc) == (
        "ts021.csv, row 5, column 'Ethnic group: Asian, Asian British or Asian Welsh': 'x' is "
        "not a number"
    )
    after = list(SmallAreaEthnicity.objects.values_list("small_area__code", "group", "residents"))
    assert after == before


# --- Profiles, counted by hand ----------------------------------------------------------------


def test_profiles_add_up_by_hand(small_areas):
    # Residents (91 ages each): E01000001 19 × 91 = 1,729 (decile 1); E01000002 910 (decile 2);
    # E01000003 1,456 (decile 6); E01000004 637 (decile 10).
    north_one = queries.deprivation_profile(hood=small_areas["hoods"]["N1"])
    assert north_one.year == 2025 and north_one.small_areas == 2
    assert north_one.residents == 1729 + 910
    assert [d.residents for d in north_one.deciles] == [1729, 910, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [q.residents for q in north_one.quintiles] == [2639, 0, 0, 0, 0]
    assert north_one.core20_share == 1.0
    north = queries.deprivation_profile(place=small_areas["north"])
    assert [q.residents for q in north.quintiles] == [2639, 0, 1456, 0, 0]
    assert sum(q.residents for q in north.quintiles) == north.residents == 4095
    assert north.core20_share == pytest.approx(2639 / 4095)
    whole = queries.deprivation_profile()
    assert [q.residents for q in whole.quintiles] == [2639, 0, 1456, 0, 637]
    assert whole.residents == 4732 and whole.unknown == 0
    assert [(g.key, g.residents) for g in north.ethnic_groups] == [
        ("asian", 400),
        ("black", 100),
        ("mixed", 100),
        ("white", 2150),
        ("other", 50),
    ]
    assert north.ethnic_total == 2800
    assert north.ethnic_groups[0].share == pytest.approx(400 / 2800)


def test_residents_of_small_areas_with_no_decile_are_counted_apart(small_areas):
    SmallArea.objects.filter(code="E01000003").update(imd_decile=None, imd_rank=None)
    north = queries.deprivation_profile(place=small_areas["north"])
    assert north.residents == 4095 and north.unknown == 1456
    assert sum(q.residents for q in north.quintiles) == 2639
    assert north.core20_share == 1.0


# --- The import page --------------------------------------------------------------------------


def test_the_import_page_imports_small_areas_in_the_background(client_for):
    client = client_for("pmo")
    for kind, text, extra in [
        ("small_areas", LOOKUP, {}),
        ("deprivation", IMD, {}),
        ("small_area_population", wide_population({"E01000001": (2, 2)}), {"year": "2025"}),
    ]:
        client.post(
            "/workspace/imports/",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", text.encode()), **extra},
        )
    jobs = list(Job.objects.order_by("pk"))
    assert [j.message for j in jobs] == [
        "4 small areas added, 0 kept and 0 removed from the lookup",
        "The deprivation of 4 small areas saved; 1 row for small areas outside the partnership "
        "skipped",
        "The 2025 population of 1 small area saved; 3 of the partnership's small areas were not "
        "in the file",
    ]
    assert all(j.status == Job.Status.SUCCEEDED for j in jobs)


def test_small_area_population_needs_its_year(client_for):
    client = client_for("pmo")
    page = client.post(
        "/workspace/imports/",
        {"kind": "small_area_population", "file": SimpleUploadedFile("p.csv", b"x\n")},
    )
    assert "Enter the year the estimates are for" in page.content.decode()
    assert not Job.objects.exists()


# --- Pages and the API ------------------------------------------------------------------------


def test_place_and_neighbourhood_pages_show_the_profile_with_its_tables(small_areas, client_for):
    client = client_for("viewer")
    page = client.get("/workspace/places/northshire/").content.decode()
    assert "Deprivation and ethnicity" in page
    assert "2,639 (64.4%)" in page  # Core20: 2,639 of 4,095
    assert "Quintile 1 (most deprived)" in page and "Quintile 5 (least deprived)" in page
    assert "Residents of Northshire by ethnic group, Census 2021" in page
    hood = client.get("/workspace/neighbourhoods/north-two/").content.decode()
    assert "0 (0.0%)" in hood  # North Two's one small area is in decile 6
    empty = client.get("/workspace/places/southshire/")
    assert "637 (0.0%)" not in empty.content.decode()


def test_a_place_with_no_small_areas_says_so(client_for, footprint):
    page = client_for("viewer").get("/workspace/places/northshire/").content.decode()
    assert "No small-area figures have been loaded for Northshire yet" in page


def test_the_api_gives_each_areas_profile(small_areas, client):
    body = client.get("/api/v1/deprivation", {"area": "northshire"}).json()
    assert body["area"] == "northshire" and body["year"] == 2025
    assert [q["residents"] for q in body["quintiles"]] == [2639, 0, 1456, 0, 0]
    assert body["core20"] == 2639 and body["core20_share"] == pytest.approx(2639 / 4095)
    assert body["ethnic_groups"][3] == {
        "key": "white",
        "label": "White",
        "residents": 2150,
        "share": pytest.approx(2150 / 2800),
    }
    whole = client.get("/api/v1/deprivation").json()
    assert whole["area"] == "footprint" and whole["residents"] == 4732
    missing = client.get("/api/v1/deprivation", {"area": "nowhere"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No place or neighbourhood is called 'nowhere'"
