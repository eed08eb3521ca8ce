"""Buyer workspace routes (names in the "rfq" namespace)."""
from django.urls import path  # noqa: F401

urlpatterns = []
