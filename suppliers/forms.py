"""Forms of the supplier profile editor, one per section.

They parse and pre-check input for a friendly display; the services in ``suppliers.services``
hold the rules and check again. Upload checks call the same functions the services use, so a
file refused here is refused for the same reason there.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.geo.forms import AddressFormMixin

from . import services
from .models import (
    BatchSize,
    CertificationType,
    CustomerReference,
    Equipment,
    HeadcountBand,
    Material,
    ProductionSite,
    Sector,
    Skill,
    SupplierCertification,
)


def _service_check(check, *args, **kwargs):
    try:
        check(*args, **kwargs)
    except services.SupplierProfileError as error:
        raise forms.ValidationError(error.message) from None


def skill_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Skills grouped under their top-level family, each family's own entry first, children indented."""
    skills = list(Skill.objects.all())
    children: dict[int | None, list[Skill]] = {}
    for skill in skills:
        children.setdefault(skill.parent_id, []).append(skill)

    def descendants(skill, depth):
        for child in children.get(skill.pk, []):
            yield child, depth
            yield from descendants(child, depth + 1)

    groups = []
    for root in children.get(None, []):
        options = [(root.slug, root.label)]
        options += [(child.slug, "— " * depth + child.label) for child, depth in descendants(root, 1)]
        groups.append((root.label, options))
    return groups


def material_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for material in Material.objects.all():
        groups.setdefault(material.family or str(_("Autres")), []).append((material.slug, material.label))
    return list(groups.items())


class IdentityForm(forms.Form):
    tagline = forms.CharField(
        label=_("Accroche"), max_length=200, required=False,
        help_text=_("Une phrase qui dit ce que vous faites le mieux."),
    )
    presentation = forms.CharField(
        label=_("Présentation (français)"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Texte libre ; mise en forme possible : <p>, <strong>, <em>, listes, titres <h3>/<h4>, liens."),
    )
    presentation_en = forms.CharField(
        label=_("Présentation (anglais, facultative)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    website = forms.URLField(label=_("Site web"), required=False, max_length=200, assume_scheme="https")
    contact_email = forms.EmailField(label=_("E-mail de contact"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)

    @classmethod
    def initial_for(cls, profile) -> dict:
        return {name: getattr(profile, name) for name in cls.base_fields}


class CapabilitiesForm(forms.Form):
    skills = forms.MultipleChoiceField(label=_("Compétences"), required=False, widget=forms.CheckboxSelectMultiple)
    keywords = forms.CharField(
        label=_("Mots-clés libres"), required=False,
        help_text=_("Séparés par des virgules ; 30 au maximum, 60 caractères chacun."),
    )
    materials = forms.MultipleChoiceField(label=_("Matériaux"), required=False, widget=forms.CheckboxSelectMultiple)
    sectors = forms.MultipleChoiceField(label=_("Filières servies"), required=False, widget=forms.CheckboxSelectMultiple)
    headcount_band = forms.ChoiceField(
        label=_("Effectif"), required=False, choices=[("", _("Non précisé"))] + list(HeadcountBand.choices)
    )
    batch_sizes = forms.MultipleChoiceField(
        label=_("Tailles de série"), required=False, choices=BatchSize.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Langues de travail"), required=False, choices=services.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices()
        self.fields["materials"].choices = material_choices()
        self.fields["sectors"].choices = [(s.slug, s.label) for s in Sector.objects.all()]

    @classmethod
    def initial_for(cls, profile) -> dict:
        return {
            "skills": [s.slug for s in profile.skills.all()],
            "keywords": ", ".join(profile.keywords or []),
            "materials": [m.slug for m in profile.materials.all()],
            "sectors": [s.slug for s in profile.sectors.all()],
            "headcount_band": profile.headcount_band,
            "batch_sizes": profile.batch_sizes,
            "languages": profile.languages,
        }

    def clean_keywords(self):
        try:
            return services.normalize_keywords(self.cleaned_data.get("keywords", ""))
        except services.SupplierProfileError as error:
            raise forms.ValidationError(error.message) from None


class CertificationForm(forms.ModelForm):
    certificate_file = forms.FileField(
        label=_("Certificat (PDF, 5 Mo au maximum)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = SupplierCertification
        fields = ["certification_type", "certificate_number", "issuer", "valid_from", "valid_until"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification_type"].queryset = CertificationType.objects.all()

    def clean_certificate_file(self):
        upload = self.cleaned_data.get("certificate_file")
        if upload:
            _service_check(services.check_certificate_pdf, upload)
        return upload

    def clean(self):
        cleaned_data = super().clean()
        valid_from, valid_until = cleaned_data.get("valid_from"), cleaned_data.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("La fin de validité doit suivre le début de validité."))
        return cleaned_data

    def _post_clean(self):
        # The service decides about duplicates and saves; the model's unique check needs a profile.
        pass


class EquipmentForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["machine_type", "brand_model", "count", "key_capacity"]
        widgets = {"count": forms.NumberInput(attrs={"min": 1, "max": 999})}

    def clean_count(self):
        count = self.cleaned_data.get("count") or 1
        if count < 1 or count > 999:
            raise forms.ValidationError(_("Entre 1 et 999."))
        return count


class ProductionSiteForm(AddressFormMixin, forms.ModelForm):
    class Meta:
        model = ProductionSite
        fields = ["name", "address", "postal_code", "commune", "is_head_office"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Par défaut, le nom de la commune.")

    def _post_clean(self):
        # Coordinates come from the commune in the service; nothing to validate on the model yet.
        pass


class CustomerReferenceForm(forms.ModelForm):
    class Meta:
        model = CustomerReference
        fields = ["customer", "description", "year"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1900, "max": 2100})}

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not 1900 <= year <= 2100:
            raise forms.ValidationError(_("Indiquez une année à quatre chiffres."))
        return year


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo (JPEG, PNG ou WebP, 2 Mo au maximum)"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_logo(self):
        upload = self.cleaned_data["logo"]
        _service_check(
            services.check_image, upload,
            max_bytes=services.LOGO_MAX_BYTES, max_side=services.LOGO_MAX_SOURCE_SIDE, field="logo",
        )
        return upload


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Photo (JPEG, PNG ou WebP, 5 Mo au maximum)"),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label=_("Légende"), max_length=200, required=False)

    def clean_image(self):
        upload = self.cleaned_data["image"]
        _service_check(
            services.check_image, upload,
            max_bytes=services.PHOTO_MAX_BYTES, max_side=services.PHOTO_MAX_SOURCE_SIDE, field="image",
        )
        return upload
