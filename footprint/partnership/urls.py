from django.urls import path

from footprint.partnership import views

app_name = "partnership"

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
    path("workspace/places/<slug:slug>/", views.place_detail, name="place"),
    path("workspace/neighbourhoods/<slug:slug>/", views.neighbourhood_detail, name="neighbourhood"),
    path("workspace/imports/", views.imports, name="imports"),
]
