"""Postal code + commune fields for every form that takes a French address.

Usage — put ``AddressFormMixin`` first among the bases of any ``Form`` or ``ModelForm``::

    from marketplace.geo.forms import AddressFormMixin

    class SiteForm(AddressFormMixin, forms.ModelForm):
        class Meta:
            model = Site
            fields = ["name", "street", "postal_code", "commune"]

The mixin declares two fields:

- ``postal_code``: 5 digits (spaces tolerated and removed); ``cleaned_data["postal_code"]`` is
  the normalised code.
- ``commune``: a ``<select>`` of the communes that postal code serves;
  ``cleaned_data["commune"]`` is a ``marketplace.geo.models.Commune`` (so a ModelForm whose
  model has a ``commune`` foreign key saves it as is), or ``None`` when the address is optional
  and left blank.

Validation goes through ``geo.services.resolve_location``: a malformed or unknown postal code
is reported on ``postal_code``; a missing choice (postal code shared by several communes) or
a commune that the postal code does not serve is reported on ``commune``. When the postal code
designates a single commune, it is selected automatically, even if the browser sent none.

Set ``address_required = False`` on the form class to let both fields be left blank. Labels
and help texts can be changed in ``__init__`` after ``super().__init__()`` like any other
field's. Several addresses in one page: use one form per address, each with its own
``prefix``.

Progressive enhancement, no JavaScript of ours: the postal code input carries
``hx-get`` (``geo:commune_options``), ``hx-trigger="input changed delay:300ms, change"`` and
``hx-target`` = the commune select, so with htmx loaded the select refills as the user types.
Without JavaScript the user submits, the form re-renders with the select filled (or the
single commune already chosen). The endpoint reads the ``postal_code`` parameter, or the
prefixed name a form prefix gives it (``site-postal_code``).
"""
from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Commune
from .services import (
    LocationError,
    communes_for_postal_code,
    is_valid_postal_code,
    normalize_insee_code,
    normalize_postal_code,
    preferred_commune,
    resolve_location,
    validate_postal_code,
)


def commune_choices(postal_code: str | None) -> tuple[list[tuple[str, str]], str]:
    """The ``<option>`` list for a postal code and the INSEE code to pre-select ("" for none).

    Shared by the form's select and the htmx endpoint so both always offer the same list.
    """
    code = normalize_postal_code(postal_code)
    if not code:
        return [("", _("Saisissez d'abord le code postal"))], ""
    if not is_valid_postal_code(code):
        return [("", _("Code postal incomplet : 5 chiffres attendus"))], ""
    candidates = list(communes_for_postal_code(code))
    if not candidates:
        return [("", _("Code postal inconnu"))], ""
    choices = [(commune.insee, commune.name) for commune in candidates]
    preferred = preferred_commune(candidates)
    if preferred is None:
        return [("", _("Choisissez la commune"))] + choices, ""
    return choices, preferred.insee


class CommuneField(forms.Field):
    """An INSEE code picked from a select; the owning form turns it into a ``Commune``.

    Membership is checked by the form against the postal code rather than by the field,
    because only the form knows both values.
    """

    widget = forms.Select

    def to_python(self, value):
        if isinstance(value, Commune):
            return value.insee
        return normalize_insee_code(value) or None

    def prepare_value(self, value):
        return value.insee if isinstance(value, Commune) else value


class AddressFormMixin(forms.Form):
    """Adds ``postal_code`` and ``commune`` to a form; see the module docstring."""

    address_required = True

    postal_code = forms.CharField(
        label=gettext_lazy("Code postal"),
        max_length=10,  # room for « 69 100 »; normalised to 5 digits in clean_postal_code
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    commune = CommuneField(label=gettext_lazy("Commune"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postal_code"].required = self.address_required

        choices, preferred = commune_choices(self._current_postal_code())
        commune_field = self.fields["commune"]
        commune_field.widget.choices = choices
        if not self.is_bound and not self.initial.get("commune") and preferred:
            commune_field.initial = preferred

        select_id = self["commune"].auto_id or f"id_{self.add_prefix('commune')}"
        commune_field.widget.attrs["id"] = select_id
        self.fields["postal_code"].widget.attrs.update(
            {
                "hx-get": reverse("geo:commune_options"),
                "hx-trigger": "input changed delay:300ms, change",
                "hx-target": f"#{select_id}",
                "hx-swap": "innerHTML",
            }
        )

    def _current_postal_code(self) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix("postal_code"), "")
        return self.initial.get("postal_code") or ""

    def clean_postal_code(self):
        value = self.cleaned_data.get("postal_code")
        if not value:
            return ""
        try:
            return validate_postal_code(value)
        except LocationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean(self):
        cleaned_data = super().clean()
        if "postal_code" in self.errors:
            cleaned_data.pop("commune", None)
            return cleaned_data

        postal_code = cleaned_data.get("postal_code")
        insee = cleaned_data.get("commune")
        if not postal_code:
            # Only reachable when the address is optional: the required check caught the rest.
            if insee:
                self.add_error("postal_code", _("Indiquez le code postal de la commune."))
            cleaned_data["commune"] = None
            return cleaned_data
        try:
            cleaned_data["commune"] = resolve_location(postal_code=postal_code, insee=insee)
        except LocationError as exc:
            cleaned_data.pop("commune", None)
            field = "postal_code" if exc.field == "postal_code" else "commune"
            self.add_error(field, forms.ValidationError(exc.message, code=exc.code))
        return cleaned_data
