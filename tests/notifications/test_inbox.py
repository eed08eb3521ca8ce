"""The notification inbox: the reader's own notifications in the reader's language, read state,
the header badge, and links that never leave the site."""
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy as _

from marketplace.notifications import kinds, services
from marketplace.notifications.context_processors import unread_notifications
from marketplace.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Existing catalog msgids, so that the English rendering is checked against real translations.
kinds.register("tests.inbox", title=_("Tableau de bord"), body=_("Travailler pour « %(name)s »"))

INBOX = "/notifications/"


@pytest.fixture
def reader(client):
    user = UserFactory()
    client.force_login(user)
    return user


def notify(user, url="", name="Forges de Bretagne"):
    return services.notify([user], "tests.inbox", url=url, email=False, name=name)[0]


def test_inbox_requires_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_inbox_lists_only_the_readers_notifications_rendered_in_french(client, reader):
    notify(reader)
    notify(UserFactory(), name="Autre")
    response = client.get(INBOX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Travailler pour « Forges de Bretagne »" in text
    assert "Autre" not in text


def test_inbox_renders_notifications_in_english_for_an_english_reader(client, reader):
    notify(reader)
    response = client.get("/en" + INBOX)
    text = response.content.decode()
    assert "Work for “Forges de Bretagne”" in text
    assert "Dashboard" in text


def test_unread_notifications_are_highlighted_and_read_ones_are_not(client, reader):
    unread = notify(reader)
    read = notify(reader, name="Déjà lue")
    services.mark_read(reader, [read.pk])
    text = client.get(INBOX).content.decode()
    assert text.count("notification--unread") == 1
    assert text.count("notification--read") == 1
    assert "Tout marquer comme lu" in text
    assert unread.pk


def test_mark_all_read_marks_only_the_readers_notifications(client, reader):
    notify(reader)
    notify(reader)
    other = notify(UserFactory())
    response = client.post("/notifications/tout-marquer-lu/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=reader).unread().exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_refuses_get(client, reader):
    notify(reader)
    assert client.get("/notifications/tout-marquer-lu/").status_code == 405
    assert Notification.objects.filter(recipient=reader).unread().count() == 1


def test_opening_a_notification_marks_it_read_and_follows_its_local_link(client, reader):
    notification = notify(reader, url="/fournisseurs/")
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/fournisseurs/"
    notification.refresh_from_db()
    assert notification.is_read


def test_opening_a_notification_in_english_keeps_the_reader_in_english(client, reader):
    notification = notify(reader, url="/tableau-de-bord/")
    response = client.get(f"/en/notifications/{notification.pk}/")
    assert response["Location"] == "/en/tableau-de-bord/"


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)", "evil.example", ""],
)
def test_opening_a_notification_never_redirects_off_site(client, reader, url):
    notification = notify(reader, url=url)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302
    assert response["Location"] == INBOX
    notification.refresh_from_db()
    assert notification.is_read


def test_another_users_notification_is_a_404_and_stays_unread(client, reader):
    other = notify(UserFactory(), url="/fournisseurs/")
    assert client.get(f"/notifications/{other.pk}/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_header_shows_the_unread_count(client, reader):
    notify(reader)
    notify(reader)
    text = client.get("/tableau-de-bord/").content.decode()
    assert 'href="/notifications/"' in text
    assert '<span class="badge" aria-hidden="true">2</span>' in text
    assert "2 non lues" in text


def test_header_shows_no_count_once_everything_is_read(client, reader):
    notify(reader)
    services.mark_read(reader)
    text = client.get("/tableau-de-bord/").content.decode()
    assert 'href="/notifications/"' in text
    assert "non lue" not in text


def test_badge_costs_one_query_and_none_for_anonymous_visitors(reader):
    notify(reader)
    anonymous_request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    anonymous_request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert unread_notifications(anonymous_request) == {}
    assert len(queries) == 0

    request = RequestFactory().get("/")
    request.user = reader
    with CaptureQueriesContext(connection) as queries:
        count = unread_notifications(request)["unread_notifications_count"]
        assert count() == 1
        assert count() == 1
    assert len(queries) == 1
