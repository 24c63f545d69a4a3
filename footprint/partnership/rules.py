"""Who may do what in the footprint.

- The programme office edits everything.
- An organisation's editors edit only their own organisation.
- Partners (anyone with a membership or a partnership role) read the partner workspace.
- The public reads only what is published: the public pages and the public API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import rules

from footprint.partnership.models import Organisation, PartnershipRoleKind, Role


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
        by_org: dict[int, set[str]] = {}
        for org_id, role in user.memberships.values_list("organisation_id", "role"):
            by_org.setdefault(org_id, set()).add(role)
        cached = Roles(
            partnership=frozenset(user.partnership_roles.values_list("role", flat=True)),
            by_organisation={k: frozenset(v) for k, v in by_org.items()},
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


# Reading. Organisations, places, neighbourhoods and population are published for everyone.
rules.add_perm("partnership.view_organisation", rules.always_allow)
rules.add_perm("partnership.view_place", rules.always_allow)
rules.add_perm("partnership.view_neighbourhood", rules.always_allow)
rules.add_perm("partnership.view_population", rules.always_allow)
rules.add_perm("partnership.view_workspace", is_partner)
rules.add_perm("partnership.view_people", is_partner)

# Writing.
rules.add_perm("partnership.change_organisation", is_programme_office | is_editor_of)
rules.add_perm("partnership.change_organisation_structure", is_programme_office)
rules.add_perm("partnership.add_organisation", is_programme_office)
rules.add_perm("partnership.delete_organisation", is_programme_office)
rules.add_perm("partnership.change_place", is_programme_office)
rules.add_perm("partnership.change_neighbourhood", is_programme_office)
rules.add_perm("partnership.import_data", is_programme_office)
rules.add_perm("partnership.manage_people", is_programme_office)
