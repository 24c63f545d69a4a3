"""Who may do what in the footprint.

- The programme office edits everything.
- An organisation's editors edit only their own organisation.
- Partners (anyone with a membership or a partnership role) read the partner workspace.
- The programme office sets the partnership up (the system, places and neighbourhoods), invites
  anyone, gives and takes away every role, and deactivates people. Partnership roles
  (programme office, chair) are given only by the programme office.
- An organisation lead manages their own organisation's people: invites them, changes their
  roles there and takes them off the organisation, and no other organisation's.
- The public reads only what is published: the public pages and the public API.
- Whoever runs a management command at the server (``core.permissions.OPERATOR``) may do
  anything.

Services ask these rules before they write (a service refuses a caller who may not act); views
ask them only to decide what to show and to refuse a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import rules
from django.contrib.auth import get_user_model

from footprint.core.permissions import permissions
from footprint.partnership import queries
from footprint.partnership.models import Organisation, PartnershipRoleKind, Role

# An organisation's fields that only the programme office changes: what it is and where it
# sits. Its editors change the rest (name, postcode, website).
STRUCTURE_FIELDS = frozenset({"kind", "has_statutory_board", "neighbourhood", "places"})


@dataclass(frozen=True)
class Roles:
    """A person's roles, loaded once per request and cached on the user object."""

    partnership: frozenset[str] = frozenset()
    by_organisation: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_partner(self) -> bool:
        return bool(self.partnership or self.by_organisation)


def roles_of(user: Any) -> Roles:
    """The roles of ``user`` (empty for the public)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, "_footprint_roles", None)
    if cached is None:
        cached = Roles(
            partnership=queries.partnership_roles_of(user),
            by_organisation=queries.roles_by_organisation_of(user),
        )
        user._footprint_roles = cached
    return cached


def has_role_at(user: Any, organisation: Organisation, role: str) -> bool:
    """Whether ``user`` holds ``role`` (e.g. finance, workforce) at ``organisation``."""
    return role in roles_of(user).by_organisation.get(organisation.pk, frozenset())


def has_role_anywhere(user: Any, role: str) -> bool:
    """Whether ``user`` holds ``role`` at any organisation."""
    return any(role in r for r in roles_of(user).by_organisation.values())


@rules.predicate
def is_programme_office(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or (
        PartnershipRoleKind.PROGRAMME_OFFICE in roles_of(user).partnership
    )


@rules.predicate
def is_partner(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or roles_of(user).is_partner


@rules.predicate
def is_editor_of(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    return Role.EDITOR in roles_of(user).by_organisation.get(organisation.pk, frozenset())


@rules.predicate
def is_editor_anywhere(user: Any) -> bool:
    return any(Role.EDITOR in r for r in roles_of(user).by_organisation.values())


@rules.predicate
def is_lead_of(user: Any, organisation: Organisation | None) -> bool:
    """An organisation lead of ``organisation``; with none given, of any organisation."""
    if organisation is None:
        return has_role_anywhere(user, Role.ORGANISATION_LEAD)
    if not isinstance(organisation, Organisation):
        return False
    return has_role_at(user, organisation, Role.ORGANISATION_LEAD)


def led_organisations(user: Any) -> frozenset[int]:
    """The keys of the organisations ``user`` leads."""
    return frozenset(
        org
        for org, held in roles_of(user).by_organisation.items()
        if Role.ORGANISATION_LEAD in held
    )


@rules.predicate
def leads_an_organisation_of(user: Any, person: Any) -> bool:
    """Whether ``user`` leads an organisation ``person`` belongs to (a person's own roles say
    where they belong)."""
    if person is None or not isinstance(person, get_user_model()):
        return False
    return bool(led_organisations(user) & set(roles_of(person).by_organisation))


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    VIEW_ORGANISATION = "partnership.view_organisation"
    VIEW_PLACE = "partnership.view_place"
    VIEW_NEIGHBOURHOOD = "partnership.view_neighbourhood"
    VIEW_POPULATION = "partnership.view_population"
    VIEW_WORKSPACE = "partnership.view_workspace"
    VIEW_PEOPLE = "partnership.view_people"
    CHANGE_ORGANISATION = "partnership.change_organisation"
    CHANGE_ORGANISATION_STRUCTURE = "partnership.change_organisation_structure"
    ADD_ORGANISATION = "partnership.add_organisation"
    DELETE_ORGANISATION = "partnership.delete_organisation"
    CHANGE_PLACE = "partnership.change_place"
    CHANGE_NEIGHBOURHOOD = "partnership.change_neighbourhood"
    IMPORT_DATA = "partnership.import_data"
    MANAGE_PEOPLE = "partnership.manage_people"
    VIEW_SETUP = "partnership.view_setup"
    CHANGE_SYSTEM = "partnership.change_system"
    ADD_PLACE = "partnership.add_place"
    ADD_NEIGHBOURHOOD = "partnership.add_neighbourhood"
    # With an organisation: invite its people, change their roles there, take them off it.
    # With none: some organisation's (to offer the People pages).
    MANAGE_MEMBERS = "partnership.manage_members"
    # On a person: see their page, roles and history.
    VIEW_PERSON = "partnership.view_person"
    GRANT_PARTNERSHIP_ROLE = "partnership.grant_partnership_role"
    DEACTIVATE_PERSON = "partnership.deactivate_person"
    # On a person: email them a link to choose a new password.
    SEND_PASSWORD_RESET = "partnership.send_password_reset"


# Reading. Organisations, places, neighbourhoods and population are published for everyone.
rules.add_perm(Permission.VIEW_ORGANISATION, rules.always_allow)
rules.add_perm(Permission.VIEW_PLACE, rules.always_allow)
rules.add_perm(Permission.VIEW_NEIGHBOURHOOD, rules.always_allow)
rules.add_perm(Permission.VIEW_POPULATION, rules.always_allow)
rules.add_perm(Permission.VIEW_WORKSPACE, is_partner)
rules.add_perm(Permission.VIEW_PEOPLE, is_partner)

# Writing.
rules.add_perm(Permission.CHANGE_ORGANISATION, is_programme_office | is_editor_of)
rules.add_perm(Permission.CHANGE_ORGANISATION_STRUCTURE, is_programme_office)
rules.add_perm(Permission.ADD_ORGANISATION, is_programme_office)
rules.add_perm(Permission.DELETE_ORGANISATION, is_programme_office)
rules.add_perm(Permission.CHANGE_PLACE, is_programme_office)
rules.add_perm(Permission.CHANGE_NEIGHBOURHOOD, is_programme_office)
rules.add_perm(Permission.IMPORT_DATA, is_programme_office)
# Setting up: the system, places and neighbourhoods.
rules.add_perm(Permission.VIEW_SETUP, is_programme_office)
rules.add_perm(Permission.CHANGE_SYSTEM, is_programme_office)
rules.add_perm(Permission.ADD_PLACE, is_programme_office)
rules.add_perm(Permission.ADD_NEIGHBOURHOOD, is_programme_office)

# People. MANAGE_PEOPLE: everyone's, at every organisation.
rules.add_perm(Permission.MANAGE_PEOPLE, is_programme_office)
rules.add_perm(Permission.MANAGE_MEMBERS, is_programme_office | is_lead_of)
rules.add_perm(Permission.VIEW_PERSON, is_programme_office | leads_an_organisation_of)
rules.add_perm(Permission.GRANT_PARTNERSHIP_ROLE, is_programme_office)
rules.add_perm(Permission.DEACTIVATE_PERSON, is_programme_office)
rules.add_perm(Permission.SEND_PASSWORD_RESET, is_programme_office)
