"""Forms for the account page and for organisations, their members and invitations."""
from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.geo.forms import AddressFormMixin
from marketplace.geo.models import NafCode

from . import identifiers
from .models import Membership, Organisation
from .services import existing_organisation_for

KIND_CHOICES = [
    ("is_buyer", _("Donneur d'ordre : je publie des demandes de devis")),
    ("is_supplier", _("Fournisseur (PME) : je réponds aux demandes de devis")),
    ("is_cluster", _("Cluster ou pôle : j'anime un réseau d'entreprises")),
]


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form with our own French wording (``ACCOUNT_FORMS["signup"]``).

    allauth's catalogue says « E-mail » where the rest of the site says « Adresse e-mail »; the
    labels carry no suffix so assistive technologies read exactly the label.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
        self.fields["password1"].label = _("Mot de passe")
        if "password2" in self.fields:
            self.fields["password2"].label = _("Mot de passe (confirmation)")


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)


class OrganisationForm(AddressFormMixin, forms.Form):
    """Create or edit an organisation; ``organisation_values()`` feeds the services.

    The head office's postal code and commune come from ``AddressFormMixin`` (validated
    against the reference data).
    """

    name = forms.CharField(label=_("Raison sociale"), max_length=200)
    siret = forms.CharField(
        label=_("SIRET du siège"),
        max_length=40,
        help_text=_("14 chiffres ; le SIREN (9 premiers chiffres) en est déduit."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    vat_number = forms.CharField(
        label=_("Numéro de TVA intracommunautaire"),
        max_length=40,
        required=False,
        help_text=_("Facultatif : s'il est vide, il est calculé à partir du SIREN (FR + clé + SIREN)."),
    )
    naf_code = forms.ModelChoiceField(
        label=_("Code NAF (APE)"),
        queryset=NafCode.objects.all(),
        required=False,
        empty_label=_("— Non renseigné —"),
    )
    address = forms.CharField(label=_("Adresse"), max_length=255, required=False)
    size_band = forms.ChoiceField(
        label=_("Taille de l'entreprise"),
        choices=[("", _("— Non renseignée —")), *Organisation.SizeBand.choices],
        required=False,
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")
    kinds = forms.MultipleChoiceField(
        label=_("Type d'organisation"),
        choices=KIND_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un type d'organisation.")},
    )

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        self.organisation = organisation
        if organisation is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(organisation)
        super().__init__(*args, **kwargs)
        # Set by clean_siret when the company is already registered, so the template can offer
        # to ask to join it.
        self.existing_organisation: Organisation | None = None
        # The mixin declares its fields first; on the page they belong right after the street.
        self.order_fields(
            ["name", "siret", "vat_number", "kinds", "naf_code", "size_band", "address", "postal_code", "commune", "website"]
        )

    @staticmethod
    def initial_from(organisation: Organisation) -> dict:
        return {
            "name": organisation.name,
            "siret": organisation.siret,
            "vat_number": organisation.vat_number,
            "naf_code": organisation.naf_code_id,
            "address": organisation.address,
            "postal_code": organisation.postal_code,
            "commune": organisation.commune_id or "",
            "size_band": organisation.size_band,
            "website": organisation.website,
            "kinds": [name for name, _label in KIND_CHOICES if getattr(organisation, name)],
        }

    def clean_siret(self):
        siret = identifiers.validate_siret(self.cleaned_data["siret"])
        existing = existing_organisation_for(siret, exclude=self.organisation)
        if existing is not None:
            self.existing_organisation = existing
            raise ValidationError(
                _(
                    "Cette entreprise est déjà inscrite sous le nom « %(name)s ». "
                    "Vous pouvez demander à rejoindre son organisation."
                ),
                code="duplicate",
                params={"name": existing.name},
            )
        return siret

    def clean(self):
        cleaned = super().clean()
        siret = cleaned.get("siret")
        siren = identifiers.siren_from_siret(siret) if siret else None
        vat = cleaned.get("vat_number", "")
        try:
            if vat:
                cleaned["vat_number"] = identifiers.validate_vat_number(vat, siren=siren)
            elif siren:
                cleaned["vat_number"] = identifiers.vat_number_for_siren(siren)
        except ValidationError as error:
            self.add_error("vat_number", error)
        return cleaned

    def organisation_values(self) -> dict:
        """The validated values in the shape the services take."""
        data = self.cleaned_data
        kinds = set(data["kinds"])
        return {
            "name": data["name"].strip(),
            "siret": data["siret"],
            "vat_number": data["vat_number"],
            "naf_code": data["naf_code"],
            "address": data["address"].strip(),
            "postal_code": data["postal_code"],
            "commune": data["commune"],
            "size_band": data["size_band"],
            "website": data["website"],
            **{name: name in kinds for name, _label in KIND_CHOICES},
        }


class FindOrganisationForm(forms.Form):
    """Find a registered company by its SIREN or SIRET, to ask to join it."""

    identifiant = forms.CharField(
        label=_("SIREN ou SIRET de l'entreprise"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_identifiant(self):
        raw = self.cleaned_data["identifiant"]
        digits = "".join(ch for ch in raw if ch.isdigit())
        if len(digits) > 9:
            return identifiers.validate_siret(raw)[:9]
        return identifiers.validate_siren(raw)

    def matching_organisations(self):
        return Organisation.objects.filter(siren=self.cleaned_data["identifiant"])


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message aux administrateurs (facultatif)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, inviter: Membership | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if inviter is not None and not inviter.is_owner:
            # Only an owner may hand out the owner role; the service enforces it too.
            self.fields["role"].choices = [c for c in Membership.Role.choices if c[0] != Membership.Role.OWNER]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)
