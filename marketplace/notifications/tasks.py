"""Background emails for notifications (django-tasks)."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """Email each notification not emailed yet; safe to run twice (``emailed_at`` guards it).

    Emails are written in the site's default language: the inbox shows each reader's own.
    """
    from .models import Notification

    sent = 0
    rows = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related("recipient")
    with translation.override(settings.LANGUAGE_CODE):
        for notification in rows:
            context = {
                "notification": notification,
                "site_name": settings.WAGTAIL_SITE_NAME,
                "url": settings.SITE_URL.rstrip("/") + notification.url if notification.url.startswith("/") else notification.url,
            }
            body = render_to_string("notifications/email/notification.txt", context)
            subject = " ".join(notification.title.split())
            send_mail(f"[{settings.WAGTAIL_SITE_NAME}] {subject}", body, None, [notification.recipient.email])
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent
