"""Certifications: validity dates, expiry display, certificate PDFs checked by content."""
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from suppliers import services
from suppliers.models import CertificationType
from tests.suppliers.factories import SupplierCertificationFactory, pdf_upload

pytestmark = pytest.mark.django_db


def en9100():
    return CertificationType.objects.get(slug="en-9100")


def test_certification_with_a_pdf_is_stored_privately_under_a_generated_name(owner_client, profile, settings):
    response = owner_client.post(
        reverse("suppliers:profile_certifications"),
        {
            "certification_type": en9100().pk,
            "certificate_number": "FR-123",
            "issuer": "Bureau Veritas",
            "valid_from": "2024-01-01",
            "valid_until": "2027-01-01",
            "certificate_file": pdf_upload("Mon certificat <script>.pdf"),
        },
    )
    assert response.status_code == 302
    certification = profile.certifications.get()
    assert certification.issuer == "Bureau Veritas"
    name = certification.certificate_file.name
    assert name.startswith("certificates/") and name.endswith(".pdf") and "script" not in name
    assert (settings.PRIVATE_MEDIA_ROOT / name).exists()


def test_html_renamed_pdf_is_rejected(owner_client, profile):
    fake = SimpleUploadedFile("certificat.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = owner_client.post(
        reverse("suppliers:profile_certifications"), {"certification_type": en9100().pk, "certificate_file": fake}
    )
    assert response.status_code == 200
    assert "Le certificat doit être un fichier PDF." in response.content.decode()
    assert not profile.certifications.exists()


def test_certificate_over_five_megabytes_is_rejected(owner, profile):
    with pytest.raises(services.SupplierProfileError) as error:
        services.save_certification(
            owner, profile, {"certification_type": en9100(), "certificate_file": pdf_upload(size=5 * 1024 * 1024 + 1)}
        )
    assert "5 Mo" in error.value.message


def test_validity_must_end_after_it_starts(owner_client, profile):
    response = owner_client.post(
        reverse("suppliers:profile_certifications"),
        {"certification_type": en9100().pk, "valid_from": "2025-06-01", "valid_until": "2025-01-01"},
    )
    assert "La fin de validité doit suivre le début de validité." in response.content.decode()
    assert not profile.certifications.exists()


def test_same_certification_twice_is_refused_with_a_message(owner, profile):
    SupplierCertificationFactory(profile=profile, certification_type=en9100())
    with pytest.raises(services.SupplierProfileError) as error:
        services.save_certification(owner, profile, {"certification_type": en9100()})
    assert "EN 9100" in error.value.message


def test_expired_certification_is_shown_as_expired_with_its_date(owner_client, profile):
    expired_on = timezone.localdate() - timedelta(days=10)
    SupplierCertificationFactory(profile=profile, valid_until=expired_on)
    SupplierCertificationFactory(profile=profile, certification_type=en9100(), valid_until=date(2099, 1, 1))

    page = owner_client.get(reverse("suppliers:profile_certifications")).content.decode()

    assert page.count("expirée le") == 1
    assert "jusqu'au 1 janvier 2099" in page or "jusqu&#x27;au 1 janvier 2099" in page


def test_editing_a_certification_keeps_it_single(owner_client, profile):
    certification = SupplierCertificationFactory(profile=profile)
    response = owner_client.post(
        reverse("suppliers:profile_certification_edit", args=[certification.pk]),
        {"certification_type": certification.certification_type.pk, "certificate_number": "N-2"},
    )
    assert response.status_code == 302
    assert profile.certifications.get().certificate_number == "N-2"


def test_removing_a_certification(owner_client, profile):
    certification = SupplierCertificationFactory(profile=profile)
    owner_client.post(reverse("suppliers:profile_certification_delete", args=[certification.pk]))
    assert not profile.certifications.exists()
