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
import pytest
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


def run_module(env: dict, module: str, *, timeout: float = 240) -> subprocess.CompletedProcess:
    """``python -m module`` in the site's environment (a scenario script calling django.setup())."""
    result = subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"{module} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


class Server:
    """The site served by gunicorn (one sync worker, as in production) on a free loopback port.

    ``threads`` > 1 gives that worker threads (gthread), so concurrent clients are served at once,
    each thread with its own database connection. Its output (errors with their tracebacks) is
    read as it comes, so a burst of errors never fills the pipe and blocks the server; it is in
    :attr:`output`."""

    def __init__(self, env: dict, port: int, *, threads: int = 1):
        self.env, self.port, self.threads = env, port, threads
        self.url = f"http://127.0.0.1:{port}"
        self.process = None
        self._lines: list[str] = []
        self._reader = None

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def __enter__(self):
        import threading
        import time
        import urllib.error
        import urllib.request

        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "marketplace.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", str(self.threads), "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=lambda: self._lines.extend(iter(self.process.stdout.readline, "")),
                                        daemon=True)
        self._reader.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=2).close()
                return self
            except urllib.error.HTTPError:  # any HTTP answer means it is serving
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        self.__exit__()
        raise AssertionError("gunicorn did not start:\n" + self.output)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)


# The fault tests start servers and workers: a minute or two on two cores. They run in their own
# CI stage (FAULTS=1 pytest -m faults) and are skipped by a plain `make test`.
fault_run = pytest.mark.skipif(not os.environ.get("FAULTS"), reason="fault tests: FAULTS=1 pytest -m faults")
