"""Keeping the search indexes in step with the supplier profiles.

The database index is always written (it answers searches, or stands in when an external engine
is down); the external engine, when one is configured, is written too. A failure of the external
engine never reaches the caller: it is logged and recorded as a ``PendingIndexOperation``, which
``manage.py search_rebuild --pending`` (or a full ``search_rebuild``) replays.

* :func:`schedule_index` — from signal receivers: enqueue ``index_suppliers`` after commit.
* :func:`index_profiles` — (re)index profiles; those no longer published are removed.
* :func:`remove_profiles` — remove at once (deleted or unpublished profiles).
* :func:`rebuild` — everything again, then the pending operations are obsolete.
"""
from __future__ import annotations

import logging
from functools import partial
from typing import Iterable

from django.db import transaction

from .backends import database_backend, external_backend
from .documents import build_documents
from .models import PendingIndexOperation

logger = logging.getLogger("marketplace.search")


def schedule_index(profile_ids: Iterable[int]) -> None:
    """Enqueue the indexing of ``profile_ids`` once the current transaction commits."""
    ids = sorted({int(pk) for pk in profile_ids if pk is not None})
    if ids:
        transaction.on_commit(partial(_enqueue, ids))


def _enqueue(ids: list[int]) -> None:
    from .tasks import index_suppliers

    index_suppliers.enqueue(ids)


def apply(backend, profile_ids: Iterable[int]) -> tuple[list, set[int]]:
    """Bring ``backend`` up to date for ``profile_ids``: index the published ones, delete the others.

    Returns the documents indexed and the ids deleted. Errors are the caller's business.
    """
    ids = {int(pk) for pk in profile_ids}
    documents = build_documents(ids)
    gone = ids - {d.id for d in documents}
    backend.index(documents)
    backend.delete(gone)
    return documents, gone


def index_profiles(profile_ids: Iterable[int]) -> int:
    """Index the published profiles among ``profile_ids`` and remove the others. Returns how many were indexed."""
    ids = {int(pk) for pk in profile_ids}
    documents, gone = apply(database_backend(), ids)
    external = external_backend()
    if external is not None:
        _write_external(external, PendingIndexOperation.Action.INDEX, {d.id for d in documents}, lambda: external.index(documents))
        _write_external(external, PendingIndexOperation.Action.DELETE, gone, lambda: external.delete(gone))
    return len(documents)


def remove_profiles(profile_ids: Iterable[int]) -> None:
    """Remove profiles from every index now (the rows may already be gone)."""
    ids = {int(pk) for pk in profile_ids}
    database_backend().delete(ids)
    external = external_backend()
    if external is not None:
        _write_external(external, PendingIndexOperation.Action.DELETE, ids, lambda: external.delete(ids))


def _write_external(backend, action: str, ids: set[int], write) -> None:
    if not ids:
        return
    try:
        write()
    except Exception as exc:  # an engine outage must never fail the save that triggered it
        logger.warning("Search backend %s could not %s profiles %s: %s", backend.name, action, sorted(ids), exc)
        for pk in ids:
            operation, created = PendingIndexOperation.objects.get_or_create(
                backend=backend.name, profile_id=pk, defaults={"action": action, "last_error": str(exc)[:2000]}
            )
            if not created:
                operation.action = action
                operation.attempts += 1
                operation.last_error = str(exc)[:2000]
                operation.save(update_fields=["action", "attempts", "last_error", "updated_at"])
    else:
        PendingIndexOperation.objects.filter(backend=backend.name, profile_id__in=ids).delete()


def retry_pending() -> int:
    """Replay the operations an external engine missed. Returns how many are still pending."""
    external = external_backend()
    if external is None:
        PendingIndexOperation.objects.all().delete()
        return 0
    ids = list(PendingIndexOperation.objects.filter(backend=external.name).values_list("profile_id", flat=True))
    # Re-deriving the operation from the profile's current state covers both actions.
    for start in range(0, len(ids), 200):
        index_profiles(ids[start : start + 200])
    return PendingIndexOperation.objects.filter(backend=external.name).count()


def rebuild(progress=None) -> dict[str, int]:
    """Rebuild the database index and the external one; returns documents written per backend.

    With the Elasticsearch percolator, the alert queries are re-created too (key ``"alerts"``):
    they embed the taxonomy's synonyms, so a rebuild also catches up on taxonomy changes whose
    re-registration was missed. Raises ``SearchBackendUnavailable`` when the engine fails."""
    from .backends import es_alerts
    from .backends.base import SearchBackendUnavailable

    written = {"database": database_backend().rebuild(progress)}
    external = external_backend()
    if external is not None:
        written[external.name] = external.rebuild(progress)
        PendingIndexOperation.objects.filter(backend=external.name).delete()
    if es_alerts.enabled():
        try:
            written["alerts"] = es_alerts.rebuild()
        except es_alerts.client_errors() as exc:
            raise SearchBackendUnavailable(f"Elasticsearch could not rebuild the alert percolator: {exc}") from exc
    return written


def profile_ids_for_skill(skill) -> list[int]:
    """Profiles holding ``skill`` or one of its sub-skills: their documents name it."""
    from suppliers.models import Skill, SupplierProfile

    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Skill.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    subtree, frontier = {skill.pk}, [skill.pk]
    while frontier:
        frontier = [child for pk in frontier for child in children.get(pk, []) if child not in subtree]
        subtree.update(frontier)
    return list(SupplierProfile.objects.filter(skills__in=subtree).values_list("pk", flat=True).distinct())
