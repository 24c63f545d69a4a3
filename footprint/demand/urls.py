from django.urls import path

from footprint.demand import views

urlpatterns = [
    path("workspace/demand/", views.index, name="demand"),
    path("workspace/demand/scenarios/new/", views.scenario_new, name="demand_scenario_new"),
    path("workspace/demand/scenarios/<int:pk>/", views.scenario, name="demand_scenario"),
    path(
        "workspace/demand/scenarios/<int:pk>/edit/",
        views.scenario_edit,
        name="demand_scenario_edit",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/schemes/",
        views.scheme_add,
        name="demand_scheme_add",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/schemes/<str:key>/remove/",
        views.scheme_remove,
        name="demand_scheme_remove",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/parameters.json",
        views.parameters_download,
        name="demand_parameters",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/parameters/",
        views.parameters_upload,
        name="demand_parameters_upload",
    ),
    path(
        "workspace/demand/scenarios/<int:pk>/run/", views.scenario_run, name="demand_scenario_run"
    ),
    path("workspace/demand/runs/<int:pk>/", views.run, name="demand_run"),
    path("workspace/demand/runs/<int:pk>/results.csv", views.run_csv, name="demand_run_csv"),
    path("workspace/demand/compare/", views.compare, name="demand_compare"),
    path("workspace/demand/baselines/<int:pk>/", views.baseline, name="demand_baseline"),
    path("workspace/demand/import/", views.activity_import, name="demand_import"),
    path("demand/parameters.schema.json", views.parameters_schema, name="demand_parameters_schema"),
]
