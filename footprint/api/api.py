"""The JSON API: one router per app, OpenAPI schema at /api/v1/openapi.json."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from footprint.api.decisions import router as decisions_router
from footprint.api.demand import router as demand_router
from footprint.api.engagement import router as engagement_router
from footprint.api.finance import router as finance_router
from footprint.api.partnership import router as partnership_router
from footprint.api.plans import router as plans_router

api = NinjaAPI(
    title="Footprint API",
    version="1",
    description=(
        "Public fields of the footprint need no login. Writes need a personal API token "
        "(`Authorization: Bearer fp_…`) and follow the same permission rules as the pages."
    ),
    urls_namespace="api",
)
api.add_router("/", partnership_router)
api.add_router("/", plans_router)
api.add_router("/", decisions_router)
api.add_router("/", demand_router)
api.add_router("/", finance_router)
api.add_router("/", engagement_router)


@api.exception_handler(PermissionDenied)
def refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A service refused the caller: 403 with the service's reason, for every router."""
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)
