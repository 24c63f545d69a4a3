"""Personal API tokens: made, shown once, stored only as a SHA-256 digest.

The tokens' services: each write is one transaction with its audit record inside, and refuses
(``PermissionDenied``) a caller who may not act (``footprint.api.rules``)."""

from __future__ import annotations

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


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``, who asks for it for themselves (so they are also the one
    acting): anyone logged in. Returns the record and the token, which is not kept."""
    if not can(user, Permission.CREATE_TOKEN):
        raise PermissionDenied("Log in to make an API token.")
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        record = ApiToken.objects.create(
            user=user, name=name, digest=digest(token), prefix=token[:8]
        )
        audit.record(
            actor=user, action=AuditAction.CREATE_API_TOKEN, summary=f"API token '{name}' made"
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


def user_for_token(token: str) -> Any | None:
    """The active user a live token belongs to, or None. Stamps when the token was last used
    (a stamp the owner sees on the tokens page, not a change the audit trail records)."""
    record = queries.live_token_with_digest(digest(token))
    if record is None:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user
