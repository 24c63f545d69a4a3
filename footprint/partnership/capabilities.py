"""What each role may do, read from the rules themselves.

Every permission every app declares (``core.permissions.KNOWN``, filled by each app's
``@permissions`` enumeration) is asked of a made-up person holding just one role, against
nothing in particular, their own organisation, another organisation, someone of their own
organisation and someone of another. Nothing here lists who may do what: change a rule and the
page changes with it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import rules
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from footprint.core.permissions import KNOWN
from footprint.partnership.models import Organisation, PartnershipRoleKind, Role
from footprint.partnership.rules import Roles

# The answers, in words.
EVERYWHERE = "Yes"
OWN = "Their own organisation's"
DEPENDS = "Depends on the item"
NO = "No"

# Keys that no stored record has: the made-up people and organisations are never saved, and a
# rule that looks one up in the database finds nothing, as for someone with no seat or goal.
_OWN_ORG, _OTHER_ORG = -1, -2


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    app: str
    name: str
    label: str
    answers: list[str]


COLUMNS = [
    Column("public", "The public (not signed in)"),
    Column("signed_in", "Signed in, no role"),
    *[Column(value, label) for value, label in Role.choices],
    *[Column(value, label) for value, label in PartnershipRoleKind.choices],
]


def _person(key: int, roles: Roles) -> Any:
    user = get_user_model()(pk=key, username=f"example-{-key}", is_active=True)
    user._footprint_roles = roles
    return user


def _representative(column: str) -> Any:
    if column == "public":
        return AnonymousUser()
    if column in PartnershipRoleKind.values:
        return _person(-10, Roles(partnership=frozenset({column})))
    if column in Role.values:
        return _person(-10, Roles(by_organisation={_OWN_ORG: frozenset({column})}))
    return _person(-10, Roles())


def _ask(perm: str, user: Any, obj: Any) -> bool | None:
    """The rule's answer, or None when the rule is about another kind of thing (a proposal, a
    goal's series, a token) and cannot answer for this one."""
    try:
        return bool(rules.has_perm(perm, user, obj))
    except (AttributeError, TypeError):
        return None


def answer(perm: str, user: Any) -> str:
    """What ``user`` may do with ``perm``, in words."""
    own_org = Organisation(pk=_OWN_ORG, ods_code="OWN01", name="Their organisation")
    other_org = Organisation(pk=_OTHER_ORG, ods_code="OTH01", name="Another organisation")
    colleague = _person(-20, Roles(by_organisation={_OWN_ORG: frozenset({Role.VIEWER})}))
    stranger = _person(-21, Roles(by_organisation={_OTHER_ORG: frozenset({Role.VIEWER})}))
    general = _ask(perm, user, None)
    own = [_ask(perm, user, own_org), _ask(perm, user, colleague)]
    other = [_ask(perm, user, other_org), _ask(perm, user, stranger)]
    if general and False not in other:
        return EVERYWHERE
    if True in own:
        return OWN if False in other else EVERYWHERE
    if None in own or None in other or general is None:
        if not user.is_authenticated and _never_for_the_public(perm, user):
            return NO
        return DEPENDS
    return NO


def _never_for_the_public(perm: str, user: Any) -> bool:
    """Whether a rule about items of another kind (a proposal, a message) never lets the public
    change anything. The public has no seat, role or record of its own, so nothing ties an item
    to them: a rule that refuses them a blank item of every kind in its app (and is not about
    reading, where an item's own state, published or open, may let anyone see it) refuses them
    every item."""
    action = perm.split(".", 1)[1]
    if action.startswith("view_"):
        return False
    label = perm.split(".", 1)[0]
    try:
        models = apps.get_app_config(label).get_models()
    except LookupError:
        return False
    said = [_ask(perm, user, model()) for model in models]
    return False in said and True not in said


def _label(perm: str) -> str:
    return perm.split(".", 1)[1].replace("_", " ").capitalize()


def _app_name(label: str) -> str:
    try:
        return str(apps.get_app_config(label).verbose_name)
    except LookupError:
        return label.capitalize()


def table() -> tuple[list[Column], list[Row]]:
    """Every declared permission, by app then name, with each role's answer. The made-up people
    hold no records, so the answers change only when the rules do: they are worked out once per
    process for each set of declared permissions."""
    return _table(tuple(sorted(KNOWN)))


@functools.lru_cache(maxsize=4)
def _table(known: tuple[str, ...]) -> tuple[list[Column], list[Row]]:
    people = [_representative(c.key) for c in COLUMNS]
    rows = []
    for perm in known:
        app = perm.split(".", 1)[0]
        rows.append(
            Row(
                app=_app_name(app),
                name=perm,
                label=_label(perm),
                answers=[answer(perm, user) for user in people],
            )
        )
    rows.sort(key=lambda r: (r.app, r.label))
    return COLUMNS, rows
