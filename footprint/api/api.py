"""The JSON API: one router per app, OpenAPI schema at /api/v1/openapi.json.

Each operation is a thin door onto its app: reads through the app's ``queries``, writes through
the same ``services`` function (and so the same permission and checks) as its page. Every
refusal has the one body ``footprint.api.errors.Error``, and the schema declares every response
an operation gives."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from footprint.api import errors
from footprint.api.decisions import router as decisions_router
from footprint.api.demand import router as demand_router
from footprint.api.engagement import router as engagement_router
from footprint.api.finance import router as finance_router
from footprint.api.flow import router as flow_router
from footprint.api.inequalities import router as inequalities_router
from footprint.api.jobs import router as jobs_router
from footprint.api.partnership import router as partnership_router
from footprint.api.plans import router as plans_router
from footprint.api.winter import router as winter_router
from footprint.api.workforce import router as workforce_router
from footprint.core.finite import FiniteJSONRenderer


class FootprintAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The schema, with the responses every operation may give (400, 422 and, with a
        token, 401) declared on each."""
        return errors.declare_common_responses(super().get_openapi_schema(**kwargs))


api = FootprintAPI(
    title="Footprint API",
    version="1",
    description=(
        "Public fields of the footprint need no login. Partners' reads and every write need a "
        "personal API token (`Authorization: Bearer fp_…`) and follow the same permission "
        'rules and checks as the pages. Every refusal is `{"detail": "…"}`: 401 without a '
        "live token, 403 for what the token's owner may not do, 404 for what does not exist, "
        "422 for a request or figures that are not possible (with `errors` for each field)."
    ),
    urls_namespace="api",
    renderer=FiniteJSONRenderer(),  # JSON has no Infinity or NaN: written as null
)
api.add_router("/", partnership_router)
api.add_router("/", plans_router)
api.add_router("/", decisions_router)
api.add_router("/", demand_router)
api.add_router("/", finance_router)
api.add_router("/", flow_router)
api.add_router("/", workforce_router)
api.add_router("/", engagement_router)
api.add_router("/", jobs_router)
api.add_router("/", inequalities_router)
api.add_router("/", winter_router)


@api.exception_handler(PermissionDenied)
def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A service refused the caller: 403 with the service's reason, for every router."""
    return api.create_response(
        request, {"detail": str(exc) or "You may not do this.", "errors": []}, status=403
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (401 without a live token, 400 for a body that is not JSON) in
    the one error body."""
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found", "errors": []}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A request that does not fit the schema: 422, each problem in words in ``detail`` and
    listed in ``errors``, in the one error body."""
    return api.create_response(
        request,
        {"detail": errors.in_words(exc.errors), "errors": errors.problems(exc.errors)},
        status=422,
    )
