from django.urls import path

from footprint.engagement import views

app_name = "engagement"

urlpatterns = [
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<slug:slug>/", views.consultation, name="consultation"),
    path("consultations/<slug:slug>/vote/", views.vote, name="consultation_vote"),
    path("consultations/<slug:slug>/say/", views.contribute, name="consultation_contribute"),
    path("consultations/<slug:slug>/report/", views.report, name="consultation_report"),
    path("consultations/<slug:slug>/report.csv", views.report_csv, name="consultation_report_csv"),
    path("workspace/engagement/", views.workspace, name="index"),
    path("workspace/engagement/new/", views.edit, name="new"),
    path("workspace/engagement/moderation/", views.moderation, name="moderation"),
    path(
        "workspace/engagement/moderation/<str:kind>/<int:pk>/",
        views.moderate,
        name="moderate",
    ),
    path("workspace/engagement/<slug:slug>/", views.manage, name="manage"),
    path("workspace/engagement/<slug:slug>/edit/", views.edit, name="edit"),
    path("workspace/engagement/<slug:slug>/add/<str:what>/", views.add, name="add"),
    path("workspace/engagement/<slug:slug>/publish/", views.publish, name="publish"),
    path("workspace/engagement/<slug:slug>/recompute/", views.recompute, name="recompute"),
    path("workspace/messages/", views.message_list, name="messages"),
    path("workspace/messages/new/", views.message_new, name="message_new"),
    path("workspace/messages/<int:pk>/", views.message_detail, name="message"),
    path("workspace/messages/<int:pk>/<str:what>/", views.message_act, name="message_act"),
    path("m/<str:key>/", views.message_link, name="message_link"),
    path("m/<str:key>/fresh/", views.message_link_fresh, name="message_link_fresh"),
]
