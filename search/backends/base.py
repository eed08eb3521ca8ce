"""The one interface every supplier search backend implements, and the result it returns.

A backend stores ``SupplierDocument``s (see :mod:`search.documents`) and answers a
``SupplierQuery`` (see :mod:`search.query`). Its contract, checked for every backend by
``tests/search/test_contract.py``:

* ``index(documents)`` adds or replaces documents; ``delete(ids)`` removes them at once (unknown
  ids are ignored). Neither is called with unpublished profiles: :mod:`search.sync` decides.
* ``search(query)``: an empty text means "no text condition", so an empty query with filters
  lists every matching supplier and an empty query without filters lists them all. Query text
  is plain words: quotes, ``*``, ``:``, parentheses, ``-``, ``OR``, ``NEAR`` have no meaning.
  Accents and French plurals do not matter; taxonomy synonyms are expanded
  (:mod:`search.synonyms`). Filters are OR-ed within a facet, AND-ed across facets; a skill
  filter includes sub-skills. With a location and radius, a supplier matches on its nearest site
  and the boundary is inclusive, decided by :func:`marketplace.geo.services.haversine_km`.
  Facet counts are computed over the matching suppliers (all filters applied).
* ``rebuild(progress)`` re-creates the index from the published profiles; ``progress`` (optional)
  is called with the number of documents written after each batch. Idempotent.
* ``health()`` says whether the backend can answer now, without raising.

An external engine raises ``SearchBackendUnavailable`` when it cannot be reached; callers log it
and fall back (see :func:`search.backends.search_suppliers` and :mod:`search.sync`).
"""
from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from marketplace.geo.services import haversine_km

from ..documents import SiteDocument, SupplierDocument
from ..query import SupplierQuery
from ..text import fold, stem

FACETS = ("sector", "skill", "certification", "region")
Progress = Callable[[int], None]

# Relevance weights; docs/SEARCH.md explains the formula.
WEIGHT_TEXT = 10.0
WEIGHT_TAXONOMY = 4.0
WEIGHT_VERIFIED = 1.5
WEIGHT_CERTIFICATION = 0.5
MAX_COUNTED_CERTIFICATIONS = 4
WEIGHT_PROXIMITY = 3.0
PROXIMITY_SCALE_KM = 100.0


class SearchBackendUnavailable(Exception):
    """The search engine cannot be reached or refused the request."""


@dataclass
class SearchHit:
    id: int
    slug: str
    name: str
    siret: str
    commune: str
    postal_code: str
    distance_km: float | None
    score: float
    verified: bool
    skills: list[str]
    certifications: list[str]
    sectors: list[str]
    why: str = ""
    highlights: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    query: SupplierQuery | None = None
    backend: str = ""
    # The words actually searched when a backend corrected a typo (« tolerei » →
    # « tôlerie »: the hits are for these words); empty when the words were searched as typed.
    corrected_text: str = ""

    @property
    def page_count(self) -> int:
        if self.query is None or not self.total:
            return 1
        return max(1, math.ceil(self.total / self.query.page_size))


class SearchBackend(ABC):
    """Base class of the supplier search backends."""

    name = "base"

    @abstractmethod
    def index(self, documents: Iterable[SupplierDocument]) -> None: ...

    @abstractmethod
    def delete(self, ids: Iterable[int]) -> None: ...

    @abstractmethod
    def search(self, query: SupplierQuery) -> SearchResult: ...

    @abstractmethod
    def rebuild(self, progress: Progress | None = None) -> int: ...

    @abstractmethod
    def health(self) -> bool: ...


def relevance(*, text: float, taxonomy: float, verified: bool, certifications: int, distance_km: float | None) -> float:
    """Score of one hit; ``text`` and ``taxonomy`` are already normalised to 0..1."""
    score = WEIGHT_TEXT * text + WEIGHT_TAXONOMY * taxonomy
    score += WEIGHT_VERIFIED if verified else 0.0
    score += WEIGHT_CERTIFICATION * min(certifications, MAX_COUNTED_CERTIFICATIONS)
    if distance_km is not None:
        score += WEIGHT_PROXIMITY * math.exp(-distance_km / PROXIMITY_SCALE_KM)
    return round(score, 4)


def localized(label: dict) -> str:
    if (get_language() or "fr").startswith("en") and label.get("name_en"):
        return label["name_en"]
    return label.get("name", "")


def explain(document: SupplierDocument, query: SupplierQuery, *, matched_skills: list[str], distance_km: float | None,
            nearest_commune: str) -> str:
    """The « why » of a hit: what in the supplier answers the query, in a sentence fragment."""
    reasons = []
    if matched_skills:
        reasons.append(_("Savoir-faire : %(skills)s") % {"skills": ", ".join(matched_skills)})
    wanted = set(query.certifications)
    certifications = [c["code"] for c in document.certifications if not wanted or c["slug"] in wanted]
    if certifications:
        reasons.append(_("Certifié %(codes)s") % {"codes": ", ".join(certifications[:3])})
    if document.verified:
        reasons.append(_("Entreprise vérifiée"))
    if distance_km is not None:
        reasons.append(
            _("Site le plus proche : %(commune)s, à %(distance)s km")
            % {"commune": nearest_commune, "distance": f"{distance_km:.0f}" if distance_km >= 10 else f"{distance_km:.1f}"}
        )
    return " · ".join(reasons)


def matched_skills(document: SupplierDocument, query: SupplierQuery, concepts) -> list[str]:
    """Labels of the supplier's skills that a skill filter or a query term names (sub-skills included)."""
    wanted = set(query.skills) | {slug for concept in concepts for slug in concept.skills}
    return [
        localized(skill)
        for skill in document.skills
        if wanted & ({skill["slug"]} | set(skill.get("ancestors", [])))
    ]


def taxonomy_match(document_terms: set[tuple[str, str]], concepts) -> float:
    """Share of the query's concepts that name a skill or material the supplier holds (0..1)."""
    if not concepts:
        return 0.0
    held = sum(
        1
        for concept in concepts
        if any(("skill", slug) in document_terms for slug in concept.skills)
        or any(("material", slug) in document_terms for slug in concept.materials)
    )
    return held / len(concepts)


WORD_RE = re.compile(r"\w+", re.UNICODE)
HIGHLIGHT_WINDOW = 160


@lru_cache(maxsize=100_000)
def _word_stem(word: str) -> str:
    """``stem(fold(word))``, memoised: highlighting meets the same words on every hit of every page."""
    return stem(fold(word))


def highlight(text: str, tokens: set[str], *, limit: int = 2) -> list[str]:
    """Up to ``limit`` HTML-escaped fragments of ``text`` with the query's words in ``<mark>``."""
    if not tokens or not text:
        return []
    fragments = []
    for line in text.splitlines():
        matches = [m for m in WORD_RE.finditer(line) if _word_stem(m.group()) in tokens]
        if not matches:
            continue
        start = max(0, matches[0].start() - HIGHLIGHT_WINDOW // 3)
        end = min(len(line), start + HIGHLIGHT_WINDOW)
        pieces, cursor = [], start
        for match in matches:
            if match.end() > end:
                break
            pieces.append(escape(line[cursor : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            cursor = match.end()
        pieces.append(escape(line[cursor:end]))
        fragments.append(("…" if start else "") + "".join(pieces) + ("…" if end < len(line) else ""))
        if len(fragments) >= limit:
            break
    return fragments


def nearest_site(document: SupplierDocument, query: SupplierQuery) -> tuple[SiteDocument | None, float | None]:
    """The supplier's site nearest to the query's location, and its distance in km."""
    if query.location is None or not document.sites:
        return (document.sites[0] if document.sites else None), None
    point = query.location
    return min(
        ((site, haversine_km(point.latitude, point.longitude, site.latitude, site.longitude)) for site in document.sites),
        key=lambda pair: pair[1],
    )


def build_hit(document: SupplierDocument, query: SupplierQuery, concepts, *, score: float) -> SearchHit:
    site, distance_km = nearest_site(document, query)
    skills = matched_skills(document, query, concepts)
    tokens = {token for concept in concepts for token in concept.tokens}
    commune = site.commune if site else document.commune
    return SearchHit(
        id=document.id,
        slug=document.slug,
        name=document.name,
        siret=document.siret,
        commune=commune,
        postal_code=site.postal_code if site else document.postal_code,
        distance_km=None if distance_km is None else round(distance_km, 2),
        score=score,
        verified=document.verified,
        skills=[localized(s) for s in document.skills],
        certifications=[c["code"] for c in document.certifications],
        sectors=[localized(s) for s in document.sectors],
        why=explain(document, query, matched_skills=skills, distance_km=distance_km, nearest_commune=commune),
        highlights=highlight(document.body_text, tokens),
    )
