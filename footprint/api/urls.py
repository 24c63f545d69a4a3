from django.urls import path

from footprint.api import views

app_name = "tokens"

urlpatterns = [
    path("workspace/api-tokens/", views.api_tokens, name="list"),
    path("workspace/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="revoke"),
]
