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


def _map_points(html: str) -> list[dict]:
    import json

    match = re.search(r'<script id="search-map-points" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the map data script tag is missing"
    return json.loads(match.group(1))


def test_map_data_holds_the_page_hits_at_their_nearest_site(client, indexed_catalogue):
    html = client.get(url(), {"q": "", "postal_code": "13001", "radius": "500", "sort": "distance"}).content.decode()
    assert 'id="search-map"' in html and "hidden" in html  # drawn by JavaScript, invisible without it
    points = {point["name"]: point for point in _map_points(html)}
    # Usinage Multisite has sites in Grenoble and Marseille: near 13001 the map shows Marseille.
    multisite = points["Usinage Multisite"]
    assert multisite["commune"] == "Marseille"
    assert abs(multisite["lat"] - 43.3) < 0.2 and abs(multisite["lng"] - 5.4) < 0.2
    assert multisite["url"] == f"/fournisseurs/{indexed_catalogue.c.slug}/"
    assert multisite["distance"].startswith("à ") and multisite["distance"].endswith(" km")
    assert points["Décolletage du Rhône"]["commune"] == "Lyon"
    assert "Brouillon Industrie" not in points


def test_map_data_follows_the_page_of_results(client, indexed_catalogue):
    html = client.get(url(), {"page_size": "2", "sort": "name"}).content.decode()
    names = [point["name"] for point in _map_points(html)]
    assert names == ["Décolletage du Rhône", "Mécanique Bretonne"]
    assert all(point["distance"] == "" for point in _map_points(html))  # no location: no distance


def test_htmx_results_carry_the_map_data_for_the_redraw(client, indexed_catalogue):
    response = client.get(url(), {"q": "tôlerie"}, headers={"HX-Request": "true"})
    names = {point["name"] for point in _map_points(response.content.decode())}
    assert names == {"Tôlerie Savoyarde", "Soudure Martin"}


def test_no_map_without_results(client, indexed_catalogue):
    html = client.get(url(), {"q": "décolletage", "postal_code": "35000", "radius": "50"}).content.decode()
    assert 'id="search-map"' not in html
    assert "search-map-points" not in html.split("search_map.js")[-1]


def test_unknown_postal_code_is_a_message_on_the_field_and_a_200(client, indexed_catalogue):
    response = client.get(url(), {"q": "usinage", "postal_code": "99999", "radius": "50"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le code postal 99999 ne correspond à aucune commune." in html
    assert re.search(r'name="postal_code" value="99999"[^>]*aria-invalid="true" aria-describedby="search-error"', html, re.S)
    assert 'id="search-error" role="alert"' in html
    response = client.get(url(), {"postal_code": "69O01"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "n&#x27;est pas un code postal valide" in response.content.decode()


def test_radius_select_offers_the_usual_radii_and_keeps_a_widened_one(client, indexed_catalogue):
    html = client.get(url(), {"postal_code": "69001", "radius": "50"}).content.decode()
    options = re.findall(r'<option value="(\d+)"( selected)?>', html.split('name="radius"')[1].split("</select>")[0])
    assert [value for value, _selected in options] == ["10", "25", "50", "100", "200"]
    assert dict(options)["50"] == " selected"
    html = client.get(url(), {"postal_code": "69001", "radius": "400"}).content.decode()
    assert '<option value="400" selected>400 km</option>' in html


def test_empty_page_near_a_postal_code_suggests_the_wider_radius(client, indexed_catalogue):
    html = client.get(url(), {"q": "soudage", "postal_code": "69001", "radius": "25"}).content.decode()
    assert re.search(r"0 fournisseurs? trouvés?", html)
    assert "Aucun résultat à 25 km." in html
    assert re.search(r'<a href="[^"]*radius=50[^"]*"[^>]*>Élargir à 50 km \?</a>', html)


def test_a_corrected_typo_is_named_above_the_results(client, indexed_catalogue):
    html = client.get(url(), {"q": "tolerei"}).content.decode()
    assert "Tôlerie Savoyarde" in html
    assert "Résultats pour « tôlerie »" in html
    assert "aucun résultat pour « tolerei »" in html
    assert "Résultats pour" not in client.get(url(), {"q": "tôlerie"}).content.decode()


def test_api_reports_the_corrected_words(client, indexed_catalogue):
    body = client.get("/api/suppliers/search", {"q": "decoletage"}).json()
    assert body["total"] == 1 and body["corrected_q"] == "décolletage"
