from django.urls import path

from footprint.flow import views

app_name = "flow"

urlpatterns = [
    path("workspace/flow/", views.index, name="index"),
    path("workspace/flow/submit/", views.submit, name="submit"),
    path("workspace/flow/import/", views.import_returns, name="import"),
    path("workspace/flow/returns/", views.returns, name="returns"),
    path("workspace/flow/system/", views.system, name="system"),
]
