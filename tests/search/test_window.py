"""The database backend's cost follows the page (docs/PERFORMANCE.md): its bounded SQL windows
must give the same pages, totals and facets as ranking every candidate would.

Documents are indexed directly (real profiles, hand-written index documents) so that distances,
names and scores are known exactly; the reference orders are computed here from them.
"""
import math

import pytest

from marketplace.geo.services import KM_PER_DEGREE, haversine_km
from search.backends import database
from search.backends.database import DatabaseBackend
from search.documents import SiteDocument, SupplierDocument
from search.query import GeoPoint, SupplierQuery

from .factories import SupplierProfileFactory

LYON = GeoPoint(45.76, 4.84)


def site(latitude, longitude):
    return SiteDocument(latitude=latitude, longitude=longitude, commune="X", postal_code="00000", departement="00", region="r")


def index(specs):
    """``specs``: (name, sites, verified, certification count, sector) per supplier; returns the documents."""
    documents = []
    for name, sites, verified, certifications, sector in specs:
        profile = SupplierProfileFactory()
        documents.append(
            SupplierDocument(
                id=profile.pk, slug=profile.slug, name=name, siret="", verified=verified,
                certifications=[{"slug": f"c{n}", "code": f"C{n}", "name": f"C{n}"} for n in range(certifications)],
                body_text="usinage de précision", terms={"sector": [sector]}, sites=sites,
            )
        )
    DatabaseBackend().index(documents)
    return documents


def pages(backend, page_size=5, **kwargs):
    names, page = [], 1
    while True:
        result = backend.search(SupplierQuery(page=page, page_size=page_size, **kwargs))
        names += [hit.name for hit in result.hits]
        if page >= result.page_count:
            return names, result
        page += 1


def nearest(document):
    return min((haversine_km(LYON.latitude, LYON.longitude, s.latitude, s.longitude) for s in document.sites), default=math.inf)


@pytest.mark.django_db
def test_distance_sort_without_radius_grows_its_box_and_pages_like_a_full_sort():
    # The nearest supplier is ~150 km away: the first 50 km box holds nothing.
    specs = [(f"Fournisseur {n:02d}", [site(45.76 + 1.3 + 0.9 * n, 4.84 + 0.1 * n)], False, 0, "s") for n in range(14)]
    specs += [("Sans site B", [], False, 0, "s"), ("Sans site A", [], False, 0, "s")]
    documents = index(specs)
    expected = [d.name for d in sorted(documents, key=lambda d: (nearest(d), d.name))]
    names, result = pages(DatabaseBackend(), text="usinage", sort="distance", location=LYON)
    assert names == expected
    assert result.total == 16
    assert names[-2:] == ["Sans site A", "Sans site B"]


@pytest.mark.django_db
def test_name_sort_pages_are_consecutive_slices_of_the_whole_order():
    documents = index([(f"Atelier {chr(90 - n)}{n}", [], n % 2 == 0, n % 5, "s") for n in range(13)])
    names, result = pages(DatabaseBackend(), page_size=4, text="usinage", sort="name")
    assert names == sorted(d.name for d in documents)
    assert result.total == 13


@pytest.mark.django_db
def test_radius_total_and_facets_leave_out_the_corners_of_the_bounding_box():
    radius = 100.0
    d_lat = radius / KM_PER_DEGREE
    d_lng = d_lat / math.cos(math.radians(LYON.latitude))
    specs = [
        ("Centre", [site(45.76, 4.84)], False, 0, "centre"),
        ("Au bord", [site(45.76 + d_lat * 0.999, 4.84)], False, 0, "bord"),
        # Inside the box, ~140 km away: beyond the radius.
        ("Coin", [site(45.76 + d_lat * 0.98, 4.84 + d_lng * 0.98)], False, 0, "coin"),
        ("Coin et centre", [site(45.76 - d_lat * 0.98, 4.84 - d_lng * 0.98)], False, 0, "centre"),
    ]
    documents = index(specs)
    assert nearest(documents[1]) <= radius < nearest(documents[2])
    for sort in ("relevance", "name", "distance"):
        result = DatabaseBackend().search(SupplierQuery(text="usinage", location=LYON, radius_km=radius, sort=sort))
        assert sorted(hit.name for hit in result.hits) == ["Au bord", "Centre"]
        assert result.total == 2
        assert result.facets["sector"] == {"bord": 1, "centre": 1}


@pytest.mark.django_db
def test_a_narrow_relevance_window_ranks_like_a_wide_one_when_sql_holds_the_whole_score(monkeypatch):
    # No taxonomy terms and no location: text, verified and certifications are all computed in SQL.
    index([(f"Usineur {n:02d}", [], n % 3 == 0, n % 6, "s") for n in range(30)])
    monkeypatch.setattr(database, "RELEVANCE_WINDOW_MIN", 10_000)
    wide, _ = pages(DatabaseBackend(), text="usinage")
    monkeypatch.setattr(database, "RELEVANCE_WINDOW_MIN", 1)
    monkeypatch.setattr(database, "RELEVANCE_WINDOW_FACTOR", 1)
    narrow, result = pages(DatabaseBackend(), text="usinage")
    assert narrow == wide
    assert result.total == 30
