"""The demo step fills the editorial site: a page per filière, articles, translations; re-runs add nothing."""
import pytest
from wagtail.models import Page

from cms.models import ArticlePage, FormPage, HomePage, SectorPage, StandardPage
from marketplace.demo.builders.context import DemoContext
from marketplace.demo.builders.pages import build_pages
from suppliers.models import Sector

pytestmark = pytest.mark.django_db


def test_demo_pages_cover_every_sector_in_french_and_english_and_are_idempotent(client, make_sector):
    make_sector("Filière ajoutée pour l'essai")
    ctx = DemoContext(seed=2026, suppliers=1, buyers=1, clusters=1)

    build_pages(ctx)
    pages_after_first_run = Page.objects.count()
    build_pages(ctx)

    assert Page.objects.count() == pages_after_first_run
    for sector in Sector.objects.all():
        assert SectorPage.objects.filter(sector=sector, locale__language_code="fr", live=True).exists(), sector
        assert SectorPage.objects.filter(sector=sector, locale__language_code="en", live=True).exists(), sector
    assert ArticlePage.objects.live().count() == 12
    assert StandardPage.objects.filter(slug="a-propos").exists() and FormPage.objects.filter(slug="contact").exists()
    assert HomePage.objects.filter(locale__language_code="en", live=True).exists()
    assert client.get("/").status_code == 200 and client.get("/en/filieres/").status_code == 200
    assert "Source : estimation de démonstration" in client.get("/filieres/electronique/").content.decode()
