from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "marketplace.billing"
    label = "billing"
    verbose_name = _("Abonnements et facturation")
    default_auto_field = "django.db.models.BigAutoField"
