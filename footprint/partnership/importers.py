"""Parse the footprint's import files into checked records. Nothing here saves.

- Organisations: a CSV with ODS-style columns.
- Population: the ONS mid-year-estimate layout (code, name, sex, ages 0…90+) and the ONS
  subnational population projection layout (AREA_CODE, SEX, AGE_GROUP, one column a year).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from footprint.core.imports import (
    ImportRejected,
    RowError,
    Table,
    parse_whole_number,
    raise_if_any,
    year_problem,
)
from footprint.partnership.models import AGES, MAX_AGE, OrganisationKind, Sex
from footprint.partnership.validators import normalise_ods_code, validate_ods_code_for_kind

# England has about 750,000 people of any one year of age; an area's figure for one age and
# sex above this is a mistake (a total in an age's column, or no number at all: 1e300).
MOST_OF_AN_AGE = 2_000_000
# Projections run up to 25 years ahead (ONS SNPP); their year columns may be this far ahead.
PROJECTION_YEARS_AHEAD = 30

TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


@dataclass
class OrganisationRow:
    row: int
    ods_code: str
    name: str
    kind: str
    has_statutory_board: bool
    neighbourhood_code: str
    place_codes: list[str] = field(default_factory=list)
    postcode: str = ""
    website: str = ""


def _kind_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in OrganisationKind.choices:
        lookup[value] = value
        lookup[str(label).lower()] = value
    lookup.update({"icb": "commissioner", "ccg": "commissioner", "council": "local_authority"})
    return lookup


def parse_organisations(text: str, filename: str) -> list[OrganisationRow]:
    """Read an organisations file. Columns: ODS code, Name, Kind, Statutory board,
    Neighbourhood (its code), Places (codes separated by ';'), Postcode, Website."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.require(errors, "ODS code", "ODS code", "Organisation code", "Code")
    c_name = table.require(errors, "Name", "Name", "Organisation name")
    c_kind = table.require(errors, "Kind", "Kind", "Organisation kind", "Type")
    c_board = table.find("Statutory board", "Has statutory board")
    c_hood = table.find("Neighbourhood", "Neighbourhood code")
    c_places = table.find("Places", "Place codes", "Place")
    c_post = table.find("Postcode")
    c_web = table.find("Website")
    raise_if_any(filename, errors)
    assert c_code and c_name and c_kind
    kinds = _kind_lookup()
    seen: dict[str, int] = {}
    rows: list[OrganisationRow] = []
    for n, rec in table.rows():
        code = normalise_ods_code(rec[c_code])
        kind = kinds.get(rec[c_kind].strip().lower())
        if kind is None:
            errors.append(
                RowError(
                    n, c_kind, f"'{rec[c_kind]}' is not a kind of organisation Footprint knows"
                )
            )
        else:
            try:
                validate_ods_code_for_kind(code, kind)
            except ValidationError as exc:
                errors.append(RowError(n, c_code, f"'{rec[c_code]}': {exc.messages[0]}"))
        if code in seen:
            errors.append(RowError(n, c_code, f"{code} is already on row {seen[code]}"))
        seen.setdefault(code, n)
        if not rec[c_name]:
            errors.append(RowError(n, c_name, "a name is needed"))
        board = False
        if c_board:
            word = rec[c_board].strip().lower()
            if word in TRUE_WORDS:
                board = True
            elif word not in FALSE_WORDS:
                errors.append(RowError(n, c_board, f"'{rec[c_board]}' is not yes or no"))
        rows.append(
            OrganisationRow(
                row=n,
                ods_code=code,
                name=rec[c_name],
                kind=kind or "",
                has_statutory_board=board,
                neighbourhood_code=rec[c_hood].strip() if c_hood else "",
                place_codes=[p.strip() for p in rec[c_places].split(";") if p.strip()]
                if c_places
                else [],
                postcode=rec[c_post].upper() if c_post else "",
                website=rec[c_web] if c_web else "",
            )
        )
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no organisations"))
    raise_if_any(filename, errors)
    return rows


@dataclass
class PopulationRecord:
    """One area, year and sex, by single year of age."""

    row: int
    area_code: str
    year: int
    sex: str
    counts: list[int]
    column: str = "Code"


SEX_WORDS = {
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "females": Sex.FEMALE,
    "2": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "males": Sex.MALE,
    "1": Sex.MALE,
}


def _age_label(age: int) -> list[str]:
    return [f"{age}+", str(age), "90 and over", "90 plus"] if age == MAX_AGE else [str(age)]


def parse_population_estimates(
    text: str, filename: str, year: int, *, today: dt.date | None = None
) -> list[PopulationRecord]:
    """Read the ONS mid-year-estimate layout for one year: one row per area and sex, with
    columns Code, Name, Sex, optionally All ages (checked against the sum), 0 … 89, 90+.
    ``year`` is from 2000 to ten years after ``today``'s (``core.imports.year_problem``);
    each count a whole number up to ``MOST_OF_AN_AGE``."""
    if problem := year_problem(year, today=today):
        raise ImportRejected(filename, [RowError(0, "", f"the year {problem}")])
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.require(errors, "Code", "Code", "Geography code", "Area code", "AREA_CODE")
    c_sex = table.require(errors, "Sex", "Sex")
    c_all = table.find("All ages")
    age_cols = []
    for age in range(AGES):
        col = table.find(*_age_label(age))
        if col is None:
            errors.append(RowError(1, _age_label(age)[0], "this age column is missing"))
        age_cols.append(col)
    raise_if_any(filename, errors)
    assert c_code and c_sex
    records: list[PopulationRecord] = []
    seen: dict[tuple[str, str], int] = {}
    for n, rec in table.rows():
        sex = SEX_WORDS.get(rec[c_sex].strip().lower())
        if sex is None:
            errors.append(RowError(n, c_sex, f"'{rec[c_sex]}' is not F or M (or 2 or 1)"))
            continue
        code = rec[c_code].strip()
        if not code:
            errors.append(RowError(n, c_code, "a geography code is needed"))
            continue
        if (code, sex) in seen:
            errors.append(
                RowError(n, c_code, f"{code} {sex} is already on row {seen[(code, sex)]}")
            )
            continue
        seen[(code, sex)] = n
        counts = [
            parse_whole_number(rec[col], n, col, errors, most=MOST_OF_AN_AGE)
            for col in age_cols
            if col
        ]
        if any(c is None for c in counts):
            continue
        whole = [int(c) for c in counts if c is not None]
        if c_all and rec[c_all]:
            stated = parse_whole_number(rec[c_all], n, c_all, errors)
            if stated is not None and stated != sum(whole):
                errors.append(
                    RowError(n, c_all, f"says {stated:,} but the ages add up to {sum(whole):,}")
                )
        records.append(PopulationRecord(n, code, year, sex, whole, column=c_code))
    if not records and not errors:
        errors.append(RowError(2, "", "the file has headings but no population rows"))
    raise_if_any(filename, errors)
    return records


YEAR_COLUMN = re.compile(r"^(19|20)\d\d$")


def parse_population_projection(
    text: str, filename: str, *, today: dt.date | None = None
) -> list[PopulationRecord]:
    """Read the ONS subnational projection layout: AREA_CODE, AREA_NAME, COMPONENT, SEX,
    AGE_GROUP (0 … 89, '90 and over'), then one column per year. Rows for persons, for all
    ages and for components other than Population are skipped. Each year column is from 2000
    to ``PROJECTION_YEARS_AHEAD`` years after ``today``'s; each count a whole number up to
    ``MOST_OF_AN_AGE``."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.require(errors, "AREA_CODE", "AREA_CODE", "Code")
    c_sex = table.require(errors, "SEX", "SEX")
    c_age = table.require(errors, "AGE_GROUP", "AGE_GROUP", "Age")
    c_comp = table.find("COMPONENT")
    years = [h for h in table.headers if YEAR_COLUMN.match(h)]
    for h in years:
        if problem := year_problem(int(h), today=today, ahead=PROJECTION_YEARS_AHEAD):
            errors.append(RowError(1, h, problem))
    if not years:
        errors.append(RowError(1, "", "there are no year columns (e.g. 2026, 2027 …)"))
    raise_if_any(filename, errors)
    assert c_code and c_sex and c_age
    ages = {label.lower(): age for age in range(AGES) for label in _age_label(age)}
    cells: dict[tuple[str, str], dict[int, tuple[int, dict[str, str]]]] = {}
    for n, rec in table.rows():
        if c_comp and rec[c_comp].strip().lower() not in {"population", ""}:
            continue
        sex_word = rec[c_sex].strip().lower()
        if sex_word in {"persons", "all", "3"}:
            continue
        sex = SEX_WORDS.get(sex_word)
        if sex is None:
            errors.append(RowError(n, c_sex, f"'{rec[c_sex]}' is not females or males"))
            continue
        age_word = rec[c_age].strip().lower()
        if age_word in {"all ages", "all"}:
            continue
        age = ages.get(age_word)
        if age is None:
            errors.append(RowError(n, c_age, f"'{rec[c_age]}' is not an age from 0 to 90 and over"))
            continue
        key = (rec[c_code].strip(), sex)
        if age in cells.setdefault(key, {}):
            errors.append(RowError(n, c_age, f"age {age} for {key[0]} {sex} appears twice"))
            continue
        cells[key][age] = (n, rec)
    records: list[PopulationRecord] = []
    for (code, sex), by_age in cells.items():
        missing = [a for a in range(AGES) if a not in by_age]
        if missing:
            first_row = min(r for r, _ in by_age.values())
            errors.append(
                RowError(
                    first_row,
                    c_age,
                    f"{code} {sex} has no rows for ages {missing[:5]}…"
                    if len(missing) > 5
                    else f"{code} {sex} has no rows for ages {missing}",
                )
            )
            continue
        for year_col in years:
            counts = [
                parse_whole_number(
                    by_age[a][1][year_col], by_age[a][0], year_col, errors, most=MOST_OF_AN_AGE
                )
                for a in range(AGES)
            ]
            if all(c is not None for c in counts):
                records.append(
                    PopulationRecord(
                        by_age[0][0],
                        code,
                        int(year_col),
                        sex,
                        [int(c) for c in counts if c is not None],
                        column=c_code,
                    )
                )
    if not records and not errors:
        errors.append(RowError(2, "", "the file has no population rows for females or males"))
    raise_if_any(filename, errors)
    return records
