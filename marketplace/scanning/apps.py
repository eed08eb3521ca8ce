from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScanningConfig(AppConfig):
    """No models: the scan fields live on the upload models (rfq, supplier certificates); this
    app holds the clamd client, the scan service and task, its command and its refusal page."""

    name = "marketplace.scanning"
    label = "scanning"
    verbose_name = _("Analyse antivirus")
