"""The search page /recherche/: full page, htmx fragment, facets, empty state, errors."""
import re

from django.urls import reverse


def url():
    return reverse("search:suppliers")


def test_search_page_lists_matching_suppliers_with_links_and_why(client, indexed_catalogue):
    response = client.get(url(), {"q": "pièces tournées"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html
    assert "1 fournisseur trouvé" in html
    assert f"/fournisseurs/{indexed_catalogue.a.slug}/" in html
    assert "Décolletage du Rhône" in html
    assert "Pourquoi ce résultat" in html
    assert "Vérifiée" in html


def test_home_page_parameters_are_understood(client, indexed_catalogue):
    response = client.get(url(), {"q": "", "postal_code": "69001", "radius": "50"})
    html = response.content.decode()
    assert "1 fournisseur trouvé" in html
    assert "Décolletage du Rhône" in html
    assert re.search(r"à 1,\d km", html)  # Lyon 1er to the Lyon site, in French number format


def test_htmx_request_gets_only_the_results_region(client, indexed_catalogue):
    response = client.get(url(), {"sector": "aeronautique"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<h1>" not in html
    assert "2 fournisseurs trouvés" in html


def test_facets_are_checkboxes_with_counts_and_keep_selected_values(client, indexed_catalogue):
    html = client.get(url(), {"sector": "aeronautique"}).content.decode()
    assert 'name="sector" value="aeronautique" checked' in html
    assert "Aéronautique <span class=\"search-facets__count\">(2)</span>" in html
    assert 'name="region" value="93"' in html


def test_empty_result_with_a_radius_offers_a_wider_one(client, indexed_catalogue):
    html = client.get(url(), {"q": "décolletage", "postal_code": "35000", "radius": "50"}).content.decode()
    assert "Aucun résultat à 50 km." in html
    assert "Élargir à 100 km ?" in html
    assert "radius=100" in html


def test_invalid_input_is_a_message_not_an_error_page(client, indexed_catalogue):
    response = client.get(url(), {"postal_code": "99999", "radius": "20"})
    assert response.status_code == 200
    assert "ne correspond à aucune commune" in response.content.decode()
    response = client.get(url(), {"radius": "5000", "postal_code": "69001"})
    assert response.status_code == 200
    assert "rayon" in response.content.decode().lower()


def test_pagination_links_keep_the_query(client, indexed_catalogue):
    html = client.get(url(), {"q": "", "page_size": "2", "sort": "name"}).content.decode()
    assert "Page 1 sur 3" in html
    assert "page=2" in html and "sort=name" in html


def test_english_page_is_served_under_en(client, indexed_catalogue):
    response = client.get("/en/recherche/", {"q": "tolerie"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "2 suppliers found" in html
    response = client.get("/en/recherche/", {"page_size": "500"})
    assert "The page size must be between 1 and 100." in response.content.decode()
