"""Public and supplier routes (names in the "rfq" namespace): list, detail, NDA, downloads,
questions, quotes, messages, supplier dashboard."""
from django.urls import path  # noqa: F401

urlpatterns = []
