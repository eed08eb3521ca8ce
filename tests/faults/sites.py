"""Run ``manage.py`` as a separate site: its own database URL, media roots and outbox.

The fault tests start real processes (a restore into a fresh database, a task worker to kill)
that must not share anything with the pytest process but the code.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def site_env(base: Path, database_url: str, **extra: str) -> dict:
    """Environment of a site living under ``base`` (dev settings: the env decides everything)."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.base",
        "DATABASE_URL": database_url,
        "MARKETPLACE_VAR_DIR": str(base),
        "MEDIA_ROOT": str(base / "media"),
        "PRIVATE_MEDIA_ROOT": str(base / "private"),
        "EMAIL_URL": f"file://{base / 'outbox'}",
        "SEARCH_BACKEND": "database",
        "ELASTICSEARCH_URL": "",
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def manage(env: dict, *args: str, timeout: float = 240, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def fresh_database_url(tmp_path: Path) -> str:
    """An empty database of the same engine as the test database: an SQLite path that does not
    exist yet, or a new PostgreSQL database on the same server (drop it with drop_database)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    name = f"pef_fresh_{uuid.uuid4().hex[:12]}"
    with _pg_admin(db) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def drop_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    db = settings.DATABASES["default"]
    name = url.rsplit("/", 1)[1]
    with _pg_admin(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_admin(db):
    return psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
                           dbname="postgres", autocommit=True)
