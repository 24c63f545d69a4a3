"""Upload limits: how fast the hostile files of issue 16 are refused, and at what peak memory.
Prints figures; run with ``DJANGO_SECRET_KEY=x .venv/bin/python benchmarks/bench_upload_limits.py``.

Before the limits a 0.17 MB workbook holding a million-row sheet took 58 s and 436 MB to parse,
and a 3.3 MB file expanded to 1.1 GB."""

from __future__ import annotations

import contextlib
import io
import os
import time
import tracemalloc
import zipfile

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "footprint.config.settings")
django.setup()

from openpyxl import Workbook  # noqa: E402

from footprint.core import imports  # noqa: E402
from footprint.core.imports import ImportRejected  # noqa: E402


def measured(label: str, fn) -> None:
    """Time ``fn`` once as it runs, then again under tracemalloc for its peak memory."""
    start = time.perf_counter()
    try:
        fn()
        outcome = "read"
    except ImportRejected as exc:
        outcome = "refused: " + exc.as_lines()[0].split(": ", 1)[1][:50]
    seconds = time.perf_counter() - start
    tracemalloc.start()
    with contextlib.suppress(ImportRejected):
        fn()
    peak = tracemalloc.get_traced_memory()[1] / imports.MB
    tracemalloc.stop()
    print(f"{label:<48} {seconds:>6.2f} s {peak:>7.1f} MB peak  {outcome}")


def compact_rows(n: int = 1_000_000) -> bytes:
    """A small .xlsx whose one sheet has ``n`` rows (as the issue's 0.17 MB file)."""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        + "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(1, n + 1))
        + "</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(million_row_workbook(10)), "r") as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = sheet.encode()
            z.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def million_row_workbook(n: int = 1_000_000) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Plan")
    for i in range(n):
        ws.append([i])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bomb(expanded_mb: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row/>" * (expanded_mb * imports.MB // 6))
    return out.getvalue()


def main() -> None:
    big = million_row_workbook()
    print(f"million-row workbook: {len(big) / imports.MB:.2f} MB")
    measured(
        "million-row workbook, plan sheet streamed",
        lambda: imports.sheet_rows(imports.open_workbook(big, "p.xlsx")["Plan"], "p.xlsx"),
    )
    under = compact_rows(100_000)
    print(f"100,000-row workbook: {len(under) / imports.MB:.2f} MB")
    measured(
        "100,000-row workbook (expands under the limit)",
        lambda: imports.sheet_rows(imports.open_workbook(under, "p.xlsx")["Plan"], "p.xlsx"),
    )
    small = compact_rows()
    print(f"compact million-row workbook: {len(small) / imports.MB:.2f} MB")
    measured(
        "compact million-row workbook",
        lambda: imports.sheet_rows(imports.open_workbook(small, "p.xlsx")["Plan"], "p.xlsx"),
    )
    b = bomb(1100)
    print(f"zip bomb: {len(b) / imports.MB:.2f} MB expanding to 1,100 MB")
    measured("zip bomb", lambda: imports.open_workbook(b, "p.xlsx"))
    rows = "a,b,c,d,e,f,g,h\n" + "RA1,2025-06,Acme,Nurses,Band 5,12,45.00,x\n" * 1_000_000
    print(f"million-row CSV: {len(rows) / imports.MB:.1f} MB")
    measured(
        "million-row CSV as a table (limit 200,000 rows)", lambda: imports.Table(rows, "s.csv")
    )
    at_limit = "a,b,c,d,e,f,g,h\n" + "RA1,2025-06,Acme,Nurses,Band 5,12,45.00,x\n" * 199_999
    measured("200,000-row CSV as a table (at the limit)", lambda: imports.Table(at_limit, "s.csv"))
    measured(
        "million-row activity CSV streamed (check_csv)",
        lambda: imports.check_csv(rows.encode(), "a.csv", imports.ACTIVITY),
    )


if __name__ == "__main__":
    main()
