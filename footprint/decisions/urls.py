from django.urls import path

from footprint.decisions import views

app_name = "decisions"

proposal = "workspace/decisions/proposals/<int:pk>/"

urlpatterns = [
    path("decisions/", views.register, name="register"),
    path("workspace/decisions/", views.home, name="index"),
    path("workspace/decisions/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    path("workspace/decisions/forums/<slug:slug>/", views.forum_detail, name="forum"),
    path("workspace/decisions/proposals/new/", views.proposal_new, name="proposal_new"),
    path(proposal, views.proposal_detail, name="proposal"),
    path(f"{proposal}ask-consent/", views.proposal_ask_consent, name="proposal_ask_consent"),
    path(f"{proposal}respond/", views.proposal_respond, name="proposal_respond"),
    path(f"{proposal}declare-conflict/", views.conflict_declare, name="conflict_declare"),
    path(f"{proposal}escalate/", views.proposal_escalate, name="proposal_escalate"),
    path(f"{proposal}decide/", views.proposal_decide, name="proposal_decide"),
]
