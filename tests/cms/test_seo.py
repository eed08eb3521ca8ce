"""sitemap.xml, robots.txt, meta tags, menus, breadcrumbs and page translations."""
import xml.etree.ElementTree as ET

import pytest

from cms.models import StandardPage

from .conftest import add_page, publish

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)]


def test_sitemap_lists_live_pages_and_leaves_out_drafts(client, home):
    add_page(home, StandardPage(title="Publiée", slug="publiee"))
    add_page(home, StandardPage(title="Brouillon", slug="brouillon"), live=False)

    locations = sitemap_locations(client)

    assert any(location.endswith("/publiee/") for location in locations)
    assert not any("brouillon" in location for location in locations)


def test_sitemap_lists_english_translations_under_en(client, home, english):
    page = add_page(home, StandardPage(title="À propos", slug="a-propos"))
    publish(home.copy_for_translation(english))
    translation = page.copy_for_translation(english)
    translation.title = "About"
    publish(translation)

    locations = sitemap_locations(client)

    assert any(location.endswith("/en/a-propos/") for location in locations)
    assert any(location.endswith("/a-propos/") and "/en/" not in location for location in locations)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_api(client):
    response = client.get("/robots.txt")

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    for path in ("/cms-admin/", "/django-admin/", "/api/"):
        assert f"Disallow: {path}\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_page_has_meta_description_canonical_url_and_open_graph_tags(client, home):
    page = add_page(
        home, StandardPage(title="Nos engagements", slug="engagements", search_description="Ce que nous promettons.")
    )

    html = client.get(page.url).content.decode()

    assert '<meta name="description" content="Ce que nous promettons.">' in html
    assert '<link rel="canonical" href="http://localhost/engagements/">' in html
    assert '<meta property="og:title" content="Nos engagements">' in html
    assert '<meta property="og:description" content="Ce que nous promettons.">' in html


def test_breadcrumbs_lead_from_home_to_the_page(client, sector_index, make_sector_page, sector_a):
    page = make_sector_page(sector_a)

    html = client.get(page.url).content.decode()

    crumbs = html.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert 'href="/"' in crumbs and 'href="/filieres/"' in crumbs and 'aria-current="page"' in crumbs


def test_menu_lists_pages_shown_in_menus(client, home):
    add_page(home, StandardPage(title="Dans le menu", slug="menu", show_in_menus=True))
    page = add_page(home, StandardPage(title="Hors menu", slug="hors-menu"))

    html = client.get(page.url).content.decode()

    menu = html.split('class="cms-menu"')[1].split("</nav>")[0]
    assert "Dans le menu" in menu and "Hors menu" not in menu


def test_translated_page_links_to_its_english_version_and_back(client, home, english):
    page = add_page(home, StandardPage(title="À propos", slug="a-propos", intro="Qui sommes-nous ?"))
    publish(home.copy_for_translation(english))
    translation = page.copy_for_translation(english)
    translation.title = "About us"
    translation.intro = "Who we are."
    publish(translation)

    french = client.get("/a-propos/").content.decode()
    english_html = client.get("/en/a-propos/").content.decode()

    assert 'href="/en/a-propos/" hreflang="en"' in french
    assert '<link rel="alternate" hreflang="en" href="http://localhost/en/a-propos/">' in french
    assert "About us" in english_html and "Who we are." in english_html
    assert 'href="/a-propos/" hreflang="fr"' in english_html


def test_untranslated_page_offers_no_translation_link(client, home):
    page = add_page(home, StandardPage(title="Seulement en français", slug="francais"))

    assert "Cette page existe aussi en" not in client.get(page.url).content.decode()


def test_english_home_page_is_served_under_en(client, home, english):
    translation = home.copy_for_translation(english)
    translation.title = "Production in France"
    translation.hero_title = "Find industrial suppliers in France"
    publish(translation)

    html = client.get("/en/").content.decode()

    assert '<html lang="en"' in html
    assert "Find industrial suppliers in France" in html
