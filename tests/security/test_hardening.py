"""Hardening (docs/SECURITY.md items 5, 6, 13, 20): login throttling reached from both admin
logins, session rotation and timeouts, the append-only audit log, and `check --deploy`."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from marketplace.audit.models import AuditEntry, AuditLogIsAppendOnly
from marketplace.security import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

PRODUCTION_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}}


# --- login throttling ------------------------------------------------------------------------


@pytest.mark.parametrize("admin_login", ["/django-admin/login/", "/cms-admin/login/"])
def test_admin_logins_hand_over_to_allauth_and_do_not_accept_a_password(client, admin_login):
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.post(f"{admin_login}?next=/cms-admin/", {"username": staff.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("admin_login", ["/django-admin/login/", "/cms-admin/login/"])
def test_repeated_failed_logins_from_an_admin_login_are_throttled_with_the_production_cache(client, admin_login):
    """allauth's login_failed limit (5 per 5 minutes per account, whatever the IP) applies on the
    form both admin logins redirect to, counted in the production cache backend (database cache):
    after it, even the right password is refused for that account, while another account logs in."""
    throttled = "Trop de tentatives de connexion échouées"
    with override_settings(CACHES=PRODUCTION_CACHE):
        call_command("createcachetable", verbosity=0)
        assert caches["default"].__class__.__name__ == "DatabaseCache"
        staff, bystander = UserFactory(is_staff=True, is_superuser=True), UserFactory()
        login_url = client.get(admin_login)["Location"]
        assert login_url.startswith("/accounts/login/")

        pages = [
            client.post(login_url, {"login": staff.email, "password": f"wrong-{n}"}, REMOTE_ADDR=f"203.0.113.{n}")
            for n in range(6)
        ]
        right = client.post(login_url, {"login": staff.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.99")
        signed_in_after_throttle = "_auth_user_id" in client.session
        other = client.post(login_url, {"login": bystander.email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.98")
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_cache")
            counters = cursor.fetchone()[0]

    assert [throttled in p.content.decode() for p in pages] == [False] * 5 + [True]
    assert throttled in right.content.decode()
    assert not signed_in_after_throttle
    assert other.status_code == 302 and client.session.get("_auth_user_id") == str(bystander.pk)
    assert counters > 0


# --- sessions --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_id_rotates_at_login_and_logout_deletes_the_server_session(client):
    user = UserFactory()
    client.get("/accounts/login/")
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None

    client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    after = client.session.session_key
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert after != before

    client.post("/accounts/logout/")
    assert not SessionStore().exists(after)


def _age_session(client, *, started_ago=0, seen_ago=0):
    session = client.session
    now = int(time.time())
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()
    return session.session_key


@pytest.mark.django_db
@override_settings(SESSION_IDLE_TIMEOUT=600, SESSION_ABSOLUTE_TIMEOUT=3600)
def test_an_idle_session_is_signed_out_and_destroyed(client):
    client.force_login(UserFactory())
    assert client.get("/compte/").status_code == 200
    key = _age_session(client, started_ago=700, seen_ago=601)

    response = client.get("/compte/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not SessionStore().exists(key)


@pytest.mark.django_db
@override_settings(SESSION_IDLE_TIMEOUT=600, SESSION_ABSOLUTE_TIMEOUT=3600)
def test_an_active_session_still_ends_at_the_absolute_timeout(client):
    client.force_login(UserFactory())
    client.get("/compte/")

    _age_session(client, started_ago=3500, seen_ago=5)
    assert client.get("/compte/").status_code == 200

    _age_session(client, started_ago=3601, seen_ago=5)
    assert client.get("/compte/").status_code == 302


def test_session_settings_are_bounded():
    from django.conf import settings

    assert settings.SESSION_IDLE_TIMEOUT <= 2 * 60 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT <= settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


# --- audit log -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = AuditEntry.objects.create(action="security.test", actor_email="a@example.test")

    entry.action = "forged"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])

    assert AuditEntry.objects.get(pk=entry.pk).action == "security.test"


# --- deployment checks -----------------------------------------------------------------------


def _production(*args, **env):
    # The browser journeys set DJANGO_ALLOW_ASYNC_UNSAFE for the live server in this process: a
    # production process never has it, so it must not leak into the one checked here.
    leaked = {"DJANGO_SETTINGS_MODULE", "CSP_REPORT_ONLY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leaked}
    clean.update(DJANGO_SETTINGS_MODULE="marketplace.settings.production", SECRET_KEY="s" * 30 + "ecure-" + "k" * 30,
                 ALLOWED_HOSTS="marketplace.example", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_enforces_the_csp_and_secure_cookies():
    code = ("from django.conf import settings as s; "
            "print(s.CSP_REPORT_ONLY, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)")
    result = _production("shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["False", "True", "True", "True"]
