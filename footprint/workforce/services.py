"""Writes of workforce figures: all or nothing, audited. Each service refuses a caller who
may not import workforce figures at all (``PermissionDenied``), and a file with a row about an
organisation whose figures the caller may not change (``ImportRejected``, naming the row)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.db import transaction

from footprint.core import audit
from footprint.core.imports import RowError, raise_if_any
from footprint.core.jobs import Progress, no_progress
from footprint.core.permissions import can, require
from footprint.partnership.models import Organisation
from footprint.workforce import queries
from footprint.workforce.importers import ReturnRow, ShiftRow
from footprint.workforce.models import AgencyShift, WorkforceReturn
from footprint.workforce.rules import Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    IMPORT_AGENCY_SHIFTS = "import_agency_shifts"
    IMPORT_WORKFORCE_RETURNS = "import_workforce_returns"


def _organisations(
    rows: Sequence[ReturnRow | ShiftRow], filename: str, by: Any
) -> dict[str, Organisation]:
    """The organisations the rows are about, if ``by`` may change every one's figures."""
    column = "Org code"
    orgs = queries.organisations_by_code(r.organisation for r in rows)
    errors = []
    for r in rows:
        org = orgs.get(r.organisation)
        if org is None:
            errors.append(
                RowError(r.row, column, f"no organisation has the ODS code '{r.organisation}'")
            )
        elif not can(by, Permission.CHANGE_WORKFORCE, org):
            errors.append(
                RowError(r.row, column, f"you may not change {org.name}'s workforce figures")
            )
    raise_if_any(filename, errors)
    return orgs


def import_returns(
    *, rows: Sequence[ReturnRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Save monthly returns, replacing any already held for the same organisation, month and
    staff group: every row or none."""
    require(by, Permission.IMPORT_WORKFORCE)
    orgs = _organisations(rows, filename, by)
    with transaction.atomic():
        for i, r in enumerate(rows, start=1):
            WorkforceReturn.objects.update_or_create(
                organisation=orgs[r.organisation],
                month=r.month,
                staff_group=r.staff_group,
                defaults=r.figures,
            )
            if i % 200 == 0:
                progress(i, len(rows))
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_WORKFORCE_RETURNS,
            summary=f"Imported {len(rows)} workforce returns from {filename}",
        )
    return {"returns": len(rows), "organisations": len({r.organisation for r in rows})}


def import_shifts(
    *, rows: Sequence[ShiftRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Add agency shifts: every row or none. A shift already saved (the same fingerprint: the
    same fields, and the same occurrence among rows alike, see ``ShiftRow.fingerprint``) is
    not saved again, so importing a file twice, or files that overlap, adds each shift once.
    Returns the shifts added and those ``already`` there."""
    require(by, Permission.IMPORT_WORKFORCE)
    orgs = _organisations(rows, filename, by)
    with transaction.atomic():
        prints = [r.fingerprint for r in rows]
        saved: set[str] = set()
        for start in range(0, len(prints), 500):
            saved.update(
                AgencyShift.objects.filter(fingerprint__in=prints[start : start + 500])
                .values_list("fingerprint", flat=True)
                .iterator()
            )
        new = [(r, p) for r, p in zip(rows, prints, strict=True) if p not in saved]
        AgencyShift.objects.bulk_create(
            [
                AgencyShift(
                    date=r.date,
                    organisation=orgs[r.organisation],
                    agency=r.agency,
                    staff_group=r.staff_group,
                    grade=r.grade,
                    hours=r.hours,
                    rate_pence=r.rate_pence,
                    reason=r.reason,
                    fingerprint=p,
                )
                for r, p in new
            ],
            batch_size=2_000,
        )
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_AGENCY_SHIFTS,
            summary=f"Imported {len(new)} agency shifts from {filename}"
            + (f" ({len(rows) - len(new)} already saved)" if len(new) < len(rows) else ""),
        )
    return {"shifts": len(new), "already": len(rows) - len(new)}
