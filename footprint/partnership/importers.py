"""Parse the footprint's import files into checked records. Nothing here saves.

- Organisations: a CSV with ODS-style columns.
- Population: the ONS mid-year-estimate layout (code, name, sex, ages 0…90+) and the ONS
  subnational population projection layout (AREA_CODE, SEX, AGE_GROUP, one column a year).
- Small areas (LSOAs): the lookup to neighbourhoods, the Indices of Deprivation, ONS
  small-area population and Census 2021 ethnic groups (docs/inequalities.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from footprint.core.breakdowns import ETHNIC_GROUPS
from footprint.core.imports import (
    ImportRejected,
    RowError,
    Table,
    normalise_header,
    parse_whole_number,
    raise_if_any,
    year_problem,
)
from footprint.partnership.models import (
    AGES,
    MAX_AGE,
    SMALL_AREAS_IN_ENGLAND,
    OrganisationKind,
    Sex,
)
from footprint.partnership.validators import (
    normalise_ods_code,
    normalise_postcode,
    validate_ods_code_for_kind,
)

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
                postcode=normalise_postcode(rec[c_post]) if c_post else "",
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


# --- Small areas (issue 20): the lookup to neighbourhoods, deprivation, population, ethnicity --

LSOA_CODE = re.compile(r"^E01\d{6}$")
# A small area has about 1,500 residents (at most some 10,000, in a few student areas): one
# age's figure above this, or a whole area's above ``MOST_IN_A_SMALL_AREA``, is a mistake.
MOST_OF_AN_AGE_IN_A_SMALL_AREA = 10_000
MOST_IN_A_SMALL_AREA = 40_000
CODE_NAMES = (
    "LSOA code",
    "LSOA 2021 code",
    "LSOA code (2021)",
    "LSOA21CD",
    "Small area code",
    "geography code",
    "Code",
)


def _lsoa_code(value: str, row: int, column: str, errors: list[RowError]) -> str | None:
    code = value.strip().upper()
    if not LSOA_CODE.match(code):
        shown = f"'{value}'" if value.strip() else "an empty cell"
        errors.append(
            RowError(row, column, f"{shown} is not a small-area (LSOA 2021) code like E01012345")
        )
        return None
    return code


def _find_starting(table: Table, *prefixes: str) -> str | None:
    """The first heading that starts with one of ``prefixes`` (as ``normalise_header`` writes
    them): the Indices of Deprivation's headings carry their edition ('… (2021)')."""
    for prefix in prefixes:
        for h in table.headers:
            if normalise_header(h).startswith(prefix):
                return h
    return None


@dataclass
class SmallAreaRow:
    """One row of the lookup: a small area and the neighbourhood it is in."""

    row: int
    code: str
    name: str
    neighbourhood_code: str


def parse_small_area_lookup(text: str, filename: str) -> list[SmallAreaRow]:
    """Read the lookup of small areas to neighbourhoods: columns LSOA code, LSOA name
    (optional) and Neighbourhood code. Every small area once: one listed twice is refused, and
    the message says so in other words when the two rows give different neighbourhoods."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.require(errors, "LSOA code", *CODE_NAMES)
    c_name = table.find("LSOA name", "LSOA 2021 name", "LSOA name (2021)", "LSOA21NM", "Name")
    c_hood = table.require(errors, "Neighbourhood code", "Neighbourhood code", "Neighbourhood")
    raise_if_any(filename, errors)
    assert c_code and c_hood
    seen: dict[str, tuple[int, str]] = {}
    rows: list[SmallAreaRow] = []
    for n, rec in table.rows():
        code = _lsoa_code(rec[c_code], n, c_code, errors)
        hood = rec[c_hood].strip()
        if not hood:
            errors.append(RowError(n, c_hood, "the neighbourhood's code is needed"))
        if code is None:
            continue
        if code in seen:
            first, first_hood = seen[code]
            errors.append(
                RowError(
                    n,
                    c_code,
                    f"{code} is already on row {first}"
                    if first_hood == hood
                    else f"{code} is in neighbourhood {first_hood} on row {first} and in {hood} "
                    "here: a small area belongs to one neighbourhood",
                )
            )
            continue
        seen[code] = (n, hood)
        rows.append(SmallAreaRow(n, code, rec[c_name] if c_name else "", hood))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no small areas"))
    raise_if_any(filename, errors)
    return rows


@dataclass
class DeprivationRow:
    """A small area's Index of Multiple Deprivation rank and decile."""

    row: int
    code: str
    rank: int | None
    decile: int
    column: str = "LSOA code"


def parse_deprivation(text: str, filename: str) -> list[DeprivationRow]:
    """Read the English Indices of Deprivation's IMD file (File 1 of IoD2025): the LSOA code
    (2021) and the IMD decile (1 = most deprived 10 %), with the IMD rank if present (1 = most
    deprived, up to ``SMALL_AREAS_IN_ENGLAND``). Headings are matched by how they start, so
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)" and
    "IMD decile" both do."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.find(*CODE_NAMES) or _find_starting(table, "lsoa code")
    c_decile = _find_starting(table, "index of multiple deprivation (imd) decile", "imd decile")
    c_rank = _find_starting(table, "index of multiple deprivation (imd) rank", "imd rank")
    if c_code is None:
        errors.append(RowError(1, "LSOA code", "this column is missing"))
    if c_decile is None:
        errors.append(RowError(1, "IMD decile", "this column is missing"))
    raise_if_any(filename, errors)
    assert c_code and c_decile
    seen: dict[str, int] = {}
    rows: list[DeprivationRow] = []
    for n, rec in table.rows():
        code = _lsoa_code(rec[c_code], n, c_code, errors)
        decile = parse_whole_number(rec[c_decile], n, c_decile, errors, most=10**6)
        if decile is not None and not 1 <= decile <= 10:
            errors.append(RowError(n, c_decile, f"'{rec[c_decile]}' is not a decile from 1 to 10"))
            decile = None
        rank = None
        if c_rank and rec[c_rank]:
            rank = parse_whole_number(rec[c_rank], n, c_rank, errors, most=10**9)
            if rank is not None and not 1 <= rank <= SMALL_AREAS_IN_ENGLAND:
                errors.append(
                    RowError(
                        n,
                        c_rank,
                        f"'{rec[c_rank]}' is not a rank from 1 to {SMALL_AREAS_IN_ENGLAND:,}",
                    )
                )
                rank = None
        if code is None or decile is None:
            continue
        if code in seen:
            errors.append(RowError(n, c_code, f"{code} is already on row {seen[code]}"))
            continue
        seen[code] = n
        rows.append(DeprivationRow(n, code, rank, decile, column=c_code))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no small areas"))
    raise_if_any(filename, errors)
    return rows


@dataclass
class SmallAreaPopulationRow:
    """One small area's residents of one sex in one year, in ``AGE_BANDS``."""

    row: int
    code: str
    sex: str
    bands: list[int]
    column: str = "LSOA code"


def _bands(single_years: list[int]) -> list[int]:
    """Ages 0 … 89, 90+ (91 figures) → the 19 five-year bands."""
    return [sum(single_years[a : a + 5]) for a in range(0, MAX_AGE, 5)] + [single_years[MAX_AGE]]


def parse_small_area_population(
    text: str, filename: str, year: int, *, today: dt.date | None = None
) -> list[SmallAreaPopulationRow]:
    """Read ONS small-area population estimates for one year, by single year of age, in either
    of ONS's layouts: one row per small area with columns F0 … F90 and M0 … M90 (the
    "sapelsoasyoa" tables; F90 and M90 are 90 and over), or one row per small area and sex
    with columns Sex and 0 … 89, 90+ (as the footprint's mid-year estimates). A Total column,
    if any, is checked against the ages. A small area (or one sex of it) with no residents is
    refused: it is a wrong row, not a real area."""
    if problem := year_problem(year, today=today):
        raise ImportRejected(filename, [RowError(0, "", f"the year {problem}")])
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.find(*CODE_NAMES)
    if c_code is None:
        errors.append(RowError(1, "LSOA code", "this column is missing"))
    c_sex = table.find("Sex")
    c_total = table.find("Total", "All ages")
    wide = c_sex is None
    columns: dict[str, list[str | None]] = {}
    if wide:
        for sex in (Sex.FEMALE, Sex.MALE):
            columns[sex] = [
                table.find(f"{sex}{age}", *([f"{sex}{age}+"] if age == MAX_AGE else []))
                for age in range(AGES)
            ]
    else:
        columns[""] = [table.find(*_age_label(age)) for age in range(AGES)]
    for sex, cols in columns.items():
        errors.extend(
            RowError(1, f"{sex}{age}", "this age column is missing")
            for age, col in enumerate(cols)
            if col is None
        )
    raise_if_any(filename, errors)
    assert c_code
    seen: dict[tuple[str, str], int] = {}
    rows: list[SmallAreaPopulationRow] = []
    for n, rec in table.rows():
        code = _lsoa_code(rec[c_code], n, c_code, errors)
        if code is None:
            continue
        if wide:
            sexes = [Sex.FEMALE.value, Sex.MALE.value]
        else:
            assert c_sex
            found_sex = SEX_WORDS.get(rec[c_sex].strip().lower())
            if found_sex is None:
                errors.append(RowError(n, c_sex, f"'{rec[c_sex]}' is not F or M (or 2 or 1)"))
                continue
            sexes = [found_sex.value]
        row_total = 0
        complete = True
        for sex in sexes:
            if (code, sex) in seen:
                errors.append(
                    RowError(n, c_code, f"{code} {sex} is already on row {seen[(code, sex)]}")
                )
                complete = False
                continue
            seen[(code, sex)] = n
            cols = columns[sex if wide else ""]
            counts = [
                parse_whole_number(rec[col], n, col, errors, most=MOST_OF_AN_AGE_IN_A_SMALL_AREA)
                for col in cols
                if col
            ]
            if any(c is None for c in counts):
                complete = False
                continue
            whole = [int(c) for c in counts if c is not None]
            row_total += sum(whole)
            rows.append(SmallAreaPopulationRow(n, code, sex, _bands(whole), column=c_code))
        if not complete:
            continue
        if row_total == 0:
            who = "residents" if wide else f"residents of sex {sexes[0]}"
            errors.append(
                RowError(n, c_code, f"{code} has no {who}: a population of zero is not possible")
            )
        elif row_total > MOST_IN_A_SMALL_AREA:
            errors.append(
                RowError(
                    n,
                    c_code,
                    f"{code} has {row_total:,} residents, more than any small area "
                    f"({MOST_IN_A_SMALL_AREA:,}): is this the right row?",
                )
            )
        if c_total and rec[c_total]:
            stated = parse_whole_number(rec[c_total], n, c_total, errors)
            if stated is not None and stated != row_total:
                errors.append(
                    RowError(n, c_total, f"says {stated:,} but the ages add up to {row_total:,}")
                )
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no small areas"))
    raise_if_any(filename, errors)
    return rows


@dataclass
class EthnicityRow:
    """One small area's usual residents in each Census 2021 high-level ethnic group."""

    row: int
    code: str
    residents: dict[str, int]
    column: str = "LSOA code"


def parse_ethnic_groups(text: str, filename: str) -> list[EthnicityRow]:
    """Read the Census 2021 ethnic group table by small area (TS021, as Nomis's bulk CSV gives
    it): a code column ('geography code') and one column for each high-level group, headed
    with or without 'Ethnic group: ' ("Ethnic group: White" or "White"); the detailed groups'
    columns are ignored. A total ("Ethnic group: Total: All usual residents"), if present, is
    checked against the five; a small area with no residents is refused."""
    table = Table(text, filename)
    errors: list[RowError] = []
    c_code = table.find(*CODE_NAMES)
    if c_code is None:
        errors.append(RowError(1, "geography code", "this column is missing"))
    group_cols: dict[str, str] = {}
    for key, label in ETHNIC_GROUPS.items():
        col = table.find(f"Ethnic group: {label}", label)
        if col is None:
            errors.append(RowError(1, f"Ethnic group: {label}", "this column is missing"))
        else:
            group_cols[key] = col
    c_total = table.find("Ethnic group: Total: All usual residents", "Total", "All usual residents")
    raise_if_any(filename, errors)
    assert c_code
    seen: dict[str, int] = {}
    rows: list[EthnicityRow] = []
    for n, rec in table.rows():
        code = _lsoa_code(rec[c_code], n, c_code, errors)
        counts = {
            key: parse_whole_number(rec[col], n, col, errors, most=MOST_IN_A_SMALL_AREA)
            for key, col in group_cols.items()
        }
        if code is None or any(v is None for v in counts.values()):
            continue
        whole = {k: int(v) for k, v in counts.items() if v is not None}
        if code in seen:
            errors.append(RowError(n, c_code, f"{code} is already on row {seen[code]}"))
            continue
        seen[code] = n
        total = sum(whole.values())
        if total == 0:
            errors.append(
                RowError(
                    n, c_code, f"{code} has no residents: a population of zero is not possible"
                )
            )
            continue
        if c_total and rec[c_total]:
            stated = parse_whole_number(rec[c_total], n, c_total, errors)
            if stated is not None and stated != total:
                errors.append(
                    RowError(n, c_total, f"says {stated:,} but the groups add up to {total:,}")
                )
        rows.append(EthnicityRow(n, code, whole, column=c_code))
    if not rows and not errors:
        errors.append(RowError(2, "", "the file has headings but no small areas"))
    raise_if_any(filename, errors)
    return rows
