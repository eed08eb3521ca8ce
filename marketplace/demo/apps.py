from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "marketplace.demo"
    label = "demo"
    verbose_name = _("Données de démonstration")
    default_auto_field = "django.db.models.BigAutoField"
