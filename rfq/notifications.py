"""Notification kinds of the RFQ life cycle (see marketplace.notifications.kinds)."""
from django.utils.translation import gettext_lazy as _  # noqa: F401

from marketplace.notifications.kinds import register  # noqa: F401
