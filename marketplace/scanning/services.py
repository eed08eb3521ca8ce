"""Scan uploaded files and keep them quarantined until they are found clean.

Upload services call :func:`request_scan` right after saving a new file. Without a scanner
(no ``CLAMD_SOCKET`` nor ``CLAMD_HOST``) the file is marked clean at once with the note
:data:`NOT_SCANNED_NOTE`; with one, it stays ``pending`` and :func:`scan_upload` runs in the
``scan_upload`` task after commit. ``manage.py scan_pending_uploads`` enqueues again whatever is
still pending (clamd was down, a worker died).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit.services import record

from .clamd import ClamdClient, ScannerUnavailable
from .status import NOT_SCANNED_NOTE, ScanStatus

logger = logging.getLogger("marketplace.scanning")

# Model label → name of its FileField. Each model has scan_status, scan_note and scanned_at.
SCANNED_MODELS = {
    "rfq.rfqattachment": "file",
    "rfq.quoteattachment": "file",
    "rfq.message": "attachment",
    "suppliers.suppliercertification": "certificate_file",
}


@dataclass(frozen=True)
class Refusal:
    """Why a file is not served: a translated message for the person asking."""

    message: str


def scanner() -> ClamdClient | None:
    """The configured clamd client, or None when scanning is off."""
    socket_path = getattr(settings, "CLAMD_SOCKET", "")
    host = getattr(settings, "CLAMD_HOST", "")
    if not socket_path and not host:
        return None
    return ClamdClient(
        socket_path=socket_path, host=host, port=getattr(settings, "CLAMD_PORT", 3310),
        timeout=getattr(settings, "CLAMD_TIMEOUT", 60),
    )


def _fieldfile(upload):
    return getattr(upload, SCANNED_MODELS[upload._meta.label_lower])


def request_scan(upload) -> None:
    """Called by upload services inside their transaction, after ``upload`` is saved."""
    if scanner() is None:
        type(upload).objects.filter(pk=upload.pk).update(
            scan_status=ScanStatus.CLEAN, scan_note=NOT_SCANNED_NOTE, scanned_at=timezone.now()
        )
        upload.scan_status, upload.scan_note = ScanStatus.CLEAN, NOT_SCANNED_NOTE
        return
    from .tasks import scan_upload as scan_task

    label, pk = upload._meta.label_lower, upload.pk
    transaction.on_commit(lambda: scan_task.enqueue(label, pk))


def scan_upload(label: str, pk: int) -> str:
    """Scan one pending upload and record the verdict; returns the new status.

    Raises :class:`ScannerUnavailable` (the file stays pending) when clamd cannot answer.
    A file already scanned, or gone, is left alone: the task may run twice."""
    model = apps.get_model(label)
    client = scanner()
    upload = model.objects.filter(pk=pk).first()
    if upload is None or upload.scan_status != ScanStatus.PENDING:
        return upload.scan_status if upload is not None else "gone"
    fieldfile = _fieldfile(upload)
    if client is None:
        request_scan(upload)
        return ScanStatus.CLEAN
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as stream:
            result = client.scan_stream(stream)
    except FileNotFoundError:
        logger.error("Upload %s #%s has no stored file; left pending.", label, pk)
        return ScanStatus.PENDING
    with transaction.atomic():
        upload = model.objects.select_for_update().get(pk=pk)
        if upload.scan_status != ScanStatus.PENDING:
            return upload.scan_status
        upload.scanned_at = timezone.now()
        if result.infected:
            upload.scan_status, upload.scan_note = ScanStatus.INFECTED, result.signature[:200]
        else:
            upload.scan_status, upload.scan_note = ScanStatus.CLEAN, ""
        upload.save(update_fields=["scan_status", "scan_note", "scanned_at"])
        if result.infected:
            record(None, "upload.quarantined", upload, organisation=_owner(upload),
                   signature=result.signature, filename=_display_name(upload), scanner=repr(client))
            logger.warning("Upload %s #%s quarantined: %s", label, pk, result.signature)
    return upload.scan_status


def _owner(upload):
    label = upload._meta.label_lower
    if label == "rfq.rfqattachment":
        return upload.rfq.buyer
    if label == "rfq.quoteattachment":
        return upload.quote.supplier
    if label == "suppliers.suppliercertification":
        return upload.profile.organisation
    return upload.author_organisation


def _display_name(upload) -> str:
    return (
        getattr(upload, "original_name", "") or getattr(upload, "attachment_name", "")
        or getattr(upload, "download_name", "")
    )


def download_refusal(upload) -> Refusal | None:
    """None when ``upload`` may be served; otherwise the reason, to show with a 403."""
    name = _display_name(upload)
    if upload.scan_status == ScanStatus.CLEAN:
        return None
    if upload.scan_status == ScanStatus.INFECTED:
        return Refusal(_(
            "Le fichier « %(name)s » a été mis en quarantaine : l'antivirus y a détecté un contenu "
            "malveillant (%(signature)s). Il ne peut pas être téléchargé. Demandez à son auteur d'en "
            "déposer une version saine."
        ) % {"name": name, "signature": upload.scan_note or "?"})
    return Refusal(_(
        "Le fichier « %(name)s » est en cours d'analyse antivirus. Il pourra être téléchargé dès "
        "que l'analyse l'aura déclaré sain ; réessayez dans quelques minutes."
    ) % {"name": name})


def pending_uploads():
    """(label, pk) of every upload still waiting for a scan, oldest first per model."""
    for label, field in SCANNED_MODELS.items():
        model = apps.get_model(label)
        queryset = model.objects.filter(scan_status=ScanStatus.PENDING).exclude(**{field: ""})
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            yield label, pk


def enqueue_pending_scans() -> int:
    """Enqueue a scan for every pending upload (or mark them clean, not scanned, when scanning
    is off); returns how many."""
    from .tasks import scan_upload as scan_task

    count = 0
    for label, pk in list(pending_uploads()):
        if scanner() is None:
            request_scan(apps.get_model(label).objects.get(pk=pk))
        else:
            scan_task.enqueue(label, pk)
        count += 1
    return count


__all__ = ["ScanStatus", "ScannerUnavailable", "request_scan", "scan_upload", "download_refusal", "enqueue_pending_scans"]
