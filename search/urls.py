"""Search pages (French paths; English under /en/)."""
from django.urls import path

from . import views
from .saved_urls import urlpatterns as saved_urlpatterns

app_name = "search"

urlpatterns = [
    path("recherche/", views.supplier_search, name="suppliers"),
    *saved_urlpatterns,
]
