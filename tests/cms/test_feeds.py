"""RSS and Atom feeds of the articles: valid XML, live articles of the language only."""
import xml.etree.ElementTree as ET

import pytest

from cms.models import ArticlePage

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss_feed_is_valid_xml_listing_live_articles(client, make_article, make_sector_page, sector_a):
    make_article("Relocalisation réussie", kind=ArticlePage.Kind.SUCCESS_STORY)
    make_article("Article de filière", parent=make_sector_page(sector_a))
    make_article("Article en brouillon", live=False)

    response = client.get("/actualites/flux/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert set(titles) == {"Relocalisation réussie", "Article de filière"}
    links = [item.findtext("link") for item in channel.findall("item")]
    assert all(link.startswith("http://testserver/") for link in links)
    categories = [c.text for c in channel.iter("category")]
    assert sector_a.name in categories


def test_atom_feed_is_valid_xml_listing_live_articles(client, make_article):
    make_article("Nouvelle du cluster")

    response = client.get("/actualites/flux/atom/")

    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == ["Nouvelle du cluster"]


def test_english_feed_lists_only_english_articles(client, make_article):
    make_article("Seulement en français")

    response = client.get("/en/actualites/flux/rss/")

    assert response.status_code == 200
    assert ET.fromstring(response.content).find("channel").findall("item") == []
