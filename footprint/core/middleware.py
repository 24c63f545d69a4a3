"""Request checks that every page and the API share."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

logger = logging.getLogger(__name__)


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
