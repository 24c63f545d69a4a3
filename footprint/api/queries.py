"""Reads of personal API tokens for the tokens page and the API's authentication."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from footprint.core.models import ApiToken


def unrevoked_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's tokens that have not been revoked (expired ones too, which the tokens page
    shows as expired until revoked), newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def unrevoked_token_of(user: Any, pk: int) -> ApiToken | None:
    """One of a person's own unrevoked tokens (None for anyone else's, or a revoked one)."""
    return unrevoked_tokens_of(user).filter(pk=pk).first()


def live_token_with_digest(digest: str, *, now: dt.datetime) -> ApiToken | None:
    """The live token (not revoked, not expired at ``now``) of an active person with this
    digest, with its owner."""
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
