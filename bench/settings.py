"""Settings of the benchmarks: the development settings as production would run them.

``DEBUG`` off (no query log, cached templates), persistent database connections, loopback hosts, the search API's per-IP rate
limit lifted (every benchmark request comes from 127.0.0.1), and the bench-only URLconf
:mod:`bench.urls`, which adds the bare baseline views. ``BENCH_CMS_CACHE_SECONDS=0`` turns the
Wagtail page and live-section caches off, for the "uncached" SectorPage measurement.
"""
import os

from marketplace.settings.dev import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
SEARCH_API_RATE_PER_MINUTE = 10**9
# Persistent connections, as production runs gunicorn (docs/OPERATIONS.md): without them every
# request of the HTTP benchmark opened a PostgreSQL connection.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", 60))  # noqa: F405
if os.environ.get("BENCH_CMS_CACHE_SECONDS") is not None:
    CMS_PAGE_CACHE_SECONDS = int(os.environ["BENCH_CMS_CACHE_SECONDS"])
    CMS_LIVE_CACHE_SECONDS = int(os.environ["BENCH_CMS_CACHE_SECONDS"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
