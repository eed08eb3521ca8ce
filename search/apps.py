"""The search app: supplier search backends, index sync, search page and API."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Recherche")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import notifications, receivers, signals  # noqa: F401 (notifications registers its kinds)

        signals.connect()
        receivers.connect()
