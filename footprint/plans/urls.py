from django.urls import path

from footprint.plans import views

app_name = "plans"

urlpatterns = [
    path("our-plan/", views.public_plan, name="public"),
    path("workspace/plan/", views.plan_overview, name="overview"),
    path("workspace/plan/publish/", views.plan_publish, name="publish"),
    path("workspace/plan/goals/<int:pk>/", views.goal_detail, name="goal"),
    path(
        "workspace/plan/goals/<int:pk>/measurements/",
        views.record_measurement,
        name="record_measurement",
    ),
    path(
        "workspace/plan/goals/<int:pk>/measurements/remove/",
        views.remove_measurement,
        name="remove_measurement",
    ),
    path("workspace/plan/goals/<int:pk>/rebases/", views.add_rebase, name="add_rebase"),
    path("workspace/plan/early-warning/", views.early_warning, name="early_warning"),
    path("workspace/plan/metrics/", views.metric_list, name="metrics"),
    path(
        "workspace/plan/metrics/<slug:slug>/<str:subject_key>/",
        views.metric_series,
        name="metric_series",
    ),
    path("workspace/plan/import/", views.measurement_import, name="measurement_import"),
]
