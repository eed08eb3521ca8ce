"""URLs of the personal API tokens pages; included under i18n_patterns by marketplace/urls.py."""
from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("compte/jetons/", views.token_list, name="token_list"),
    path("compte/jetons/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
]
