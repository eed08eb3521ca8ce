"""The supplier search page, ``/recherche/`` (URL ``search:suppliers``).

Accepts the parameters of the API (see :func:`search.query.parse_supplier_query`), including
those of the home page form (``q``, ``postal_code``, ``radius``). htmx requests get only the
results region (facets, hits, pagination), re-rendered when a filter changes; the URL follows
(``hx-push-url``). Invalid input is shown as an error message above empty results, never a 500.

The current page of hits is also drawn on a Leaflet map (progressive enhancement: the list says
the same without JavaScript or tiles). Its markers are the hits' nearest production sites, read
in one query since search hits carry a commune but no coordinates.
"""
from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from marketplace.geo.services import haversine_km

from .backends import search_suppliers
from .query import MAX_RADIUS_KM, SearchQueryError, parse_supplier_query

RADIUS_CHOICES = (10, 25, 50, 100, 200)
FACET_OPTIONS_SHOWN = 12


@require_GET
def supplier_search(request):
    error, error_param, query, result = None, "", None, None
    try:
        query = parse_supplier_query(request.GET)
        result = search_suppliers(query)
    except SearchQueryError as exc:
        error, error_param = exc.message, exc.param
    hits = [_card(hit) for hit in result.hits] if result else []
    values = _form_values(request)
    context = {
        "error": error,
        "error_param": error_param,
        "query": query,
        "result": result,
        "hits": hits,
        "map_points": _map_points(query, hits),
        "map_tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "facet_groups": _facet_groups(request, result),
        "pages": _pages(request, query, result),
        "widen": _widen(request, query, result),
        "values": values,
        "radius_choices": _radius_choices(values["radius"]),
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


def _distance_label(distance_km: float) -> str:
    """« à 1,2 km » / « à 35 km », as the result cards write it."""
    digits = 1 if distance_km < 10 else 0
    return _("à %(distance)s km") % {"distance": number_format(distance_km, digits)}


def _map_points(query, cards) -> list[dict]:
    """Map markers for the hits of this page: each supplier at the site the hit names (its nearest
    one when the search has a location). Suppliers without a production site are left off."""
    from suppliers.models import ProductionSite

    if not cards:
        return []
    sites: dict[int, list[dict]] = {}
    rows = (
        ProductionSite.objects.filter(profile_id__in=[card["hit"].id for card in cards])
        .order_by("profile_id", "-is_head_office", "name")
        .values("profile_id", "latitude", "longitude", "postal_code", "commune__name")
    )
    for row in rows:
        sites.setdefault(row["profile_id"], []).append(row)
    points = []
    for card in cards:
        hit = card["hit"]
        candidates = sites.get(hit.id)
        if not candidates:
            continue
        if query is not None and query.location is not None:
            here = query.location
            site = min(candidates, key=lambda s: haversine_km(here.latitude, here.longitude, s["latitude"], s["longitude"]))
        else:
            same_place = [s for s in candidates if s["commune__name"] == hit.commune and s["postal_code"] == hit.postal_code]
            site = (same_place or candidates)[0]
        points.append({
            "name": hit.name,
            "url": card["url"],
            "commune": site["commune__name"],
            "postal_code": site["postal_code"],
            "distance": _distance_label(hit.distance_km) if hit.distance_km is not None else "",
            "lat": round(site["latitude"], 5),
            "lng": round(site["longitude"], 5),
        })
    return points


def _radius_choices(current: str) -> list[dict]:
    """The radius options: the usual ones, plus the one in the URL (an « élargir » link may ask for
    400 km) so that the select shows the radius the results use."""
    try:
        radius = float(current.replace(",", "."))
    except ValueError:
        radius = None
    kilometres = set(RADIUS_CHOICES)
    if radius is not None and 0 < radius <= MAX_RADIUS_KM:
        kilometres.add(radius)
    return [{"value": f"{km:g}", "selected": km == radius} for km in sorted(kilometres)]


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
