from django.urls import path

from footprint.decisions import views

app_name = "decisions"

urlpatterns = [
    path("decisions/", views.register, name="register"),
    path("workspace/decisions/", views.home, name="index"),
    path("workspace/decisions/overdue-actions/", views.overdue_actions, name="overdue_actions"),
    path("workspace/decisions/forums/<slug:slug>/", views.forum_detail, name="forum"),
    path("workspace/decisions/proposals/new/", views.proposal_new, name="proposal_new"),
    path("workspace/decisions/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
]
