"""The busiest pages (those benchmarks/load.py drives: the public pages, the partners' plan,
finance, demand results and decisions, and the API's reads) each make a fixed number of
database queries on the whole demo, so a page that starts querying once per row (an N+1)
fails here before it slows the site. The limits are what the pages make today plus a little
room; lower them when a page gets cheaper."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from footprint.api.tokens import create_token
from footprint.demand.models import Run
from footprint.demo import generator
from footprint.engagement.models import Consultation

TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        generator.build(TODAY)
        pmo = get_user_model().objects.get(username="pmo")
        _, token = create_token(user=pmo, name="query counts")
        run = Run.objects.filter(status=Run.Status.SUCCEEDED).order_by("-pk").first()
        consultation = next(c for c in Consultation.objects.all() if c.status(TODAY) == "open")
    yield {"token": token, "run": run.pk, "consultation": consultation.slug}
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


# page: (most queries, who is asking: the public, the programme office or an API token).
# Measured on the demo (30 November 2026): 14, 4, 8, 6, 1, 6, 8, 40, 10, 5, 4, 3. The partners'
# finance page reads each year's population and plans in turn (about 7 queries a year).
PAGES = {
    "/": (16, "public"),
    "/our-plan/": (6, "public"),
    "/decisions/": (10, "public"),
    "/finance/": (8, "public"),
    "/consultations/": (3, "public"),
    "/consultations/{consultation}/": (8, "public"),
    "/workspace/plan/": (10, "pmo"),
    "/workspace/finance/": (44, "pmo"),
    "/workspace/demand/runs/{run}/": (16, "pmo"),  # its breakdown by place, and at the horizon
    # One more since an impact assessment with gaps no longer counts as complete: the
    # assessments of the proposals above the threshold are read once, in one query.
    "/workspace/decisions/": (8, "pmo"),
    "/api/v1/plan": (6, "api"),
    "/api/v1/decisions": (5, "api"),
}


@pytest.mark.parametrize("path", PAGES)
def test_a_busy_page_makes_a_fixed_number_of_queries(demo, db, path):
    most, who = PAGES[path]
    client = Client()
    headers = {}
    if who == "pmo":
        client.force_login(
            get_user_model().objects.get(username="pmo"),
            backend="django.contrib.auth.backends.ModelBackend",
        )
    elif who == "api":
        headers["Authorization"] = f"Bearer {demo['token']}"
    url = path.format(**demo)
    client.get(url, headers=headers)  # warm: sessions, caches of the first request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert len(queries) <= most, "\n".join(q["sql"][:200] for q in queries.captured_queries)
