"""Supplier search in the JSON API: ``GET /api/suppliers/search`` (mounted by ``marketplace.api.api``).

Open to anonymous callers, limited per IP address (``SEARCH_API_RATE_PER_MINUTE``, 429 beyond).
Parameters are those of :func:`search.query.parse_supplier_query`; multi-valued filters repeat
the parameter (``?sector=aeronautique&sector=medical``). Invalid input is a 400 whose
``detail`` says what is wrong.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from marketplace.api.schemas import ErrorOut

from .backends import search_suppliers
from .result_cache import cached_search
from .query import SearchQueryError, parse_supplier_query

router = Router(tags=["recherche"])


class SearchHitOut(Schema):
    id: int
    siret: str
    name: str
    slug: str
    commune: str
    postal_code: str
    distance_km: float | None = Field(None, description="Distance au site de production le plus proche (km).")
    score: float
    verified: bool
    skills: list[str]
    certifications: list[str]
    sectors: list[str]
    why: str = Field(..., description="Pourquoi ce fournisseur correspond, en une phrase.")
    highlights: list[str] = Field(..., description="Extraits de la présentation, HTML échappé, mots trouvés en <mark>.")


class FacetsOut(Schema):
    sector: dict[str, int]
    skill: dict[str, int]
    certification: dict[str, int]
    region: dict[str, int]


class SearchOut(Schema):
    total: int
    page: int
    page_size: int
    corrected_q: str = Field("", description="Mots réellement cherchés quand une faute de frappe a été corrigée (sinon vide).")
    results: list[SearchHitOut]
    facets: FacetsOut


class SearchParams(Schema):
    """Documented here for OpenAPI; the values are read by the shared parser."""

    q: str = Field("", description="Mots recherchés (texte simple, 500 caractères au plus).")
    postal_code: str = Field("", description="Code postal du point de recherche.")
    insee: str = Field("", description="Code INSEE de la commune du point de recherche.")
    lat: str = Field("", description="Latitude du point de recherche (avec lng).")
    lng: str = Field("", description="Longitude du point de recherche (avec lat).")
    radius_km: str = Field("", description="Rayon en km (0 < rayon ≤ 1000), demande un point.")
    sector: list[str] = Field([], description="Filière (identifiant), répétable.")
    skill: list[str] = Field([], description="Compétence (identifiant), sous-compétences incluses, répétable.")
    material: list[str] = Field([], description="Matériau (identifiant), répétable.")
    certification: list[str] = Field([], description="Certification (identifiant), répétable.")
    region: list[str] = Field([], description="Région (code INSEE), répétable.")
    department: list[str] = Field([], description="Département (code), répétable.")
    headcount: list[str] = Field([], description="Tranche d'effectif, répétable.")
    batch_size: list[str] = Field([], description="Taille de série, répétable.")
    verified: str = Field("", description="1 : fournisseurs vérifiés seulement.")
    sort: str = Field("relevance", description="relevance, distance (demande un point) ou name.")
    page: str = Field("1", description="Page, à partir de 1.")
    page_size: str = Field("20", description="Résultats par page, 100 au plus.")


def _check_rate(request) -> None:
    limit = getattr(settings, "SEARCH_API_RATE_PER_MINUTE", 60)
    window = int(time.time() // 60)
    key = f"search:api-rate:{request.META.get('REMOTE_ADDR', '')}:{window}"
    cache.add(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=70)
        count = 1
    if count > limit:
        raise HttpError(429, _("Trop de recherches depuis votre adresse : réessayez dans une minute."))


@router.get(
    "/suppliers/search",
    response={200: SearchOut, 400: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Rechercher des fournisseurs",
)
def search_suppliers_endpoint(request, params: Query[SearchParams]):
    """Suppliers matching words, filters and a distance, with facet counts.

    A supplier with several production sites matches on its nearest one; ``distance_km`` is
    that site's distance. Filters are OR-ed within a parameter and AND-ed across parameters.
    """
    _check_rate(request)
    try:
        query = parse_supplier_query(request.GET)
    except SearchQueryError as exc:
        raise HttpError(400, exc.message) from None
    # The body is rendered once per query and index version (search.result_cache), then served as is.
    body = cached_search(query, _render, kind="api-json")
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def _render(query) -> bytes:
    result = search_suppliers(query, cached=False)  # the rendered body is what gets cached
    payload = {
        "total": result.total,
        "page": query.page,
        "page_size": query.page_size,
        "corrected_q": result.corrected_text,
        "results": result.hits,
        "facets": result.facets,
    }
    return SearchOut.model_validate(payload).model_dump_json().encode()
