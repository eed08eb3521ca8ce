"""Receivers that keep the supplier search index in step with the models it is built from.

Connected by :meth:`search.apps.SearchConfig.ready`. The contract of each receiver:

* a published ``SupplierProfile`` saved, or one of its sites, certifications, skills, materials
  or sectors changed (``m2m_changed`` included), or its organisation renamed → the profile is
  indexed by the ``index_suppliers`` task, enqueued after commit;
* a profile saved as not published, or deleted → removed from every index at once, by id;
* a ``Skill`` renamed, re-parented or given new synonyms → every profile holding it or one of
  its sub-skills is re-indexed, and the synonym thesaurus is refreshed; likewise materials
  (thesaurus + holders), sectors and certification types (holders);
* ``raw`` saves (fixtures, ``loaddata``) are skipped: ``manage.py search_rebuild`` indexes them.
"""
from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from . import sync
from .synonyms import forget_thesaurus


def profile_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.is_published:
        sync.schedule_index([instance.pk])
    else:
        sync.remove_profiles([instance.pk])


def profile_deleted(sender, instance, **kwargs):
    sync.remove_profiles([instance.pk])


def profile_part_changed(sender, instance, raw=False, **kwargs):
    """A site or certification was saved or deleted."""
    if not raw:
        sync.schedule_index([instance.profile_id])


def profile_relations_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """skills / materials / sectors of profiles changed, from either side of the relation."""
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if not reverse:
        sync.schedule_index([instance.pk])
    elif action == "pre_clear":
        sync.schedule_index(instance.profiles.values_list("pk", flat=True))
    else:
        sync.schedule_index(pk_set or [])


def skill_saved(sender, instance, raw=False, **kwargs):
    forget_thesaurus()
    if not raw:
        sync.schedule_index(sync.profile_ids_for_skill(instance))


def skill_deleting(sender, instance, **kwargs):
    # The profile ↔ skill rows disappear without m2m_changed: collect the holders first.
    forget_thesaurus()
    sync.schedule_index(sync.profile_ids_for_skill(instance))


def material_changed(sender, instance, raw=False, **kwargs):
    forget_thesaurus()
    if not raw:
        sync.schedule_index(instance.profiles.values_list("pk", flat=True))


def sector_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        sync.schedule_index(instance.profiles.values_list("pk", flat=True))


def certification_type_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync.schedule_index(instance.holders.values_list("profile_id", flat=True))


def organisation_saved(sender, instance, raw=False, **kwargs):
    if raw or not instance.is_supplier:
        return
    from suppliers.models import SupplierProfile

    sync.schedule_index(SupplierProfile.objects.filter(organisation=instance).values_list("pk", flat=True))


def connect() -> None:
    from marketplace.accounts.models import Organisation
    from suppliers.models import (
        CertificationType,
        Material,
        ProductionSite,
        Sector,
        Skill,
        SupplierCertification,
        SupplierProfile,
    )

    post_save.connect(profile_saved, sender=SupplierProfile, dispatch_uid="search_profile_saved")
    post_delete.connect(profile_deleted, sender=SupplierProfile, dispatch_uid="search_profile_deleted")
    for model in (ProductionSite, SupplierCertification):
        post_save.connect(profile_part_changed, sender=model, dispatch_uid=f"search_{model.__name__}_saved")
        post_delete.connect(profile_part_changed, sender=model, dispatch_uid=f"search_{model.__name__}_deleted")
    for relation in (SupplierProfile.skills, SupplierProfile.materials, SupplierProfile.sectors):
        m2m_changed.connect(
            profile_relations_changed, sender=relation.through, dispatch_uid=f"search_{relation.field.name}_changed"
        )
    post_save.connect(skill_saved, sender=Skill, dispatch_uid="search_skill_saved")
    pre_delete.connect(skill_deleting, sender=Skill, dispatch_uid="search_skill_deleting")
    post_save.connect(material_changed, sender=Material, dispatch_uid="search_material_saved")
    pre_delete.connect(material_changed, sender=Material, dispatch_uid="search_material_deleting")
    post_save.connect(sector_changed, sender=Sector, dispatch_uid="search_sector_saved")
    pre_delete.connect(sector_changed, sender=Sector, dispatch_uid="search_sector_deleting")
    post_save.connect(certification_type_saved, sender=CertificationType, dispatch_uid="search_certification_type_saved")
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid="search_organisation_saved")
