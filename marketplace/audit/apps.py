from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "marketplace.audit"
    label = "audit"
    verbose_name = _("Journal d'audit")
    default_auto_field = "django.db.models.BigAutoField"
