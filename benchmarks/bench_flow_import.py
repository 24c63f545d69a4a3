"""Daily returns CSV import (probe F1c): how long a 3,000-row file holds the write lock.
One acute trust's file of 3,000 days (one row a day from 1 January 2005, beds open and beds
occupied, the occupancy crossing the OPEL thresholds so the level changes often), imported
through ``services.import_returns`` as the import page does, then imported again (every row an
update). Prints the whole import and the time from the first write to the commit (the time
the SQLite write lock is held). A throwaway SQLite database.

Run: ``DJANGO_SECRET_KEY=x .venv/bin/python benchmarks/bench_flow_import.py``"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "footprint.config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from footprint.core.permissions import OPERATOR  # noqa: E402
from footprint.flow import importers, services  # noqa: E402
from footprint.flow.models import LevelChange, OpelLevel  # noqa: E402
from footprint.partnership.models import Organisation, OrganisationKind  # noqa: E402

ROWS = 3000
WRITES = ("INSERT", "UPDATE", "DELETE")


def csv_file(rows: int, shift: int = 0) -> bytes:
    start = dt.date(2005, 1, 1)
    lines = ["ODS code,Date,ga_beds_open,ga_beds_occupied"]
    for i in range(rows):
        occupied = 440 + (i * 7 + shift) % 60  # 88 % to 99.8 %: OPEL 1 to 4
        lines.append(f"RW9,{start + dt.timedelta(days=i)},500,{occupied}")
    return ("\n".join(lines) + "\n").encode()


def timed_import(data: bytes, label: str) -> None:
    first_write: list[float] = []
    queries = [0]

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries[0] += 1
        if not first_write and sql.lstrip().upper().startswith(WRITES):
            first_write.append(time.perf_counter())
        return execute(sql, params, many, context)

    now = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
    start = time.perf_counter()
    with connection.execute_wrapper(watch):
        rows, problems = importers.read_problems(data, "returns.csv")
        result = services.import_returns(
            rows=rows, filename="returns.csv", by=OPERATOR, now=now, problems=problems
        )
    end = time.perf_counter()
    locked = end - first_write[0] if first_write else 0.0
    print(
        f"{label:<34} {end - start:6.2f} s in all, {locked:6.2f} s from the first write "
        f"to the commit, {queries[0]:>6,} queries; {result}"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    Organisation.objects.create(ods_code="RW9", name="Trust W", kind=OrganisationKind.ACUTE_TRUST)
    Organisation.objects.create(ods_code="RX1", name="Trust X", kind=OrganisationKind.ACUTE_TRUST)
    timed_import(csv_file(ROWS), f"{ROWS:,} new returns")
    timed_import(csv_file(ROWS, shift=13), f"the same {ROWS:,} days again")
    print(f"stored: {OpelLevel.objects.count():,} levels, {LevelChange.objects.count():,} changes")


if __name__ == "__main__":
    main()
