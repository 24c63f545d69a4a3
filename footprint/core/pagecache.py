"""A cache of the busiest public pages for visitors who are not logged in.

The public pages (home, the plan, the decision register, finance, the consultations) are the
same for every member of the public until the partnership changes something, and rendering
them is most of their cost. This middleware keeps each one's HTML, per address with its query
string, in the process's cache, keyed on:

- the newest audit event: every change the partnership makes (a publication above all) writes
  one in the same transaction, so the first request after any change renders afresh, in every
  process, without anything to clear;
- the day, since what is public depends on it (a decision dated tomorrow, a consultation that
  opens today);
- and it lasts at most ``FOOTPRINT_PAGE_CACHE_SECONDS`` (five minutes; 0 turns the cache off,
  as the tests do) even so, for what changes without an audit record (an edit in the admin).

Each response's CSP nonce is fresh: the cached HTML holds a marker where the nonce was, and
the marker is replaced with this request's nonce. Nothing is cached for a logged-in person, a
request with messages waiting, a page that used the CSRF token or set a cookie, or anything but
a 200 HTML answer to GET.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from footprint.core.models import AuditEvent

PAGES = frozenset(
    {
        "partnership:home",
        "plans:public",
        "decisions:register",
        "finance:public",
        "engagement:consultations",
    }
)
MARKER = "\x00fp-csp-nonce\x00"


def _key(request: HttpRequest) -> str:
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    where = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"fp:page:{latest}:{timezone.localdate().isoformat()}:{where}"


class PublicPageCache:
    """Serve and keep the public pages in ``PAGES`` for visitors who are not logged in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_fp_page_key", None)
        nonce = str(getattr(request, "csp_nonce", ""))
        if (
            key
            and nonce
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            seconds = settings.FOOTPRINT_PAGE_CACHE_SECONDS
            cache.set(key, response.content.decode().replace(nonce, MARKER), seconds)
            response["X-Footprint-Cache"] = "miss"
        return response

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (
            request.method != "GET"
            or not settings.FOOTPRINT_PAGE_CACHE_SECONDS
            or match is None
            or match.view_name not in PAGES
            or request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return None
        key = _key(request)
        kept = cache.get(key)
        if kept is None:
            request._fp_page_key = key  # type: ignore[attr-defined]
            return None
        response = HttpResponse(
            kept.replace(MARKER, str(request.csp_nonce)),  # type: ignore[attr-defined]
            content_type="text/html; charset=utf-8",
        )
        response["X-Footprint-Cache"] = "hit"
        return response
