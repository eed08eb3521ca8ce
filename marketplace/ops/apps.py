from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """No models: management commands for backup, restore and recovery of background work."""

    name = "marketplace.ops"
    label = "ops"
    verbose_name = _("Exploitation")
