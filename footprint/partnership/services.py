"""Writes to the footprint. Each function is one transaction with its audit record inside, and
each refuses (``PermissionDenied``) a caller who may not act: the pages, the API, the background
imports and the management commands (as ``core.permissions.OPERATOR``) all come through here."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from footprint.core import audit
from footprint.core.imports import RowError, raise_if_any
from footprint.core.jobs import Progress, no_progress
from footprint.core.permissions import can
from footprint.partnership import queries
from footprint.partnership.importers import OrganisationRow, PopulationRecord
from footprint.partnership.models import (
    Organisation,
    OrganisationKind,
    Population,
    PopulationSource,
)
from footprint.partnership.rules import STRUCTURE_FIELDS, Permission


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    IMPORT_ORGANISATIONS = "import_organisations"
    IMPORT_POPULATION = "import_population"
    UPDATE_ORGANISATION = "update_organisation"


# The fields of an organisation that a change may name: its details and its structure.
EDITABLE_FIELDS = frozenset({"name", "postcode", "website"}) | STRUCTURE_FIELDS


def _refuse_unless(by: Any, perm: Permission, obj: object | None, reason: str) -> None:
    if not can(by, perm, obj):
        raise PermissionDenied(reason)


def _require_importer(by: Any) -> None:
    _refuse_unless(by, Permission.IMPORT_DATA, None, "Only the programme office imports data.")


def import_organisations(
    *, rows: Sequence[OrganisationRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Create or update organisations from checked rows: all of them, or none. Only the
    programme office imports."""
    _require_importer(by)
    hoods, places = queries.neighbourhoods_by_code(), queries.places_by_code()
    errors: list[RowError] = []
    for r in rows:
        if r.neighbourhood_code and r.neighbourhood_code not in hoods:
            errors.append(
                RowError(
                    r.row,
                    "Neighbourhood",
                    f"no neighbourhood has the code '{r.neighbourhood_code}'",
                )
            )
        if r.kind == OrganisationKind.GP_PRACTICE and not r.neighbourhood_code:
            errors.append(RowError(r.row, "Neighbourhood", "a GP practice needs a neighbourhood"))
        errors.extend(
            RowError(r.row, "Places", f"no place has the code '{code}'")
            for code in r.place_codes
            if code not in places
        )
    raise_if_any(filename, errors)
    created = updated = 0
    with transaction.atomic():
        existing = queries.organisations_by_code()
        for i, r in enumerate(rows, start=1):
            org = existing.get(r.ods_code) or Organisation(ods_code=r.ods_code)
            is_new = org.pk is None
            org.name = r.name
            org.kind = r.kind
            org.has_statutory_board = r.has_statutory_board
            org.neighbourhood = hoods.get(r.neighbourhood_code)
            org.postcode = r.postcode
            org.website = r.website
            try:
                org.full_clean(validate_unique=False)
            except ValidationError as exc:
                raise_if_any(
                    filename,
                    [
                        RowError(r.row, field, msg)
                        for field, msgs in exc.message_dict.items()
                        for msg in msgs
                    ],
                )
            audit.save_with_history(org, by=by, validate=False)
            org.places.set([places[c] for c in r.place_codes])
            created += is_new
            updated += not is_new
            if i % 50 == 0:
                progress(i, len(rows))
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_ORGANISATIONS,
            summary=f"Imported {len(rows)} organisations from {filename}",
            filename=filename,
            created=created,
            updated=updated,
        )
    progress(len(rows), len(rows))
    return {"created": created, "updated": updated}


def import_population(
    *,
    records: Sequence[PopulationRecord],
    source: str,
    filename: str,
    by: Any,
    progress: Progress = no_progress,
) -> dict[str, int]:
    """Save population records against the place or neighbourhood whose code they carry,
    replacing what was there for the same area, year and sex: all of them, or none. Only the
    programme office imports."""
    _require_importer(by)
    if source not in PopulationSource.values:
        raise ValueError(f"unknown population source {source!r}")
    hoods, places = queries.neighbourhoods_by_code(), queries.places_by_code()
    errors = [
        RowError(r.row, r.column, f"'{r.area_code}' is not the code of a place or neighbourhood")
        for r in records
        if r.area_code not in hoods and r.area_code not in places
    ]
    raise_if_any(filename, errors)
    with transaction.atomic():
        for i, r in enumerate(records, start=1):
            area = (
                {"neighbourhood": hoods[r.area_code]}
                if r.area_code in hoods
                else {"place": places[r.area_code]}
            )
            Population.objects.update_or_create(
                **area,
                year=r.year,
                sex=r.sex,
                defaults={"counts": r.counts, "total": sum(r.counts), "source": source},
            )
            if i % 20 == 0:
                progress(i, len(records))
        years = sorted({r.year for r in records})
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_POPULATION,
            summary=f"Imported {len(records)} population series ({years[0]}–{years[-1]})"
            f" from {filename}",
            filename=filename,
            source=source,
            years=years,
        )
    progress(len(records), len(records))
    return {"series": len(records), "areas": len({r.area_code for r in records})}


def update_organisation(*, organisation: Organisation, changes: dict[str, Any], by: Any) -> None:
    """Change an organisation's details (``changes``: field name to new value), validated
    before anything is saved. Its own editors and the programme office change its details; only
    the programme office changes its structure (kind, statutory board, neighbourhood, places).
    The pages' form and the API's PATCH both come through here."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"an organisation's {', '.join(sorted(unknown))} cannot be changed here")
    _refuse_unless(
        by,
        Permission.CHANGE_ORGANISATION,
        organisation,
        f"Only the editors of {organisation.name} or the programme office change its details.",
    )
    if STRUCTURE_FIELDS & set(changes):
        _refuse_unless(
            by,
            Permission.CHANGE_ORGANISATION_STRUCTURE,
            organisation,
            "Only the programme office changes an organisation's kind, statutory board, "
            "neighbourhood or places.",
        )
    changes = dict(changes)
    with transaction.atomic():
        places = changes.pop("places", None)
        for name, value in changes.items():
            setattr(organisation, name, value)
        fields = sorted([*changes, *(["places"] if places is not None else [])])
        audit.save_audited(
            organisation,
            by=by,
            action=AuditAction.UPDATE_ORGANISATION,
            summary=f"Updated {organisation.label}",
            ods_code=organisation.ods_code,
            fields=fields,
        )
        if places is not None:
            organisation.places.set(places)
