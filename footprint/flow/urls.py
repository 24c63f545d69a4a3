from django.urls import path

from footprint.flow import views

app_name = "flow"

urlpatterns = [
    path("workspace/flow/", views.index, name="index"),
    path("workspace/flow/submit/", views.submit, name="submit"),
    path("workspace/flow/import/", views.import_returns, name="import"),
    path("workspace/flow/import/template/", views.import_template, name="import_template"),
    path("workspace/flow/returns/", views.returns, name="returns"),
    path("workspace/flow/returns/export/", views.returns_export, name="returns_export"),
    path("workspace/flow/expected/", views.expected, name="expected"),
    path("workspace/flow/expected/<int:pk>/", views.expected_set, name="expected_set"),
    path("workspace/flow/system/", views.system, name="system"),
    path("workspace/flow/system/export/", views.system_export, name="system_export"),
    path("workspace/flow/calendar/", views.calendar, name="calendar"),
    path("workspace/flow/escalation/", views.escalation, name="escalation"),
    path("workspace/flow/escalation/actions/add/", views.action_add, name="action_add"),
    path(
        "workspace/flow/escalation/actions/<int:pk>/remove/",
        views.action_remove,
        name="action_remove",
    ),
    path("workspace/flow/escalation/contacts/add/", views.contact_add, name="contact_add"),
    path(
        "workspace/flow/escalation/contacts/<int:pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("workspace/flow/aid/", views.aid, name="aid"),
    path("workspace/flow/aid/<int:pk>/outcome/", views.aid_outcome, name="aid_outcome"),
]
