"""Local development: SQLite in WAL mode, email to var/outbox/, database task queue."""
from .base import *  # noqa: F401,F403
from .base import VAR_DIR

DEBUG = True
for _sub in ("outbox", "media", "private"):
    (VAR_DIR / _sub).mkdir(parents=True, exist_ok=True)

# Serve marketplace/static through the finders, as runserver does, without a collectstatic step.
WHITENOISE_USE_FINDERS = True
