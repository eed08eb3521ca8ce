"""Searching the open RFQs with the supplier search's machinery (the supplier-facing list).

``rfq.selectors.open_rfqs_for`` narrows the RFQs in SQL (visibility, open, filière,
savoir-faire, département); this module adds what the supplier search does on top:

* **words**: the query is cut into concepts by :func:`search.synonyms.expand` (taxonomy
  synonyms: « pièces tournées » finds an RFQ about décolletage) and every concept must match one
  of its alternatives among the RFQ's stems (:func:`search.text.analyze`: accents, plurals and
  elisions folded): the test a saved RFQ alert applies to its words (:func:`search.alerts.text_matches`).
  The text read is the one anybody on the list may read: title, summary and the names (French
  and English) of the RFQ's skills and materials — never a description, which may be behind an
  NDA (alerts also read a non-confidential description; the list shows none).
* **place**: a postal code (or INSEE code) and a radius, parsed by the search page's parser
  (same messages), keep the RFQs whose delivery commune lies within the radius (inclusive; a
  bounding box in SQL, then the exact distance). An RFQ without a delivery commune has no
  distance and is left out of a radius search.

Why not a full-text index like the supplier search's database backend: only *open* RFQs are
searched, a bounded set the SQL filters narrow further, and matching the RFQ's stems in Python
behaves the same on SQLite and PostgreSQL, as the alerts' text test does. The stems of
an RFQ's text are memoised (:func:`_stems`), so the cost per request is a set test per RFQ.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from marketplace.geo.services import bounding_box, haversine_km

from .query import MAX_RADIUS_KM, GeoPoint, SearchQueryError, _commune_point, _number
from .synonyms import expand
from .text import analyze

RADIUS_CHOICES = (10, 25, 50, 100, 200)
DEFAULT_RADIUS_KM = 50.0


@dataclass(frozen=True)
class Place:
    """A centre and a radius in km (a validated distance filter)."""

    point: GeoPoint
    radius_km: float


def parse_place(postal_code: str, radius_km: str | float | None) -> Place | None:
    """The distance filter of a postal code (or 5-digit INSEE code) and a radius in km.

    No postal code and no radius: ``None``. A postal code without radius: ``DEFAULT_RADIUS_KM``.
    Raises ``SearchQueryError`` (translated message, ``param`` ``postal_code`` or ``radius_km``)
    for an unknown code, a radius without a place, or a radius out of range."""
    postal_code = (postal_code or "").strip()
    radius_text = "" if radius_km is None else str(radius_km).strip()
    if not postal_code:
        if radius_text:
            raise SearchQueryError(_("Indiquez un code postal pour filtrer par distance."), param="postal_code")
        return None
    radius = _number(radius_text, "radius_km", _("Le rayon doit être un nombre de kilomètres.")) or DEFAULT_RADIUS_KM
    if not 0 < radius <= MAX_RADIUS_KM:
        raise SearchQueryError(
            _("Le rayon doit être compris entre 0 et %(max)d km.") % {"max": MAX_RADIUS_KM}, param="radius_km"
        )
    return Place(_commune_point(postal_code, ""), radius)


def search_rfqs(rfqs, *, text: str = "", place: Place | None = None) -> list[int]:
    """Primary keys of the RFQs of the queryset ``rfqs`` matching ``text`` and within ``place``.

    ``rfqs`` is already narrowed (and its visibility applied) by the caller; its order is kept."""
    concepts = [[set(alternative.tokens) for alternative in concept.alternatives] for concept in expand(text)]
    if place is not None:
        rfqs = _in_box(rfqs, place)
    rows = rfqs.values_list("pk", "title", "summary", "delivery_commune__latitude", "delivery_commune__longitude")
    names = _taxonomy_names([row[0] for row in rows]) if concepts else {}
    found = []
    for pk, title, summary, latitude, longitude in rows:
        if place is not None and (
            latitude is None
            or haversine_km(place.point.latitude, place.point.longitude, latitude, longitude) > place.radius_km
        ):
            continue
        if concepts:
            stems = _stems("\n".join(filter(None, (title, summary, *names.get(pk, ())))))
            if not all(any(alternative <= stems for alternative in concept) for concept in concepts):
                continue
        found.append(pk)
    return found


def _in_box(rfqs, place: Place):
    lat_range, lng_range = bounding_box(place.point.latitude, place.point.longitude, place.radius_km)
    rfqs = rfqs.filter(delivery_commune__latitude__range=lat_range)
    return rfqs.filter(delivery_commune__longitude__range=lng_range) if lng_range else rfqs


def _taxonomy_names(rfq_ids: list[int]) -> dict[int, list[str]]:
    """French and English names of each RFQ's skills and materials (two queries)."""
    from rfq.models import RFQ

    names: dict[int, list[str]] = {}
    for relation in ("skills", "materials"):
        through = getattr(RFQ, relation).through
        target = getattr(RFQ, relation).field.m2m_reverse_field_name()
        for rfq_id, name, name_en in through.objects.filter(rfq_id__in=rfq_ids).values_list(
            "rfq_id", f"{target}__name", f"{target}__name_en"
        ):
            names.setdefault(rfq_id, []).extend(n for n in (name, name_en) if n)
    return names


@lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    return frozenset(analyze(text))
