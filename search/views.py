"""The supplier search page, ``/recherche/`` (URL ``search:suppliers``).

Accepts the parameters of the API (see :func:`search.query.parse_supplier_query`), including
those of the home page form (``q``, ``postal_code``, ``radius``). htmx requests get only the
results region (facets, hits, pagination), re-rendered when a filter changes; the URL follows
(``hx-push-url``). Invalid input is shown as an error message above empty results, never a 500.
"""
from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .backends import search_suppliers
from .query import MAX_RADIUS_KM, SearchQueryError, parse_supplier_query

RADIUS_CHOICES = (10, 25, 50, 100, 200, 500)
FACET_OPTIONS_SHOWN = 12


@require_GET
def supplier_search(request):
    error, query, result = None, None, None
    try:
        query = parse_supplier_query(request.GET)
        result = search_suppliers(query)
    except SearchQueryError as exc:
        error = exc.message
    context = {
        "error": error,
        "query": query,
        "result": result,
        "hits": [_card(hit) for hit in result.hits] if result else [],
        "facet_groups": _facet_groups(request, result),
        "pages": _pages(request, query, result),
        "widen": _widen(request, query, result),
        "values": _form_values(request),
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": [("relevance", _("Pertinence")), ("distance", _("Distance")), ("name", _("Nom"))],
    }
    template = "search/_results.html" if request.htmx else "search/supplier_search.html"
    return render(request, template, context)


def _profile_url(slug: str) -> str:
    try:
        return reverse("suppliers:profile_detail", kwargs={"slug": slug})
    except NoReverseMatch:  # the directory pages may not be routed yet
        return f"{reverse('wagtail_serve', args=[''])}fournisseurs/{slug}/"


def _card(hit) -> dict:
    return {"hit": hit, "url": _profile_url(hit.slug)}


def _form_values(request) -> dict:
    get = request.GET
    return {
        "q": get.get("q", ""),
        "postal_code": get.get("postal_code", ""),
        "radius": get.get("radius") or get.get("radius_km") or "",
        "sort": get.get("sort", "relevance"),
        "verified": get.get("verified", "") in {"1", "true", "on", "oui", "yes"},
    }


def _labels(param: str, keys) -> dict[str, str]:
    from marketplace.geo.models import Region
    from suppliers.models import CertificationType, Sector, Skill

    if param == "region":
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    model = {"sector": Sector, "skill": Skill, "certification": CertificationType}[param]
    return {obj.slug: obj.label for obj in model.objects.filter(slug__in=keys)}


def _facet_groups(request, result) -> list[dict]:
    titles = [("sector", _("Filières")), ("skill", _("Savoir-faire")), ("certification", _("Certifications")),
              ("region", _("Régions"))]
    groups = []
    for param, title in titles:
        counts = dict(result.facets.get(param, {})) if result else {}
        selected = request.GET.getlist(param)
        for value in selected:
            counts.setdefault(value, 0)
        shown = list(counts.items())[:FACET_OPTIONS_SHOWN]
        shown += [(v, counts[v]) for v in selected if v not in dict(shown)]
        labels = _labels(param, [key for key, _count in shown])
        options = [
            {"value": key, "label": labels.get(key, key), "count": count, "checked": key in selected}
            for key, count in shown
        ]
        if options:
            groups.append({"param": param, "title": title, "options": options})
    return groups


def _url_with(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{request.path}?{params.urlencode()}"


def _pages(request, query, result) -> dict | None:
    if not result or result.page_count <= 1:
        return None
    page, count = query.page, result.page_count
    return {
        "number": page,
        "count": count,
        "previous": _url_with(request, page=page - 1) if page > 1 else None,
        "next": _url_with(request, page=page + 1) if page < count else None,
    }


def _widen(request, query, result) -> dict | None:
    """The « élargir à N km » offer of an empty result with a radius."""
    if not result or result.total or query.radius_km is None or query.radius_km >= MAX_RADIUS_KM:
        return None
    wider = min(MAX_RADIUS_KM, max(query.radius_km * 2, 10))
    return {
        "radius": f"{query.radius_km:g}",
        "wider": f"{wider:g}",
        "url": _url_with(request, radius=f"{wider:g}", radius_km=None, page=None),
    }
