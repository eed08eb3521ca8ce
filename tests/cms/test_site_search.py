"""The site-wide search shows editorial pages and suppliers side by side."""
import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import StandardPage

from .conftest import add_page

pytestmark = pytest.mark.django_db


def test_site_search_finds_pages_and_suppliers(client, home, make_supplier, sector_a, django_capture_on_commit_callbacks):
    add_page(home, StandardPage(title="Le décolletage en France", slug="decolletage", intro="Histoire du décolletage."))
    with django_capture_on_commit_callbacks(execute=True):  # the index sync runs after commit
        make_supplier("Décolletage Savoyard", [sector_a], tagline="Pièces décolletées de précision")
        make_supplier("Décolletage Brouillon", [sector_a], published=False)

    response = client.get("/recherche-globale/", {"q": "décolletage"})

    html = response.content.decode()
    assert response.status_code == 200
    pages_section, suppliers_section = html.split('id="site-search-suppliers"')
    assert "Le décolletage en France" in pages_section
    assert "Décolletage Savoyard" in suppliers_section
    assert "Décolletage Brouillon" not in html


def test_site_search_finds_suppliers_through_the_search_backend_synonyms(
    client, make_supplier, sector_a, django_capture_on_commit_callbacks
):
    """« pièces tournées » is a synonym of « décolletage » in the skills taxonomy: a plain
    name/tagline query would miss this supplier, the search backend finds it."""
    from suppliers.models import Skill

    with django_capture_on_commit_callbacks(execute=True):
        profile = make_supplier("Atelier Savoyard", [sector_a], tagline="Sous-traitance")
        profile.skills.add(Skill.objects.get(slug="decolletage"))
        profile.save()

    html = client.get("/recherche-globale/", {"q": "pièces tournées"}).content.decode()

    assert "Atelier Savoyard" in html.split('id="site-search-suppliers"')[1]


def test_site_search_is_at_recherche_globale_and_in_english_under_en(client):
    with translation.override("fr"):
        assert reverse("cms:site_search") == "/recherche-globale/"
    assert client.get("/en/recherche-globale/", {"q": "x"}).status_code == 200


def test_site_search_without_a_query_shows_only_the_form(client):
    html = client.get("/recherche-globale/").content.decode()

    assert 'name="q"' in html and "site-search-pages" not in html


def test_site_search_with_odd_input_does_not_fail(client):
    for query in ['"', "AND OR NOT", "*" * 500, "<script>", "' OR 1=1 --"]:
        response = client.get("/recherche-globale/", {"q": query})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main")[1]
