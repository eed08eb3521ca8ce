"""Notification kinds of quotes, opening, award and messages (see marketplace.notifications.kinds)."""
from django.utils.translation import gettext_lazy as _  # noqa: F401

from marketplace.notifications.kinds import register  # noqa: F401
