"""The open-RFQ list searched with the supplier search's machinery (search/rfq_search.py):
stems and accents, taxonomy synonyms, a distance from the delivery commune, live filtering,
and input errors shown on the page (tests/search/conftest.py catalogue for the synonyms)."""
import pytest
from django.urls import reverse

from rfq import selectors
from rfq.models import RFQ
from search.query import SearchQueryError
from search.rfq_search import parse_place

from .test_matching import rfq_for

LIST_URL = reverse("rfq:list")


def listed(**filters):
    return set(selectors.open_rfqs_for(None, **filters))


def test_words_match_without_accents_plurals_or_case(catalogue):
    capots = rfq_for(title="Tôlerie fine : capots électriques", commune=None)
    peinture = rfq_for(title="Peinture époxy", commune=None)

    assert listed(text="TOLERIE") == {capots}
    assert listed(text="capot électrique") == {capots}
    assert listed(text="tôlerie peinture") == set()  # every word must match
    assert peinture in listed(text="")


def test_a_taxonomy_synonym_finds_an_rfq_about_decolletage(catalogue):
    axes = rfq_for(title="Décolletage d'axes en inox", commune=None)
    rfq_for(title="Fraisage de bâtis", commune=None)

    assert listed(text="pièces tournées") == {axes}
    assert listed(text="bar turning") == {axes}


def test_the_skills_of_an_rfq_count_as_its_words(catalogue):
    tagged = rfq_for(title="Axes Ø8", skills=[catalogue.decolletage], commune=None)

    assert listed(text="décolletage") == {tagged}


def test_a_confidential_description_is_never_searched(catalogue):
    secret = rfq_for(title="Pièces", summary="Résumé public", description="<p>Titane médical</p>",
                     visibility=RFQ.Visibility.CONFIDENTIAL, commune=None)
    public = rfq_for(title="Pièces", summary="Résumé public", description="<p>Titane médical</p>", commune=None)

    assert secret not in listed(text="titane")
    assert public not in listed(text="titane")  # the list searches what it shows: title and summary
    assert {secret, public} <= listed(text="résumé")


def test_radius_keeps_rfqs_delivered_within_the_distance_of_the_postal_code(catalogue):
    villeurbanne = rfq_for(title="Livré à Villeurbanne")  # next to Lyon
    rennes = rfq_for(title="Livré à Rennes", commune="35238")
    nowhere = rfq_for(title="Sans lieu de livraison", commune=None)

    assert listed(place=parse_place("69001", "25")) == {villeurbanne}
    assert listed(place=parse_place("69001", "")) == {villeurbanne}  # default radius
    assert listed(place=parse_place("35000", 1000)) == {villeurbanne, rennes}
    assert nowhere not in listed(place=parse_place("35000", 1000))


@pytest.mark.parametrize(
    ("postal_code", "radius", "param"),
    [("00000", "25", "postal_code"), ("abc", "25", "postal_code"), ("", "25", "postal_code"), ("69001", "5000", "radius_km")],
)
def test_a_bad_place_is_a_search_query_error_on_its_field(db, postal_code, radius, param):
    with pytest.raises(SearchQueryError) as error:
        parse_place(postal_code, radius)
    assert error.value.param == param and error.value.message


def test_list_page_filters_by_words_and_distance(client, catalogue):
    near = rfq_for(title="Décolletage près de Lyon")
    far = rfq_for(title="Décolletage à Rennes", commune="35238")

    response = client.get(LIST_URL, {"q": "pièces tournées", "postal_code": "69001", "radius_km": "50"})

    content = response.content.decode()
    assert near.title in content and far.title not in content


def test_bad_postal_code_is_a_message_on_the_page_not_a_500(client, catalogue):
    rfq = rfq_for(title="Décolletage près de Lyon")

    response = client.get(LIST_URL, {"postal_code": "00000", "radius_km": "25"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Le code postal 00000 ne correspond à aucune commune." in content
    assert rfq.title in content  # the other filters still apply; the place is ignored
    response = client.get(LIST_URL, {"radius_km": "9999"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_htmx_request_gets_the_results_region_only(client, catalogue):
    rfq = rfq_for(title="Tôlerie fine")

    response = client.get(LIST_URL, {"q": "tolerie"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert content.lstrip().startswith("<div id=\"rfq-results\"") and "<html" not in content
    assert rfq.title in content
    full = client.get(LIST_URL).content.decode()
    assert 'hx-get="' in full and 'hx-target="#rfq-results"' in full
