"""RFQ ↔ supplier matching: which suppliers fit an RFQ, and which open RFQs fit a supplier.

:func:`match_suppliers` turns an RFQ into :class:`search.query.SupplierQuery` objects and asks the
configured search backend through :func:`search.backends.search_suppliers`, so it works on every
backend and falls back to the database like any search. It tries a ladder of queries, strictest
first, and fills the list from each rung in turn (a supplier appears once, at its best rung):

1. the RFQ's text (title, summary, and the description unless the RFQ is confidential) with
   every taxonomy filter (skills incl. sub-skills, materials, required certifications, sector)
   within ``MATCH_RADIUS_KM`` of the delivery commune;
2. the same without the text (every word of a long RFQ text rarely appears in one profile);
3. the skills alone (or the materials when the RFQ names no skill) within the radius;
4. the same anywhere in France.

When the RFQ carries no skill or material, those named in its text (through the taxonomy
thesaurus, :mod:`search.synonyms`) stand in for them. Results are sorted by relevance, which
already includes a gentle proximity term (see docs/SEARCH.md). The buyer's own organisation is
never proposed.

:func:`match_rfqs_for_supplier` goes the other way in SQL (candidates sharing a skill branch, a
material, or a sector with the profile) and ranks in Python with :func:`rfq_overlap_score`.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from marketplace.geo.services import haversine_km

from .query import MAX_PAGE_SIZE, GeoPoint, SearchQueryError, SupplierQuery

logger = logging.getLogger("marketplace.search")

MATCH_RADIUS_KM = 300.0
# Overlap weights of match_rfqs_for_supplier (an RFQ fits a supplier).
RFQ_WEIGHT_SKILL = 4.0
RFQ_WEIGHT_MATERIAL = 2.0
RFQ_WEIGHT_CERTIFICATION = 1.5
RFQ_WEIGHT_SECTOR = 1.0
RFQ_WEIGHT_PROXIMITY = 3.0
PROXIMITY_SCALE_KM = 100.0


@dataclass(frozen=True)
class SupplierMatch:
    """One supplier proposed for an RFQ, best first; ``why`` is a short « décolletage · inox 316L · ISO 13485 · 34 km »."""

    organisation_id: int
    profile_id: int
    name: str
    slug: str
    score: float
    distance_km: float | None
    why: str


# --- helpers shared with search.alerts -------------------------------------------------------


class SkillBranches:
    """The skills tree in memory: ancestors and descendants of a skill without a query per level."""

    def __init__(self):
        from suppliers.models import Skill

        self.parent = dict(Skill.objects.values_list("pk", "parent_id"))
        self.children: dict[int, list[int]] = {}
        for pk, parent_id in self.parent.items():
            if parent_id:
                self.children.setdefault(parent_id, []).append(pk)

    def ancestors(self, skill_id: int) -> set[int]:
        found, current = set(), self.parent.get(skill_id)
        while current and current not in found:
            found.add(current)
            current = self.parent.get(current)
        return found

    def descendants(self, skill_id: int) -> set[int]:
        found, stack = set(), list(self.children.get(skill_id, []))
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self.children.get(pk, []))
        return found

    def with_descendants(self, skill_ids) -> set[int]:
        return {pk for skill_id in skill_ids for pk in ({skill_id} | self.descendants(skill_id))}

    def branch(self, skill_ids) -> set[int]:
        """The skills themselves, their ancestors and their descendants: everything on their branches."""
        return {pk for skill_id in skill_ids for pk in ({skill_id} | self.ancestors(skill_id) | self.descendants(skill_id))}


def rfq_text(rfq) -> str:
    """The RFQ text matching may read: title and summary, plus the description unless the RFQ is
    confidential (its details are for suppliers who accepted the NDA, so they must not steer who
    hears about it either)."""
    from .text import plain_text

    parts = [rfq.title, rfq.summary]
    if not rfq.is_confidential:
        parts.append(plain_text(rfq.description))
    return "\n".join(part for part in parts if part)


def rfq_point(rfq) -> GeoPoint | None:
    commune = rfq.delivery_commune
    if commune is None or commune.latitude is None or commune.longitude is None:
        return None
    return GeoPoint(commune.latitude, commune.longitude, commune.name)


def format_km(distance_km: float) -> str:
    return f"{distance_km:.0f} km" if distance_km >= 10 else f"{distance_km:.1f} km"


# --- RFQ → suppliers -------------------------------------------------------------------------


def match_suppliers(rfq, *, limit=50) -> list[SupplierMatch]:
    """Suppliers that fit ``rfq``, best first, never the buyer's own organisation.

    A strict query (text + taxonomy) is tried first; if it finds fewer than ``limit``, the text
    is dropped and the taxonomy kept (then narrowed to skills, then the radius dropped), so a
    buyer always gets candidates when any exist.
    """
    from suppliers.models import SupplierProfile

    from .backends import search_suppliers

    if limit <= 0:
        return []
    hits, seen = [], set()
    for query in _query_ladder(rfq):
        for hit in _search_hits(search_suppliers, query, limit + 1):
            if hit.id not in seen:
                seen.add(hit.id)
                hits.append(hit)
        if len(hits) > limit:
            break

    profiles = {
        profile.pk: profile
        for profile in SupplierProfile.objects.filter(pk__in=[hit.id for hit in hits])
        .select_related("organisation")
        .prefetch_related("skills", "materials", "certifications__certification_type")
    }
    wanted = _RFQWants(rfq)
    matches = []
    for hit in hits:
        profile = profiles.get(hit.id)
        if profile is None or profile.organisation_id == rfq.buyer_id:
            continue
        matches.append(
            SupplierMatch(
                organisation_id=profile.organisation_id,
                profile_id=profile.pk,
                name=hit.name,
                slug=hit.slug,
                score=hit.score,
                distance_km=hit.distance_km,
                why=wanted.why(profile, hit.distance_km) or hit.why,
            )
        )
        if len(matches) >= limit:
            break
    return matches


def _search_hits(search_suppliers, query: SupplierQuery, wanted: int) -> list:
    """Up to ``wanted`` hits of ``query``, paging through the backend's page-size limit."""
    hits, page = [], 1
    while len(hits) < wanted:
        paged = SupplierQuery(**{**_fields(query), "page": page, "page_size": MAX_PAGE_SIZE if wanted > MAX_PAGE_SIZE else wanted})
        result = search_suppliers(paged)
        hits.extend(result.hits)
        if not result.hits or len(hits) >= result.total:
            break
        page += 1
    return hits[:wanted]


def _fields(query: SupplierQuery) -> dict:
    from dataclasses import fields

    return {f.name: getattr(query, f.name) for f in fields(query)}


def _query_ladder(rfq) -> list[SupplierQuery]:
    from .query import MAX_TEXT_LENGTH
    from .synonyms import expand

    text = rfq_text(rfq)
    skills = list(rfq.skills.values_list("slug", flat=True))
    materials = list(rfq.materials.values_list("slug", flat=True))
    if not skills and not materials:
        # The text's taxonomy terms stand in for missing tags (« décolletage inox » → skill + material).
        concepts = expand(text[:MAX_TEXT_LENGTH * 4])
        skills = sorted({slug for concept in concepts for slug in concept.skills})
        materials = sorted({slug for concept in concepts for slug in concept.materials})
    certifications = list(rfq.required_certifications.values_list("slug", flat=True))
    sectors = [rfq.sector.slug] if rfq.sector_id else []
    point = rfq_point(rfq)
    radius = MATCH_RADIUS_KM if point else None
    # The text is cut at a word boundary to what a query accepts; the remainder rarely matters.
    short_text = text[:MAX_TEXT_LENGTH].rsplit(" ", 1)[0] if len(text) > MAX_TEXT_LENGTH else text
    core = {"skills": tuple(skills)} if skills else {"materials": tuple(materials)}

    rungs = [
        dict(text=short_text, skills=tuple(skills), materials=tuple(materials), certifications=tuple(certifications),
             sectors=tuple(sectors), radius_km=radius),
        dict(skills=tuple(skills), materials=tuple(materials), certifications=tuple(certifications),
             sectors=tuple(sectors), radius_km=radius),
        dict(**core, radius_km=radius),
        dict(**core),
    ]
    queries, seen = [], set()
    for rung in rungs:
        key = tuple(sorted((k, v) for k, v in rung.items()))
        if key in seen:
            continue
        seen.add(key)
        try:
            queries.append(SupplierQuery(location=point, sort="relevance", facets=False, **rung))
        except SearchQueryError as exc:  # only on data a query refuses; skip that rung
            logger.warning("RFQ %s: matching query skipped (%s)", rfq.pk, exc.message)
    return queries


class _RFQWants:
    """What an RFQ asks for, to say why a supplier fits: matched skills (sub-skills included),
    materials, required certifications held (valid), and the distance."""

    def __init__(self, rfq):
        self.branches = SkillBranches()
        self.skill_ids = {s.pk for s in rfq.skills.all()}
        self.wanted_skills = self.branches.with_descendants(self.skill_ids)
        self.material_ids = set(rfq.materials.values_list("pk", flat=True))
        self.certification_ids = set(rfq.required_certifications.values_list("pk", flat=True))

    def why(self, profile, distance_km: float | None) -> str:
        today = timezone.localdate()
        parts = [skill.label for skill in profile.skills.all() if skill.pk in self.wanted_skills]
        parts += [material.label for material in profile.materials.all() if material.pk in self.material_ids]
        parts += [
            held.certification_type.code
            for held in profile.certifications.all()
            if held.certification_type_id in self.certification_ids and (held.valid_until is None or held.valid_until >= today)
        ]
        if not parts:
            return ""
        if distance_km is not None:
            parts.append(format_km(distance_km))
        return " · ".join(parts)


# --- supplier → RFQs -------------------------------------------------------------------------


def match_rfqs_for_supplier(organisation, *, limit=50) -> list:
    """Open RFQs the supplier ``organisation`` may see (public, confidential, or invited to),
    ranked by overlap with its profile (skills incl. sub-skills, materials, certifications,
    sector) and by distance from its sites to the delivery commune.

    Candidates share a skill branch, a material or a sector with the profile, or invite the
    supplier (an invitation always counts). Without a published profile, only invitations.
    """
    from rfq.models import RFQ, RFQInvitation
    from suppliers.models import SupplierProfile

    if organisation is None or limit <= 0:
        return []
    profile = (
        SupplierProfile.objects.published()
        .filter(organisation=organisation)
        .prefetch_related("skills", "materials", "sectors", "sites", "certifications")
        .first()
    )
    invited_ids = set(
        RFQInvitation.objects.filter(supplier=organisation).values_list("rfq_id", flat=True)
    )
    visible = RFQ.objects.open().exclude(buyer=organisation).filter(
        Q(visibility__in=[RFQ.Visibility.PUBLIC, RFQ.Visibility.CONFIDENTIAL]) | Q(pk__in=invited_ids)
    )
    relevant = Q(pk__in=invited_ids)
    criteria = ProfileCriteria.for_profile(profile) if profile else None
    if criteria:
        relevant |= Q(skills__in=criteria.skill_branch) | Q(materials__in=criteria.material_ids)
        relevant |= Q(sector_id__in=criteria.sector_ids)
    candidates = list(
        visible.filter(relevant)
        .distinct()
        .select_related("delivery_commune", "sector")
        .prefetch_related("skills", "materials", "required_certifications")
    )
    ranked = sorted(
        candidates,
        key=lambda rfq: (
            -(rfq_overlap_score(criteria, rfq) if criteria else 0.0) - (RFQ_WEIGHT_SKILL if rfq.pk in invited_ids else 0.0),
            rfq.quote_deadline,
            rfq.pk,
        ),
    )
    return ranked[:limit]


@dataclass(frozen=True)
class ProfileCriteria:
    """A supplier profile read as search criteria: what it holds, and where its sites are."""

    organisation_id: int
    skill_ids: frozenset[int]
    skill_branch: frozenset[int]  # held skills, their ancestors and descendants
    material_ids: frozenset[int]
    sector_ids: frozenset[int]
    certification_ids: frozenset[int]  # valid ones
    points: tuple[tuple[float, float], ...]

    @classmethod
    def for_profile(cls, profile, branches: SkillBranches | None = None) -> "ProfileCriteria":
        branches = branches or SkillBranches()
        today = timezone.localdate()
        skill_ids = {s.pk for s in profile.skills.all()}
        points = tuple((site.latitude, site.longitude) for site in profile.sites.all())
        if not points and profile.organisation.commune_id:
            commune = profile.organisation.commune
            points = ((commune.latitude, commune.longitude),)
        return cls(
            organisation_id=profile.organisation_id,
            skill_ids=frozenset(skill_ids),
            skill_branch=frozenset(branches.branch(skill_ids)),
            material_ids=frozenset(m.pk for m in profile.materials.all()),
            sector_ids=frozenset(s.pk for s in profile.sectors.all()),
            certification_ids=frozenset(
                c.certification_type_id for c in profile.certifications.all() if c.valid_until is None or c.valid_until >= today
            ),
            points=points,
        )

    def distance_km(self, rfq) -> float | None:
        point = rfq_point(rfq)
        if point is None or not self.points:
            return None
        return min(haversine_km(point.latitude, point.longitude, lat, lng) for lat, lng in self.points)


def rfq_overlap_score(criteria: ProfileCriteria, rfq) -> float:
    """How well ``rfq`` fits a supplier: shares of its skills (on the supplier's branches),
    materials and required certifications the supplier covers, its sector, and proximity."""
    skills = {s.pk for s in rfq.skills.all()}
    materials = {m.pk for m in rfq.materials.all()}
    certifications = {c.pk for c in rfq.required_certifications.all()}
    score = 0.0
    if skills:
        score += RFQ_WEIGHT_SKILL * len(skills & criteria.skill_branch) / len(skills)
    if materials:
        score += RFQ_WEIGHT_MATERIAL * len(materials & criteria.material_ids) / len(materials)
    if certifications:
        score += RFQ_WEIGHT_CERTIFICATION * len(certifications & criteria.certification_ids) / len(certifications)
    if rfq.sector_id and rfq.sector_id in criteria.sector_ids:
        score += RFQ_WEIGHT_SECTOR
    distance = criteria.distance_km(rfq)
    if distance is not None:
        score += RFQ_WEIGHT_PROXIMITY * math.exp(-distance / PROXIMITY_SCALE_KM)
    return round(score, 4)
