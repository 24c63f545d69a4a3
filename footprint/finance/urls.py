from django.urls import path

from footprint.finance import views

urlpatterns = [
    path("workspace/finance/", views.system, name="finance"),
    path("workspace/finance/upload/", views.plan_upload, name="finance_upload"),
    path("workspace/finance/risk-share/", views.risk_share, name="finance_risk_share"),
    path("workspace/finance/risk-share/new/", views.agreement_edit, name="finance_agreement_new"),
    path(
        "workspace/finance/risk-share/<int:pk>/edit/",
        views.agreement_edit,
        name="finance_agreement_edit",
    ),
    path("workspace/finance/scenario/", views.scenario, name="finance_scenario"),
    path("workspace/finance/positions.<str:fmt>", views.export, name="finance_export"),
    path("workspace/finance/publish/<int:year>/", views.publish, name="finance_publish"),
    path("workspace/finance/<str:ods_code>/", views.organisation, name="finance_organisation"),
    path(
        "workspace/finance/<str:ods_code>/template.xlsx",
        views.plan_template,
        name="finance_template",
    ),
    path(
        "workspace/finance/<str:ods_code>/<int:year>/",
        views.plan_edit,
        name="finance_plan_edit",
    ),
    path("finance/", views.public, name="public_finance"),
]
