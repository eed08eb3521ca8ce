"""Read queries behind the public directory, the cluster pages and the staff verification queue.

Listing pages must cost the same number of queries whatever the number of results: every
function returning several profiles applies :func:`with_card_data`, which joins the organisation
and prefetches sites (with their commune), skills and certifications in one query each.
Visibility rules for the public (published profiles only) are applied here, not in templates.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from marketplace.accounts.models import Membership, Organisation
from marketplace.geo.models import Region

from .models import (
    ClusterMembership,
    ClusterProfile,
    ProductionSite,
    Sector,
    Skill,
    SupplierCertification,
    SupplierProfile,
    VerificationDecision,
)

DIRECTORY_PAGE_SIZE = 24
CARD_TOP_SKILLS = 3
RECENTLY_VERIFIED_COUNT = 8
ORGANISATION_SEARCH_LIMIT = 20

PUBLISHED = SupplierProfile.Status.PUBLISHED
ACTIVE = ClusterMembership.Status.ACTIVE


# --- Supplier profiles ---------------------------------------------------------------------------


def with_card_data(queryset: QuerySet[SupplierProfile]) -> QuerySet[SupplierProfile]:
    """What a directory card shows, in a fixed number of queries (1 + 3 prefetches)."""
    return queryset.select_related("organisation").prefetch_related(
        Prefetch("sites", queryset=ProductionSite.objects.select_related("commune")),
        Prefetch("skills", queryset=Skill.objects.order_by("position", "name")),
        Prefetch(
            "certifications",
            queryset=SupplierCertification.objects.select_related("certification_type"),
        ),
    )


def published_profiles() -> QuerySet[SupplierProfile]:
    return SupplierProfile.objects.published().order_by("organisation__name", "pk")


def profiles_in_sector(sector: Sector) -> QuerySet[SupplierProfile]:
    return with_card_data(published_profiles().filter(sectors=sector))


def profiles_in_region(region: Region) -> QuerySet[SupplierProfile]:
    # A supplier belongs to every région where it has a production site; a subquery keeps one
    # row per profile without DISTINCT over the whole row.
    site_profiles = ProductionSite.objects.filter(commune__region=region).values("profile_id")
    return with_card_data(published_profiles().filter(pk__in=site_profiles))


def recently_verified_profiles(limit: int = RECENTLY_VERIFIED_COUNT) -> list[SupplierProfile]:
    queryset = SupplierProfile.objects.published().verified().order_by("-verified_at", "pk")
    return list(with_card_data(queryset)[:limit])


@dataclass
class RegionCount:
    region: Region
    count: int


def sectors_with_counts() -> list[Sector]:
    """Every filière, annotated with ``supplier_count`` (published profiles serving it)."""
    return list(
        Sector.objects.annotate(
            supplier_count=Count("profiles", filter=Q(profiles__status=PUBLISHED), distinct=True)
        ).order_by("position", "name")
    )


def regions_with_counts() -> list[RegionCount]:
    """Every région with the number of published suppliers having at least one site there."""
    counts = dict(
        ProductionSite.objects.filter(profile__status=PUBLISHED)
        .values_list("commune__region_id")
        .annotate(n=Count("profile_id", distinct=True))
        .values_list("commune__region_id", "n")
    )
    return [RegionCount(region, counts.get(region.code, 0)) for region in Region.objects.order_by("name")]


def profile_for_page(slug: str) -> SupplierProfile | None:
    """The profile with everything its public page shows, whatever its status (the view decides)."""
    return (
        SupplierProfile.objects.filter(slug=slug)
        .select_related("organisation__commune", "organisation__naf_code")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.select_related("parent").order_by("position", "name")),
            "materials",
            "sectors",
            Prefetch(
                "certifications",
                queryset=SupplierCertification.objects.select_related("certification_type"),
            ),
            "equipment",
            Prefetch("sites", queryset=ProductionSite.objects.select_related("commune__departement")),
            "references",
            "photos",
        )
        .first()
    )


@dataclass
class SkillGroup:
    """Skills shown under one heading: the parent skill (or a top-level skill itself)."""

    heading: Skill
    skills: list[Skill] = field(default_factory=list)


def group_skills(skills) -> list[SkillGroup]:
    """Group a profile's skills under their parent, in taxonomy order; needs ``parent`` joined."""
    groups: OrderedDict[int, SkillGroup] = OrderedDict()
    for skill in skills:
        heading = skill.parent if skill.parent_id else skill
        group = groups.setdefault(heading.pk, SkillGroup(heading=heading))
        if skill.pk != heading.pk:
            group.skills.append(skill)
    return list(groups.values())


def active_cluster_memberships(organisation: Organisation) -> list[ClusterMembership]:
    """The clusters a supplier organisation currently belongs to, with their public profile."""
    return list(
        ClusterMembership.objects.filter(supplier=organisation, status=ACTIVE)
        .select_related("cluster__cluster_profile")
        .order_by("cluster__name")
    )


def verification_queue(status: str = SupplierProfile.Verification.PENDING) -> QuerySet[SupplierProfile]:
    """Profiles in one verification state, with the organisation data staff check."""
    return (
        SupplierProfile.objects.filter(verification_status=status)
        .select_related("organisation__naf_code", "organisation__commune")
        .prefetch_related(
            Prefetch(
                "verification_decisions",
                queryset=VerificationDecision.objects.select_related("decided_by"),
            )
        )
        .order_by("updated_at", "pk")
    )


# --- Clusters ------------------------------------------------------------------------------------


def cluster_directory(region: Region | None = None, sector: Sector | None = None) -> QuerySet[ClusterProfile]:
    """Cluster profiles, optionally in one région / serving one filière, with ``member_count``."""
    queryset = ClusterProfile.objects.select_related("organisation", "region").prefetch_related("sectors")
    if region is not None:
        queryset = queryset.filter(region=region)
    if sector is not None:
        # A subquery rather than a join, so the member count below is not multiplied by sectors.
        queryset = queryset.filter(pk__in=ClusterProfile.objects.filter(sectors=sector).values("pk"))
    return queryset.annotate(
        member_count=Count(
            "organisation__cluster_members",
            filter=Q(organisation__cluster_members__status=ACTIVE),
            distinct=True,
        )
    ).order_by("organisation__name")


def cluster_for_page(slug: str) -> ClusterProfile | None:
    return (
        ClusterProfile.objects.filter(slug=slug)
        .select_related("organisation", "region")
        .prefetch_related("sectors")
        .first()
    )


def cluster_member_count(cluster: Organisation) -> int:
    """Every active member, listed publicly or not."""
    return ClusterMembership.objects.filter(cluster=cluster, status=ACTIVE).count()


def cluster_member_profiles(cluster: Organisation) -> QuerySet[SupplierProfile]:
    """The published profiles of a cluster's active members (drafts are counted, not listed)."""
    members = ClusterMembership.objects.filter(cluster=cluster, status=ACTIVE).values("supplier_id")
    return with_card_data(published_profiles().filter(organisation_id__in=members))


def cluster_memberships(cluster: Organisation) -> QuerySet[ClusterMembership]:
    """Every membership of a cluster (all states), for its managers."""
    return (
        ClusterMembership.objects.filter(cluster=cluster)
        .select_related("supplier__commune", "supplier__supplier_profile", "decided_by")
        .order_by("-created_at", "-pk")
    )


def supplier_memberships(supplier: Organisation) -> QuerySet[ClusterMembership]:
    """Every membership of a supplier organisation (all states), for its managers."""
    return (
        ClusterMembership.objects.filter(supplier=supplier)
        .select_related("cluster__cluster_profile", "decided_by")
        .order_by("-created_at", "-pk")
    )


def search_supplier_organisations(query: str, *, exclude_cluster: Organisation | None = None) -> list[Organisation]:
    """Supplier organisations whose name contains ``query`` or whose SIREN/SIRET starts with it."""
    query = (query or "").strip()[:100]
    if len(query) < 2:
        return []
    digits = query.replace(" ", "")
    condition = Q(name__icontains=query)
    if digits.isdigit():
        condition |= Q(siren__startswith=digits[:9]) | Q(siret__startswith=digits[:14])
    queryset = Organisation.objects.filter(condition, is_supplier=True).select_related("commune")
    if exclude_cluster is not None:
        queryset = queryset.exclude(pk=exclude_cluster.pk)
    return list(queryset.order_by("name")[:ORGANISATION_SEARCH_LIMIT])


def manager_emails(organisation: Organisation) -> list[str]:
    """Addresses of the owners and administrators of an organisation (who may act on its behalf)."""
    return list(
        Membership.objects.filter(
            organisation=organisation, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
        ).values_list("user__email", flat=True)
    )


def owner_emails(organisation: Organisation) -> list[str]:
    return list(
        Membership.objects.filter(organisation=organisation, role=Membership.Role.OWNER).values_list(
            "user__email", flat=True
        )
    )
