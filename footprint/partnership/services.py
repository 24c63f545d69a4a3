"""Writes to the footprint. Each function is one transaction with its audit record inside, and
each refuses (``PermissionDenied``) a caller who may not act: the pages, the API, the background
imports and the management commands (as ``core.permissions.OPERATOR``) all come through here."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from footprint.core import audit, passwords
from footprint.core.imports import RowError, raise_if_any
from footprint.core.jobs import Progress, no_progress
from footprint.core.permissions import can
from footprint.partnership import queries
from footprint.partnership.importers import (
    DeprivationRow,
    EthnicityRow,
    OrganisationRow,
    PopulationRecord,
    SmallAreaPopulationRow,
    SmallAreaRow,
)
from footprint.partnership.models import (
    Invitation,
    Membership,
    Neighbourhood,
    Organisation,
    OrganisationKind,
    PartnershipRole,
    PartnershipRoleKind,
    Place,
    Population,
    PopulationSource,
    Role,
    SmallArea,
    SmallAreaEthnicity,
    SmallAreaPopulation,
    System,
)
from footprint.partnership.rules import STRUCTURE_FIELDS, Permission, is_programme_office
from footprint.partnership.validators import normalise_postcode


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    IMPORT_ORGANISATIONS = "import_organisations"
    IMPORT_POPULATION = "import_population"
    IMPORT_SMALL_AREAS = "import_small_areas"
    IMPORT_DEPRIVATION = "import_deprivation"
    IMPORT_SMALL_AREA_POPULATION = "import_small_area_population"
    IMPORT_ETHNIC_GROUPS = "import_ethnic_groups"
    UPDATE_ORGANISATION = "update_organisation"
    UPDATE_SYSTEM = "update_system"
    CREATE_PLACE = "create_place"
    UPDATE_PLACE = "update_place"
    CREATE_NEIGHBOURHOOD = "create_neighbourhood"
    UPDATE_NEIGHBOURHOOD = "update_neighbourhood"
    INVITE_PERSON = "invite_person"
    RESEND_INVITATION = "resend_invitation"
    REVOKE_INVITATION = "revoke_invitation"
    ACCEPT_INVITATION = "accept_invitation"
    GRANT_ROLE = "grant_role"
    REMOVE_ROLE = "remove_role"
    GRANT_PARTNERSHIP_ROLE = "grant_partnership_role"
    REMOVE_PARTNERSHIP_ROLE = "remove_partnership_role"
    DEACTIVATE_PERSON = "deactivate_person"
    REACTIVATE_PERSON = "reactivate_person"


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


# --- Small areas (issue 20) -------------------------------------------------------------------


def import_small_areas(
    *, rows: Sequence[SmallAreaRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Make the lookup of small areas to neighbourhoods the file's: areas in it are added or
    moved to the neighbourhood it gives, areas no longer in it are removed with their figures.
    Every neighbourhood code must be known; all or nothing. Only the programme office."""
    _require_importer(by)
    hoods = queries.neighbourhoods_by_code()
    errors = [
        RowError(
            r.row, "Neighbourhood code", f"no neighbourhood has the code '{r.neighbourhood_code}'"
        )
        for r in rows
        if r.neighbourhood_code not in hoods
    ]
    raise_if_any(filename, errors)
    with transaction.atomic():
        existing = queries.small_areas_by_code()
        new, changed = [], []
        for r in rows:
            area = existing.get(r.code)
            if area is None:
                new.append(
                    SmallArea(code=r.code, name=r.name, neighbourhood=hoods[r.neighbourhood_code])
                )
            else:
                area.name = r.name or area.name
                area.neighbourhood = hoods[r.neighbourhood_code]
                changed.append(area)
        SmallArea.objects.bulk_create(new, batch_size=500)
        SmallArea.objects.bulk_update(changed, ["name", "neighbourhood"], batch_size=500)
        listed = {r.code for r in rows}
        gone = [a.pk for code, a in existing.items() if code not in listed]
        SmallArea.objects.filter(pk__in=gone).delete()
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_SMALL_AREAS,
            summary=f"Imported the lookup of {len(rows)} small areas to neighbourhoods"
            f" from {filename}",
            filename=filename,
            added=len(new),
            kept=len(changed),
            removed=len(gone),
        )
    progress(1, 1)
    return {"added": len(new), "kept": len(changed), "removed": len(gone)}


def _in_footprint(
    rows: Sequence[Any], filename: str
) -> tuple[dict[str, SmallArea], list[Any], int]:
    """The partnership's small areas by code, the rows about them, and how many rows were about
    other small areas (national files cover all of England). Refuses a file with none of the
    partnership's small areas: the lookup comes first."""
    areas = queries.small_areas_by_code()
    ours = [r for r in rows if r.code in areas]
    if not ours:
        column = rows[0].column if rows else ""
        raise_if_any(
            filename,
            [
                RowError(
                    rows[0].row if rows else 2,
                    column,
                    "none of the file's small areas is in the partnership's lookup of small "
                    "areas to neighbourhoods: import that lookup first"
                    if areas
                    else "the partnership has no small areas yet: import the lookup of small "
                    "areas to neighbourhoods first",
                )
            ],
        )
    return areas, ours, len(rows) - len(ours)


def import_deprivation(
    *, rows: Sequence[DeprivationRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Set the IMD rank and decile of each of the partnership's small areas in the file (the
    Indices of Deprivation cover all of England; other areas are skipped). All or nothing."""
    _require_importer(by)
    areas, ours, skipped = _in_footprint(rows, filename)
    with transaction.atomic():
        changed = []
        for r in ours:
            area = areas[r.code]
            area.imd_rank, area.imd_decile = r.rank, r.decile
            changed.append(area)
        SmallArea.objects.bulk_update(changed, ["imd_rank", "imd_decile"], batch_size=500)
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_DEPRIVATION,
            summary=f"Imported the deprivation of {len(ours)} small areas from {filename}",
            filename=filename,
            small_areas=len(ours),
            skipped=skipped,
        )
    progress(1, 1)
    return {"small_areas": len(ours), "skipped": skipped, "missing": len(areas) - len(ours)}


def import_small_area_population(
    *,
    rows: Sequence[SmallAreaPopulationRow],
    year: int,
    filename: str,
    by: Any,
    progress: Progress = no_progress,
) -> dict[str, int]:
    """Save the population of each of the partnership's small areas in the file for ``year``,
    replacing what was held for that year; other areas are skipped. All or nothing."""
    _require_importer(by)
    areas, ours, skipped = _in_footprint(rows, filename)
    with transaction.atomic():
        SmallAreaPopulation.objects.filter(
            year=year, small_area__in=[areas[r.code] for r in ours]
        ).delete()
        SmallAreaPopulation.objects.bulk_create(
            [
                SmallAreaPopulation(
                    small_area=areas[r.code],
                    year=year,
                    sex=r.sex,
                    bands=r.bands,
                    total=sum(r.bands),
                )
                for r in ours
            ],
            batch_size=500,
        )
        codes = {r.code for r in ours}
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_SMALL_AREA_POPULATION,
            summary=f"Imported the {year} population of {len(codes)} small areas from {filename}",
            filename=filename,
            year=year,
            small_areas=len(codes),
            skipped=skipped,
        )
    progress(1, 1)
    return {"small_areas": len(codes), "skipped": skipped, "missing": len(areas) - len(codes)}


def import_ethnic_groups(
    *, rows: Sequence[EthnicityRow], filename: str, by: Any, progress: Progress = no_progress
) -> dict[str, int]:
    """Save each of the partnership's small areas' residents by Census 2021 ethnic group,
    replacing what was held; other areas are skipped. All or nothing."""
    _require_importer(by)
    areas, ours, skipped = _in_footprint(rows, filename)
    with transaction.atomic():
        SmallAreaEthnicity.objects.filter(small_area__in=[areas[r.code] for r in ours]).delete()
        SmallAreaEthnicity.objects.bulk_create(
            [
                SmallAreaEthnicity(small_area=areas[r.code], group=group, residents=n)
                for r in ours
                for group, n in r.residents.items()
            ],
            batch_size=500,
        )
        audit.record(
            actor=by,
            action=AuditAction.IMPORT_ETHNIC_GROUPS,
            summary=f"Imported the ethnic groups of {len(ours)} small areas from {filename}",
            filename=filename,
            small_areas=len(ours),
            skipped=skipped,
        )
    progress(1, 1)
    return {"small_areas": len(ours), "skipped": skipped, "missing": len(areas) - len(ours)}


# An organisation's name as an editor may set it: NHS names (from ODS) are well under 120
# characters, and no word of one is anywhere near 40 letters; a longer run of letters with no
# space would not wrap on a phone and is a paste gone wrong.
ORGANISATION_NAME_MAX = 120
LONGEST_WORD = 40


def organisation_name_problems(name: str) -> list[str]:
    """What is wrong with ``name`` as an organisation's new name: too long, or a word too long
    to wrap on a page."""
    problems = []
    if len(name) > ORGANISATION_NAME_MAX:
        problems.append(
            f"Keep the name to {ORGANISATION_NAME_MAX} characters or fewer (it has {len(name)}); "
            "use the name the organisation is known by in the NHS directory (ODS)"
        )
    longest = max(name.split(), key=len, default="")
    if len(longest) > LONGEST_WORD:
        problems.append(
            f"The name has a word of {len(longest)} characters with no space: keep each word "
            f"to {LONGEST_WORD} characters or fewer"
        )
    return problems


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
    name_problems = organisation_name_problems(str(changes.get("name") or ""))
    if "name" in changes and name_problems:
        raise ValidationError({"name": name_problems})
    changes = dict(changes)
    if changes.get("postcode"):  # as written on letters, whichever way it came
        changes["postcode"] = normalise_postcode(str(changes["postcode"]))
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


# Setting up: the system, places and neighbourhoods.

SYSTEM_FIELDS = frozenset({"name", "short_name", "code", "description", "base_year"})
AREA_FIELDS = frozenset({"name", "code", "description"})


FIRST_BASE_YEAR = 2000


def save_system(*, changes: dict[str, Any], by: Any, today: dt.date) -> System:
    """Name and describe the partnership (creating it the first time). The programme office
    only. The base year is a mid-year estimate's year: from 2000 to next year (``today``'s
    year + 1, for a plan drawn up late in the year)."""
    unknown = set(changes) - SYSTEM_FIELDS
    if unknown:
        raise ValueError(f"the system's {', '.join(sorted(unknown))} cannot be changed here")
    _refuse_unless(
        by, Permission.CHANGE_SYSTEM, None, "Only the programme office sets up the partnership."
    )
    if "base_year" in changes:
        last = today.year + 1
        year = changes["base_year"]
        if not isinstance(year, int) or not FIRST_BASE_YEAR <= year <= last:
            raise ValidationError(
                {"base_year": [f"Base year must be between {FIRST_BASE_YEAR} and {last}"]}
            )
    with transaction.atomic():
        system = queries.the_system() or System()
        is_new = system.pk is None
        for name, value in changes.items():
            setattr(system, name, value)
        audit.save_audited(
            system,
            by=by,
            action=AuditAction.UPDATE_SYSTEM,
            summary=f"{'Set up' if is_new else 'Updated'} the partnership {system.name}",
            fields=sorted(changes),
        )
    return system


def _clean_code(code: str) -> str:
    return (code or "").strip().upper()


def _refuse_taken_code(
    code: str, *, place: Place | None = None, hood: Neighbourhood | None = None
) -> None:
    """A geography code names one area: population files are matched by it, so a place and a
    neighbourhood may not share one."""
    owner = queries.area_with_code(code)
    if owner is not None and owner not in (place, hood):
        raise ValidationError({"code": [f"{owner.name} already has the code {code}"]})


def _unique_slug(name: str, model: type[Place] | type[Neighbourhood], current: int | None) -> str:
    base = slugify(name)[:100] or "area"
    slug, n = base, 2
    # "new" is the address of the page that adds one.
    while slug == "new" or model.objects.filter(slug=slug).exclude(pk=current).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_place(*, name: str, code: str, description: str = "", by: Any) -> Place:
    """Add a place with the ONS code its population files use; its web address is made from
    its name. The programme office only, once the partnership is set up."""
    _refuse_unless(by, Permission.ADD_PLACE, None, "Only the programme office adds places.")
    system = queries.the_system()
    if system is None:
        raise ValidationError("Set up the partnership (its name) before adding places.")
    code = _clean_code(code)
    with transaction.atomic():
        _refuse_taken_code(code)
        place = Place(system=system, name=name.strip(), code=code, description=description)
        place.slug = _unique_slug(place.name, Place, None)
        audit.save_audited(
            place,
            by=by,
            action=AuditAction.CREATE_PLACE,
            summary=f"Added the place {place.name} ({code})",
            code=code,
        )
    return place


def update_place(*, place: Place, changes: dict[str, Any], by: Any) -> None:
    """Change a place's name, code or description (its web address stays). The programme
    office only."""
    unknown = set(changes) - AREA_FIELDS
    if unknown:
        raise ValueError(f"a place's {', '.join(sorted(unknown))} cannot be changed here")
    _refuse_unless(by, Permission.CHANGE_PLACE, place, "Only the programme office changes places.")
    if "code" in changes:
        changes = {**changes, "code": _clean_code(changes["code"])}
    with transaction.atomic():
        if "code" in changes:
            _refuse_taken_code(changes["code"], place=place)
        for name, value in changes.items():
            setattr(place, name, value)
        audit.save_audited(
            place,
            by=by,
            action=AuditAction.UPDATE_PLACE,
            summary=f"Updated the place {place.name}",
            code=place.code,
            fields=sorted(changes),
        )


def create_neighbourhood(
    *, place: Place, name: str, code: str, description: str = "", by: Any
) -> Neighbourhood:
    """Add a neighbourhood to a place, with the geography code its population files use. The
    programme office only."""
    _refuse_unless(
        by, Permission.ADD_NEIGHBOURHOOD, None, "Only the programme office adds neighbourhoods."
    )
    code = _clean_code(code)
    with transaction.atomic():
        _refuse_taken_code(code)
        hood = Neighbourhood(place=place, name=name.strip(), code=code, description=description)
        hood.slug = _unique_slug(hood.name, Neighbourhood, None)
        audit.save_audited(
            hood,
            by=by,
            action=AuditAction.CREATE_NEIGHBOURHOOD,
            summary=f"Added the neighbourhood {hood.name} ({code}) to {place.name}",
            code=code,
        )
    return hood


def update_neighbourhood(*, hood: Neighbourhood, changes: dict[str, Any], by: Any) -> None:
    """Change a neighbourhood's name, code, description or place. The programme office only."""
    unknown = set(changes) - AREA_FIELDS - {"place"}
    if unknown:
        raise ValueError(f"a neighbourhood's {', '.join(sorted(unknown))} cannot be changed here")
    _refuse_unless(
        by,
        Permission.CHANGE_NEIGHBOURHOOD,
        hood,
        "Only the programme office changes neighbourhoods.",
    )
    if "code" in changes:
        changes = {**changes, "code": _clean_code(changes["code"])}
    with transaction.atomic():
        if "code" in changes:
            _refuse_taken_code(changes["code"], hood=hood)
        for name, value in changes.items():
            setattr(hood, name, value)
        audit.save_audited(
            hood,
            by=by,
            action=AuditAction.UPDATE_NEIGHBOURHOOD,
            summary=f"Updated the neighbourhood {hood.name}",
            code=hood.code,
            fields=sorted(changes),
        )


# People: invitations, roles and deactivation. Every change to a person's roles is in the
# audit trail with ``person`` (their key) in its details, which their history page reads.

INVITATION_SALT = "footprint.partnership.invitation"


def invitation_days() -> int:
    """How long an invitation's link works, in days (``FOOTPRINT_INVITATION_DAYS``)."""
    return int(getattr(settings, "FOOTPRINT_INVITATION_DAYS", 14))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_link_secret() -> tuple[str, str]:
    """A fresh link token (the secret, signed) and the digest that is stored of it."""
    secret = secrets.token_urlsafe(32)
    return signing.Signer(salt=INVITATION_SALT).sign(secret), _digest(secret)


def invitation_digest(token: str) -> str | None:
    """The stored digest a link's token would match, or None when its signature is wrong (a
    token that was never ours is turned away without reading the database)."""
    try:
        secret = signing.Signer(salt=INVITATION_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return _digest(secret)


def _role_label(role: str, organisation: Organisation | None) -> str:
    labels = dict(Role.choices) | dict(PartnershipRoleKind.choices)
    return f"{labels[role]} at {organisation.name}" if organisation else labels[role]


def _refuse_unless_may_give(by: Any, organisation: Organisation | None, role: str) -> None:
    if organisation is None:
        if role not in PartnershipRoleKind.values:
            raise ValueError(f"{role!r} is not a partnership role")
        _refuse_unless(
            by,
            Permission.GRANT_PARTNERSHIP_ROLE,
            None,
            "Only the programme office gives partnership roles (programme office, chair).",
        )
        return
    if role not in Role.values:
        raise ValueError(f"{role!r} is not a role in an organisation")
    _refuse_unless(
        by,
        Permission.MANAGE_MEMBERS,
        organisation,
        f"Only the programme office or an organisation lead of {organisation.name} manages "
        "its people.",
    )


def _person_name(person: Any) -> str:
    return person.get_full_name() or person.email or person.username


def _grant(person: Any, organisation: Organisation | None, role: str, by: Any) -> bool:
    """Give ``person`` ``role`` (at ``organisation``, or partnership-wide), audited; False when
    they already hold it."""
    if organisation is None:
        held = PartnershipRole.objects.filter(user=person, role=role)
        record: Membership | PartnershipRole = PartnershipRole(user=person, role=role)
        action = AuditAction.GRANT_PARTNERSHIP_ROLE
    else:
        held = Membership.objects.filter(user=person, organisation=organisation, role=role)
        record = Membership(user=person, organisation=organisation, role=role)
        action = AuditAction.GRANT_ROLE
    if held.exists():
        return False
    audit.save_audited(
        record,
        by=by,
        action=action,
        summary=f"{_person_name(person)} became {_role_label(role, organisation)}",
        validate=False,
        person=person.pk,
        organisation=organisation.ods_code if organisation else None,
        role=role,
    )
    person.__dict__.pop("_footprint_roles", None)
    return True


@dataclass(frozen=True)
class Invited:
    """What inviting someone did: the person, and the invitation sent (None when they already
    had an account and were simply given the role)."""

    person: Any
    invitation: Invitation | None
    granted: bool


def invite_person(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation | None,
    role: str,
    by: Any,
    now: dt.datetime,
) -> Invited:
    """Invite someone by email to a role at an organisation (or, by the programme office, to a
    partnership role). A new person gets an account with no password and an email with a
    one-time link to set one, working for ``invitation_days()`` from ``now``; someone who
    already has an account is given the role. All of it, or nothing (an email that cannot be
    sent undoes the invitation)."""
    _refuse_unless_may_give(by, organisation, role)
    email = (email or "").strip().lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Enter an email address, like name@example.nhs.uk"]
    User = get_user_model()
    person = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).first()
    if person is None:
        if not (first_name or "").strip():
            errors["first_name"] = ["Enter their first name"]
        if not (last_name or "").strip():
            errors["last_name"] = ["Enter their last name"]
    elif not person.is_active:
        errors["email"] = [
            f"{_person_name(person)}'s account has been deactivated: the programme office can "
            "reactivate it"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if person is not None:
            granted = _grant(person, organisation, role, by)
            return Invited(person=person, invitation=None, granted=granted)
        person = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        person.set_unusable_password()
        person.save()
        _grant(person, organisation, role, by)
        token, digest = _new_link_secret()
        invitation = Invitation.objects.create(
            user=person,
            organisation=organisation,
            role=role,
            invited_by=by if getattr(by, "is_authenticated", False) else None,
            created_at=now,
            sent_at=now,
            expires_at=now + dt.timedelta(days=invitation_days()),
            digest=digest,
        )
        audit.record(
            actor=by,
            action=AuditAction.INVITE_PERSON,
            summary=f"Invited {_person_name(person)} ({email}) as "
            f"{_role_label(role, organisation)}",
            person=person.pk,
            invitation=invitation.pk,
            organisation=organisation.ods_code if organisation else None,
            role=role,
        )
        _send_invitation(invitation, token, by)
    return Invited(person=person, invitation=invitation, granted=True)


def _send_invitation(invitation: Invitation, token: str, by: Any) -> None:
    """Email the link. Its token is in the email and nowhere else: not in the audit trail, the
    logs or a job's payload."""
    system = queries.the_system()
    partnership = system.name if system else "the partnership"
    link = settings.FOOTPRINT_SITE_URL + reverse("partnership:invitation_open", args=[token])
    inviter = (
        _person_name(by) if getattr(by, "is_authenticated", False) else "Footprint's administrator"
    )
    person = invitation.user
    body = (
        f"Dear {person.first_name or person.email},\n\n"
        f"{inviter} has invited you to Footprint, {partnership}'s shared workspace, as "
        f"{_role_label(invitation.role, invitation.organisation)}.\n\n"
        "Follow this link to choose your password and sign in (it works once, until "
        f"{timezone.localtime(invitation.expires_at):%-d %B %Y at %H:%M}):\n\n{link}\n\n"
        f"After that, sign in with your email address, {person.email}, as your username.\n\n"
        "If you were not expecting this, you can ignore this email.\n"
    )
    try:
        send_mail(
            f"You are invited to Footprint ({partnership})",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [person.email],
        )
    except (OSError, smtplib.SMTPException) as exc:
        # Raised inside the service's transaction: the invitation is undone with it.
        raise ValidationError(
            f"The invitation email to {person.email} could not be sent ({exc.__class__.__name__}),"
            " so nothing was saved. Try again later, or ask whoever runs Footprint to check its"
            " email settings."
        ) from exc


def _refuse_unless_may_handle(by: Any, invitation: Invitation) -> None:
    if invitation.organisation is None:
        _refuse_unless_may_give(by, None, invitation.role)
    else:
        _refuse_unless_may_give(by, invitation.organisation, Role.VIEWER)


def resend_invitation(*, invitation: Invitation, by: Any, now: dt.datetime) -> None:
    """Send an invitation again with a new link (the old one stops working) and a new expiry;
    a revoked one is revived. Whoever may manage the organisation's people."""
    _refuse_unless_may_handle(by, invitation)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has been accepted: the person can sign in.")
    if not invitation.user.is_active:
        raise ValidationError("This person's account has been deactivated.")
    with transaction.atomic():
        token, invitation.digest = _new_link_secret()
        invitation.sent_at = now
        invitation.expires_at = now + dt.timedelta(days=invitation_days())
        invitation.sent_count += 1
        invitation.revoked_at = None
        invitation.save()
        audit.record(
            actor=by,
            action=AuditAction.RESEND_INVITATION,
            summary=f"Sent the invitation to {_person_name(invitation.user)} again",
            person=invitation.user_id,
            invitation=invitation.pk,
        )
        _send_invitation(invitation, token, by)


def revoke_invitation(*, invitation: Invitation, by: Any, now: dt.datetime) -> None:
    """Stop an invitation's link working. Whoever may manage the organisation's people."""
    _refuse_unless_may_handle(by, invitation)
    if invitation.accepted_at is not None:
        raise ValidationError(
            "This invitation has been accepted: take the person's roles away instead."
        )
    if invitation.revoked_at is not None:
        raise ValidationError("This invitation has already been revoked.")
    with transaction.atomic():
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            actor=by,
            action=AuditAction.REVOKE_INVITATION,
            summary=f"Revoked the invitation to {_person_name(invitation.user)}",
            person=invitation.user_id,
            invitation=invitation.pk,
        )


def invitation_problem(invitation: Invitation | None, now: dt.datetime) -> str | None:
    """Why a link cannot be used, in words (None when it can)."""
    if invitation is None:
        return "This link is not a Footprint invitation, or it has been replaced by a newer one."
    status = invitation.status(now)
    if status == "Accepted":
        return "This invitation has already been used. Sign in with your email address."
    if status == "Revoked":
        return "This invitation has been withdrawn. Ask whoever invited you to send it again."
    if status == "Expired":
        return "This invitation has expired. Ask whoever invited you to send it again."
    if not invitation.user.is_active:
        return "This account has been deactivated."
    return None


def accept_invitation(*, invitation: Invitation, password: str, now: dt.datetime) -> Any:
    """Set the invited person's password from their link (the link is the permission): once,
    before it expires, unless revoked. Returns the person, for the page to sign them in."""
    problem = invitation_problem(invitation, now)
    if problem:
        raise ValidationError(problem)
    person = invitation.user
    password_validation.validate_password(password, person)
    with transaction.atomic():
        person.set_password(password)
        person.save(update_fields=["password"])
        # Any other invitation to the same account has done its work too.
        Invitation.objects.filter(user=person, accepted_at__isnull=True).update(accepted_at=now)
        audit.record(
            actor=person,
            action=AuditAction.ACCEPT_INVITATION,
            summary=f"{_person_name(person)} accepted the invitation and set a password",
            person=person.pk,
            invitation=invitation.pk,
        )
    return person


def grant_role(*, person: Any, organisation: Organisation, role: str, by: Any) -> bool:
    """Give a person a role at an organisation: the programme office, or that organisation's
    leads. False when they already hold it."""
    _refuse_unless_may_give(by, organisation, role)
    if not person.is_active:
        raise ValidationError("This person's account has been deactivated.")
    with transaction.atomic():
        return _grant(person, organisation, role, by)


def _refuse_own_lead_role(by: Any, person: Any, organisation: Organisation) -> None:
    """A lead who took away their own lead role would lose the page they did it on: only the
    programme office or another lead of the organisation may."""
    if getattr(by, "pk", None) == person.pk and not is_programme_office(by):
        raise ValidationError(
            f"You cannot take away your own lead role at {organisation.name}: ask the "
            "programme office or another organisation lead of it to."
        )


def remove_role(*, membership: Membership, by: Any) -> None:
    """Take a role at an organisation away: the programme office, or that organisation's
    leads (but not a lead their own lead role)."""
    organisation, person = membership.organisation, membership.user
    _refuse_unless_may_give(by, organisation, membership.role)
    if membership.role == Role.ORGANISATION_LEAD:
        _refuse_own_lead_role(by, person, organisation)
    with transaction.atomic():
        membership._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
        label = _role_label(membership.role, organisation)
        membership.delete()
        audit.record(
            actor=by,
            action=AuditAction.REMOVE_ROLE,
            summary=f"{_person_name(person)} is no longer {label}",
            person=person.pk,
            organisation=organisation.ods_code,
            role=membership.role,
        )


def remove_from_organisation(*, person: Any, organisation: Organisation, by: Any) -> int:
    """Take every role a person holds at an organisation away (their account and their roles
    elsewhere stay): the programme office, or that organisation's leads. Returns how many."""
    _refuse_unless_may_give(by, organisation, Role.VIEWER)
    with transaction.atomic():
        held = list(queries.memberships_of_person(person).filter(organisation=organisation))
        if any(m.role == Role.ORGANISATION_LEAD for m in held):
            _refuse_own_lead_role(by, person, organisation)
        for membership in held:
            remove_role(membership=membership, by=by)
    return len(held)


def grant_partnership_role(*, person: Any, role: str, by: Any) -> bool:
    """Make a person programme office or partnership chair: the programme office only."""
    _refuse_unless_may_give(by, None, role)
    if not person.is_active:
        raise ValidationError("This person's account has been deactivated.")
    with transaction.atomic():
        return _grant(person, None, role, by)


def remove_partnership_role(*, person: Any, role: str, by: Any) -> None:
    """Take a partnership role away: the programme office only, and never the last programme
    office's (someone must be left to run the partnership)."""
    _refuse_unless_may_give(by, None, role)
    held = PartnershipRole.objects.filter(user=person, role=role).first()
    if held is None:
        return
    if role == PartnershipRoleKind.PROGRAMME_OFFICE and queries.programme_office_count() <= 1:
        raise ValidationError(
            "This is the partnership's only programme office: make someone else programme "
            "office first."
        )
    with transaction.atomic():
        held._history_user = by if getattr(by, "is_authenticated", False) else None  # type: ignore[attr-defined]
        held.delete()
        audit.record(
            actor=by,
            action=AuditAction.REMOVE_PARTNERSHIP_ROLE,
            summary=f"{_person_name(person)} is no longer {_role_label(role, None)}",
            person=person.pk,
            role=role,
        )


def deactivate_person(*, person: Any, by: Any, now: dt.datetime) -> None:
    """Stop a person signing in at all (their roles are kept, for the record, and count for
    nothing while they are deactivated); their waiting invitations are revoked. The programme
    office only, and not themselves."""
    _refuse_unless(
        by, Permission.DEACTIVATE_PERSON, person, "Only the programme office deactivates people."
    )
    if person.pk == getattr(by, "pk", None):
        raise ValidationError("You cannot deactivate yourself.")
    if not person.is_active:
        return
    with transaction.atomic():
        person.is_active = False
        person.save(update_fields=["is_active"])
        Invitation.objects.filter(
            user=person, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        audit.record(
            actor=by,
            action=AuditAction.DEACTIVATE_PERSON,
            summary=f"Deactivated {_person_name(person)}: they can no longer sign in",
            person=person.pk,
        )


def send_password_reset(*, person: Any, by: Any, now: dt.datetime) -> None:
    """Email ``person`` a link to choose a new password (it works once, for a day), audited.
    The programme office only; an account that is deactivated, has no email address or has
    never had a password (an invitation not yet accepted: resend that) gets none. Rate-limited
    like the log-in page's links (``passwords.office_may_send``): none is sent over the limit."""
    _refuse_unless(
        by,
        Permission.SEND_PASSWORD_RESET,
        person,
        "Only the programme office sends password reset links.",
    )
    if not passwords.may_reset(person):
        raise ValidationError(
            f"{_person_name(person)} cannot be sent a link: their account is deactivated, has "
            "no email address, or has no password yet (resend their invitation instead)."
        )
    passwords.office_may_send(person, sender=by, now=now)
    with transaction.atomic():
        audit.record(
            actor=by,
            action=passwords.AuditAction.SEND_PASSWORD_RESET,
            summary=f"Sent {_person_name(person)} a link to reset their password",
            person=person.pk,
        )
        passwords.send_link(person, sent_by=_person_name(by))


def reactivate_person(*, person: Any, by: Any) -> None:
    """Let a deactivated person sign in again, with the roles they held. The programme office
    only."""
    _refuse_unless(
        by, Permission.DEACTIVATE_PERSON, person, "Only the programme office reactivates people."
    )
    if person.is_active:
        return
    with transaction.atomic():
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit.record(
            actor=by,
            action=AuditAction.REACTIVATE_PERSON,
            summary=f"Reactivated {_person_name(person)}",
            person=person.pk,
        )
