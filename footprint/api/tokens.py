"""Personal API tokens: made, shown once, stored only as a SHA-256 digest; each lasts a chosen
number of days and is for reading only unless its owner asked for one that changes things.

The tokens' services: each write is one transaction with its audit record inside, and refuses
(``PermissionDenied``) a caller who may not act (``footprint.api.rules``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from footprint.api import queries
from footprint.api.rules import Permission
from footprint.core import audit
from footprint.core.models import ApiToken
from footprint.core.permissions import can


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    CREATE_API_TOKEN = "create_api_token"
    REVOKE_API_TOKEN = "revoke_api_token"


PREFIX = "fp_"
LIFETIMES_IN_DAYS = (30, 90, 365)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
READ_ONLY_REFUSAL = (
    "This token is for reading only. Make a token that may change things on the API tokens "
    "page, if your role lets you."
)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    *,
    user: Any,
    name: str,
    access: str = ApiToken.Access.READ_WRITE,
    lasts_days: int = 90,
) -> tuple[ApiToken, str]:
    """Make a token for ``user``, who asks for it for themselves (so they are also the one
    acting): anyone logged in. It works for ``lasts_days`` (one of ``LIFETIMES_IN_DAYS``) and,
    with ``access`` read only, refuses every change. Returns the record and the token, which
    is not kept."""
    if not can(user, Permission.CREATE_TOKEN):
        raise PermissionDenied("Log in to make an API token.")
    if lasts_days not in LIFETIMES_IN_DAYS or access not in ApiToken.Access.values:
        raise ValueError(f"A token lasts {LIFETIMES_IN_DAYS} days and is read or read_write.")
    token = PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=lasts_days)
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=user,
            name=name,
            digest=digest(token),
            prefix=token[:8],
            access=access,
            expires_at=expires_at,
        )
        audit.record(
            actor=user,
            action=AuditAction.CREATE_API_TOKEN,
            summary=(
                f"API token '{name}' made: {record.get_access_display().lower()}, "
                f"for {lasts_days} days"
            ),
        )
    return record, token


def revoke_token(*, record: ApiToken, by: Any) -> None:
    """Revoke a token: only its owner may."""
    if not can(by, Permission.REVOKE_TOKEN, record):
        raise PermissionDenied("Only a token's owner revokes it.")
    with transaction.atomic():
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
        audit.record(
            actor=by,
            action=AuditAction.REVOKE_API_TOKEN,
            summary=f"API token '{record.name}' revoked",
        )


def user_for_token(token: str, *, method: str) -> Any | None:
    """The active user a live (unrevoked, unexpired) token belongs to, or None. A read-only
    token asked to change something (any ``method`` but GET, HEAD or OPTIONS) is refused with
    ``PermissionDenied``. Stamps when the token was last used (a stamp the owner sees on the
    tokens page, not a change the audit trail records)."""
    now = timezone.now()
    record = queries.live_token_with_digest(digest(token), now=now)
    if record is None:
        return None
    if method.upper() not in SAFE_METHODS and record.access != ApiToken.Access.READ_WRITE:
        raise PermissionDenied(READ_ONLY_REFUSAL)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
