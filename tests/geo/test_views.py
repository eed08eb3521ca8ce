"""The htmx endpoint that refills the commune select."""
import pytest

pytestmark = pytest.mark.django_db


def test_commune_options_list_every_commune_of_a_shared_postal_code(client):
    response = client.get("/communes/options/", {"postal_code": "01550"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="">Choisissez la commune</option>' in html
    assert '<option value="01158">Farges</option>' in html
    assert html.count("<option") == 4


def test_single_commune_option_comes_preselected(client):
    response = client.get("/communes/options/", {"postal_code": "69100"})

    assert response.content.decode().strip() == '<option value="69266" selected>Villeurbanne</option>'


def test_unknown_postal_code_gives_a_friendly_placeholder_option(client):
    response = client.get("/communes/options/", {"postal_code": "99999"})

    assert response.content.decode().strip() == '<option value="">Code postal inconnu</option>'


def test_incomplete_postal_code_asks_for_five_digits(client):
    response = client.get("/communes/options/", {"postal_code": "691"})

    assert "5 chiffres" in response.content.decode()


def test_prefixed_postal_code_parameter_is_understood(client):
    response = client.get("/communes/options/", {"site-postal_code": "69100"})

    assert "Villeurbanne" in response.content.decode()


def test_commune_options_refuse_post(client):
    assert client.post("/communes/options/", {"postal_code": "69100"}).status_code == 405
