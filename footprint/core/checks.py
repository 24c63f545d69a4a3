"""Checks that production is configured to run safely. Django runs them before every
management command (``migrate``, ``db_worker``, ``check``); ``wsgi.py`` runs them before
serving, so a misconfigured production refuses to start instead of misbehaving."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security)
def site_url_required(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every emailed link (invitations, messages, consent requests) is built on
    ``FOOTPRINT_SITE_URL``; in production there is no sensible default."""
    if settings.DEBUG or getattr(settings, "FOOTPRINT_SITE_URL_SET", True):
        return []
    return [
        Error(
            "FOOTPRINT_SITE_URL is not set: emailed links would point at "
            f"{settings.FOOTPRINT_SITE_URL}.",
            hint="Set FOOTPRINT_SITE_URL to the address people open, "
            "e.g. https://footprint.example.nhs.uk",
            id="footprint.E002",
        )
    ]


def refuse_to_start_if_misconfigured() -> None:
    """Run every check, deployment checks included, and stop if any is an error."""
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    errors = [
        m
        for m in checks.run_checks(include_deployment_checks=not settings.DEBUG)
        if m.is_serious() and not m.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured(
            "Footprint will not start: " + " ".join(f"{m.id}: {m.msg} {m.hint}" for m in errors)
        )
