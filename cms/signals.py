"""Cache invalidation of the editorial site (see :mod:`cms.cache`).

Receivers only:

* Wagtail's ``page_published`` / ``page_unpublished`` / ``page_slug_changed``, ``post_page_move``
  and page deletion, and any change of a page view restriction, bump the pages version: the
  next anonymous visitor of any page gets a fresh render.
* any write to a model of the ``suppliers`` app, or to an organisation or a membership, bumps the
  directory version (cached supplier profile pages).
* ``post_save`` / ``post_delete`` of ``SupplierProfile``, ``ProductionSite``, ``ClusterProfile``,
  ``ClusterMembership`` and ``Sector``, and changes of a profile's or cluster's sectors, bump the
  data version of the sectors concerned (live sections and the pages that embed them).

Receivers never raise into the save that triggered them: at worst a cached render lives until its
timeout.
"""
import logging

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from suppliers.models import ClusterMembership, ClusterProfile, ProductionSite, Sector, SupplierProfile

from .cache import bump_data_versions, bump_directory_version, bump_pages_version

logger = logging.getLogger("marketplace")


@receiver(page_published)
@receiver(page_unpublished)
@receiver(page_slug_changed)
@receiver(post_page_move)
def page_tree_changed(sender, **kwargs):
    bump_pages_version()


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        bump_pages_version()


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed(sender, **kwargs):
    # Whole pages are cached for anonymous visitors (cms.page_cache): a new restriction must
    # take effect at once.
    bump_pages_version()


DIRECTORY_MODELS = {"accounts.organisation", "accounts.membership"}


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def directory_data_changed(sender, **kwargs):
    # Supplier profile pages are cached whole for anonymous visitors (cms.page_cache): any change
    # of supplier data (profile, sites, certifications, skills, photos, clusters…) or of an
    # organisation refreshes them all at once. Writes are rare next to reads.
    meta = getattr(sender, "_meta", None)
    if meta is None or not (meta.app_label == "suppliers" or meta.label_lower in DIRECTORY_MODELS):
        return
    try:
        bump_directory_version()
    except Exception:  # a cache outage must not break the save
        logger.exception("cms: could not invalidate the directory pages")


def _sectors_of_organisations(organisation_ids) -> set[int]:
    ids = set(
        SupplierProfile.sectors.through.objects.filter(
            supplierprofile__organisation_id__in=organisation_ids
        ).values_list("sector_id", flat=True)
    )
    ids |= set(
        ClusterProfile.sectors.through.objects.filter(
            clusterprofile__organisation_id__in=organisation_ids
        ).values_list("sector_id", flat=True)
    )
    return ids


def _bump(sector_ids) -> None:
    try:
        bump_data_versions(sector_ids)
    except Exception:  # a cache outage must not break a supplier's save
        logger.exception("cms: could not invalidate live sections")


def _profile_sectors(profile_id) -> set[int]:
    return set(
        SupplierProfile.sectors.through.objects.filter(supplierprofile_id=profile_id).values_list("sector_id", flat=True)
    )


# A deleted row's many-to-many links are gone by post_delete: remember them before.
@receiver(pre_delete, sender=SupplierProfile)
@receiver(pre_delete, sender=ClusterProfile)
def remember_sectors_before_delete(sender, instance, **kwargs):
    instance._cms_sector_ids = set(instance.sectors.values_list("pk", flat=True))


@receiver(post_save, sender=SupplierProfile)
@receiver(post_save, sender=ClusterProfile)
@receiver(post_delete, sender=SupplierProfile)
@receiver(post_delete, sender=ClusterProfile)
def profile_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    ids = getattr(instance, "_cms_sector_ids", None)
    if ids is None:
        ids = set(instance.sectors.values_list("pk", flat=True)) if instance.pk else set()
    _bump(ids)


@receiver(m2m_changed, sender=SupplierProfile.sectors.through)
@receiver(m2m_changed, sender=ClusterProfile.sectors.through)
def profile_sectors_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if reverse:  # sector.profiles.add(...): the instance is the sector
        _bump({instance.pk})
        return
    ids = set(pk_set or ())
    ids |= set(instance.sectors.values_list("pk", flat=True))
    _bump(ids)


@receiver(post_save, sender=ProductionSite)
@receiver(post_delete, sender=ProductionSite)
def site_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _bump(_profile_sectors(instance.profile_id))


@receiver(post_save, sender=ClusterMembership)
@receiver(post_delete, sender=ClusterMembership)
def membership_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _bump(_sectors_of_organisations([instance.cluster_id, instance.supplier_id]))


@receiver(post_save, sender=Sector)
@receiver(post_delete, sender=Sector)
def sector_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _bump({instance.pk})
