from django.urls import path

from footprint.demand import views

app_name = "demand"

urlpatterns = [
    path("workspace/demand/", views.index, name="index"),
    path("workspace/demand/scenarios/new/", views.scenario_new, name="scenario_new"),
    path("workspace/demand/scenarios/<int:pk>/", views.scenario, name="scenario"),
    path(
        "workspace/demand/scenarios/<int:pk>/edit/",
        views.scenario_edit,
        name="scenario_edit",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/schemes/",
        views.scheme_add,
        name="scheme_add",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/growth/",
        views.growth_edit,
        name="growth_edit",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/schemes/<str:key>/",
        views.scheme_edit,
        name="scheme_edit",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/schemes/<str:key>/remove/",
        views.scheme_remove,
        name="scheme_remove",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/parameters.json",
        views.parameters_download,
        name="parameters",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/parameters/",
        views.parameters_upload,
        name="parameters_upload",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/variants/",
        views.variants_upload,
        name="variants_upload",
    ),
    path("workspace/demand/scenarios/<int:pk>/run/", views.scenario_run, name="scenario_run"),
    path("workspace/demand/runs/<int:pk>/", views.run, name="run"),
    path(
        "workspace/demand/runs/<int:pk>/deprivation/",
        views.run_deprivation,
        name="run_deprivation",
    ),
    path("workspace/demand/runs/<int:pk>/results.csv", views.run_csv, name="run_csv"),
    path(
        "workspace/demand/runs/<int:pk>/breakdowns.csv",
        views.run_breakdowns_csv,
        name="run_breakdowns_csv",
    ),
    path("workspace/demand/runs/<int:pk>/run.xlsx", views.run_xlsx, name="run_xlsx"),
    path("workspace/demand/compare/", views.compare, name="compare"),
    path("workspace/demand/baselines/<int:pk>/", views.baseline, name="baseline"),
    path("workspace/demand/import/", views.activity_import, name="import"),
    path("demand/parameters.schema.json", views.parameters_schema, name="parameters_schema"),
]
