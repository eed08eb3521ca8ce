"""The notification inbox (French paths; English under /en/ via i18n_patterns)."""
from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/tout-marquer-lu/", views.mark_all_read, name="mark_all_read"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
]
