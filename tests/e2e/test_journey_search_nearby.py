"""Journey: a visitor searches suppliers near a postal code within 50 km, widens the radius with
live filtering (htmx), sees the hits on the map and opens a supplier profile.

The catalogue is the search contract suite's (tests/search/conftest.py): near 69001 (Lyon), only
« Décolletage du Rhône » is within 50 km; Grenoble (« Usinage Multisite ») and Annecy (« Tôlerie
Savoyarde ») are about 95 and 105 km away; the draft in Lyon is never shown.
"""
import re

import pytest

from tests.search.conftest import catalogue, indexed_catalogue  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def _markers(page):
    return page.locator("#search-map path.leaflet-interactive")


def test_visitor_finds_a_supplier_within_50_km_of_a_postal_code_and_opens_its_profile(page, indexed_catalogue):  # noqa: F811
    page.goto("/recherche/")
    page.get_by_label("Code postal").fill("69001")
    page.get_by_label("Rayon").select_option("50")  # a change: htmx already refreshes the results
    page.get_by_role("button", name="Rechercher").click()

    hits = page.locator(".search-hits__list > li")
    page.wait_for_function("() => document.querySelectorAll('.search-hits__list > li').length === 1")
    assert "Décolletage du Rhône" in hits.first.inner_text()
    assert "Brouillon Industrie" not in page.content()
    assert page.locator("#search-map").is_visible()  # drawn by search_map.js once Leaflet is loaded
    page.wait_for_function("() => document.querySelectorAll('#search-map path.leaflet-interactive').length === 1")
    assert "postal_code=69001" in page.url and "radius=50" in page.url  # the URL follows (hx-push-url)

    # Widen to 200 km: live filtering swaps the results and the map is redrawn with three markers.
    page.get_by_label("Rayon").select_option("200")
    page.wait_for_function("() => document.querySelectorAll('.search-hits__list > li').length === 3")
    page.wait_for_function("() => document.querySelectorAll('#search-map path.leaflet-interactive').length === 3")
    names = hits.all_inner_texts()
    assert any("Usinage Multisite" in name for name in names) and any("Tôlerie Savoyarde" in name for name in names)
    assert _markers(page).count() == 3
    assert "radius=200" in page.url

    page.get_by_role("link", name="Décolletage du Rhône").first.click()
    page.wait_for_url(re.compile(rf"/fournisseurs/{re.escape(indexed_catalogue.a.slug)}/$"))
    assert page.get_by_role("heading", name="Décolletage du Rhône").first.is_visible()
