"""Logo and photos: only real images, within limits, re-encoded so no metadata or payload survives."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from suppliers import services
from tests.suppliers.factories import image_upload

pytestmark = pytest.mark.django_db


def test_non_image_logo_is_rejected_with_a_message(owner_client, profile):
    fake = SimpleUploadedFile("logo.png", b"GIF89a<script>alert(1)</script>", content_type="image/png")
    response = owner_client.post(reverse("suppliers:profile_media"), {"action": "logo", "logo-logo": fake})
    assert response.status_code == 200
    assert "Le fichier n&#x27;est pas une image JPEG, PNG ou WebP valide." in response.content.decode()
    profile.refresh_from_db()
    assert not profile.logo


def test_gif_logo_is_rejected_even_though_pillow_reads_it(owner_client, profile):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    upload = SimpleUploadedFile("logo.gif", buffer.getvalue(), content_type="image/gif")
    response = owner_client.post(reverse("suppliers:profile_media"), {"action": "logo", "logo-logo": upload})
    assert "JPEG, PNG ou WebP" in response.content.decode()


def test_logo_over_two_megabytes_is_rejected(owner, profile):
    upload = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), content_type="image/png")
    with pytest.raises(services.SupplierProfileError) as error:
        services.set_logo(owner, profile, upload)
    assert "2 Mo" in error.value.message


def test_logo_larger_than_4000_pixels_is_rejected(owner_client, profile):
    response = owner_client.post(
        reverse("suppliers:profile_media"), {"action": "logo", "logo-logo": image_upload(size=(4001, 10))}
    )
    assert "4001 × 10 pixels" in response.content.decode()


def test_valid_png_logo_is_resized_to_400_pixels_and_stored_under_a_new_name(owner_client, profile, settings):
    response = owner_client.post(
        reverse("suppliers:profile_media"),
        {"action": "logo", "logo-logo": image_upload("mon logo.png", size=(1200, 600))},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.logo.name.startswith("suppliers/logos/") and "mon" not in profile.logo.name
    with Image.open(settings.MEDIA_ROOT / profile.logo.name) as stored:
        assert stored.size == (400, 200)
    assert profile.completeness == 5


def test_jpeg_photo_loses_its_exif_metadata_and_is_resized(owner, profile, settings):
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"  # Make
    photo = services.add_photo(owner, profile, image_upload("p.jpg", size=(3000, 2000), image_format="JPEG", exif=exif))
    with Image.open(settings.MEDIA_ROOT / photo.image.name) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()
        assert stored.format == "JPEG"


def test_a_ninth_photo_is_refused(owner, profile):
    for _ in range(services.MAX_PHOTOS):
        services.add_photo(owner, profile, image_upload(size=(50, 50)))
    with pytest.raises(services.SupplierProfileError) as error:
        services.add_photo(owner, profile, image_upload(size=(50, 50)))
    assert "8 photos au maximum" in error.value.message


def test_photo_form_and_removal(owner_client, profile):
    owner_client.post(
        reverse("suppliers:profile_media"),
        {"action": "photo", "photo-image": image_upload("atelier.webp", image_format="WEBP"), "photo-caption": "L'atelier"},
    )
    photo = profile.photos.get()
    assert photo.caption == "L'atelier"
    owner_client.post(reverse("suppliers:profile_photo_delete", args=[photo.pk]))
    assert not profile.photos.exists()


def test_removing_the_logo(owner_client, owner, profile):
    services.set_logo(owner, profile, image_upload())
    owner_client.post(reverse("suppliers:profile_logo_delete"))
    profile.refresh_from_db()
    assert not profile.logo
