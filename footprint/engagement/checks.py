"""Checks that the links emailed to practices will work: they are built on
``FOOTPRINT_SITE_URL``, never on the host a request arrived on."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning

HINT = "Set FOOTPRINT_SITE_URL to the address people open, e.g. https://footprint.example.nhs.uk"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def site_url(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """A site address that is not a web address would put broken links in every email."""
    url = settings.FOOTPRINT_SITE_URL
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc and parts.path in ("", "/"):
        return []
    return [
        Error(
            f"FOOTPRINT_SITE_URL={url!r} is not a site address (scheme and host, no path).",
            hint=HINT,
            id="engagement.E001",
        )
    ]


def site_url_deployed(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """In production the links must point at the live site over HTTPS (`check --deploy`)."""
    parts = urlsplit(settings.FOOTPRINT_SITE_URL)
    if settings.DEBUG or (parts.scheme == "https" and parts.hostname not in LOOPBACK):
        return []
    return [
        Warning(
            f"Links in emails would point at {settings.FOOTPRINT_SITE_URL}, "
            "which recipients cannot open.",
            hint=HINT,
            id="engagement.W001",
        )
    ]
