"""SIREN, SIRET and VAT numbers are checked with python-stdnum and explained in French."""
import pytest
from django.core.exceptions import ValidationError
from stdnum.fr import tva

from marketplace.accounts.identifiers import (
    validate_siren,
    validate_siret,
    validate_vat_number,
    vat_number_for_siren,
)
from tests.factories import make_siret

SIRET = make_siret(7_000_001)


def _error(callable_, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        callable_(*args, **kwargs)
    return excinfo.value


def test_valid_siret_is_returned_without_spaces():
    spaced = f"{SIRET[:3]} {SIRET[3:6]} {SIRET[6:9]} {SIRET[9:]}"
    assert validate_siret(spaced) == SIRET


def test_siret_with_letters_is_rejected_as_non_digits():
    error = _error(validate_siret, SIRET[:13] + "A")
    assert error.code == "siret_not_digits"
    assert "que des chiffres" in error.message


@pytest.mark.parametrize("value", [SIRET[:13], SIRET + "0"])
def test_siret_of_wrong_length_says_how_many_digits_were_typed(value):
    error = _error(validate_siret, value)
    assert error.code == "siret_length"
    assert "14 chiffres" in error.message
    assert str(len(value)) in error.message


def test_siret_with_a_wrong_check_digit_explains_the_check_key():
    wrong = SIRET[:13] + str((int(SIRET[13]) + 1) % 10)
    error = _error(validate_siret, wrong)
    assert error.code == "siret_checksum"
    assert "clé de contrôle" in error.message


def test_siret_whose_siren_part_has_a_wrong_check_digit_is_rejected():
    siren = SIRET[:9]
    bad_siren = siren[:8] + str((int(siren[8]) + 1) % 10)
    error = _error(validate_siret, bad_siren + SIRET[9:])
    assert error.code == "siret_checksum"
    assert "SIREN" in error.message


def test_siren_with_letters_or_wrong_length_or_wrong_key_is_explained():
    siren = SIRET[:9]
    assert validate_siren(siren) == siren
    assert _error(validate_siren, siren[:8] + "X").code == "siren_not_digits"
    assert "9 chiffres" in _error(validate_siren, siren[:8]).message
    error = _error(validate_siren, siren[:8] + str((int(siren[8]) + 1) % 10))
    assert error.code == "siren_checksum"
    assert "clé de contrôle" in error.message


def test_vat_number_derived_from_a_siren_is_a_valid_french_vat_number():
    vat = vat_number_for_siren(SIRET[:9])
    assert vat.startswith("FR") and vat.endswith(SIRET[:9]) and len(vat) == 13
    assert tva.is_valid(vat)


def test_vat_number_of_another_company_is_rejected_as_not_matching_the_siren():
    other = vat_number_for_siren(make_siret(7_000_002)[:9])
    error = _error(validate_vat_number, other, siren=SIRET[:9])
    assert error.code == "vat_siren_mismatch"
    assert SIRET[:9] in error.message


def test_vat_number_with_a_wrong_key_is_rejected():
    vat = vat_number_for_siren(SIRET[:9])
    wrong_key = f"FR{(int(vat[2:4]) + 1) % 97:02d}{SIRET[:9]}"
    assert _error(validate_vat_number, wrong_key).code == "vat_checksum"


def test_vat_number_is_normalised_to_upper_case_without_spaces():
    vat = vat_number_for_siren(SIRET[:9])
    assert validate_vat_number(f"fr {vat[2:4]} {vat[4:]}", siren=SIRET[:9]) == vat
