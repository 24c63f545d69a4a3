"""Request checks that every page and the API share."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest


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
