"""Receivers of saved-search alerts; connected by :meth:`search.apps.SearchConfig.ready`.

* ``rfq.signals.rfq_published`` (sent after commit) → :func:`search.alerts.alert_suppliers_task`
  is enqueued for the RFQ. Never raises: the RFQ is published whatever happens here.
* With the Elasticsearch percolator (:mod:`search.backends.es_alerts`): a saved search saved →
  re-registered after commit; deleted → removed at once, by id; a supplier profile, its sites or
  its skills/materials/sectors changed → its implicit alert re-registered after commit; a skill or
  a material saved or deleted (names, synonyms, parent: the queries embed them) → every alert
  re-registered after commit by :func:`search.alerts.refresh_alerts_task`, once per transaction.
  On the database backend these do nothing (SQL reads the rows themselves). Raw (fixture) saves
  are skipped.
"""
from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger("marketplace.search")


def rfq_published(sender, rfq, **kwargs):
    from .alerts import alert_suppliers_task

    try:
        alert_suppliers_task.enqueue(rfq.pk)
    except Exception:  # the publication is committed: log, never raise into the sender
        logger.exception("Could not enqueue the alerts of RFQ %s", rfq.pk)


def _register_later(saved_ids=(), organisation_ids=()):
    from .alerts import register_alerts_task
    from .backends import es_alerts

    if not es_alerts.enabled():
        return
    saved_ids, organisation_ids = list(saved_ids), list(organisation_ids)

    def enqueue():
        try:
            register_alerts_task.enqueue(saved_ids, organisation_ids)
        except Exception:
            logger.exception("Could not enqueue alert registration %s %s", saved_ids, organisation_ids)

    transaction.on_commit(enqueue)


def saved_search_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _register_later(saved_ids=[instance.pk])


def saved_search_deleted(sender, instance, **kwargs):
    from .backends import es_alerts

    es_alerts.remove_saved_searches([instance.pk])


def profile_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _register_later(organisation_ids=[instance.organisation_id])


def site_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from suppliers.models import SupplierProfile

        _register_later(organisation_ids=SupplierProfile.objects.filter(pk=instance.profile_id).values_list("organisation_id", flat=True))


def profile_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from suppliers.models import SupplierProfile

    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        _register_later(organisation_ids=[instance.organisation_id])
    elif pk_set:
        _register_later(organisation_ids=SupplierProfile.objects.filter(pk__in=pk_set).values_list("organisation_id", flat=True))


def taxonomy_changed(sender, instance, raw=False, **kwargs):
    from .backends import es_alerts

    if raw or not es_alerts.enabled():
        return
    # One refresh per transaction, however many skills it saves (reference data loads hundreds).
    pending = transaction.get_connection().run_on_commit
    if any(callback is _refresh_alerts for _savepoints, callback, _robust in pending):
        return
    transaction.on_commit(_refresh_alerts)


def _refresh_alerts():
    from .alerts import refresh_alerts_task

    try:
        refresh_alerts_task.enqueue()
    except Exception:
        logger.exception("Could not enqueue the re-registration of the alerts")


def connect() -> None:
    from rfq.signals import rfq_published as published_signal
    from suppliers.models import Material, ProductionSite, Skill, SupplierProfile

    from .models import SavedSearch

    published_signal.connect(rfq_published, dispatch_uid="search.alerts.rfq_published")
    post_save.connect(saved_search_saved, sender=SavedSearch, dispatch_uid="search.alerts.saved_saved")
    post_delete.connect(saved_search_deleted, sender=SavedSearch, dispatch_uid="search.alerts.saved_deleted")
    post_save.connect(profile_changed, sender=SupplierProfile, dispatch_uid="search.alerts.profile_saved")
    post_delete.connect(profile_changed, sender=SupplierProfile, dispatch_uid="search.alerts.profile_deleted")
    post_save.connect(site_changed, sender=ProductionSite, dispatch_uid="search.alerts.site_saved")
    post_delete.connect(site_changed, sender=ProductionSite, dispatch_uid="search.alerts.site_deleted")
    for model in (Skill, Material):
        post_save.connect(taxonomy_changed, sender=model, dispatch_uid=f"search.alerts.{model.__name__}_saved")
        post_delete.connect(taxonomy_changed, sender=model, dispatch_uid=f"search.alerts.{model.__name__}_deleted")
    for relation in (SupplierProfile.skills, SupplierProfile.materials, SupplierProfile.sectors):
        m2m_changed.connect(profile_relations_changed, sender=relation.through,
                            dispatch_uid=f"search.alerts.{relation.field.name}_changed")
