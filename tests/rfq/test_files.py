"""Uploaded files: type recognised by content, limits, safe names, attachment life cycle and
private responses."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from marketplace.audit.models import AuditEntry
from rfq import services
from rfq.exceptions import RFQError
from rfq.files import check_upload, organisation_used_bytes, private_file_response, safe_filename
from rfq.models import RFQ, Quote, RFQAttachment
from tests.rfq.conftest import quote_from_new_supplier

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
TIFF = b"II*\x00" + b"\x00" * 64
DXF = b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n  0\r\nENDSEC\r\n  0\r\nEOF\r\n"
DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00" + b"\x00" * 32
DWG = b"AC1032" + b"\x00" * 64
STEP = b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('piece'),'2;1');\nENDSEC;\nEND-ISO-10303-21;\n"
IGES = (b"Piece usinee exportee de la CAO".ljust(72) + b"S      1\n"
        + b"1H,,1H;,4HAXE1".ljust(72) + b"G      1\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")  # the browser's claim, ignored


@pytest.mark.parametrize(
    "content, kind, content_type",
    [
        (PDF, "pdf", "application/pdf"),
        (PNG, "image", "image/png"),
        (JPEG, "image", "image/jpeg"),
        (GIF, "image", "image/gif"),
        (WEBP, "image", "image/webp"),
        (TIFF, "image", "image/tiff"),
        (DXF, "dxf", "image/vnd.dxf"),
        (b"0\nSECTION\n2\nHEADER\n0\nENDSEC\n", "dxf", "image/vnd.dxf"),
        (DXF_BINARY, "dxf", "image/vnd.dxf"),
        (DWG, "dwg", "image/vnd.dwg"),
        (STEP, "step", "model/step"),
        (IGES, "iges", "model/iges"),
        (zip_bytes({"plans/axe.pdf": PDF}), "zip", "application/zip"),
    ],
)
def test_type_is_recognised_by_content_whatever_the_name(content, kind, content_type):
    checked = check_upload(upload("sans-extension", content))
    assert (checked.kind, checked.content_type, checked.size) == (kind, content_type, len(content))
    assert len(checked.sha256) == 64


def test_executable_named_pdf_is_refused_with_the_file_name():
    with pytest.raises(RFQError) as error:
        check_upload(upload("plan-axe.pdf", EXE))
    assert error.value.code == "file_type"
    assert "plan-axe.pdf" in error.value.message


def test_html_named_step_is_refused():
    with pytest.raises(RFQError) as error:
        check_upload(upload("piece.step", HTML))
    assert error.value.code == "file_type"
    assert "piece.step" in error.value.message


def test_empty_file_is_refused():
    with pytest.raises(RFQError) as error:
        check_upload(upload("vide.pdf", b""))
    assert error.value.code == "empty_file"


@pytest.mark.parametrize("member", ["../../etc/passwd", "/etc/passwd", "plans/../../x.pdf", "C:/Windows/x.dll", "..\\..\\x.bat"])
def test_zip_with_a_path_escaping_the_archive_is_refused(member):
    with pytest.raises(RFQError) as error:
        check_upload(upload("plans.zip", zip_bytes({"ok.pdf": PDF, member: b"x"})))
    assert error.value.code == "bad_archive"


def test_zip_with_too_many_members_is_refused():
    with pytest.raises(RFQError) as error:
        check_upload(upload("plans.zip", zip_bytes({f"p{i}.txt": b"" for i in range(1001)})))
    assert error.value.code == "bad_archive"


def test_zip_bomb_by_uncompressed_size_is_refused(monkeypatch):
    monkeypatch.setattr("rfq.files.ZIP_MAX_UNCOMPRESSED_BYTES", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * 20_000)
    with pytest.raises(RFQError) as error:
        check_upload(upload("plans.zip", buffer.getvalue()))
    assert error.value.code == "bad_archive"


def test_corrupt_zip_is_refused():
    with pytest.raises(RFQError) as error:
        check_upload(upload("plans.zip", b"PK\x03\x04garbage" + b"\x00" * 40))
    assert error.value.code == "bad_archive"


@override_settings(RFQ_MAX_FILE_BYTES=1000)
def test_file_over_the_per_file_limit_is_refused():
    check_upload(upload("petit.pdf", PDF))
    with pytest.raises(RFQError) as error:
        check_upload(upload("gros.pdf", PDF + b"\x00" * 1000))
    assert error.value.code == "file_too_large"
    assert "gros.pdf" in error.value.message


@override_settings(RFQ_MAX_ORGANISATION_BYTES=10_000)
def test_file_over_the_organisation_quota_is_refused():
    check_upload(upload("plan.pdf", PDF), used_bytes=10_000 - len(PDF))
    with pytest.raises(RFQError) as error:
        check_upload(upload("plan.pdf", PDF), used_bytes=10_000 - len(PDF) + 1)
    assert error.value.code == "quota_exceeded"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\achat\\plans\\axe.dxf", "axe.dxf"),
        ("/var/www/plan.pdf", "plan.pdf"),
        ("pla\x00n\r\n.pdf", "plan.pdf"),
        ("..", "fichier"),
        ("", "fichier"),
        ("a" * 300 + ".step", "a" * 145 + ".step"),
    ],
)
def test_path_like_and_odd_names_are_reduced_to_a_safe_base_name(name, expected):
    assert safe_filename(name) == expected


def test_checked_name_is_the_safe_base_name():
    assert check_upload(upload("../../secret/plan.pdf", PDF)).safe_name == "plan.pdf"


# --- attachments of an RFQ ----------------------------------------------------------------------


def test_buyer_attaches_a_file_stored_under_a_random_name(draft_rfq, buyer):
    attachment = services.add_attachment(buyer.user, draft_rfq, upload("../plans/axe.pdf", PDF))

    assert attachment.original_name == "axe.pdf"
    assert attachment.kind == "pdf" and attachment.content_type == "application/pdf"
    assert "axe" not in attachment.file.name and attachment.file.name.startswith(f"rfq/{draft_rfq.pk}/")
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF
    assert AuditEntry.objects.filter(action="rfq.attachment_added").exists()
    assert organisation_used_bytes(buyer.organisation) == len(PDF)


def test_disguised_file_is_not_stored(draft_rfq, buyer):
    with pytest.raises(RFQError):
        services.add_attachment(buyer.user, draft_rfq, upload("plan.pdf", EXE))
    assert not RFQAttachment.objects.exists()


def test_supplier_cannot_attach_files_to_a_buyers_rfq(draft_rfq, supplier):
    with pytest.raises(RFQError) as error:
        services.add_attachment(supplier.user, draft_rfq, upload("plan.pdf", PDF))
    assert error.value.code == "not_buyer"


@override_settings(RFQ_MAX_ORGANISATION_BYTES=len(PDF) * 2)
def test_organisation_quota_counts_files_already_stored(draft_rfq, buyer):
    services.add_attachment(buyer.user, draft_rfq, upload("a.pdf", PDF))
    services.add_attachment(buyer.user, draft_rfq, upload("b.pdf", PDF))
    with pytest.raises(RFQError) as error:
        services.add_attachment(buyer.user, draft_rfq, upload("c.pdf", PDF))
    assert error.value.code == "quota_exceeded"


def test_adding_or_removing_a_file_after_publishing_marks_quotes_to_reconfirm(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    attachment = services.add_attachment(buyer.user, published_rfq, upload("plan.pdf", PDF))
    quote.refresh_from_db()
    assert quote.needs_reconfirmation is True
    assert published_rfq.revision == 1

    Quote.objects.filter(pk=quote.pk).update(needs_reconfirmation=False)
    services.remove_attachment(buyer.user, attachment)
    quote.refresh_from_db()
    published_rfq.refresh_from_db()
    assert quote.needs_reconfirmation is True
    assert published_rfq.revision == 2


def test_removing_an_attachment_deletes_its_file_after_commit(draft_rfq, buyer, django_capture_on_commit_callbacks):
    attachment = services.add_attachment(buyer.user, draft_rfq, upload("plan.pdf", PDF))
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(buyer.user, attachment)
    assert not RFQAttachment.objects.exists()
    assert not storage.exists(name)


def test_files_cannot_be_changed_once_closed(published_rfq, buyer):
    RFQ.objects.filter(pk=published_rfq.pk).update(status=RFQ.Status.CLOSED, quote_deadline=timezone.now() - timedelta(hours=1),
                                                   questions_deadline=None)
    with pytest.raises(RFQError) as error:
        services.add_attachment(buyer.user, published_rfq, upload("plan.pdf", PDF))
    assert error.value.code == "not_editable"


# --- private responses --------------------------------------------------------------------------


def test_private_file_response_is_an_attachment_with_our_type_nosniff_and_no_store(draft_rfq, buyer):
    attachment = services.add_attachment(buyer.user, draft_rfq, upload("plan.pdf", PDF))
    response = private_file_response(attachment.file, "../plan axe.pdf", attachment.content_type)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "plan axe.pdf" in response["Content-Disposition"] and ".." not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


def test_private_file_response_for_a_missing_file_is_404(draft_rfq, buyer):
    attachment = services.add_attachment(buyer.user, draft_rfq, upload("plan.pdf", PDF))
    attachment.file.storage.delete(attachment.file.name)
    with pytest.raises(Http404):
        private_file_response(attachment.file, "plan.pdf", "application/pdf")
