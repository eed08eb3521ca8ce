"""Whole-page cache of SectorPages for anonymous visitors (cms.page_cache): served without a query,
refreshed at once by a publish, never used for signed-in people, editors or restricted pages."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import SectorPage
from cms.page_cache import CSRF_PLACEHOLDER
from tests.factories import UserFactory

from .conftest import publish

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def sector_page(make_sector_page, sector_a):
    return make_sector_page(sector_a, intro="Version un.")


def sneak(page, intro):
    """A change that bypasses Wagtail (no publish signal): only a cache miss can show it."""
    SectorPage.objects.filter(pk=page.pk).update(intro=intro)


def test_an_anonymous_visitor_gets_the_cached_page_without_any_query(client, sector_page):
    first = client.get(sector_page.url)
    with CaptureQueriesContext(connection) as captured:
        second = client.get(sector_page.url)

    assert first.status_code == second.status_code == 200
    assert len(captured) == 0
    html = second.content.decode()
    assert "Version un." in html and CSRF_PLACEHOLDER not in html
    assert first.content.decode().count("csrfmiddlewaretoken") == html.count("csrfmiddlewaretoken")


def test_each_visitor_gets_a_working_csrf_token_of_their_own(client, sector_page):
    client.get(sector_page.url)
    other = client.__class__(enforce_csrf_checks=True)
    response = other.get(sector_page.url)
    tokens = TOKEN_RE.findall(response.content.decode())
    assert tokens and "csrftoken" in response.cookies
    # The language switch form of the cached page posts with the visitor's own token.
    posted = other.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens[0]})
    assert posted.status_code == 302


def test_publishing_a_change_shows_at_once(client, sector_page):
    client.get(sector_page.url)
    sneak(sector_page, "Changement discret.")
    assert "Changement discret." not in client.get(sector_page.url).content.decode()  # cached

    sector_page.refresh_from_db()
    sector_page.intro = "Version deux."
    publish(sector_page)

    html = client.get(sector_page.url).content.decode()
    assert "Version deux." in html and "Version un." not in html


def test_unpublishing_removes_the_page_at_once(client, sector_page):
    client.get(sector_page.url)
    url = sector_page.url
    sector_page.unpublish()
    assert client.get(url).status_code == 404


def test_a_signed_in_visitor_never_gets_nor_fills_the_cache(client, sector_page):
    client.get(sector_page.url)  # cached for anonymous visitors
    sneak(sector_page, "Vu par les membres.")
    client.force_login(UserFactory())

    assert "Vu par les membres." in client.get(sector_page.url).content.decode()
    sneak(sector_page, "Deuxième passage.")
    assert "Deuxième passage." in client.get(sector_page.url).content.decode()


def test_an_editor_never_fills_the_cache_anonymous_visitors_read(client, sector_page):
    editor = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(editor)
    client.get(sector_page.url)
    sneak(sector_page, "Texte revu par un éditeur.")
    client.get(sector_page.url)  # an editor's render, with the user bar

    client.logout()
    html = client.get(sector_page.url).content.decode()
    assert "Texte revu par un éditeur." in html and "wagtail-userbar" not in html


def test_a_new_view_restriction_takes_effect_at_once(client, sector_page):
    client.get(sector_page.url)
    PageViewRestriction.objects.create(page=sector_page, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(sector_page.url)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_password_protected_page_is_never_cached(client, sector_page):
    PageViewRestriction.objects.create(page=sector_page, restriction_type=PageViewRestriction.PASSWORD, password="sésame")
    form = client.get(sector_page.url)
    assert "Version un." not in form.content.decode()
    action = re.search(r'<form[^>]+action="([^"]+)"', form.content.decode()).group(1)
    client.post(action, {"password": "sésame", "return_url": sector_page.url})
    assert "Version un." in client.get(sector_page.url).content.decode()  # this visitor passed

    stranger = client.__class__()
    assert "Version un." not in stranger.get(sector_page.url).content.decode()


def test_a_visitor_with_messages_to_show_gets_a_fresh_page(client, sector_page):
    client.get(sector_page.url)
    sneak(sector_page, "Rendu frais.")
    client.force_login(UserFactory())
    client.post("/accounts/logout/")  # leaves « vous êtes déconnecté » for the next page

    html = client.get(sector_page.url).content.decode()
    assert "Rendu frais." in html and 'class="message message--' in html


def test_htmx_and_post_requests_are_not_served_from_the_cache(client, sector_page):
    client.get(sector_page.url)
    sneak(sector_page, "Partiel htmx.")
    assert "Partiel htmx." in client.get(sector_page.url, headers={"HX-Request": "true"}).content.decode()
