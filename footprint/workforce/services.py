"""Writes of workforce figures: all or nothing, audited. Each service refuses a caller who
may not import workforce figures at all (``PermissionDenied``), and a file with a row about an
organisation whose figures the caller may not change (``ImportRejected``, naming the row).
The rate card is kept by the programme office, each cap checked against the same bounds as an
imported shift's rate, with its history."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from footprint.core import audit
from footprint.core.imports import RowError, raise_if_any
from footprint.core.jobs import Progress, no_progress
from footprint.core.permissions import can, require
from footprint.partnership.models import Organisation
from footprint.workforce import queries
from footprint.workforce.importers import (
    LEAST_RATE_PENCE,
    LONGEST,
    MOST_RATE_PENCE,
    OrganisationCheck,
    ReturnRow,
    ShiftRow,
)
from footprint.workforce.models import AgencyShift, RateCap, StaffGroup, WorkforceReturn
from footprint.workforce.rules import Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    IMPORT_AGENCY_SHIFTS = "import_agency_shifts"
    IMPORT_WORKFORCE_RETURNS = "import_workforce_returns"
    REMOVE_RATE_CAP = "remove_rate_cap"
    SAVE_RATE_CAP = "save_rate_cap"


def organisation_problems(
    named: Sequence[tuple[int, str, str]], by: Any
) -> tuple[dict[str, Organisation], list[RowError]]:
    """The organisations ``named`` (row, column, ODS code) in a file, and a problem for each
    row whose organisation is unknown or whose figures ``by`` may not change."""
    orgs = queries.organisations_by_code(code for _, _, code in named)
    errors = []
    for row, column, code in named:
        org = orgs.get(code)
        if org is None:
            errors.append(RowError(row, column, f"no organisation has the ODS code '{code}'"))
        elif not can(by, Permission.CHANGE_WORKFORCE, org):
            errors.append(
                RowError(
                    row,
                    column,
                    f"you may not change {org.name}'s workforce figures ({code}): only its "
                    "workforce team or the programme office may",
                )
            )
    return orgs, errors


def organisation_check(by: Any) -> OrganisationCheck:
    """The check the importers run on every row that names an organisation, so that a file
    lists these problems with all its others (``importers.parse_returns``). Refuses at once
    (``PermissionDenied``) someone who may not import workforce figures at all."""
    require(by, Permission.IMPORT_WORKFORCE)
    return lambda named: organisation_problems(named, by)[1]


def _organisations(
    rows: Sequence[ReturnRow | ShiftRow], filename: str, by: Any
) -> dict[str, Organisation]:
    """The organisations the rows are about, if ``by`` may change every one's figures: checked
    again when the rows are saved (a role may have ended since the file was read)."""
    orgs, errors = organisation_problems([(r.row, "Org code", r.organisation) for r in rows], by)
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


# --- The agency rate card -------------------------------------------------------------------


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def check_rate_cap(cap: RateCap) -> None:
    """Refuse a cap that cannot be right, each problem against its field: a known staff group,
    a grade named, a rate within the bounds an imported shift's rate must keep (a cap outside
    them could never be met or breached), and one cap for each role for the same members."""
    errors: dict[str, list[str]] = {}
    if cap.staff_group not in StaffGroup.values:
        errors["staff_group"] = ["Choose one of the staff groups"]
    cap.grade = " ".join((cap.grade or "").split())
    if not cap.grade:
        errors["grade"] = ["Enter the grade, e.g. Band 5 or Consultant"]
    elif len(cap.grade) > LONGEST["grade"]:
        errors["grade"] = [f"The grade must be {LONGEST['grade']} characters or fewer"]
    rate = cap.cap_pence
    if rate is None or not LEAST_RATE_PENCE <= rate <= MOST_RATE_PENCE:
        errors["cap_pence"] = [
            f"The most per hour must be from {_pounds(LEAST_RATE_PENCE)} to "
            f"{_pounds(MOST_RATE_PENCE)}, as an agency shift's rate must: is it the rate for "
            "one hour, in pounds?"
        ]
    if not errors:
        same = (
            RateCap.objects.filter(
                organisation=cap.organisation,
                staff_group=cap.staff_group,
                grade__iexact=cap.grade,
            )
            .exclude(pk=cap.pk)
            .first()
        )
        if same is not None:
            who = cap.organisation.name if cap.organisation else "every member"
            errors["grade"] = [
                f"The card already caps {same.role} for {who} at {_pounds(same.cap_pence)}: "
                "change that one instead"
            ]
    if errors:
        raise ValidationError(errors)


def save_rate_cap(*, cap: RateCap, by: Any) -> RateCap:
    """Record a cap on the rate card, new or changed (its terms on ``cap``, not yet saved),
    checked (``check_rate_cap``), audited, with its history."""
    require(by, Permission.CHANGE_RATE_CARD)
    with transaction.atomic():
        check_rate_cap(cap)
        new = cap.pk is None
        who = cap.organisation.name if cap.organisation else "every member"
        audit.save_audited(
            cap,
            by=by,
            action=AuditAction.SAVE_RATE_CAP,
            summary=f"{'Added' if new else 'Changed'} the agency rate cap for {cap.role} "
            f"({who}): {_pounds(cap.cap_pence)} an hour",
            cap=cap.pk,
            organisation=cap.organisation.ods_code if cap.organisation else None,
            staff_group=cap.staff_group,
            grade=cap.grade,
            cap_pence=cap.cap_pence,
        )
    return cap


def remove_rate_cap(*, cap: RateCap, by: Any) -> None:
    """Take a cap off the rate card (its history is kept), audited."""
    require(by, Permission.CHANGE_RATE_CARD)
    with transaction.atomic():
        user = by if getattr(by, "is_authenticated", False) else None
        cap._history_user = user  # type: ignore[attr-defined]
        who = cap.organisation.name if cap.organisation else "every member"
        summary = f"Removed the agency rate cap for {cap.role} ({who})"
        pk = cap.pk
        cap.delete()
        audit.record(actor=by, action=AuditAction.REMOVE_RATE_CAP, summary=summary, cap=pk)
