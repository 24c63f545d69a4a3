"""Deprivation profiles and the inequalities pages on the demo footprint (issue 20).

Loads the demo into a fresh SQLite database in a temporary folder, then times
``partnership.queries.deprivation_profile`` for a neighbourhood, a place and the whole
partnership (fastest and median of 20, with its number of queries), the demo's small-area
part of the build, and each inequalities page (median of 10, programme office user). Prints
figures.
"""

from __future__ import annotations

import os
import statistics
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from footprint.demo import generator, inequalities  # noqa: E402
from footprint.partnership import queries  # noqa: E402
from footprint.partnership.models import Neighbourhood, Place, SmallArea  # noqa: E402

PAGES = [
    "/workspace/inequalities/",
    "/workspace/inequalities/core20plus5/",
    "/inequalities/",
    "/workspace/places/wyvernshire/",
    "/workspace/neighbourhoods/wyvern-cathedral-and-riverside/",
    "/api/v1/deprivation?area=wyvernshire",
]


def _times(f, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    spent: dict[str, float] = {}
    build = inequalities.build_inequalities

    def timed(base_year: int) -> dict[str, int]:
        t = time.perf_counter()
        made = build(base_year)
        spent["small areas"] = time.perf_counter() - t
        return made

    generator.build_inequalities = timed  # type: ignore[assignment]
    start = time.perf_counter()
    generator.build()
    print(f"{'load the demo footprint':<60} {time.perf_counter() - start:>8.2f} s")
    print(f"{'  of which its small areas (build_inequalities)':<60} {spent['small areas']:>8.2f} s")
    print(f"{SmallArea.objects.count()} small areas")
    hood = Neighbourhood.objects.order_by("code").first()
    place = Place.objects.order_by("name").first()
    for name, f in [
        ("a neighbourhood's profile", lambda: queries.deprivation_profile(hood=hood)),
        ("a place's profile", lambda: queries.deprivation_profile(place=place)),
        ("the whole partnership's profile", lambda: queries.deprivation_profile()),
    ]:
        with CaptureQueriesContext(connection) as q:
            f()
        ts = _times(f, 20)
        print(
            f"  {name:<58} {min(ts) * 1000:>6.1f} ms fastest, "
            f"{statistics.median(ts) * 1000:>6.1f} ms median, {len(q.captured_queries)} queries"
        )
    client = Client()
    client.force_login(
        get_user_model().objects.get(username="pmo"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    print("Median response time of 10 requests (programme office user, SQLite)")
    for url in PAGES:
        first = client.get(url, secure=True)
        assert first.status_code == 200, (url, first.status_code, first.get("Location"))
        ts = _times(lambda url=url: client.get(url, secure=True), 10)
        print(f"  {url:<58} {statistics.median(ts) * 1000:>8.1f} ms")


if __name__ == "__main__":
    main()
