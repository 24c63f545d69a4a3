"""Reads of personal API tokens for the tokens page and the API's authentication."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from footprint.core.models import ApiToken


def live_tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A person's tokens that have not been revoked, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def live_token_of(user: Any, pk: int) -> ApiToken | None:
    """One of a person's own live tokens (None for anyone else's, or a revoked one)."""
    return live_tokens_of(user).filter(pk=pk).first()


def live_token_with_digest(digest: str) -> ApiToken | None:
    """The live token of an active person with this digest, with its owner."""
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
