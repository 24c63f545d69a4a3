"""Request checks that every page and the API share."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from footprint.core.imports import LARGEST_UPLOAD

logger = logging.getLogger(__name__)

#: Room for a form's other fields beside its largest file.
FORM_FIELDS_ROOM = 64 * 1024


class RejectNulCharacters:
    """Refuse requests whose query string or form fields contain a NUL character.

    PostgreSQL cannot store or compare text containing NUL, so such a value would otherwise
    fail deep inside a query; it never comes from a real person's typing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("The request contains a NUL character.")
        if request.content_type == "application/x-www-form-urlencoded" and any(
            "\x00" in v for _, values in request.POST.lists() for v in values
        ):
            return HttpResponseBadRequest("The form contains a NUL character.")
        return self.get_response(request)


class RefuseOversizedBodies:
    """Refuse a request whose declared body is larger than any file Footprint takes
    (``LARGEST_UPLOAD``, with room for a form's other fields) with a 413 page saying why.

    First in ``MIDDLEWARE`` after the security headers: the CSRF check reads the whole body of
    a form, so a refusal later than this one would come after the body had been received.
    (A reverse proxy's own limit, ``docs/operating.md``, stops such a body before Django.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > LARGEST_UPLOAD + FORM_FIELDS_ROOM:
            return render(
                request,
                "core/upload_too_big.jinja",
                {"most": LARGEST_UPLOAD // (1024 * 1024), "back": request.path},
                status=413,
            )
        return self.get_response(request)


class ExplainFormOnlyAddresses:
    """A page's address that only a form's button may send (POST only), opened in the browser,
    answers 405 with a page saying so instead of Django's empty body. The API keeps its own
    answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method == "GET"
            and not response.content
            and not request.path.startswith("/api/")
        ):
            explained = render(request, "core/method_not_allowed.jinja", status=405)
            if "Allow" in response:
                explained["Allow"] = response["Allow"]
            return explained
        return response


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DATABASE_WENT_AWAY = (
    "The database was unavailable for a moment (for example while it restarted). "
    "{what} Please try again in a few seconds."
)


class DatabaseWentAway:
    """When the database goes away during a request (a restart, a failover, a dropped
    connection), close the broken connections so the next request opens fresh ones, then:

    - a read (GET, HEAD, OPTIONS) is tried once more, on a fresh connection;
    - a write is not repeated (it might not be safe to): the person gets a 503 page saying so.
      Every service writes in one transaction, so what the request began is undone, never
      half-written; only if the connection broke during the commit itself can the change have
      been saved, which the page says.

    ``CONN_HEALTH_CHECKS`` (settings) already replaces a connection that died between requests;
    this covers one that dies during a request. Last in ``MIDDLEWARE``, so it sees the view's
    exception.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        for conn in connections.all(initialized_only=True):
            conn.close()  # a broken connection cannot even roll back: start afresh
        if request.method in SAFE_METHODS and not getattr(request, "_footprint_db_retried", False):
            request._footprint_db_retried = True  # type: ignore[attr-defined]
            logger.warning("Database connection lost during %s; trying once more", request.method)
            return self.get_response(request)
        logger.error("Database connection lost during %s: %s", request.method, exception)
        what = (
            "Nothing was saved: the change was undone. (Only if the connection broke at the very "
            "moment of saving can it have been kept, so check before repeating it.)"
            if request.method not in SAFE_METHODS
            else "The page could not be read."
        )
        response = HttpResponse(
            DATABASE_WENT_AWAY.format(what=what),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "5"
        return response
