"""Tell people about something that happened: an inbox row per recipient, and an email.

Call :func:`notify` inside the service's transaction: the rows commit with the change they
describe, and the emails are enqueued only after that commit, so a rolled-back change tells
nobody anything.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Membership

from . import kinds
from .models import Notification


def organisation_users(organisation, roles: Iterable[str] | None = None) -> list:
    """Active users of an organisation (optionally only some roles), the usual recipients."""
    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True).select_related("user")
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return [m.user for m in memberships]


def notify(recipients: Iterable, kind: str, *, url: str = "", organisation=None, email: bool = True, **params) -> list[Notification]:
    """Create one notification per distinct recipient; email them after commit when ``email``.

    ``params`` must be JSON-serialisable: they fill the kind's ``%(name)s`` placeholders.
    """
    kinds.get(kind)  # fail fast on a typo, inside the caller's transaction
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, organisation=organisation, kind=kind, params=params, url=url))
    created = Notification.objects.bulk_create(rows)
    if email and created:
        # SQLite ≥ 3.35 and PostgreSQL both return the new primary keys from bulk_create.
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: _enqueue_emails(ids))
    return created


def _enqueue_emails(ids: list[int]) -> None:
    from .tasks import send_notification_emails

    send_notification_emails.enqueue(ids)


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``notification_ids`` is None)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    return rows.update(read_at=timezone.now())
