"""Uploads stay quarantined until ClamAV's clamd finds them clean (marketplace.scanning).

The ``clamav`` tests run a real clamd (tests/security/clamd_daemon.py, fixtures ``clamd`` and
``scanning`` in tests/security/conftest.py) with an EICAR signature made here; they are skipped
when Debian's clamav-daemon is not installed.
"""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from marketplace.scanning.clamd import ClamdClient, ScannerUnavailable
from marketplace.scanning.status import NOT_SCANNED_NOTE, ScanStatus
from rfq import messaging, quoting, services
from rfq.models import FileDownload, RFQAttachment
from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for
from tests.rfq.factories import priced_lines
from tests.security.clamd_daemon import EICAR, SIGNATURE_NAME, clamd_binary

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

clamav = pytest.mark.clamav
needs_clamd = pytest.mark.skipif(clamd_binary() is None, reason="clamd not installed (apt-get install clamav-daemon)")


def infected_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lisez-moi.txt", EICAR)
    return buffer.getvalue()


def attachment_url(attachment):
    return reverse("rfq:attachment", args=[attachment.rfq.reference, attachment.pk])


# --- the clamd client ------------------------------------------------------------------------


@clamav
@needs_clamd
def test_client_finds_the_test_signature_inside_an_archive_and_passes_a_clean_pdf(clamd):
    client = ClamdClient(socket_path=clamd.socket_path)

    assert client.ping()
    found = client.scan_stream(io.BytesIO(infected_zip()))
    assert found.infected and found.signature.startswith(SIGNATURE_NAME)
    assert not client.scan_stream(io.BytesIO(PDF)).infected


def test_unreachable_clamd_is_reported_as_unavailable(tmp_path):
    client = ClamdClient(socket_path=str(tmp_path / "absent.sock"), timeout=2)

    assert not client.ping()
    with pytest.raises(ScannerUnavailable):
        client.scan_stream(io.BytesIO(PDF))


# --- quarantine ------------------------------------------------------------------------------


@clamav
@needs_clamd
def test_infected_rfq_file_is_quarantined_refused_with_a_message_and_audited(
    db, scanning, client, django_capture_on_commit_callbacks
):
    buyer = make_buyer()
    rfq = published_rfq_for(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_attachment(buyer.user, rfq, SimpleUploadedFile("plans.zip", infected_zip()))

    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.INFECTED
    assert attachment.scan_note.startswith(SIGNATURE_NAME) and attachment.scanned_at
    entry = AuditEntry.objects.get(action="upload.quarantined")
    assert (entry.target_type, entry.target_id, entry.organisation) == ("rfq.rfqattachment", str(attachment.pk), buyer.organisation)
    assert entry.data["signature"].startswith(SIGNATURE_NAME) and entry.data["filename"] == "plans.zip"

    supplier = make_supplier()
    client.force_login(supplier.user)
    response = client.get(attachment_url(attachment))
    assert response.status_code == 403
    assert "mis en quarantaine" in response.content.decode() and "plans.zip" in response.content.decode()
    assert not FileDownload.objects.exists()

    client.force_login(buyer.user)
    assert client.get(attachment_url(attachment)).status_code == 403
    page = client.get(reverse("rfq:manage", args=[rfq.reference])).content.decode()
    assert "en quarantaine" in page


@clamav
@needs_clamd
def test_a_file_is_refused_while_pending_and_served_once_scanned_clean(
    db, scanning, client, django_capture_on_commit_callbacks
):
    buyer = make_buyer()
    rfq = published_rfq_for(buyer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachment = services.add_attachment(buyer.user, rfq, SimpleUploadedFile("plan.pdf", PDF))
    client.force_login(make_supplier().user)

    assert RFQAttachment.objects.get(pk=attachment.pk).scan_status == ScanStatus.PENDING
    pending = client.get(attachment_url(attachment))
    assert pending.status_code == 403 and "est en cours d&#x27;analyse antivirus" in pending.content.decode()

    for callback in callbacks:
        callback()
    attachment.refresh_from_db()
    assert (attachment.scan_status, attachment.scan_note) == (ScanStatus.CLEAN, "")
    served = client.get(attachment_url(attachment))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF


@clamav
@needs_clamd
def test_infected_quote_file_is_quarantined_and_refused_to_its_supplier(
    db, scanning, client, django_capture_on_commit_callbacks
):
    rfq = published_rfq_for(make_buyer())
    supplier = make_supplier()
    with django_capture_on_commit_callbacks(execute=True):
        quote = quoting.submit_quote(
            supplier.user, rfq, supplier.organisation, lines=priced_lines(rfq), lead_time_days=30,
            attachments=[SimpleUploadedFile("offre.zip", infected_zip())],
        )
    attachment = quote.attachments.get()
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.INFECTED
    assert AuditEntry.objects.filter(action="upload.quarantined", organisation=supplier.organisation).exists()

    client.force_login(supplier.user)
    response = client.get(reverse("rfq:quote_attachment", args=[rfq.reference, quote.pk, attachment.pk]))
    assert response.status_code == 403 and "offre.zip" in response.content.decode()


@clamav
@needs_clamd
def test_infected_message_attachment_is_quarantined_and_refused(db, scanning, client, django_capture_on_commit_callbacks):
    buyer = make_buyer()
    rfq = published_rfq_for(buyer)
    supplier = make_supplier()
    quoting.submit_quote(supplier.user, rfq, supplier.organisation, lines=priced_lines(rfq), lead_time_days=30)
    with django_capture_on_commit_callbacks(execute=True):
        message = messaging.post_message(
            buyer.user, rfq, supplier.organisation, buyer.organisation, "Voir l'archive.",
            attachment=SimpleUploadedFile("note.zip", infected_zip()),
        )
    message.refresh_from_db()
    assert message.scan_status == ScanStatus.INFECTED

    client.force_login(supplier.user)
    url = reverse("rfq:message_attachment", args=[rfq.reference, supplier.organisation.slug, message.pk])
    response = client.get(url)
    assert response.status_code == 403 and "mis en quarantaine" in response.content.decode()


@clamav
@needs_clamd
def test_a_scan_missed_while_clamd_was_down_is_done_by_scan_pending_uploads(
    db, settings, clamd, tmp_path, django_capture_on_commit_callbacks
):
    settings.CLAMD_SOCKET, settings.CLAMD_HOST = str(tmp_path / "down.sock"), ""
    buyer = make_buyer()
    rfq = published_rfq_for(buyer)
    with django_capture_on_commit_callbacks(execute=True):  # the task fails: clamd unreachable
        attachment = services.add_attachment(buyer.user, rfq, SimpleUploadedFile("plans.zip", infected_zip()))
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.PENDING

    settings.CLAMD_SOCKET = clamd.socket_path
    out = io.StringIO()
    call_command("scan_pending_uploads", stdout=out)

    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.INFECTED
    assert "1" in out.getvalue()


# --- without a scanner -----------------------------------------------------------------------


def test_without_a_scanner_files_are_served_and_marked_not_scanned(db, settings, client):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    buyer = make_buyer()
    rfq = published_rfq_for(buyer)
    attachment = services.add_attachment(buyer.user, rfq, SimpleUploadedFile("plan.pdf", PDF))

    attachment.refresh_from_db()
    assert (attachment.scan_status, attachment.scan_note) == (ScanStatus.CLEAN, NOT_SCANNED_NOTE)
    client.force_login(buyer.user)
    assert client.get(attachment_url(attachment)).status_code == 200


def test_files_stored_before_scanning_existed_stay_refused_until_scan_pending_uploads(db, settings, client):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    buyer = make_buyer()
    rfq = published_rfq_for(buyer)
    attachment = services.add_attachment(buyer.user, rfq, SimpleUploadedFile("plan.pdf", PDF))
    RFQAttachment.objects.filter(pk=attachment.pk).update(scan_status=ScanStatus.PENDING, scan_note="")
    client.force_login(buyer.user)
    assert client.get(attachment_url(attachment)).status_code == 403

    call_command("scan_pending_uploads", stdout=io.StringIO())

    assert client.get(attachment_url(attachment)).status_code == 200
