"""API authentication: a personal token in ``Authorization: Bearer …``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from footprint.api.tokens import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token, method=request.method or "GET")
        if user is not None:
            request.user = user
        return user
