"""Put background work back on track after a worker died or a delivery failed.

django-tasks-db marks a result RUNNING when a worker claims it and only ever moves it to
SUCCESSFUL or FAILED from that same worker. A worker killed with SIGKILL (OOM killer, host
reboot, ``kill -9``) leaves its result RUNNING for ever and no other worker picks it up.
:func:`requeue_stale_tasks` puts such results back to READY, so they run again; our tasks are
idempotent (notification emails are guarded by ``Notification.emailed_at``), so running one a
second time repeats no effect.

A task that raised (SMTP server down, for instance) is FAILED and django-tasks-db does not retry
it. :func:`retry_unsent_emails` enqueues the notifications whose email is still unsent.

Both run from cron every few minutes (docs/OPERATIONS.md).
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marketplace.notifications.models import Notification


def requeue_stale_tasks(*, older_than: timedelta) -> int:
    """Set back to READY every RUNNING result claimed more than ``older_than`` ago.

    ``older_than`` must exceed the longest task: the worker has no heartbeat, so a task still
    running after that long is taken for dead and would run twice.
    """
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
        ids = list(stale.values_list("pk", flat=True))
        DBTaskResult.objects.filter(pk__in=ids).update(status=TaskResultStatus.READY, started_at=None)
    return len(ids)


def retry_unsent_emails(*, older_than: timedelta, within: timedelta = timedelta(days=3)) -> int:
    """Enqueue one email task for the notifications created between ``within`` and ``older_than``
    ago and still not emailed. ``older_than`` leaves time to the task enqueued at creation."""
    from marketplace.notifications.tasks import send_notification_emails

    now = timezone.now()
    ids = list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=now - older_than, created_at__gte=now - within)
        .order_by("pk").values_list("pk", flat=True)
    )
    if ids:
        send_notification_emails.enqueue(ids)
    return len(ids)
