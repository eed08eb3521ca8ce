"""AddressFormMixin: postal code + commune validation, auto-selection and htmx wiring."""
import pytest
from django import forms

from marketplace.geo.forms import AddressFormMixin
from marketplace.geo.models import Commune

pytestmark = pytest.mark.django_db


class SiteForm(AddressFormMixin, forms.Form):
    name = forms.CharField()


class OptionalAddressForm(AddressFormMixin, forms.Form):
    address_required = False


def test_postal_code_and_matching_commune_give_a_commune_instance():
    form = SiteForm(data={"name": "Atelier", "postal_code": "01550", "commune": "01158"})

    assert form.is_valid(), form.errors
    assert isinstance(form.cleaned_data["commune"], Commune)
    assert form.cleaned_data["commune"].name == "Farges"
    assert form.cleaned_data["postal_code"] == "01550"


def test_single_commune_is_selected_even_when_none_was_sent():
    form = SiteForm(data={"name": "Atelier", "postal_code": "69 100", "commune": ""})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"].insee == "69266"
    assert form.cleaned_data["postal_code"] == "69100"


def test_unknown_postal_code_error_is_on_the_postal_code_field():
    form = SiteForm(data={"name": "Atelier", "postal_code": "99999", "commune": ""})

    assert not form.is_valid()
    assert form.errors["postal_code"] == ["Le code postal 99999 ne correspond à aucune commune."]
    assert "commune" not in form.errors


def test_malformed_postal_code_error_is_on_the_postal_code_field():
    form = SiteForm(data={"name": "Atelier", "postal_code": "6910", "commune": ""})

    assert not form.is_valid()
    assert form.errors["postal_code"] == [
        "« 6910 » n'est pas un code postal valide : il doit comporter 5 chiffres."
    ]


def test_commune_not_served_by_the_postal_code_is_refused_on_the_commune_field():
    form = SiteForm(data={"name": "Atelier", "postal_code": "69100", "commune": "69123"})

    assert not form.is_valid()
    assert form.errors["commune"] == ["La commune Lyon n'est pas desservie par le code postal 69100."]
    assert "postal_code" not in form.errors


def test_shared_postal_code_without_a_choice_asks_which_commune():
    form = SiteForm(data={"name": "Atelier", "postal_code": "01550", "commune": ""})

    assert not form.is_valid()
    assert form.errors["commune"] == [
        "Le code postal 01550 dessert plusieurs communes (Collonges, Farges, Pougny) : précisez laquelle."
    ]


def test_missing_postal_code_is_required_by_default():
    form = SiteForm(data={"name": "Atelier", "postal_code": "", "commune": ""})

    assert not form.is_valid()
    assert "postal_code" in form.errors


def test_optional_address_may_be_left_blank():
    form = OptionalAddressForm(data={"postal_code": "", "commune": ""})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] is None


def test_redisplayed_form_offers_the_communes_of_the_typed_postal_code_without_javascript():
    form = SiteForm(data={"name": "Atelier", "postal_code": "01550", "commune": ""})
    form.is_valid()

    select = str(form["commune"])
    for insee, name in [("01109", "Collonges"), ("01158", "Farges"), ("01308", "Pougny")]:
        assert f'<option value="{insee}">{name}</option>' in select


def test_unbound_form_preselects_the_only_commune_of_an_initial_postal_code():
    form = SiteForm(initial={"postal_code": "69100"})

    assert '<option value="69266" selected>Villeurbanne</option>' in str(form["commune"])


def test_postal_code_input_refreshes_the_commune_select_through_htmx():
    form = SiteForm(prefix="site")

    postal_input = str(form["postal_code"])
    assert 'hx-get="/communes/options/"' in postal_input
    assert 'hx-trigger="input changed delay:300ms, change"' in postal_input
    assert 'hx-target="#id_site-commune"' in postal_input
    assert 'id="id_site-commune"' in str(form["commune"])
