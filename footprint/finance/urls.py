from django.urls import path

from footprint.finance import views

app_name = "finance"

urlpatterns = [
    path("workspace/finance/", views.system, name="index"),
    path("workspace/finance/upload/", views.plan_upload, name="upload"),
    path("workspace/finance/risk-share/", views.risk_share, name="risk_share"),
    path("workspace/finance/risk-share/new/", views.agreement_edit, name="agreement_new"),
    path(
        "workspace/finance/risk-share/<int:pk>/edit/",
        views.agreement_edit,
        name="agreement_edit",
    ),
    path("workspace/finance/contracts/", views.contracts, name="contracts"),
    path("workspace/finance/contracts/new/", views.contract_edit, name="contract_new"),
    path("workspace/finance/contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path(
        "workspace/finance/contracts/<int:pk>/remove/",
        views.contract_remove,
        name="contract_remove",
    ),
    path("workspace/finance/scenario/", views.scenario, name="scenario"),
    path("workspace/finance/positions.<str:fmt>", views.export, name="export"),
    path("workspace/finance/publish/<int:year>/", views.publish, name="publish"),
    path("workspace/finance/withdraw/<int:year>/", views.withdraw, name="withdraw"),
    path("workspace/finance/<str:ods_code>/", views.organisation, name="organisation"),
    path(
        "workspace/finance/<str:ods_code>/template.xlsx",
        views.plan_template,
        name="template",
    ),
    path(
        "workspace/finance/<str:ods_code>/<int:year>/",
        views.plan_edit,
        name="plan_edit",
    ),
    path("finance/", views.public, name="public"),
]
