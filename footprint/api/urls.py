from django.urls import path

from footprint.api import views

urlpatterns = [
    path("workspace/api-tokens/", views.api_tokens, name="api_tokens"),
    path("workspace/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
