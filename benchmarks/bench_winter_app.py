"""Winter plan speed through the app: 10 acute trusts, 180 days, 1,000 runs — a scenario run
the way the Run button runs it (``services.start_run`` then ``services.run_simulation``, which
reads the stored inputs, simulates through ``winter.compute`` in chunks and stores the weekly
and daily results), then the plan page that compares it. A throwaway SQLite database.
Prints figures."""

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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from footprint.core.permissions import OPERATOR  # noqa: E402
from footprint.partnership.models import Organisation, OrganisationKind  # noqa: E402
from footprint.winter import compute, queries, services  # noqa: E402
from footprint.winter.models import DayResult, WeekResult  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    for i in range(10):
        Organisation.objects.create(
            ods_code=f"R{i}A", name=f"Trust {i}", kind=OrganisationKind.ACUTE_TRUST
        )
    plan = services.save_plan(
        by=OPERATOR,
        name="Bench",
        start=dt.date(2026, 10, 1),
        days=180,
        peak=dt.date(2027, 1, 5),
        runs=1000,
        seed=1,
    )
    sc = services.save_scenario(plan=plan, by=OPERATOR, name="Do nothing")
    for i, pi in enumerate(queries.inputs(sc)):
        rate = 40 + 5 * i  # 40 to 85 admissions a day
        values = {**compute.default_inputs(beds=round(rate * 6.6), admissions_per_day=rate)}
        services.save_inputs(scenario=sc, organisation=pi.organisation, by=OPERATOR, values=values)
    longest = compute.longest_stay(5.8, 7.5)
    run = services.start_run(scenario=sc, by=OPERATOR, enqueue=lambda pk: None)
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = compute.simulate(run.inputs)
    sim = (time.perf_counter() - wall, time.process_time() - cpu)
    wall, cpu = time.perf_counter(), time.process_time()
    services.store_results(run=run, outcome=outcome, seconds=sim[0], by=OPERATOR)
    store = (time.perf_counter() - wall, time.process_time() - cpu)
    run2 = services.start_run(scenario=sc, by=OPERATOR, enqueue=lambda pk: None)
    wall, cpu = time.perf_counter(), time.process_time()
    services.run_simulation(run=run2, by=OPERATOR)
    whole = (time.perf_counter() - wall, time.process_time() - cpu)
    print(
        f"10 providers × 180 days × 1,000 runs (stays up to {longest} days, "
        f"warm-up {longest} days); {WeekResult.objects.filter(run=run).count():,} week rows, "
        f"{DayResult.objects.filter(run=run).count():,} day rows"
    )
    print(f"simulate through compute (4 chunks of 250): {sim[0]:.2f} s wall, {sim[1]:.2f} s cpu")
    print(f"store the results: {store[0]:.2f} s wall, {store[1]:.2f} s cpu")
    print(f"a whole run (services.run_simulation): {whole[0]:.2f} s wall, {whole[1]:.2f} s cpu")
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("bench", "b@example.org", "x"))
    wall, cpu = time.perf_counter(), time.process_time()
    page = client.get(plan.get_absolute_url(), secure=True)
    render = (time.perf_counter() - wall, time.process_time() - cpu)
    print(f"(plan page status {page.status_code})")
    print(f"the plan page comparing it: {render[0]:.2f} s wall, {render[1]:.2f} s cpu")
    print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
