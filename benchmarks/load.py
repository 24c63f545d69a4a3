"""Load test: 50 people at once for two minutes against gunicorn and PostgreSQL with the demo
loaded (`make load`). Prints figures; never a timed assertion in the test suite.

Run it inside a PostgreSQL cluster made for the purpose (`make load` uses
scripts/with-postgres.sh, which sets DATABASE_URL). It migrates, loads the demo, makes an API
token, then for each gunicorn layout asked for (``--layout 2x1 --layout 3x4``: workers x
threads) starts gunicorn in production settings behind a pretend proxy (one trusted proxy,
HTTPS as the proxy says) and a background-task worker, and runs the Locust users of
benchmarks/load_users.py headless: the public reading and voting, partners logged in on the
workspace, API clients with a token. After each run it checks, in the database, that every
vote the site accepted was counted once (each public user's votes, found by its cookie's key).

Figures: requests, failures, and the median, 95th and 99th percentile response times overall
and for the busiest pages. Target on a two-core machine: p95 under 300 ms and no failures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "footprint.config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "load-test-only-secret-key-not-for-production")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_database() -> None:
    """Create DATABASE_URL's database if the cluster does not have it yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def prepare(today: dt.date) -> dict[str, object]:
    """Migrate, load the demo and make the plan of pages the users visit."""
    import django

    create_database()

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from footprint.api.tokens import create_token
    from footprint.decisions.models import Proposal
    from footprint.demand.models import Run
    from footprint.demo import generator
    from footprint.demo.constants import DEMO_PASSWORD
    from footprint.engagement.models import Consultation

    call_command("migrate", verbosity=0)
    if not generator.demo_loaded():
        started = time.perf_counter()
        generator.build(today)
        print(f"Loaded the demo in {time.perf_counter() - started:.0f} s")
    pmo = get_user_model().objects.get(username="pmo")
    _, token = create_token(user=pmo, name="load test")
    run = Run.objects.filter(status=Run.Status.SUCCEEDED).order_by("-pk").first()
    proposal = Proposal.objects.order_by("pk").first()
    open_ = [c.slug for c in Consultation.objects.all() if c.status(today) == "open"]
    if not open_:
        raise SystemExit("The demo has no open consultation to vote in.")
    workspace = [
        "/workspace/",
        "/workspace/plan/",
        "/workspace/plan/early-warning/",
        "/workspace/finance/",
        "/workspace/demand/",
        "/workspace/decisions/",
    ]
    if run is not None:
        workspace.append(f"/workspace/demand/runs/{run.pk}/")
    if proposal is not None:
        workspace.append(f"/workspace/decisions/proposals/{proposal.pk}/")
    api = ["/api/v1/plan", "/api/v1/decisions", "/api/v1/organisations?limit=100"]
    if run is not None:
        api.append(f"/api/v1/demand/runs/{run.pk}/results")
    return {
        "public": [
            "/",
            "/our-plan/",
            "/decisions/",
            "/finance/",
            "/consultations/",
        ],
        "workspace": workspace,
        "api": api,
        "consultations": open_,
        "token": token,
        "password": DEMO_PASSWORD,
        "usernames": ["pmo", "chair", "editor.wyvern"],
        "first_address": 1,
    }


def check_votes(votes_file: Path) -> tuple[int, int, list[str]]:
    """Every vote a public user saw accepted is one vote row of its participant."""
    from footprint.engagement import queries
    from footprint.engagement.models import Consultation, Participant

    accepted = counted = 0
    problems = []
    for line in votes_file.read_text().splitlines():
        user = json.loads(line)
        accepted += user["votes"]
        if not user["votes"]:
            continue
        c = Consultation.objects.get(slug=user["slug"])
        rows = Participant.objects.filter(
            consultation=c, key=queries.key_digest(f"{c.pk}:{user['key']}")
        )
        found = sum(p.votes.count() for p in rows)
        counted += found
        if rows.count() != 1 or found != user["votes"]:
            problems.append(
                f"a user with {user['votes']} accepted votes has {rows.count()} participant "
                f"rows and {found} votes"
            )
    return accepted, counted, problems


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its children that are still running (Linux)."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


def warm_up(port: int, plan: dict[str, object], *, rounds: int) -> None:
    """Visit every page a few times before measuring, so each worker has loaded its URLs and
    templates (the first request of a worker is many times slower than the rest)."""
    import urllib.request

    urls = [*plan["public"], *plan["api"], "/login/"]  # type: ignore[misc]
    urls += [f"/consultations/{slug}/" for slug in plan["consultations"]]  # type: ignore[attr-defined]
    started = time.perf_counter()
    for _ in range(rounds):
        for url in urls:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{url}",
                headers={
                    "X-Forwarded-Proto": "https",
                    "X-Forwarded-For": "10.255.255.254",
                    "Authorization": f"Bearer {plan['token']}",
                },
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
    print(f"Warmed up in {time.perf_counter() - started:.0f} s")


def run_layout(
    plan_file: Path,
    out: Path,
    *,
    workers: int,
    threads: int,
    users: int,
    seconds: int,
    page_cache: bool,
) -> dict[str, object]:
    port = free_port()
    env = {
        **os.environ,
        "FOOTPRINT_PAGE_CACHE_SECONDS": "300" if page_cache else "0",
        "DJANGO_DEBUG": "false",
        "FOOTPRINT_TASKS": "database",
        "FOOTPRINT_TRUSTED_PROXIES": "1",
        "FOOTPRINT_SITE_URL": f"https://127.0.0.1:{port}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    worker = subprocess.Popen(
        [BIN / "python", "manage.py", "db_worker", "--no-reload", "--interval", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(out / "worker.log", "w"),  # noqa: SIM115
    )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "footprint.config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--preload",
            # Longer than a person's pause between pages, so a kept-alive connection is not
            # closed just as Locust sends on it (a proxy in front would hold its own).
            "--keep-alive",
            "30",
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(out / "access.log", "w"),  # noqa: SIM115
        stderr=open(out / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"gunicorn did not start: see {out / 'gunicorn.log'}")
        warm_up(port, json.loads(plan_file.read_text()), rounds=2 * workers * threads)
        cpu_before = cpu_seconds(server.pid)
        votes = out / "votes.jsonl"
        votes.write_text("")
        subprocess.run(
            [
                BIN / "locust",
                "-f",
                str(ROOT / "benchmarks" / "load_users.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(out / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**env, "FOOTPRINT_LOAD_PLAN": str(plan_file), "FOOTPRINT_LOAD_VOTES": str(votes)},
            check=False,
            stdout=open(out / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        cpu = cpu_seconds(server.pid) - cpu_before
        load = os.getloadavg()[1]  # the machine's load over the last five minutes
    finally:
        for process in (server, worker):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    with open(out / "locust_stats.csv") as f:
        rows = list(csv.DictReader(f))
    accepted, counted, problems = check_votes(votes)
    return {
        "rows": rows,
        "accepted": accepted,
        "counted": counted,
        "problems": problems,
        "cpu": cpu,
        "load": load,
    }


def report(layout: str, result: dict[str, object], seconds: int) -> None:
    rows = result["rows"]
    assert isinstance(rows, list)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(
        f"\n== gunicorn {layout} (workers x threads; -nocache: no public page cache): "
        f"{total['Request Count']} requests "
        f"({int(total['Request Count']) / seconds:.1f}/s), {total['Failure Count']} failures; "
        f"median {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms; "
        f"gunicorn used {result['cpu']:.0f} CPU s, "
        f"{1000 * float(result['cpu']) / max(1, int(total['Request Count'])):.0f} ms a request; "
        f"machine load average {result['load']:.1f}"
    )
    busiest = sorted(
        (r for r in rows if r["Name"] != "Aggregated"),
        key=lambda r: -int(r["Request Count"]),
    )
    print(f"   {'page':<48} {'requests':>8} {'fail':>5} {'median':>7} {'p95':>6} {'p99':>6}")
    for r in busiest:
        print(
            f"   {r['Type'] + ' ' + r['Name']:<48} {r['Request Count']:>8} "
            f"{r['Failure Count']:>5} {r['50%']:>7} {r['95%']:>6} {r['99%']:>6}"
        )
    print(
        f"   votes accepted {result['accepted']}, counted in the database {result['counted']}"
        + ("" if not result["problems"] else f"; PROBLEMS: {result['problems']}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--layout",
        action="append",
        help="gunicorn workers x threads, e.g. 2x4, with -nocache to turn the public page "
        "cache off (repeat to compare in one run; default 2x4)",
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "The load test runs against PostgreSQL. Hint: `make load`, or "
            "bash scripts/with-postgres.sh .venv/bin/python benchmarks/load.py"
        )
    plan = prepare(args.today)
    out = Path(tempfile.mkdtemp(prefix="footprint-load-"))
    print(f"Logs and Locust's CSV in {out}; {os.cpu_count()} CPUs")
    for n, layout in enumerate(args.layout or ["2x4"]):
        shape, _, nocache = layout.partition("-")
        workers, threads = (int(x) for x in shape.split("x"))
        plan["first_address"] = 1 + n * 10_000  # each run's people come from new addresses
        plan_file = out / "plan.json"
        plan_file.write_text(json.dumps(plan))
        here = out / layout
        here.mkdir(exist_ok=True)
        result = run_layout(
            plan_file,
            here,
            workers=workers,
            threads=threads,
            users=args.users,
            seconds=args.seconds,
            page_cache=not nocache,
        )
        report(layout, result, args.seconds)


if __name__ == "__main__":
    main()
