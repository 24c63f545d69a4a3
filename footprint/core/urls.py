from django.urls import path

from footprint.core import views

app_name = "core"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("workspace/jobs/<int:pk>/", views.job_progress, name="job"),
]
