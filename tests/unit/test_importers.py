"""Imports: good files load, bad files say which row and column, nothing half-saved."""

import pytest

from footprint.core.imports import ImportRejected, decode
from footprint.partnership import importers, services
from footprint.partnership.models import Organisation, Place, Population

AGE_HEADERS = ",".join(str(a) for a in range(90)) + ",90+"


def mye(rows: list[str], all_ages: bool = False) -> str:
    head = "Code,Name,Sex," + ("All ages," if all_ages else "") + AGE_HEADERS
    return "\n".join([head, *rows]) + "\n"


def ages(n: int) -> str:
    return ",".join([str(n)] * 91)


def test_organisations_file_creates_and_updates(cast):
    text = (
        "ODS Code,Name,Kind,Statutory board,Neighbourhood,Places,Postcode\n"
        "RA1,Trust A Hospitals Renamed,Acute trust,yes,,E10000901,wr1 2ab\n"
        "A12345,New Practice,gp_practice,no,N2,,\n"
        "VS001,Helping Hands,Voluntary sector,no,,E10000901;E06000902,\n"
    )
    rows = importers.parse_organisations(text, "orgs.csv")
    result = services.import_organisations(rows=rows, filename="orgs.csv", by=cast["pmo"])
    assert result == {"created": 2, "updated": 1}
    assert Organisation.objects.get(ods_code="RA1").name == "Trust A Hospitals Renamed"
    assert Organisation.objects.get(ods_code="A12345").neighbourhood.code == "N2"
    assert Organisation.objects.get(ods_code="VS001").places.count() == 2
    assert Organisation.objects.get(ods_code="RA1").postcode == "WR1 2AB"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Name,Kind\nX,Acute trust\n", "row 1, column 'ODS code': this column is missing"),
        ("ODS code,Name,Kind\nRA9,X,Spaceport\n", "row 2, column 'Kind': 'Spaceport' is not"),
        ("ODS code,Name,Kind\nXX,X,Acute trust\n", "row 2, column 'ODS code': 'XX': Enter an ODS"),
        ("ODS code,Name,Kind\nQ1234,X,Acute trust\n", "R and two letters or digits"),
        ("ODS code,Name,Kind\nR12,X,GP practice\n", "a letter and five digits"),
        ("ODS code,Name,Kind\nRA9,,Acute trust\n", "row 2, column 'Name': a name is needed"),
        ("ODS code,Name,Kind\nRA9,X,Acute trust\nra9,Y,Acute trust\n", "RA9 is already on row 2"),
        ("ODS code,Name,Kind,Statutory board\nRA9,X,Acute trust,perhaps\n", "not yes or no"),
        ("ODS code,Name,Kind\n", "no organisations"),
        ("", "the file is empty"),
    ],
)
def test_bad_organisation_files_name_the_row_and_column(text, expected):
    with pytest.raises(ImportRejected) as exc:
        importers.parse_organisations(text, "orgs.csv")
    assert expected in str(exc.value)
    assert str(exc.value).startswith("orgs.csv: ")


def test_unknown_neighbourhood_saves_nothing(cast):
    text = (
        "ODS code,Name,Kind,Neighbourhood\n"
        "A11111,Good Practice,GP practice,N1\n"
        "A22222,Lost Practice,GP practice,NOWHERE\n"
    )
    rows = importers.parse_organisations(text, "orgs.csv")
    before = Organisation.objects.count()
    with pytest.raises(ImportRejected, match="row 3, column 'Neighbourhood': no neighbourhood"):
        services.import_organisations(rows=rows, filename="orgs.csv", by=cast["pmo"])
    assert Organisation.objects.count() == before


def test_mid_year_estimates_load_for_neighbourhoods_and_places(cast):
    text = mye(
        [
            f"N1,North One,F,{ages(2)}",
            f"N1,North One,M,{ages(3)}",
            f"E06000902,Southshire,2,{ages(4)}",
        ]
    )
    records = importers.parse_population_estimates(text, "mye.csv", 2024)
    services.import_population(
        records=records, source="estimate", filename="mye.csv", by=cast["pmo"]
    )
    f = Population.objects.get(neighbourhood__code="N1", year=2024, sex="F")
    assert f.total == 182 and f.counts[90] == 2
    assert Population.objects.get(place__code="E06000902", year=2024, sex="F").total == 364
    # A place's own figures stand for it in their year; other years add up its neighbourhoods.
    from footprint.partnership import compute

    south = Place.objects.get(code="E06000902")
    assert compute.population(2024, place=south).summary.total == 364
    assert compute.population(2025, place=south).summary.total == 1820
    assert compute.totals_by_year(place=south) == {2024: 364, 2025: 1820, 2026: 2002}


def test_mid_year_estimates_replace_the_same_year(cast):
    for n in (2, 5):
        records = importers.parse_population_estimates(mye([f"N1,x,F,{ages(n)}"]), "m.csv", 2025)
        services.import_population(
            records=records, source="estimate", filename="m.csv", by=cast["pmo"]
        )
    assert Population.objects.get(neighbourhood__code="N1", year=2025, sex="F").total == 455


@pytest.mark.parametrize(
    ("rows", "all_ages", "expected"),
    [
        ([f"N1,x,X,{ages(1)}"], False, "row 2, column 'Sex': 'X' is not F or M"),
        ([f"N1,x,F,{ages(1)}".replace(",1,", ",one,", 1)], False, "'one' is not a number"),
        ([f"N1,x,F,{ages(1)}".replace(",1,", ",-4,", 1)], False, "'-4' is negative"),
        ([f"N1,x,F,{ages(1)}".replace(",1,", ",2.5,", 1)], False, "not a whole number"),
        (
            [f"N1,x,F,{ages(1)}", f"N1,x,F,{ages(1)}"],
            False,
            "row 3, column 'Code': N1 F is already on row 2",
        ),
        ([f"N1,x,F,90,{ages(1)}"], True, "column 'All ages': says 90 but the ages add up to 91"),
    ],
)
def test_bad_estimate_files_name_the_row_and_column(rows, all_ages, expected):
    with pytest.raises(ImportRejected) as exc:
        importers.parse_population_estimates(mye(rows, all_ages), "mye.csv", 2024)
    assert expected in str(exc.value)


def test_estimate_file_missing_an_age_column():
    text = (
        "Code,Name,Sex," + ",".join(str(a) for a in range(90)) + "\nN1,x,F," + ",".join(["1"] * 90)
    )
    with pytest.raises(ImportRejected, match="row 1, column '90\\+': this age column is missing"):
        importers.parse_population_estimates(text, "mye.csv", 2024)


def test_unknown_area_in_population_saves_nothing(cast):
    text = mye([f"N1,x,F,{ages(1)}", f"E99999999,Atlantis,F,{ages(1)}"])
    records = importers.parse_population_estimates(text, "mye.csv", 2030)
    with pytest.raises(ImportRejected, match="row 3, column 'Code': 'E99999999' is not the code"):
        services.import_population(
            records=records, source="estimate", filename="mye.csv", by=cast["pmo"]
        )
    assert not Population.objects.filter(year=2030).exists()


def projection_text(drop_age: int | None = None, bad: str | None = None) -> str:
    lines = ["AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2027,2028"]
    for sex in ("females", "males", "persons"):
        for age in [*range(90), "90 and over", "All ages"]:
            if age == drop_age and sex == "males":
                continue
            value = "7" if age != "All ages" else "999"
            lines.append(f"S1,South One,Population,{sex},{age},{value},{bad or value}")
    lines.append("S1,South One,Births,females,0,5,5")
    return "\n".join(lines)


def test_projection_layout_loads_each_year(cast):
    records = importers.parse_population_projection(projection_text(), "snpp.csv")
    assert {(r.year, r.sex) for r in records} == {
        (2027, "F"),
        (2027, "M"),
        (2028, "F"),
        (2028, "M"),
    }
    services.import_population(
        records=records, source="projection", filename="snpp.csv", by=cast["pmo"]
    )
    assert Population.objects.get(neighbourhood__code="S1", year=2028, sex="M").total == 7 * 91


def test_projection_with_a_missing_age_is_refused():
    with pytest.raises(ImportRejected, match="S1 M has no rows for ages \\[40\\]"):
        importers.parse_population_projection(projection_text(drop_age=40), "snpp.csv")


def test_projection_with_a_bad_number_names_the_year_column():
    with pytest.raises(ImportRejected, match="column '2028': 'lots' is not a number"):
        importers.parse_population_projection(projection_text(bad="lots"), "snpp.csv")


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ImportRejected, match="not UTF-8"):
        decode("Name\nCaf\xe9".encode("latin-1"), "orgs.csv")


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "1e400", "NaN"])
def test_a_whole_number_that_is_not_finite_is_named_not_a_crash(text):
    from footprint.core.imports import parse_whole_number

    errors: list = []
    assert parse_whole_number(text, 3, "Age 0", errors) is None
    assert [(e.row, e.column) for e in errors] == [(3, "Age 0")]
