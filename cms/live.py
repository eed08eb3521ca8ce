"""Live marketplace data shown on editorial pages, read at render time and never copied into pages.

Every function returns plain data (lists of dicts, counts) so results can be cached briefly under
the sector's data version (see :mod:`cms.cache`): a supplier that is published, verified, moved
or removed shows up or disappears on the next render after the signal bumps the version.

Only published suppliers are shown, and the "top suppliers" of a sector are the verified ones.
"""
from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import NoReverseMatch
from django.utils.translation import get_language

from suppliers.models import ClusterMembership, ClusterProfile, ProductionSite, SupplierProfile

from .cache import LIVE_CACHE_SECONDS, data_version, sector_version

logger = logging.getLogger("marketplace")

MAX_MAP_POINTS = 300


def _cached(key: str, build):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, LIVE_CACHE_SECONDS)
    return value


def _language() -> str:
    return (get_language() or "fr")[:2]


def supplier_url(profile: SupplierProfile) -> str:
    """The public profile page, or "" while the suppliers app has no such route."""
    try:
        return profile.get_absolute_url()
    except NoReverseMatch:
        return ""


def _supplier_rows(queryset, limit: int) -> list[dict]:
    profiles = queryset.select_related("organisation").prefetch_related("sites__commune")[:limit]
    rows = []
    for profile in profiles:
        sites = list(profile.sites.all())
        rows.append(
            {
                "id": profile.pk,
                "name": profile.organisation.name,
                "tagline": profile.tagline,
                "url": supplier_url(profile),
                "verified": profile.is_verified,
                "commune": sites[0].commune.name if sites else "",
            }
        )
    return rows


def published_suppliers():
    return SupplierProfile.objects.published()


def sector_top_suppliers(sector_id: int, region_code: str | None = None, limit: int = 8) -> list[dict]:
    """The verified, published suppliers of a sector (optionally with a site in one région)."""
    key = f"cms:live:{sector_version(sector_id)}:top:{sector_id}:{region_code or '-'}:{limit}:{_language()}"

    def build():
        queryset = published_suppliers().verified().filter(sectors=sector_id)
        if region_code:
            queryset = queryset.filter(sites__commune__region_id=region_code)
        # Most complete profiles first: they make the best first impression of a filière.
        return _supplier_rows(queryset.distinct().order_by("-completeness", "organisation__name"), limit)

    return _cached(key, build)


def sector_key_figures(sector_id: int) -> dict:
    """Counts of published suppliers, verified ones and clusters in a sector."""
    key = f"cms:live:{sector_version(sector_id)}:figures:{sector_id}"

    def build():
        suppliers = published_suppliers().filter(sectors=sector_id)
        return {
            "suppliers": suppliers.count(),
            "verified": suppliers.verified().count(),
            "clusters": ClusterProfile.objects.filter(sectors=sector_id).count(),
        }

    return _cached(key, build)


def sector_map_points(sector_id: int, region_code: str | None = None) -> list[dict]:
    """Production sites of the sector's published, verified suppliers (those the page lists), as
    map markers."""
    key = f"cms:live:{sector_version(sector_id)}:map:{sector_id}:{region_code or '-'}:{_language()}"

    def build():
        sites = ProductionSite.objects.filter(
            profile__status=SupplierProfile.Status.PUBLISHED,
            profile__verification_status=SupplierProfile.Verification.VERIFIED,
            profile__sectors=sector_id,
        )
        if region_code:
            sites = sites.filter(commune__region_id=region_code)
        sites = sites.select_related("profile__organisation", "commune").distinct().order_by("profile_id", "pk")
        return [
            {
                "lat": round(site.latitude, 5),
                "lng": round(site.longitude, 5),
                "name": site.profile.organisation.name,
                "commune": site.commune.name,
                "url": supplier_url(site.profile),
            }
            for site in sites[:MAX_MAP_POINTS]
        ]

    return _cached(key, build)


def supplier_list(
    *, sector_id=None, skill_id=None, region_code=None, supplier_ids=None, verified_only=False, limit=8
) -> list[dict]:
    """Suppliers for a "supplier list" block: hand-picked ids, or a sector / skill / région query."""
    ids_part = ",".join(str(pk) for pk in supplier_ids or [])
    key = (
        f"cms:live:{sector_version(sector_id)}:{data_version()}:list:{sector_id}:{skill_id}:{region_code}:"
        f"{ids_part}:{int(verified_only)}:{limit}:{_language()}"
    )

    def build():
        queryset = published_suppliers()
        if supplier_ids:
            queryset = queryset.filter(pk__in=supplier_ids)
            rows = {row["id"]: row for row in _supplier_rows(queryset, len(supplier_ids))}
            return [rows[pk] for pk in supplier_ids if pk in rows]  # the editor's order
        if sector_id:
            queryset = queryset.filter(sectors=sector_id)
        if skill_id:
            queryset = queryset.filter(Q(skills=skill_id) | Q(skills__parent=skill_id))
        if region_code:
            queryset = queryset.filter(sites__commune__region_id=region_code)
        if verified_only:
            queryset = queryset.verified()
        return _supplier_rows(queryset.distinct().order_by("-completeness", "organisation__name"), limit)

    return _cached(key, build)


def cluster_members(cluster_profile: ClusterProfile, limit: int = 50) -> dict:
    """Active members of a cluster: their count, and the published supplier profiles among them."""
    key = f"cms:live:{data_version()}:cluster:{cluster_profile.pk}:{limit}:{_language()}"

    def build():
        member_ids = ClusterMembership.objects.filter(
            cluster_id=cluster_profile.organisation_id, status=ClusterMembership.Status.ACTIVE
        ).values_list("supplier_id", flat=True)
        queryset = published_suppliers().filter(organisation_id__in=member_ids).order_by("organisation__name")
        return {"count": len(member_ids), "suppliers": _supplier_rows(queryset, limit)}

    return _cached(key, build)


def cluster_member_counts(organisation_ids) -> dict[int, int]:
    rows = (
        ClusterMembership.objects.filter(cluster_id__in=organisation_ids, status=ClusterMembership.Status.ACTIVE)
        .values("cluster_id")
        .annotate(n=Count("id"))
    )
    return {row["cluster_id"]: row["n"] for row in rows}


def open_rfqs(sector_id: int | None = None, limit: int = 5) -> list[dict]:
    """Open RFQs anyone may see the summary of (public and confidential, never invitation-only),
    soonest deadline first. Plain dicts: only what a visitor may read, nothing sealed."""
    from rfq.models import RFQ

    queryset = RFQ.objects.public_open().select_related("buyer", "delivery_commune", "sector")
    if sector_id is not None:
        queryset = queryset.for_sector(sector_id)
    rows = []
    for rfq in queryset.order_by("quote_deadline", "pk")[:limit]:
        try:
            url = rfq.get_absolute_url()
        except NoReverseMatch:  # pages render even if the RFQ pages are switched off
            url = ""
        rows.append(
            {
                "title": rfq.title,
                "reference": rfq.reference,
                "summary": rfq.summary,
                "buyer": rfq.buyer.name,
                "commune": rfq.delivery_commune.name if rfq.delivery_commune else "",
                "deadline": rfq.quote_deadline,
                "confidential": rfq.is_confidential,
                "url": url,
            }
        )
    return rows
