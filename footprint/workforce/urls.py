from django.urls import path

from footprint.workforce import views

app_name = "workforce"

urlpatterns = [
    path("workspace/workforce/", views.dashboard, name="index"),
    path("workspace/workforce/retention/", views.retention, name="retention"),
    path(
        "workspace/workforce/retention/<str:ods_code>/<str:staff_group>/",
        views.retention_series,
        name="retention_series",
    ),
    path("workspace/workforce/agency/", views.agency, name="agency"),
    path("workspace/workforce/rate-card/", views.rate_card, name="rate_card"),
    path("workspace/workforce/rate-card/new/", views.rate_edit, name="rate_new"),
    path("workspace/workforce/rate-card/<int:pk>/edit/", views.rate_edit, name="rate_edit"),
    path("workspace/workforce/rate-card/<int:pk>/remove/", views.rate_remove, name="rate_remove"),
    path("workspace/workforce/import/", views.workforce_import, name="import"),
    path("workspace/workforce/supply/", views.supply, name="supply"),
    path("workspace/workforce/escalation-beds/", views.escalation, name="escalation"),
]
