"""GET /api/suppliers/search: JSON results and facets for anyone, clear 400s, a rate limit."""
import pytest

URL = "/api/suppliers/search"


@pytest.fixture
def get(client):
    def get(**params):
        return client.get(URL, params)

    return get


def test_anonymous_search_returns_results_and_facets(get, indexed_catalogue):
    response = get(q="tolerie")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    first = body["results"][0]
    assert first["name"] == "Tôlerie Savoyarde"
    assert first["id"] == indexed_catalogue.b.pk
    assert first["siret"] == indexed_catalogue.b.organisation.siret
    assert first["slug"] == indexed_catalogue.b.slug
    assert (first["commune"], first["certifications"], first["sectors"]) == ("Annecy", ["EN 9100"], ["Aéronautique"])
    assert first["distance_km"] is None
    assert first["why"]
    assert set(first) >= {"id", "siret", "name", "slug", "commune", "postal_code", "distance_km", "score", "skills",
                          "certifications", "sectors", "why"}
    assert body["facets"]["region"] == {"53": 1, "84": 1}
    assert set(body["facets"]) == {"sector", "skill", "certification", "region"}


def test_search_path_is_not_taken_for_a_supplier_id(client, get, indexed_catalogue):
    assert get().status_code == 200
    assert get().json()["total"] == 5
    detail = client.get(f"/api/suppliers/{indexed_catalogue.a.pk}")
    assert detail.status_code == 200
    assert detail.json()["name"] == "Décolletage du Rhône"


def test_postal_code_and_radius_give_distances_to_the_nearest_site(get, indexed_catalogue):
    body = get(postal_code="69001", radius_km="50", sort="distance").json()
    assert [r["name"] for r in body["results"]] == ["Décolletage du Rhône"]
    assert 0 < body["results"][0]["distance_km"] < 5


def test_radius_alias_and_insee_code_are_accepted(get, indexed_catalogue):
    body = get(insee="38185", radius="10").json()
    assert [r["name"] for r in body["results"]] == ["Usinage Multisite"]
    assert body["results"][0]["distance_km"] == 0


def test_repeated_filters_select_several_values(client, indexed_catalogue):
    body = client.get(f"{URL}?sector=automobile&sector=medical&sort=name").json()
    assert [r["name"] for r in body["results"]] == ["Décolletage du Rhône", "Mécanique Bretonne", "Usinage Multisite"]


def test_filters_by_department_verified_and_skill(get, indexed_catalogue):
    assert get(department="35").json()["total"] == 2
    assert [r["name"] for r in get(verified="1", skill="usinage", sort="name").json()["results"]] == [
        "Décolletage du Rhône", "Usinage Multisite",
    ]


@pytest.mark.parametrize(
    ("params", "message_part"),
    [
        ({"postal_code": "69001", "radius_km": "0"}, "rayon"),
        ({"postal_code": "69001", "radius_km": "1001"}, "rayon"),
        ({"radius_km": "20"}, "lieu"),
        ({"postal_code": "99999", "radius_km": "20"}, "99999"),
        ({"postal_code": "abc"}, "code postal"),
        ({"page_size": "101"}, "taille de page"),
        ({"page": "0"}, "page"),
        ({"page": "deux"}, "page"),
        ({"q": "x" * 501}, "500"),
        ({"sector": "inconnue"}, "inconnue"),
        ({"skill": "teleportation"}, "teleportation"),
        ({"material": "kryptonite"}, "kryptonite"),
        ({"certification": "iso-0"}, "iso-0"),
        ({"region": "99"}, "99"),
        ({"department": "999"}, "999"),
        ({"lat": "45.7"}, "longitude"),
        ({"lat": "nord", "lng": "4.8"}, "latitude"),
        ({"lat": "95", "lng": "4.8"}, "latitude"),
        ({"sort": "distance"}, "distance"),
        ({"sort": "price"}, "price"),
        ({"verified": "peut-être"}, "verified"),
        ({"radius_km": "loin", "postal_code": "69001"}, "rayon"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(get, db, params, message_part):
    response = get(**params)
    assert response.status_code == 400
    assert message_part.lower() in response.json()["detail"].lower()


def test_rate_limit_answers_429_in_json(get, db, settings):
    settings.SEARCH_API_RATE_PER_MINUTE = 3
    assert [get().status_code for _ in range(3)] == [200, 200, 200]
    response = get()
    assert response.status_code == 429
    assert "réessayez" in response.json()["detail"]
