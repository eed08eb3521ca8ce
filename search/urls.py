"""Search pages (French paths; English under /en/)."""
from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("recherche/", views.supplier_search, name="suppliers"),
]
