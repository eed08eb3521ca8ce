"""Write audit entries. Every service that changes state calls :func:`record`."""
from __future__ import annotations

from typing import Any

from .models import AuditEntry


def record(actor, action: str, target=None, *, organisation=None, **data: Any) -> AuditEntry:
    """Append one entry. ``actor`` may be None (system) or an anonymous user."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )
