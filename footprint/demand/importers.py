"""Reading activity files: record-level CSV or Parquet, and aggregated CSV.

Record-level columns: ``provider, pod, neighbourhood, sex, age`` and optionally ``attribute``,
``los`` (length of stay in days) and ``units`` (default 1). Aggregated columns: ``provider,
pod, neighbourhood, sex, age, count`` and optionally ``attribute``, ``los_band`` (0–6) and
``bed_days``. Either may say where in deprivation each row's residents live: ``small_area``
(or ``lsoa``: an LSOA code of the partnership's, in the row's neighbourhood), ``imd_decile``
(1 most deprived … 10) or ``imd_quintile`` (1 … 5); each gives the row its national quintile,
and a row with none counts in its neighbourhood's. Every bad value is reported with its row
and column; nothing is kept unless the whole file is good.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from footprint.core.imports import ACTIVITY, TABLE, ImportRejected, Limits, RowError, check_csv

MAX_ERRORS = 200
# A count, a number of units or of bed days in one row: no footprint has ten million of one
# kind of activity for one age, sex and neighbourhood; more is a mistake (or 1e300).
MOST_ACTIVITY = 10_000_000
RECORD_COLUMNS = ("provider", "pod", "neighbourhood", "sex", "age")
AGGREGATE_COLUMNS = (*RECORD_COLUMNS, "count")


@dataclass(frozen=True)
class Activity:
    """A checked file: one row per record or cell, values already parsed, each with its
    deprivation ``quintile`` (0 where it gave none); ``without_deprivation`` rows gave none."""

    frame: pl.DataFrame
    aggregated: bool
    without_deprivation: int = 0


def _parquet(data: bytes, filename: str, limits: Limits) -> pl.DataFrame:
    """A Parquet file, its rows and columns counted from its footer before any is read."""
    lazy = pl.scan_parquet(io.BytesIO(data))
    columns = len(lazy.collect_schema())
    rows = lazy.select(pl.len()).collect().item()
    for count, most, what in ((rows, limits.rows, "rows"), (columns, limits.columns, "columns")):
        if count > most:
            raise ImportRejected(
                filename,
                [
                    RowError(
                        0,
                        "",
                        f"the file has {count:,} {what}, more than the {most:,} "
                        "Footprint takes in one file",
                    )
                ],
            )
    return pl.read_parquet(io.BytesIO(data)).with_columns(pl.all().cast(pl.Utf8))


def read_frame(data: bytes, filename: str, limits: Limits = ACTIVITY) -> pl.DataFrame:
    """Every column as text, with ``row`` numbered as a spreadsheet numbers rows. The file is
    bounded by ``limits`` before it is read: a CSV is streamed once and refused at the first
    row, column or cell past them (or a NUL); a Parquet file's footer gives its rows and
    columns."""
    if problem := limits.size_problem(len(data), filename):
        raise ImportRejected(filename, [RowError(0, "", problem)])
    parquet = filename.lower().endswith(".parquet")
    if not parquet:
        check_csv(data, filename, limits)
    try:
        if parquet:
            frame = _parquet(data, filename, limits)
        else:
            frame = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy")
    except ImportRejected:
        raise
    except Exception as exc:  # polars raises many kinds for unreadable files
        raise ImportRejected(
            filename, [RowError(0, "", f"the file cannot be read: {exc}")]
        ) from None
    frame = frame.rename({c: c.strip().lower().replace(" ", "_") for c in frame.columns})
    return frame.with_row_index("row", offset=2)


def _check(
    frame: pl.DataFrame, errors: list[RowError], column: str, bad: pl.Expr, message: str
) -> None:
    for row in frame.filter(bad)["row"].head(MAX_ERRORS):
        errors.append(RowError(int(row), column, message))


def parse(
    data: bytes,
    filename: str,
    *,
    aggregated: bool,
    providers: Collection[str],
    neighbourhoods: Collection[str],
    pods: Collection[str],
    small_areas: Mapping[str, tuple[str, int | None]] | None = None,
) -> Activity:
    """Read and check an activity file; raise ImportRejected listing every problem.
    ``small_areas`` gives each of the partnership's small areas (LSOA code) its neighbourhood
    and national deprivation decile (None when not known)."""
    frame = read_frame(data, filename)
    if "lsoa" in frame.columns and "small_area" not in frame.columns:
        frame = frame.rename({"lsoa": "small_area"})
    needed = AGGREGATE_COLUMNS if aggregated else RECORD_COLUMNS
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ImportRejected(filename, [RowError(1, c, "this column is missing") for c in missing])
    if frame.height == 0:
        raise ImportRejected(filename, [RowError(2, "", "the file has no rows")])
    optional = {
        "attribute": "",
        "los": "0",
        "units": "1",
        "los_band": "0",
        "bed_days": "0",
        **dict.fromkeys(DEPRIVATION_COLUMNS, ""),
    }
    frame = frame.with_columns(
        [pl.lit(v).alias(c) for c, v in optional.items() if c not in frame.columns]
    ).with_columns(
        [pl.col(c).fill_null(v).str.strip_chars() for c, v in optional.items()]
        + [pl.col(c).str.strip_chars() for c in needed]
    )
    errors: list[RowError] = []
    text = pl.col
    _check(
        frame,
        errors,
        "provider",
        ~text("provider").str.to_uppercase().is_in(list(providers)),
        "not the ODS code of an organisation in the footprint",
    )
    _check(frame, errors, "pod", ~text("pod").is_in(list(pods)), "not a known point of delivery")
    _check(
        frame,
        errors,
        "neighbourhood",
        ~text("neighbourhood").is_in(list(neighbourhoods)),
        "not a neighbourhood code of the footprint",
    )
    _check(
        frame, errors, "sex", ~text("sex").str.to_uppercase().is_in(["F", "M"]), "must be F or M"
    )
    age = text("age").cast(pl.Int64, strict=False)
    _check(
        frame,
        errors,
        "age",
        age.is_null() | (age < 0) | (age > 120),
        "must be a whole number of years from 0 to 120",
    )
    numbers = ("count", "bed_days") if aggregated else ("units",)
    for column in numbers:
        value = text(column).cast(pl.Float64, strict=False)
        _check(
            frame,
            errors,
            column,
            value.is_null()
            | value.is_nan()
            | value.is_infinite()
            | (value < 0)
            | (value > MOST_ACTIVITY),
            f"must be a number from 0 to {MOST_ACTIVITY:,} (not infinity or 'not a number')",
        )
    whole = ("los_band",) if aggregated else ("los",)
    for column in whole:
        value = text(column).cast(pl.Int64, strict=False)
        limit = 6 if column == "los_band" else 3650
        _check(
            frame,
            errors,
            column,
            value.is_null() | (value < 0) | (value > limit),
            f"must be a whole number from 0 to {limit}",
        )
    frame = _deprivation(frame, errors, small_areas or {})
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(filename, errors[:MAX_ERRORS])
    parsed = frame.select(
        text("row"),
        text("provider").str.to_uppercase(),
        text("pod"),
        text("neighbourhood"),
        text("sex").str.to_uppercase(),
        age.clip(0, 90).alias("age"),
        text("attribute"),
        *[text(c).cast(pl.Float64) for c in numbers],
        *[text(c).cast(pl.Int64) for c in whole],
        text("quintile"),
    )
    return Activity(parsed, aggregated, int((parsed["quintile"] == 0).sum()))


DEPRIVATION_COLUMNS = ("small_area", "imd_decile", "imd_quintile")


def _deprivation(
    frame: pl.DataFrame,
    errors: list[RowError],
    small_areas: Mapping[str, tuple[str, int | None]],
) -> pl.DataFrame:
    """Check the optional deprivation columns and add each row's ``quintile`` (0 when it
    gave none): from its small area's national decile, else its own decile, else its own
    quintile. A small area not the partnership's, or in another neighbourhood than the row's,
    a decile or quintile out of range, and columns that disagree are errors."""
    text = pl.col
    areas = pl.DataFrame(
        {
            "small_area": list(small_areas),
            "_area_hood": [hood for hood, _ in small_areas.values()],
            "_area_decile": [decile for _, decile in small_areas.values()],
        },
        schema={"small_area": pl.Utf8, "_area_hood": pl.Utf8, "_area_decile": pl.Int64},
    )
    frame = frame.with_columns(text("small_area").str.to_uppercase()).join(
        areas, on="small_area", how="left", maintain_order="left"
    )
    given = text("small_area") != ""
    _check(
        frame,
        errors,
        "small_area",
        given & text("_area_hood").is_null(),
        "not a small-area (LSOA 2021) code of the partnership's small areas",
    )
    _check(
        frame,
        errors,
        "small_area",
        given & text("_area_hood").is_not_null() & (text("_area_hood") != text("neighbourhood")),
        "this small area lies in another neighbourhood than the row's",
    )
    decile = text("imd_decile").cast(pl.Int64, strict=False)
    _check(
        frame,
        errors,
        "imd_decile",
        (text("imd_decile") != "") & (decile.is_null() | (decile < 1) | (decile > 10)),
        "must be a whole number from 1 (the most deprived 10 % in England) to 10, or empty",
    )
    quintile = text("imd_quintile").cast(pl.Int64, strict=False)
    _check(
        frame,
        errors,
        "imd_quintile",
        (text("imd_quintile") != "") & (quintile.is_null() | (quintile < 1) | (quintile > 5)),
        "must be a whole number from 1 (the most deprived 20 % in England) to 5, or empty",
    )
    from_area = (text("_area_decile") + 1) // 2
    from_decile = (decile + 1) // 2
    _check(
        frame,
        errors,
        "imd_decile",
        from_area.is_not_null() & from_decile.is_not_null() & (from_area != from_decile),
        "disagrees with the national decile of the row's small area",
    )
    _check(
        frame,
        errors,
        "imd_quintile",
        quintile.is_not_null()
        & pl.coalesce(from_area, from_decile).is_not_null()
        & (pl.coalesce(from_area, from_decile) != quintile),
        "disagrees with the quintile of the row's small area or decile",
    )
    own = pl.coalesce(from_area, from_decile, quintile, pl.lit(0))
    return frame.with_columns(own.clip(0, 5).cast(pl.Int64).alias("quintile"))


# Population projection variants (ONS's principal and variant projections for the area)

VARIANT_COLUMNS = ("variant", "year", "sex", "age", "population")
PRINCIPAL = "Principal"
# No area a partnership covers has a hundred million residents of one age and sex.
MOST_PEOPLE = 100_000_000


def parse_variants(
    data: bytes, filename: str, *, first_year: int, last_year: int
) -> dict[str, np.ndarray]:
    """Read a projection file with columns ``variant, year, sex, age, population`` (age 90
    counts 90 and over; ages above 90 are added to it) and return each variant's residents as
    ``[year − first_year, sex (F, M), age 0–90]``, the principal first. Every variant, the
    principal included, must give both sexes and every age in every year from ``first_year``
    to ``last_year``; raise ImportRejected naming each problem's row and column (or the
    variant, year and sex that lack ages)."""
    frame = read_frame(data, filename, TABLE)
    missing = [c for c in VARIANT_COLUMNS if c not in frame.columns]
    if missing:
        raise ImportRejected(filename, [RowError(1, c, "this column is missing") for c in missing])
    if frame.height == 0:
        raise ImportRejected(filename, [RowError(2, "", "the file has no rows")])
    frame = frame.with_columns([pl.col(c).fill_null("").str.strip_chars() for c in VARIANT_COLUMNS])
    errors: list[RowError] = []
    text = pl.col
    _check(
        frame,
        errors,
        "variant",
        (text("variant").str.len_chars() == 0) | (text("variant").str.len_chars() > 100),
        "name the variant (up to 100 characters), e.g. Principal or High population",
    )
    year = text("year").cast(pl.Int64, strict=False)
    _check(
        frame,
        errors,
        "year",
        year.is_null() | (year < 2000) | (year > 2100),
        "must be a year from 2000 to 2100",
    )
    _check(
        frame, errors, "sex", ~text("sex").str.to_uppercase().is_in(["F", "M"]), "must be F or M"
    )
    age = text("age").cast(pl.Int64, strict=False)
    _check(
        frame,
        errors,
        "age",
        age.is_null() | (age < 0) | (age > 120),
        "must be a whole number of years from 0 to 120",
    )
    people = text("population").cast(pl.Float64, strict=False)
    _check(
        frame,
        errors,
        "population",
        people.is_null()
        | people.is_nan()
        | people.is_infinite()
        | (people < 0)
        | (people > MOST_PEOPLE),
        f"must be a number of residents from 0 to {MOST_PEOPLE:,}",
    )
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(filename, errors[:MAX_ERRORS])
    rows = frame.select(
        text("row"),
        text("variant"),
        year.alias("year"),
        text("sex").str.to_uppercase(),
        age.clip(0, 90).alias("age"),
        people.alias("population"),
    ).filter((text("year") >= first_year) & (text("year") <= last_year))
    years = last_year - first_year + 1
    names = sorted(set(rows["variant"]), key=lambda n: (n.casefold() != PRINCIPAL.casefold(), n))
    if not names or names[0].casefold() != PRINCIPAL.casefold():
        raise ImportRejected(
            filename,
            [
                RowError(
                    0,
                    "variant",
                    f"the file needs the {PRINCIPAL} projection for {first_year}–{last_year}, "
                    "which the other variants are compared with",
                )
            ],
        )
    out: dict[str, np.ndarray] = {}
    seen: dict[str, np.ndarray] = {}
    for name in names:
        out[name] = np.zeros((years, 2, 91))
        seen[name] = np.zeros((years, 2, 91), dtype=bool)
    for _, name, y, sex, a, n in rows.iter_rows():
        out[name][y - first_year, "FM".index(sex), a] += n
        seen[name][y - first_year, "FM".index(sex), a] = True
    problems = []
    for name in names:
        for t, s in zip(*np.nonzero(~seen[name].all(axis=2)), strict=True):
            ages = np.flatnonzero(~seen[name][t, s])
            shown = ", ".join(str(int(a)) for a in ages[:5]) + (" …" if len(ages) > 5 else "")
            problems.append(
                RowError(
                    0,
                    "age",
                    f"{name}, {first_year + int(t)}, {'FM'[int(s)]}: no row for age {shown}",
                )
            )
    if problems:
        raise ImportRejected(filename, problems[:MAX_ERRORS])
    return out
