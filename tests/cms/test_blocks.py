"""StreamField blocks: sanitised rich text, required alt text, calls to action, live supplier lists."""
import pytest
from wagtail.blocks import StructBlockValidationError
from wagtail.rich_text import RichText

from cms.blocks import CallToActionBlock, CaptionedImageBlock
from cms.models import StandardPage

from .conftest import add_page

pytestmark = pytest.mark.django_db


def test_rich_text_strips_script_and_event_handlers(client, home):
    dirty = '<p onclick="steal()">Bonjour</p><script>alert("xss")</script><p>Fin</p>'
    page = add_page(home, StandardPage(title="Page", slug="page", body=[("paragraph", RichText(dirty))]))

    stored = StandardPage.objects.get(pk=page.pk).body.raw_data[0]["value"]
    html = client.get(page.url).content.decode()

    assert "<script>alert" not in stored and "onclick" not in stored
    assert "Bonjour" in html and "Fin" in html
    assert 'alert("xss")' not in html and "steal()" not in html


def test_image_block_requires_alt_text():
    block = CaptionedImageBlock()

    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"image": None, "alt_text": "", "caption": ""}))

    assert "alt_text" in error.value.block_errors


def test_call_to_action_needs_exactly_one_link(home):
    block = CallToActionBlock()
    base = {"title": "Publier", "text": "", "link_text": "Go"}

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**base, "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({**base, "page": home.pk, "url": "https://example.test/"}))
    assert block.clean(block.to_python({**base, "page": None, "url": "https://example.test/"}))["url"]


def test_supplier_list_block_renders_hand_picked_published_suppliers_live(client, home, make_supplier, sector_a):
    chosen = make_supplier("Choisi Par L'Éditeur", [sector_a])
    hidden = make_supplier("Choisi Mais Dépublié", [sector_a], published=False)
    body = [("supplier_list", {"heading": "Nos coups de cœur", "suppliers": [chosen, hidden], "limit": 6})]
    page = add_page(home, StandardPage(title="Sélection", slug="selection", body=body))

    html = client.get(page.url).content.decode()

    assert "Nos coups de cœur" in html
    assert "Choisi Par L'Éditeur" in html.replace("&#x27;", "'")
    assert "Choisi Mais Dépublié" not in html


def test_supplier_list_block_by_sector_query_shows_only_that_sectors_verified_suppliers(
    client, home, make_supplier, sector_a, sector_b
):
    make_supplier("Dans La Filière", [sector_a])
    make_supplier("Hors Filière", [sector_b])
    body = [("supplier_list", {"heading": "Fournisseurs", "suppliers": [], "sector": sector_a, "verified_only": True, "limit": 6})]
    page = add_page(home, StandardPage(title="Liste", slug="liste", body=body))

    html = client.get(page.url).content.decode()

    assert "Dans La Filière" in html and "Hors Filière" not in html


def test_key_figures_block_cites_its_source(client, home):
    body = [("key_figures", {"heading": "En bref", "figures": [{"value": "42", "label": "ateliers", "source": "estimation de démonstration"}]})]
    page = add_page(home, StandardPage(title="Chiffres", slug="chiffres", body=body))

    html = client.get(page.url).content.decode()

    assert "Source : estimation de démonstration" in html
