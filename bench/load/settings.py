"""Settings of the load scenario (``make load``): the development settings run as production would.

``DEBUG`` off, loopback hosts. Every virtual user comes from 127.0.0.1, so the per-IP limits
(allauth's ``login`` 30/min per IP, the search API's per-IP rate) are lifted; the per-account
failed-login limit stays. The database is the prepared one named by ``DATABASE_URL``.
"""
from marketplace.settings.dev import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SEARCH_API_RATE_PER_MINUTE = 10**9
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "100000/m/ip", "login_failed": "100000/m/ip,5/5m/key"}  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
