"""Settings come from the environment; production refuses to start without its secrets."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from marketplace.settings.env import database_from_url, email_from_url

ROOT = Path(__file__).resolve().parents[1]


def _check_production(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="marketplace.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _check_production(ALLOWED_HOSTS="marketplace.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = _check_production(SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_start_with_their_secrets():
    result = _check_production(SECRET_KEY="x" * 60, ALLOWED_HOSTS="marketplace.example")
    assert result.returncode == 0, result.stderr


def test_sqlite_database_url_turns_on_wal_mode_and_busy_timeout():
    config = database_from_url("sqlite:////tmp/example.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_the_sqlite_test_database_really_runs_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only behaviour")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"


def test_postgres_database_url_is_parsed_with_health_checks():
    config = database_from_url("postgres://u:p@db.example:5433/market")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "market")
    assert config["CONN_HEALTH_CHECKS"] is True


@pytest.mark.parametrize(
    "url,backend",
    [
        ("file:///tmp/outbox", "django.core.mail.backends.filebased.EmailBackend"),
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        ("smtp+tls://me%40x.fr:secret@mail.example:587", "django.core.mail.backends.smtp.EmailBackend"),
    ],
)
def test_email_url_selects_the_backend(url, backend):
    assert email_from_url(url)["EMAIL_BACKEND"] == backend


def test_smtp_email_url_carries_credentials_and_tls():
    config = email_from_url("smtp+tls://me%40x.fr:secret@mail.example:587")
    assert config["EMAIL_HOST_USER"] == "me@x.fr"
    assert config["EMAIL_HOST_PASSWORD"] == "secret"
    assert config["EMAIL_USE_TLS"] is True


def test_unknown_email_url_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        email_from_url("carrier-pigeon://loft")
