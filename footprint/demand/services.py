"""Changes to demand data: baselines, scenarios and runs. Each is one transaction, audited."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.db import connection, transaction

from footprint.core import audit
from footprint.core.jobs import create_job
from footprint.demand.models import ActivityCell, Baseline, CellRow, Run, Scenario


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    CREATE_BASELINE = "demand.create_baseline"
    RUN = "demand.run"


CELL_COLUMNS = (
    "provider",
    "pod",
    "neighbourhood",
    "sex",
    "age",
    "attribute",
    "los_band",
    "count",
    "bed_days",
)


def save_cells(baseline: Baseline, rows: Iterable[CellRow]) -> int:
    """Insert a baseline's cells in one statement per batch: the ORM's per-object work is
    most of the time for tens of thousands of rows. Returns the number saved."""
    table = connection.ops.quote_name(ActivityCell._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in ("baseline_id", *CELL_COLUMNS))
    marks = ", ".join(["%s"] * (len(CELL_COLUMNS) + 1))
    data = [(baseline.pk, *row) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
    return len(data)


@transaction.atomic
def create_baseline(
    *, name: str, base_year: int, source: str, records: int, rows: Iterable[CellRow], by: Any
) -> Baseline:
    """Store a base year of activity, all or nothing."""
    baseline = Baseline.objects.create(
        name=name, base_year=base_year, source=source, records=records, created_by=by
    )
    saved = save_cells(baseline, rows)
    audit.record(
        actor=by,
        action=AuditAction.CREATE_BASELINE,
        summary=f"Imported {name}: {records:,} rows into {saved:,} cells",
        baseline=baseline.pk,
    )
    return baseline


@transaction.atomic
def save_scenario(*, scenario: Scenario | None = None, by: Any, **fields: Any) -> Scenario:
    """Create a scenario or change its name, description, baseline or parameters."""
    scenario = scenario or Scenario()
    for name, value in fields.items():
        setattr(scenario, name, value)
    audit.save_with_history(scenario, by=by)
    return scenario


@transaction.atomic
def start_run(*, scenario: Scenario, by: Any) -> Run:
    """Queue a run of the scenario as it stands now."""
    from footprint.demand.tasks import run_scenario  # the tasks module saves through this one

    job = create_job(kind="demand:run", title=f"Run {scenario.name}", user=by, payload={})
    run = Run.objects.create(
        scenario=scenario, job=job, parameters=scenario.parameters, created_by=by
    )
    audit.record(actor=by, action=AuditAction.RUN, summary=f"Ran {scenario.name}", run=run.pk)
    transaction.on_commit(lambda: run_scenario.enqueue(run.pk))
    return run
