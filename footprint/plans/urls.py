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
    path("workspace/plan/new/", views.plan_new, name="plan_new"),
    path("workspace/plan/<int:pk>/change/", views.plan_edit, name="plan_edit"),
    path("workspace/plan/<int:pk>/priorities/new/", views.priority_new, name="priority_new"),
    path("workspace/plan/priorities/<int:pk>/change/", views.priority_edit, name="priority_edit"),
    path("workspace/plan/goals/new/", views.goal_new, name="goal_new"),
    path("workspace/plan/goals/<int:pk>/change/", views.goal_edit, name="goal_edit"),
    path("workspace/plan/goals/<int:pk>/decisions/", views.goal_decisions, name="goal_decisions"),
    path("workspace/plan/goals/<int:pk>/schemes/", views.goal_schemes, name="goal_schemes"),
    path("workspace/plan/metrics/", views.metric_list, name="metrics"),
    path("workspace/plan/metrics/new/", views.metric_new, name="metric_new"),
    path("workspace/plan/metrics/<slug:code>/", views.metric_detail, name="metric"),
    path("workspace/plan/metrics/<slug:code>/change/", views.metric_edit, name="metric_edit"),
    path(
        "workspace/plan/metrics/<slug:code>/from-returns/",
        views.metric_refresh_flow,
        name="metric_refresh_flow",
    ),
    path(
        "workspace/plan/metrics/<slug:code>/<str:subject_key>/",
        views.metric_series,
        name="metric_series",
    ),
    path("workspace/plan/import/", views.measurement_import, name="measurement_import"),
]
