"""Personal API tokens: made, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from footprint.core import audit
from footprint.core.models import ApiToken


class AuditAction(StrEnum):
    """What the audit trail records this app's services doing."""

    CREATE_API_TOKEN = "create_api_token"
    REVOKE_API_TOKEN = "revoke_api_token"


PREFIX = "fp_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the record and the token, which is not kept."""
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
    with transaction.atomic():
        record.revoked_at = timezone.now()
        record.save(update_fields=["revoked_at"])
        audit.record(
            actor=by,
            action=AuditAction.REVOKE_API_TOKEN,
            summary=f"API token '{record.name}' revoked",
        )


def user_for_token(token: str) -> Any | None:
    """The active user a live token belongs to, or None."""
    record = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user
