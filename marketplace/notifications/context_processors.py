"""The unread count for the header badge: one COUNT query, only when a template shows it, and
none at all for anonymous visitors."""
from functools import cache

from .models import Notification


def unread_notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Templates call a callable when they resolve it; cached so that several uses cost one query.
    @cache
    def unread_notifications_count() -> int:
        return Notification.objects.unread().filter(recipient=user).count()

    return {"unread_notifications_count": unread_notifications_count}
