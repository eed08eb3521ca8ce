"""Settings for the test suite: fast hasher, locmem email and cache, immediate tasks.

``DATABASE_URL`` may point at PostgreSQL (CI does); otherwise an SQLite file is used.
"""
import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, database_from_url

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

_db_url = os.environ.get("DATABASE_URL")
if _db_url:
    DATABASES = {"default": database_from_url(_db_url)}
else:
    DATABASES = {"default": database_from_url(f"sqlite:///{BASE_DIR / 'var' / 'test.sqlite3'}")}
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"pef-test-{os.getpid()}.sqlite3")}

_tmp = Path(tempfile.mkdtemp(prefix="pef-test-media-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
WAGTAILADMIN_BASE_URL = "http://testserver"

# Serve static files from the finders (marketplace/static): tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
