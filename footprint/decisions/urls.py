from django.urls import path

from footprint.decisions import views

app_name = "decisions"

proposal = "workspace/decisions/proposals/<int:pk>/"

urlpatterns = [
    path("decisions/", views.register, name="register"),
    path("workspace/decisions/", views.home, name="index"),
    path("workspace/decisions/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    path("workspace/decisions/forums/new/", views.forum_new, name="forum_new"),
    path("workspace/decisions/forums/<slug:slug>/", views.forum_detail, name="forum"),
    path("workspace/decisions/forums/<slug:slug>/change/", views.forum_edit, name="forum_edit"),
    path("workspace/decisions/forums/<slug:slug>/seats/new/", views.seat_new, name="seat_new"),
    path("workspace/decisions/seats/<int:pk>/", views.seat_edit, name="seat"),
    path("workspace/decisions/seats/<int:pk>/remove/", views.seat_remove, name="seat_remove"),
    path("workspace/decisions/delegation/", views.delegation_scheme, name="delegation"),
    path("workspace/decisions/delegation/set/", views.delegation_set, name="delegation_set"),
    path(
        "workspace/decisions/delegation/<int:pk>/remove/",
        views.delegation_remove,
        name="delegation_remove",
    ),
    path(
        "workspace/decisions/decision-types/new/",
        views.decision_type_new,
        name="decision_type_new",
    ),
    path("workspace/decisions/proposals/new/", views.proposal_new, name="proposal_new"),
    path(proposal, views.proposal_detail, name="proposal"),
    path(f"{proposal}ask-consent/", views.proposal_ask_consent, name="proposal_ask_consent"),
    path(f"{proposal}respond/", views.proposal_respond, name="proposal_respond"),
    path(
        f"{proposal}record-on-behalf/",
        views.proposal_record_on_behalf,
        name="proposal_record_on_behalf",
    ),
    path(f"{proposal}declare-conflict/", views.conflict_declare, name="conflict_declare"),
    path(f"{proposal}escalate/", views.proposal_escalate, name="proposal_escalate"),
    path(f"{proposal}decide/", views.proposal_decide, name="proposal_decide"),
    path(f"{proposal}assessment/", views.proposal_assessment, name="proposal_assessment"),
    path(
        "workspace/decisions/assessment-threshold/",
        views.assessment_threshold,
        name="assessment_threshold",
    ),
]
