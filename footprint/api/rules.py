"""Who may do what with personal API tokens.

- Anyone logged in (and active) makes tokens for themselves and lists their own.
- Only a token's owner revokes it.

What a token then lets its holder do through the API is decided by each app's rules, as on
the pages: a token acts as its owner.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import rules

from footprint.core.models import ApiToken
from footprint.core.permissions import permissions


@rules.predicate
def is_logged_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


@rules.predicate
def owns_token(user: Any, token: ApiToken | None) -> bool:
    return token is not None and token.user_id == getattr(user, "pk", None)


@permissions
class Permission(StrEnum):
    """Every permission this app declares: ask for one as ``Permission.NAME``."""

    CREATE_TOKEN = "api.create_token"
    REVOKE_TOKEN = "api.revoke_token"


rules.add_perm(Permission.CREATE_TOKEN, is_logged_in)
rules.add_perm(Permission.REVOKE_TOKEN, is_logged_in & owns_token)
