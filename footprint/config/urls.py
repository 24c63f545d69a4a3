"""The site's URLs: public pages, the partner workspace, the API and the admin."""

from django.contrib import admin
from django.urls import include, path

from footprint.api.api import api

admin.site.site_header = "Footprint administration"
admin.site.site_title = "Footprint"

urlpatterns = [
    path("", include("footprint.core.urls")),
    path("", include("footprint.partnership.urls")),
    path("", include("footprint.plans.urls")),
    path("", include("footprint.decisions.urls")),
    path("", include("footprint.demand.urls")),
    path("", include("footprint.workforce.urls")),
    path("", include("footprint.finance.urls")),
    path("", include("footprint.engagement.urls")),
    path("", include("footprint.flow.urls")),
    path("", include("footprint.winter.urls")),
    path("", include("footprint.inequalities.urls")),
    path("", include("footprint.api.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "footprint.core.views.permission_denied"
handler404 = "footprint.core.views.page_not_found"
