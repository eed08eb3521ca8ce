"""Resolving postal codes and INSEE codes to communes, and distances."""
import pytest

from marketplace.geo.services import (
    LocationError,
    communes_for_postal_code,
    haversine_km,
    resolve_location,
)

pytestmark = pytest.mark.django_db


def test_a_postal_code_shared_by_several_communes_lists_them_all_by_name():
    assert [c.name for c in communes_for_postal_code("01550")] == ["Collonges", "Farges", "Pougny"]


def test_postal_code_of_a_single_commune_resolves_to_it():
    assert resolve_location(postal_code="69100").name == "Villeurbanne"


def test_spaces_typed_inside_a_postal_code_are_ignored():
    assert resolve_location(postal_code=" 69 100 ").insee == "69266"


def test_corsican_postal_code_resolves_to_a_2a_commune():
    assert resolve_location(postal_code="20000").insee == "2A004"


def test_insee_code_alone_resolves_including_corsica_in_lower_case():
    assert resolve_location(insee="2a004").name == "Ajaccio"


def test_paris_postal_code_alone_resolves_to_the_arrondissement():
    commune = resolve_location(postal_code="75001")

    assert commune.insee == "75101"
    assert commune.parent.name == "Paris"


def test_the_city_itself_can_still_be_chosen_for_an_arrondissement_postal_code():
    assert resolve_location(postal_code="69001", insee="69123").name == "Lyon"


def test_insee_code_picks_one_of_the_communes_sharing_a_postal_code():
    assert resolve_location(postal_code="01550", insee="01158").name == "Farges"


def test_ambiguous_postal_code_without_insee_code_lists_the_candidates():
    with pytest.raises(LocationError) as excinfo:
        resolve_location(postal_code="01550")

    error = excinfo.value
    assert error.code == "ambiguous_postal_code"
    assert error.field == "insee"
    assert error.message == (
        "Le code postal 01550 dessert plusieurs communes (Collonges, Farges, Pougny) : précisez laquelle."
    )
    assert [c.insee for c in error.candidates] == ["01109", "01158", "01308"]


def test_unknown_postal_code_is_reported_on_the_postal_code():
    with pytest.raises(LocationError) as excinfo:
        resolve_location(postal_code="99999")

    assert excinfo.value.code == "unknown_postal_code"
    assert excinfo.value.field == "postal_code"
    assert str(excinfo.value) == "Le code postal 99999 ne correspond à aucune commune."


@pytest.mark.parametrize("postal_code", ["6910", "691000", "69I00", "2A004"])
def test_malformed_postal_code_is_refused_with_the_five_digit_rule(postal_code):
    with pytest.raises(LocationError) as excinfo:
        resolve_location(postal_code=postal_code)

    assert excinfo.value.code == "malformed_postal_code"
    assert excinfo.value.message == (
        f"« {postal_code} » n'est pas un code postal valide : il doit comporter 5 chiffres."
    )


def test_unknown_insee_code_is_reported():
    with pytest.raises(LocationError) as excinfo:
        resolve_location(insee="01999")

    assert excinfo.value.code == "unknown_insee"
    assert excinfo.value.message == "Le code INSEE 01999 ne correspond à aucune commune."


def test_malformed_insee_code_is_reported():
    with pytest.raises(LocationError) as excinfo:
        resolve_location(insee="2C004")

    assert excinfo.value.code == "malformed_insee"


def test_insee_code_not_served_by_the_postal_code_is_refused():
    with pytest.raises(LocationError) as excinfo:
        resolve_location(postal_code="69100", insee="69123")

    assert excinfo.value.code == "postal_code_mismatch"
    assert excinfo.value.field == "insee"
    assert excinfo.value.message == "La commune Lyon n'est pas desservie par le code postal 69100."


def test_neither_postal_code_nor_insee_code_is_an_error():
    with pytest.raises(LocationError) as excinfo:
        resolve_location()

    assert excinfo.value.message == "Indiquez un code postal ou un code INSEE."


def test_haversine_distance_paris_lyon_is_about_392_km():
    assert haversine_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(392, abs=2)


def test_haversine_distance_is_zero_for_the_same_point_and_symmetric():
    assert haversine_km(45.0, 5.0, 45.0, 5.0) == 0
    assert haversine_km(43.3, 5.4, 41.9, 8.7) == pytest.approx(haversine_km(41.9, 8.7, 43.3, 5.4))
