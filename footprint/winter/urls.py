from django.urls import path

from footprint.winter import views

app_name = "winter"

urlpatterns = [
    path("winter/", views.index, name="index"),
    path("winter/new/", views.plan_new, name="plan_new"),
    path("winter/<int:pk>/", views.plan, name="plan"),
    path("winter/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("winter/<int:pk>/weeks.csv", views.plan_csv, name="plan_csv"),
    path("winter/<int:pk>/weeks.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("winter/<int:pk>/publish/", views.plan_publish, name="plan_publish"),
    path("winter/<int:pk>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("winter/<int:pk>/run/", views.plan_run, name="plan_run"),
    path("winter/<int:pk>/scenarios/new/", views.scenario_new, name="scenario_new"),
    path("winter/scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("winter/scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path(
        "winter/scenarios/<int:pk>/providers/<str:ods_code>/",
        views.inputs_edit,
        name="inputs_edit",
    ),
    path("winter/scenarios/<int:pk>/demand/", views.scenario_demand, name="scenario_demand"),
    path("winter/scenarios/<int:pk>/history/", views.scenario_history, name="scenario_history"),
    path("winter/scenarios/<int:pk>/run/", views.scenario_run, name="scenario_run"),
    path("winter/scenarios/<int:pk>/decision/", views.scenario_decision, name="scenario_decision"),
    path("winter/runs/<int:pk>/", views.run, name="run"),
]
