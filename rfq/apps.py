from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RfqConfig(AppConfig):
    name = "rfq"
    verbose_name = _("Consultations et offres")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Notification kinds register themselves at import.
        from . import messaging, notifications, quote_notifications  # noqa: F401
