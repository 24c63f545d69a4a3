"""A backup restores: the demo is loaded into PostgreSQL, dumped with ``pg_dump``, the database
is then damaged, restored with ``pg_restore``, and the site serves the same figures as before.
The commands are those in docs/operating.md ("Backup and restore"). PostgreSQL only
(scripts/with-postgres.sh runs it in CI)."""

import datetime as dt
import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from footprint.demo import generator

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    or shutil.which("pg_dump") is None,
    reason="a PostgreSQL backup needs PostgreSQL and its client programs",
)

TODAY = dt.date(2026, 11, 30)
# What the public and the API show: the plan and its progress, the decision register, the
# finance summary, consultations, organisations and population.
PAGES = [
    "/",
    "/our-plan/",
    "/decisions/",
    "/finance/",
    "/consultations/",
    "/api/v1/plan",
    "/api/v1/decisions",
    "/api/v1/organisations?limit=500",
    "/api/v1/consultations",
]


def pg_env() -> dict[str, str]:
    """libpq's environment for the database the tests use (the test database)."""
    s = connection.settings_dict
    env = {**os.environ, "PGHOST": s["HOST"], "PGPORT": str(s["PORT"]), "PGUSER": s["USER"]}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return env


def served() -> dict[str, str]:
    """Each page as served, without what differs on every request (the CSP nonce, the CSRF
    token)."""
    cache.clear()
    client = Client()
    out = {}
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        out[path] = re.sub(r'(nonce|value)="[A-Za-z0-9+/=_-]{20,}"', "", body)
    return out


@pytest.mark.django_db(transaction=True)
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_a_backup_of_the_demo_restores_to_the_same_figures(tmp_path):
    from footprint.decisions.models import Decision
    from footprint.finance.models import FinancialPlan
    from footprint.partnership.models import Organisation

    name = connection.settings_dict["NAME"]
    backup = tmp_path / "footprint.dump"
    generator.build(TODAY)
    before = served()
    counts = (Organisation.objects.count(), FinancialPlan.objects.count())
    assert counts[0] > 10 and counts[1] > 10 and "Decision register" in before["/decisions/"]
    # docs/operating.md: the backup
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={backup}", name],
        env=pg_env(),
        check=True,
    )
    assert backup.stat().st_size > 100_000
    # A bad day: figures overwritten, names lost, decisions rewritten.
    FinancialPlan.objects.update(pay_pence=1)
    Organisation.objects.update(name="Lost")
    Decision.objects.update(rationale="Lost")
    assert served() != before
    # docs/operating.md: the restore (the site stopped, so no connection is open)
    connection.close()
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={name}",
            str(backup),
        ],
        env=pg_env(),
        check=True,
    )
    after = served()
    assert (Organisation.objects.count(), FinancialPlan.objects.count()) == counts
    assert after.keys() == before.keys()
    for path in PAGES:
        assert after[path] == before[path], path
