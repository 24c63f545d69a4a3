from django.urls import path

from footprint.inequalities import views

app_name = "inequalities"

urlpatterns = [
    path("inequalities/", views.public, name="public"),
    path("workspace/inequalities/", views.overview, name="overview"),
    path("workspace/inequalities/core20plus5/", views.core20plus5, name="core20plus5"),
    path("workspace/inequalities/rates/", views.rates, name="rates"),
    path("workspace/inequalities/plus-groups/new/", views.plus_group_add, name="plus_group_add"),
    path(
        "workspace/inequalities/plus-groups/<int:pk>/change/",
        views.plus_group_edit,
        name="plus_group_edit",
    ),
    path(
        "workspace/inequalities/plus-groups/<int:pk>/remove/",
        views.plus_group_remove,
        name="plus_group_remove",
    ),
    path(
        "workspace/inequalities/clinical-areas/<slug:code>/",
        views.clinical_area_edit,
        name="clinical_area_edit",
    ),
]
