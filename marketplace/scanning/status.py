"""The scan states of an uploaded file, shared by every model that stores uploads."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScanStatus(models.TextChoices):
    PENDING = "pending", _("analyse en attente")
    CLEAN = "clean", _("sain")
    INFECTED = "infected", _("infecté (en quarantaine)")


# Stored in ``scan_note`` when no scanner is configured: the file was served without a scan.
NOT_SCANNED_NOTE = "not scanned: no scanner configured"


class ScannedUpload(models.Model):
    """The quarantine fields of a model storing an upload: served only once ``clean``
    (:func:`marketplace.scanning.services.download_refusal`)."""

    scan_status = models.CharField(_("analyse antivirus"), max_length=8, choices=ScanStatus.choices, default=ScanStatus.PENDING)
    scan_note = models.CharField(max_length=200, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
