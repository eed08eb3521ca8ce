"""GET /api/geo/communes: communes of a postal code as JSON."""
import pytest

pytestmark = pytest.mark.django_db


def test_api_lists_the_communes_of_a_postal_code(client):
    response = client.get("/api/geo/communes", {"postal_code": "01550"})

    assert response.status_code == 200
    communes = response.json()
    assert [c["name"] for c in communes] == ["Collonges", "Farges", "Pougny"]
    assert communes[1] == {
        "insee": "01158",
        "name": "Farges",
        "postal_code": "01550",
        "departement": "01",
        "departement_name": "Ain",
        "region": "84",
        "region_name": "Auvergne-Rhône-Alpes",
        "latitude": 46.16568,
        "longitude": 5.90538,
    }


def test_api_returns_an_empty_list_for_a_well_formed_unknown_postal_code(client):
    response = client.get("/api/geo/communes", {"postal_code": "99999"})

    assert response.status_code == 200
    assert response.json() == []


def test_api_rejects_a_malformed_postal_code_with_a_400_json_message(client):
    response = client.get("/api/geo/communes", {"postal_code": "69-100"})

    assert response.status_code == 400
    assert response.json() == {
        "detail": "« 69-100 » n'est pas un code postal valide : il doit comporter 5 chiffres."
    }


def test_api_requires_a_postal_code(client):
    response = client.get("/api/geo/communes")

    assert response.status_code == 400
    assert response.json() == {"detail": "Indiquez un code postal."}
