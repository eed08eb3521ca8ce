"""Supplier certificate PDFs stay quarantined until ClamAV's clamd finds them clean, like the
RFQ, quote and message attachments (marketplace.scanning, tests/security/test_upload_scanning.py).

The ``clamav`` tests run a real clamd (fixtures ``clamd`` and ``scanning`` in
tests/security/conftest.py). Its only signature is the EICAR test file; a certificate must be a
PDF, so the infected one carries EICAR in a compressed stream, which clamd's PDF parser inflates
and scans as a real malicious PDF would be.
"""
import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from marketplace.audit.models import AuditEntry
from marketplace.scanning.status import NOT_SCANNED_NOTE, ScanStatus
from suppliers.models import CertificationType, SupplierCertification
from tests.security.clamd_daemon import EICAR, SIGNATURE_NAME, clamd_binary

CLEAN_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

clamav = pytest.mark.clamav
needs_clamd = pytest.mark.skipif(clamd_binary() is None, reason="clamd not installed (apt-get install clamav-daemon)")

pytestmark = pytest.mark.django_db


def infected_pdf() -> bytes:
    """A well-formed PDF whose one object is a Flate stream holding the EICAR test file."""
    payload = zlib.compress(EICAR)
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Length " + str(len(payload)).encode() + b" /Filter /FlateDecode >>\nstream\n"
        + payload + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def en9100():
    return CertificationType.objects.get(slug="en-9100")


def upload_certificate(client, content: bytes, certification=None):
    """The owner's form post, as the browser sends it: adds a certification or replaces its PDF."""
    url = (
        reverse("suppliers:profile_certification_edit", args=[certification.pk]) if certification
        else reverse("suppliers:profile_certifications")
    )
    response = client.post(url, {
        "certification_type": en9100().pk, "certificate_number": "FR-123",
        "certificate_file": SimpleUploadedFile("certificat.pdf", content, content_type="application/pdf"),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return SupplierCertification.objects.get(certification_type=en9100())


def download_url(certification):
    return reverse("suppliers:profile_certificate_download", args=[certification.pk])


@clamav
@needs_clamd
def test_infected_certificate_is_quarantined_refused_with_a_message_and_audited(
    scanning, owner_client, profile, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certification = upload_certificate(owner_client, infected_pdf())

    certification.refresh_from_db()
    assert certification.scan_status == ScanStatus.INFECTED
    assert certification.scan_note.startswith(SIGNATURE_NAME) and certification.scanned_at
    entry = AuditEntry.objects.get(action="upload.quarantined")
    assert (entry.target_type, entry.target_id, entry.organisation) == (
        "suppliers.suppliercertification", str(certification.pk), profile.organisation,
    )
    assert entry.data["signature"].startswith(SIGNATURE_NAME) and entry.data["filename"] == "certificat-en-9100.pdf"

    response = owner_client.get(download_url(certification))
    assert response.status_code == 403
    page = response.content.decode()
    assert "mis en quarantaine" in page and "certificat-en-9100.pdf" in page and SIGNATURE_NAME in page
    assert "%PDF" not in page
    listing = owner_client.get(reverse("suppliers:profile_certifications")).content.decode()
    assert "en quarantaine" in listing

    with translation.override("en"):
        english = owner_client.get(download_url(certification))
    assert english.status_code == 403 and "has been quarantined" in english.content.decode()


@clamav
@needs_clamd
def test_a_certificate_is_refused_while_pending_and_served_once_scanned_clean(
    scanning, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certification = upload_certificate(owner_client, CLEAN_PDF)

    assert SupplierCertification.objects.get(pk=certification.pk).scan_status == ScanStatus.PENDING
    pending = owner_client.get(download_url(certification))
    assert pending.status_code == 403 and "est en cours d&#x27;analyse antivirus" in pending.content.decode()
    assert "analyse antivirus en cours" in owner_client.get(reverse("suppliers:profile_certifications")).content.decode()

    for callback in callbacks:
        callback()
    certification.refresh_from_db()
    assert (certification.scan_status, certification.scan_note) == (ScanStatus.CLEAN, "")
    served = owner_client.get(download_url(certification))
    assert served.status_code == 200 and b"".join(served.streaming_content) == CLEAN_PDF
    assert not AuditEntry.objects.filter(action="upload.quarantined").exists()


@clamav
@needs_clamd
def test_a_clean_certificate_replaced_by_an_infected_one_is_quarantined_again(
    scanning, owner_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certification = upload_certificate(owner_client, CLEAN_PDF)
    assert owner_client.get(download_url(certification)).status_code == 200

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload_certificate(owner_client, infected_pdf(), certification=certification)
    certification.refresh_from_db()
    assert (certification.scan_status, certification.scanned_at) == (ScanStatus.PENDING, None)
    assert owner_client.get(download_url(certification)).status_code == 403

    for callback in callbacks:
        callback()
    certification.refresh_from_db()
    assert certification.scan_status == ScanStatus.INFECTED
    assert owner_client.get(download_url(certification)).status_code == 403


@clamav
@needs_clamd
def test_a_certificate_scan_missed_while_clamd_was_down_is_done_by_scan_pending_uploads(
    settings, clamd, tmp_path, owner_client, django_capture_on_commit_callbacks
):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(tmp_path / "down.sock"), ""
    with django_capture_on_commit_callbacks(execute=True):  # the task fails: clamd unreachable
        certification = upload_certificate(owner_client, infected_pdf())
    certification.refresh_from_db()
    assert certification.scan_status == ScanStatus.PENDING

    settings.CLAMD_SOCKET = clamd.socket_path
    out = io.StringIO()
    call_command("scan_pending_uploads", stdout=out)

    certification.refresh_from_db()
    assert certification.scan_status == ScanStatus.INFECTED
    assert out.getvalue().startswith("1 ")
    assert AuditEntry.objects.filter(action="upload.quarantined", target_id=str(certification.pk)).exists()


def test_without_a_scanner_certificates_are_served_and_marked_not_scanned(settings, owner_client):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    certification = upload_certificate(owner_client, CLEAN_PDF)

    certification.refresh_from_db()
    assert (certification.scan_status, certification.scan_note) == (ScanStatus.CLEAN, NOT_SCANNED_NOTE)
    assert owner_client.get(download_url(certification)).status_code == 200


def test_certificates_stored_before_scanning_existed_stay_refused_until_scan_pending_uploads(settings, owner_client):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    certification = upload_certificate(owner_client, CLEAN_PDF)
    SupplierCertification.objects.filter(pk=certification.pk).update(scan_status=ScanStatus.PENDING, scan_note="")
    assert owner_client.get(download_url(certification)).status_code == 403

    call_command("scan_pending_uploads", stdout=io.StringIO())

    assert owner_client.get(download_url(certification)).status_code == 200
