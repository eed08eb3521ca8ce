"""Saved searches (French paths; English under /en/), included by search/urls.py."""
from django.urls import path

from . import saved_views

urlpatterns = [
    path("recherches-enregistrees/", saved_views.saved_list, name="saved_list"),
    path("recherches-enregistrees/enregistrer/", saved_views.saved_create, name="saved_create"),
    path("recherches-enregistrees/<int:pk>/supprimer/", saved_views.saved_delete, name="saved_delete"),
    path("recherches-enregistrees/<int:pk>/alertes/", saved_views.saved_alerts, name="saved_alerts"),
]
