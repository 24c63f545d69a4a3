from django.urls import path

from footprint.partnership import views

app_name = "partnership"

person = "workspace/people/<int:pk>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/numbers/", views.numbers, name="numbers"),
    path("workspace/organisations/", views.organisation_list, name="organisations"),
    path("workspace/organisations/<str:ods_code>/", views.organisation_detail, name="organisation"),
    path(
        "workspace/organisations/<str:ods_code>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("workspace/places/", views.places, name="places"),
    path("workspace/places/new/", views.place_add, name="place_add"),
    path("workspace/places/<slug:slug>/", views.place_detail, name="place"),
    path("workspace/places/<slug:slug>/edit/", views.place_edit, name="place_edit"),
    path("workspace/neighbourhoods/new/", views.neighbourhood_add, name="neighbourhood_add"),
    path("workspace/neighbourhoods/<slug:slug>/", views.neighbourhood_detail, name="neighbourhood"),
    path(
        "workspace/neighbourhoods/<slug:slug>/edit/",
        views.neighbourhood_edit,
        name="neighbourhood_edit",
    ),
    path("workspace/imports/", views.imports, name="imports"),
    path("workspace/set-up/", views.setup, name="setup"),
    path("workspace/set-up/partnership/", views.system_edit, name="system_edit"),
    path("workspace/people/", views.people, name="people"),
    path("workspace/people/invite/", views.invite, name="invite"),
    path("workspace/people/roles/", views.roles, name="roles"),
    path(person, views.person_detail, name="person"),
    path(f"{person}roles/add/", views.person_grant_role, name="person_grant_role"),
    path(
        f"{person}roles/<int:membership>/remove/",
        views.person_remove_role,
        name="person_remove_role",
    ),
    path(
        f"{person}organisations/<str:ods_code>/leave/",
        views.person_leave_organisation,
        name="person_leave_organisation",
    ),
    path(
        f"{person}partnership-roles/add/",
        views.person_grant_partnership_role,
        name="person_grant_partnership_role",
    ),
    path(
        f"{person}partnership-roles/<str:role>/remove/",
        views.person_remove_partnership_role,
        name="person_remove_partnership_role",
    ),
    path(f"{person}deactivate/", views.person_deactivate, name="person_deactivate"),
    path(f"{person}reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        f"{person}password-reset/",
        views.person_send_password_reset,
        name="person_send_password_reset",
    ),
    path(
        "workspace/invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"
    ),
    path(
        "workspace/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("invitation/<str:token>/", views.invitation_open, name="invitation_open"),
    path("invitation/", views.invitation_accept, name="invitation_accept"),
]
