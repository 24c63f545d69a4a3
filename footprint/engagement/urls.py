from django.urls import path

from footprint.engagement import views

app_name = "engagement"

urlpatterns = [
    # Everyone: the consultations, taking part (one address per thing a participant does),
    # and the published reports.
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<slug:slug>/", views.consultation, name="consultation"),
    path("consultations/<slug:slug>/vote/", views.vote, name="consultation_vote"),
    path(
        "consultations/<slug:slug>/statements/add/",
        views.add_statement,
        name="consultation_add_statement",
    ),
    path("consultations/<slug:slug>/answers/", views.answer, name="consultation_answer"),
    path(
        "consultations/<slug:slug>/about-you/",
        views.describe_yourself,
        name="consultation_describe_yourself",
    ),
    path("consultations/<slug:slug>/report/", views.report, name="consultation_report"),
    path("consultations/<slug:slug>/report.csv", views.report_csv, name="consultation_report_csv"),
    path(
        "consultations/<slug:slug>/who-took-part.csv",
        views.report_reach_csv,
        name="consultation_reach_csv",
    ),
    # The workspace.
    path("workspace/engagement/", views.workspace, name="index"),
    path("workspace/engagement/new/", views.edit, name="new"),
    path("workspace/engagement/moderation/", views.moderation, name="moderation"),
    path(
        "workspace/engagement/moderation/<str:kind>/<int:pk>/approve/",
        views.approve,
        name="approve",
    ),
    path("workspace/engagement/moderation/<str:kind>/<int:pk>/hide/", views.hide, name="hide"),
    path("workspace/engagement/<slug:slug>/", views.manage, name="manage"),
    path("workspace/engagement/<slug:slug>/edit/", views.edit, name="edit"),
    path(
        "workspace/engagement/<slug:slug>/statements/add/",
        views.add_partnership_statement,
        name="add_statement",
    ),
    path(
        "workspace/engagement/<slug:slug>/questions/add/", views.add_question, name="add_question"
    ),
    path(
        "workspace/engagement/<slug:slug>/documents/add/", views.add_document, name="add_document"
    ),
    path(
        "workspace/engagement/<slug:slug>/responses/add/", views.add_response, name="add_response"
    ),
    path("workspace/engagement/<slug:slug>/publish/", views.publish, name="publish"),
    path("workspace/engagement/<slug:slug>/announce/", views.announce, name="announce"),
    path("workspace/engagement/<slug:slug>/recompute/", views.recompute, name="recompute"),
    # Messages, and the personal links recipients open.
    path("workspace/messages/", views.message_list, name="messages"),
    path("workspace/messages/new/", views.message_new, name="message_new"),
    path("workspace/messages/<int:pk>/", views.message_detail, name="message"),
    path("workspace/messages/<int:pk>/adopt/", views.adopt_message, name="adopt_message"),
    path(
        "workspace/messages/<int:pk>/remind/",
        views.message_send_reminders,
        name="message_send_reminders",
    ),
    path(
        "workspace/messages/<int:pk>/attachments/<int:attachment>/",
        views.message_attachment,
        name="message_attachment",
    ),
    # The inbox: messages to the organisations one is a member of.
    path("workspace/inbox/", views.inbox, name="inbox"),
    path("workspace/inbox/waiting/", views.inbox_waiting, name="inbox_waiting"),
    path("workspace/inbox/<int:pk>/", views.inbox_message, name="inbox_message"),
    path(
        "workspace/inbox/<int:pk>/acknowledge/",
        views.inbox_acknowledge,
        name="inbox_acknowledge",
    ),
    path("m/<str:key>/", views.message_link, name="message_link"),
    path(
        "m/<str:key>/attachments/<int:attachment>/",
        views.message_link_attachment,
        name="message_link_attachment",
    ),
    path("m/<str:key>/fresh/", views.message_link_fresh, name="message_link_fresh"),
]
