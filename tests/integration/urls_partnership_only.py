"""A site of the core and partnership apps only: the set-up checklist before any other app's
set-up pages exist."""

from django.urls import include, path

urlpatterns = [
    path("", include("footprint.core.urls")),
    path("", include("footprint.partnership.urls")),
]
