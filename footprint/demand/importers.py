"""Reading activity files: record-level CSV or Parquet, and aggregated CSV.

Record-level columns: ``provider, pod, neighbourhood, sex, age`` and optionally ``attribute``,
``los`` (length of stay in days) and ``units`` (default 1). Aggregated columns: ``provider,
pod, neighbourhood, sex, age, count`` and optionally ``attribute``, ``los_band`` (0–6) and
``bed_days``. Every bad value is reported with its row and column; nothing is kept unless the
whole file is good.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from footprint.core.imports import ACTIVITY, ImportRejected, Limits, RowError, check_csv

MAX_ERRORS = 200
# A count, a number of units or of bed days in one row: no footprint has ten million of one
# kind of activity for one age, sex and neighbourhood; more is a mistake (or 1e300).
MOST_ACTIVITY = 10_000_000
RECORD_COLUMNS = ("provider", "pod", "neighbourhood", "sex", "age")
AGGREGATE_COLUMNS = (*RECORD_COLUMNS, "count")


@dataclass(frozen=True)
class Activity:
    """A checked file: one row per record or cell, values already parsed."""

    frame: pl.DataFrame
    aggregated: bool


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
) -> Activity:
    """Read and check an activity file; raise ImportRejected listing every problem."""
    frame = read_frame(data, filename)
    needed = AGGREGATE_COLUMNS if aggregated else RECORD_COLUMNS
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ImportRejected(filename, [RowError(1, c, "this column is missing") for c in missing])
    if frame.height == 0:
        raise ImportRejected(filename, [RowError(2, "", "the file has no rows")])
    optional = {"attribute": "", "los": "0", "units": "1", "los_band": "0", "bed_days": "0"}
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
    )
    return Activity(parsed, aggregated)
