"""The roles page's table: every declared permission asked of a made-up person in each role,
against nothing, their own organisation, another, and a person of each. Times building the
table on an empty database (the rules that look things up find nothing). Prints figures."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
tmp = tempfile.mkdtemp(prefix="footprint-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "footprint.config.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from footprint.core.permissions import KNOWN  # noqa: E402
from footprint.partnership import capabilities  # noqa: E402

RUNS = 10


def main() -> None:
    call_command("migrate", verbosity=0)
    known = tuple(sorted(KNOWN))
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        for _ in range(RUNS):
            columns, _rows = capabilities._table.__wrapped__(known)
        cold = (time.perf_counter() - start) / RUNS
    capabilities.table()
    start = time.perf_counter()
    for _ in range(RUNS):
        capabilities.table()
    warm = (time.perf_counter() - start) / RUNS
    print(
        f"roles table: {len(KNOWN)} permissions x {len(columns)} roles: worked out "
        f"{cold * 1000:.0f} ms ({len(queries) // RUNS} queries), then from the process's "
        f"cache {warm * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
