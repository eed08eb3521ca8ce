"""Page content is cached for anonymous visitors and refreshed when a page is published."""
import pytest

from cms.models import StandardPage
from tests.factories import UserFactory

from .conftest import add_page, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def about(home):
    return add_page(home, StandardPage(title="À propos", slug="a-propos", intro="Version un."))


def test_anonymous_page_content_is_served_from_the_cache(client, about):
    assert "Version un." in client.get(about.url).content.decode()
    # A change that bypasses Wagtail (no publish signal) is not seen until the cache is refreshed.
    StandardPage.objects.filter(pk=about.pk).update(body=[("paragraph", "<p>Changement discret</p>")])

    assert "Changement discret" not in client.get(about.url).content.decode()


def test_publishing_a_page_refreshes_its_cached_content(client, about):
    assert "Version un." in client.get(about.url).content.decode()

    about.intro = "Version deux."
    publish(about)

    html = client.get(about.url).content.decode()
    assert "Version deux." in html and "Version un." not in html


def test_a_draft_does_not_change_what_visitors_see(client, about):
    client.get(about.url)
    about.intro = "Brouillon en cours."
    about.save_revision()

    assert "Version un." in client.get(about.url).content.decode()


def test_publishing_a_child_page_refreshes_the_cached_index_listing_it(client, sector_index, make_sector_page, sector_a):
    assert sector_a.name not in client.get(sector_index.url).content.decode()

    make_sector_page(sector_a)

    assert sector_a.name in client.get(sector_index.url).content.decode().replace("&#x27;", "'")


def test_unpublishing_a_page_refreshes_the_cached_index_listing_it(client, sector_index, make_sector_page, sector_a):
    sector_page = make_sector_page(sector_a, title="Filière éphémère")
    assert "Filière éphémère" in client.get(sector_index.url).content.decode()

    sector_page.unpublish()

    assert "Filière éphémère" not in client.get(sector_index.url).content.decode()
    assert client.get(sector_page.url or "/filieres/" + sector_page.slug + "/").status_code == 404


def test_signed_in_users_see_uncached_pages(client, about):
    client.get(about.url)
    StandardPage.objects.filter(pk=about.pk).update(intro="Vu par les connectés.")
    client.force_login(UserFactory())

    assert "Vu par les connectés." in client.get(about.url).content.decode()
