"""Page and API response times on the demo footprint, through Django's test client.

Loads the demo into a fresh SQLite database in a temporary folder, then times each page as
the programme office user (median of 20 requests). Prints figures.
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from footprint.demo import generator  # noqa: E402

PAGES = [
    "/",
    "/workspace/",
    "/workspace/organisations/",
    "/workspace/organisations/?kind=gp_practice&place=wyvernshire&sort=-name&page=2",
    "/workspace/places/wyvernshire/",
    "/workspace/neighbourhoods/hallowford-north/",
    "/workspace/organisations/RW9/",
    "/api/v1/organisations?limit=100",
    "/api/v1/population?year=2030",
    "/workspace/plan/",
    "/workspace/plan/early-warning/",
    "/workspace/plan/goals/1/",
    "/our-plan/",
    "/api/v1/plan",
    "/workspace/decisions/",
    "/workspace/decisions/proposals/1/",
    "/decisions/",
    "/api/v1/decisions",
    "/workspace/workforce/",
    "/workspace/workforce/retention/",
    "/workspace/workforce/agency/",
]


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    generator.build()
    print(f"{'load the demo footprint':<70} {time.perf_counter() - start:>8.2f} s")
    client = Client()
    client.force_login(
        get_user_model().objects.get(username="pmo"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    print("Median response time of 20 requests (programme office user, SQLite)")
    for url in PAGES:
        times = []
        for _ in range(20):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
        print(f"  {url:<68} {statistics.median(times) * 1000:>8.1f} ms")


if __name__ == "__main__":
    main()
