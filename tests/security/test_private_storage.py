"""Private files (drawings, quotes) never sit under a publicly served path and have no URL."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from marketplace.settings import base
from rfq import services
from tests.rfq.conftest import make_buyer, make_supplier, published_rfq_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _inside(path, root) -> bool:
    return Path(path).resolve().is_relative_to(Path(root).resolve())


@pytest.mark.parametrize("settings_module", [base, settings], ids=["default settings", "test settings"])
def test_private_media_root_is_outside_every_served_directory(settings_module):
    private = settings_module.PRIVATE_MEDIA_ROOT
    served = [settings_module.MEDIA_ROOT, settings_module.STATIC_ROOT, *settings_module.STATICFILES_DIRS]
    for root in served:
        assert not _inside(private, root) and not _inside(root, private), (private, root)


@pytest.mark.django_db
def test_a_stored_drawing_has_no_url_and_is_not_reachable_under_media(client):
    buyer = make_buyer()
    attachment = services.add_attachment(buyer.user, published_rfq_for(buyer), SimpleUploadedFile("plan.pdf", PDF))
    assert _inside(attachment.file.path, settings.PRIVATE_MEDIA_ROOT)
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    client.force_login(make_supplier().user)
    with override_settings(DEBUG=True):
        for path in (f"/media/{attachment.file.name}", f"/media/../private/{attachment.file.name}"):
            # Followed: whether /media/ is routed depends on DEBUG when the URLconf was first
            # imported; unrouted, CommonMiddleware first redirects to the path with a slash.
            response = client.get(path, follow=True)
            assert response.status_code in (400, 404)  # 400: the traversal is refused as suspicious
            assert PDF not in b"".join(getattr(response, "streaming_content", [response.content]))
