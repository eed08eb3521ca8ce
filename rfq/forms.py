"""Forms of the buyer's workspace: the RFQ form with its lots and lines, attachments, cancel,
answers, invitations and award.

They parse input for a friendly display (French decimal comma, Europe/Paris deadlines, rows left
blank ignored); the services in :mod:`rfq.services` and :mod:`rfq.quoting` hold the rules and
check again. A form never writes anything.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.geo.forms import AddressFormMixin
from suppliers.forms import material_choices, skill_choices
from suppliers.models import CertificationType, Material, Sector, Skill

from .models import RFQ, Unit
from .services import LineData, LotData

PARIS = ZoneInfo("Europe/Paris")
DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


# --- Fields --------------------------------------------------------------------------------------


class FrenchDecimalField(forms.Field):
    """A decimal typed the French way ("12,5", "1 250,00") or the English way ("12.5")."""

    widget = forms.TextInput

    def __init__(self, *, max_digits: int, decimal_places: int, positive: bool = False, **kwargs):
        self.max_digits, self.decimal_places, self.positive = max_digits, decimal_places, positive
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Saisissez un nombre, par exemple 12,5."), code="invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Saisissez un nombre, par exemple 12,5."), code="invalid")
        return number

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.positive and value <= 0:
            raise ValidationError(_("Indiquez une valeur supérieure à zéro."), code="not_positive")
        if value < 0:
            raise ValidationError(_("Indiquez une valeur positive."), code="negative")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.decimal_places:
            raise ValidationError(
                _("Au plus %(places)s chiffres après la virgule.") % {"places": self.decimal_places}, code="places"
            )
        integer_digits = len(str(int(abs(value))))
        if integer_digits > self.max_digits - self.decimal_places:
            raise ValidationError(_("Ce nombre est trop grand."), code="too_big")

    def prepare_value(self, value):
        # Shown back the way a French reader writes it; input typed by the user stays as typed.
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
            return text.replace(".", ",")
        return value


class ParisDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read as Europe/Paris wall time; cleaned to an aware UTC datetime."""

    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
        )
        kwargs.setdefault("error_messages", {"invalid": gettext_lazy("Saisissez une date et une heure valides.")})
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            text = str(value).strip()
            for fmt in self.input_formats:
                try:
                    moment = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
            else:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=PARIS)
        return moment.astimezone(ZoneInfo("UTC"))

    def prepare_value(self, value):
        if isinstance(value, datetime):
            return timezone.localtime(value, PARIS).strftime(DATETIME_LOCAL_FORMAT)
        return value


# --- The RFQ form --------------------------------------------------------------------------------


class RFQForm(AddressFormMixin, forms.Form):
    """Everything of an RFQ but its lots, lines and files."""

    address_required = False

    title = forms.CharField(label=gettext_lazy("Titre"), max_length=200)
    summary = forms.CharField(
        label=gettext_lazy("Résumé public"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Visible de tous, même pour une consultation confidentielle."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Mise en forme possible : <p>, <strong>, <em>, listes, titres, liens."),
    )
    sector = forms.ModelChoiceField(
        label=gettext_lazy("Filière"), queryset=Sector.objects.none(), required=False,
        empty_label=gettext_lazy("Non précisée"),
    )
    skills = forms.MultipleChoiceField(label=gettext_lazy("Savoir-faire"), required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    materials = forms.MultipleChoiceField(label=gettext_lazy("Matériaux"), required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    certifications = forms.MultipleChoiceField(
        label=gettext_lazy("Certifications exigées"), required=False, widget=forms.CheckboxSelectMultiple
    )
    quote_deadline = ParisDateTimeField(
        label=gettext_lazy("Date limite de remise des offres"), required=False,
        help_text=gettext_lazy("Heure de Paris. Obligatoire pour publier."),
    )
    questions_deadline = ParisDateTimeField(
        label=gettext_lazy("Date limite des questions"), required=False,
        help_text=gettext_lazy("Heure de Paris ; au plus tard la date limite de remise des offres."),
    )
    budget_min = FrenchDecimalField(label=gettext_lazy("Budget minimum (€ HT)"), max_digits=14, decimal_places=2, required=False)
    budget_max = FrenchDecimalField(label=gettext_lazy("Budget maximum (€ HT)"), max_digits=14, decimal_places=2, required=False)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visibilité"), choices=RFQ.Visibility.choices, initial=RFQ.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    nda_text = forms.CharField(
        label=gettext_lazy("Accord de confidentialité"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Obligatoire pour une consultation confidentielle : le fournisseur l'accepte avant de voir le dossier."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.all()
        self.fields["skills"].choices = skill_choices()
        self.fields["materials"].choices = material_choices()
        self.fields["certifications"].choices = [(c.slug, c.label) for c in CertificationType.objects.all()]
        self.fields["postal_code"].label = _("Code postal du lieu de livraison")
        self.fields["commune"].label = _("Commune de livraison")

    @classmethod
    def initial_for(cls, rfq: RFQ) -> dict:
        commune = rfq.delivery_commune
        return {
            "title": rfq.title,
            "summary": rfq.summary,
            "description": rfq.description,
            "sector": rfq.sector_id,
            "skills": [s.slug for s in rfq.skills.all()],
            "materials": [m.slug for m in rfq.materials.all()],
            "certifications": [c.slug for c in rfq.required_certifications.all()],
            "postal_code": _postal_code_of(commune),
            "commune": commune,
            "quote_deadline": rfq.quote_deadline,
            "questions_deadline": rfq.questions_deadline,
            "budget_min": rfq.budget_min,
            "budget_max": rfq.budget_max,
            "visibility": rfq.visibility,
            "nda_text": rfq.nda_text,
        }

    def clean(self):
        cleaned_data = super().clean()
        now = timezone.now()
        for name in ("quote_deadline", "questions_deadline"):
            moment = cleaned_data.get(name)
            if moment is not None and moment <= now:
                self.add_error(name, _("Cette date est passée : choisissez une date à venir."))
        quote_deadline, questions_deadline = cleaned_data.get("quote_deadline"), cleaned_data.get("questions_deadline")
        if quote_deadline and questions_deadline and questions_deadline > quote_deadline:
            self.add_error(
                "questions_deadline", _("La date limite des questions ne peut pas suivre la remise des offres.")
            )
        budget_min, budget_max = cleaned_data.get("budget_min"), cleaned_data.get("budget_max")
        if budget_min is not None and budget_max is not None and budget_min > budget_max:
            self.add_error("budget_max", _("Le budget maximum doit être supérieur ou égal au minimum."))
        if cleaned_data.get("visibility") == RFQ.Visibility.CONFIDENTIAL and not (cleaned_data.get("nda_text") or "").strip():
            self.add_error("nda_text", _("Une consultation confidentielle exige le texte de l'accord de confidentialité."))
        return cleaned_data

    def service_values(self) -> dict:
        """The keyword arguments of ``create_rfq`` / ``update_rfq`` (lots apart)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data.get("summary", ""),
            "description": data.get("description", ""),
            "sector": data.get("sector"),
            "skills": list(Skill.objects.filter(slug__in=data.get("skills") or [])),
            "materials": list(Material.objects.filter(slug__in=data.get("materials") or [])),
            "certifications": list(CertificationType.objects.filter(slug__in=data.get("certifications") or [])),
            "delivery_commune": data.get("commune"),
            "quote_deadline": data.get("quote_deadline"),
            "questions_deadline": data.get("questions_deadline"),
            "budget_min": data.get("budget_min"),
            "budget_max": data.get("budget_max"),
            "visibility": data["visibility"],
            "nda_text": data.get("nda_text", ""),
        }


def _postal_code_of(commune) -> str:
    if commune is None:
        return ""
    return commune.postal_codes.order_by("code").values_list("code", flat=True).first() or ""


# --- Lots and lines ------------------------------------------------------------------------------


class LotForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Intitulé du lot"), max_length=200, required=False,
        help_text=gettext_lazy("Par défaut « Lot » suivi de son numéro."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description du lot"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LineForm(forms.Form):
    lot = forms.TypedChoiceField(label=gettext_lazy("Lot"), coerce=int, initial=1)
    part = forms.CharField(label=gettext_lazy("Pièce ou prestation"), max_length=200, required=False)
    reference = forms.CharField(label=gettext_lazy("Référence plan"), max_length=100, required=False)
    quantity = FrenchDecimalField(label=gettext_lazy("Quantité"), max_digits=12, decimal_places=3, positive=True, required=False)
    unit = forms.ChoiceField(label=gettext_lazy("Unité"), choices=Unit.choices, initial=Unit.PIECE)
    target_date = forms.DateField(
        label=gettext_lazy("Livraison souhaitée"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": gettext_lazy("Saisissez une date valide.")},
    )

    def __init__(self, *args, lot_count: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [(n, _("Lot %(number)s") % {"number": n}) for n in range(1, max(lot_count, 1) + 1)]

    def clean(self):
        cleaned_data = super().clean()
        # Only rows the user filled in get here (blank rows are skipped by the formset).
        if not cleaned_data.get("part") and "part" not in self.errors:
            self.add_error("part", _("Indiquez la pièce ou la prestation."))
        if cleaned_data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Indiquez la quantité."))
        return cleaned_data


class _BlankRowsIgnoredFormSet(forms.BaseFormSet):
    """Every row may be left blank (it is then ignored); a row partly filled is validated.

    Forms are built without initial data on POST, so clearing a saved row removes it.
    """

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def filled_forms(self):
        return [form for form in self.forms if form.has_changed() and form.is_valid()]


LotFormSet = forms.formset_factory(LotForm, formset=_BlankRowsIgnoredFormSet, extra=0, max_num=50, absolute_max=50)
LineFormSet = forms.formset_factory(LineForm, formset=_BlankRowsIgnoredFormSet, extra=0, max_num=500, absolute_max=500)

LOT_PREFIX, LINE_PREFIX = "lots", "lines"
EXTRA_LINES = 2


class RFQEditor:
    """The RFQ form, its lots and its lines as one unit: build, add rows, validate, turn into
    the service's arguments. ``data`` is ``request.POST`` (or None for a blank/initial page)."""

    def __init__(self, data=None, *, rfq: RFQ | None = None, add: str = ""):
        if data is not None:
            data = data.copy()
            if add == "lot":
                _bump_total(data, LOT_PREFIX)
            elif add == "line":
                _bump_total(data, LINE_PREFIX)
            lot_count = _total(data, LOT_PREFIX)
            self.form = RFQForm(data)
            self.lots = LotFormSet(data, prefix=LOT_PREFIX)
            self.lines = LineFormSet(data, prefix=LINE_PREFIX, form_kwargs={"lot_count": lot_count})
        else:
            lot_initial, line_initial = _initial_rows(rfq)
            self.form = RFQForm(initial=RFQForm.initial_for(rfq) if rfq else None)
            self.lots = LotFormSet(initial=lot_initial, prefix=LOT_PREFIX)
            self.lines = LineFormSet(
                initial=line_initial + [{"lot": len(lot_initial), "unit": Unit.PIECE}] * EXTRA_LINES,
                prefix=LINE_PREFIX,
                form_kwargs={"lot_count": len(lot_initial)},
            )
        self.lot_count = max(self.lots.total_form_count(), 1)

    def is_valid(self) -> bool:
        # Evaluate all three so every error shows at once.
        results = [self.form.is_valid(), self.lots.is_valid(), self.lines.is_valid()]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors or self.lots.total_error_count() or self.lines.total_error_count())

    def lot_data(self) -> list[LotData]:
        """Lots in page order; a lot is kept when it has a title, a description or a line;
        lines point to their lot by its number on the page."""
        lines_by_lot: dict[int, list[LineData]] = {}
        for form in self.lines.filled_forms():
            data = form.cleaned_data
            lines_by_lot.setdefault(data["lot"], []).append(
                LineData(
                    part=data["part"],
                    quantity=data["quantity"],
                    unit=data["unit"],
                    reference=data.get("reference", ""),
                    target_date=data.get("target_date"),
                )
            )
        lots = []
        for number, form in enumerate(self.lots.forms, start=1):
            data = form.cleaned_data if form.has_changed() else {}
            lines = lines_by_lot.get(number, [])
            if not (data.get("title") or data.get("description") or lines):
                continue
            title = data.get("title") or _("Lot %(number)s") % {"number": number}
            lots.append(LotData(title=title, description=data.get("description", ""), lines=lines))
        return lots

    def service_values(self) -> dict:
        return {**self.form.service_values(), "lots": self.lot_data()}


def _total(data, prefix) -> int:
    try:
        return max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 500))
    except (TypeError, ValueError):
        return 0


def _bump_total(data, prefix) -> None:
    data[f"{prefix}-TOTAL_FORMS"] = str(_total(data, prefix) + 1)
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")


def _initial_rows(rfq: RFQ | None) -> tuple[list[dict], list[dict]]:
    if rfq is None or rfq.pk is None:
        return [{}], []
    lot_rows, line_rows = [], []
    for index, lot in enumerate(rfq.lots.prefetch_related("lines"), start=1):
        lot_rows.append({"title": lot.title, "description": lot.description})
        for line in lot.lines.all():
            line_rows.append({
                "lot": index,
                "part": line.part,
                "reference": line.reference,
                "quantity": line.quantity,
                "unit": line.unit,
                "target_date": line.target_date,
            })
    return lot_rows or [{}], line_rows


# --- Smaller forms -------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentUploadForm(forms.Form):
    """Renders the file input; the view reads every file with ``request.FILES.getlist("files")``
    and hands each to the service, which checks it (type by content, sizes, name)."""

    files = forms.FileField(
        label=gettext_lazy("Pièces jointes (PDF, images, DXF, DWG, STEP, IGES, ZIP)"),
        widget=MultipleFileInput(),
        required=False,
        help_text=gettext_lazy("Plusieurs fichiers possibles ; 25 Mo au plus chacun."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif de l'annulation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Communiqué aux fournisseurs concernés."),
        error_messages={"required": gettext_lazy("Indiquez le motif de l'annulation.")},
    )


class UnsuccessfulForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motif"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Indiquez pourquoi la consultation est infructueuse.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Réponse"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Visible de tous les fournisseurs qui voient le dossier ; l'auteur de la question n'est jamais cité."),
        error_messages={"required": gettext_lazy("Écrivez une réponse.")},
    )


class InviteForm(forms.Form):
    """Supplier organisations to invite, by id (matching list) or by profile id (search results)."""

    organisation = forms.TypedMultipleChoiceField(label=gettext_lazy("Fournisseurs"), coerce=int, required=False)
    profile = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Matching suppliers are listed; any other id (from the search page) is checked by the view.
        self.fields["organisation"].choices = [(pk, pk) for pk in organisation_ids]
        self.fields["organisation"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        cleaned_data = super().clean()
        profile = (cleaned_data.get("profile") or "").strip()
        if profile and not profile.isdigit():
            self.add_error("profile", _("Fournisseur inconnu."))
        if not cleaned_data.get("organisation") and not profile:
            raise ValidationError(_("Choisissez au moins un fournisseur."))
        return cleaned_data


class AwardForm(forms.Form):
    """Per lot, the chosen quote (a radio list per lot), or one quote for the whole RFQ."""

    mode = forms.ChoiceField(
        label=gettext_lazy("Attribuer"),
        choices=[("lots", gettext_lazy("lot par lot")), ("whole", gettext_lazy("la consultation entière à une offre"))],
        initial="lots",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Motif de la décision (facultatif)"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lots=(), quotes=(), **kwargs):
        super().__init__(*args, **kwargs)
        quote_choices = [(str(q.pk), str(q.supplier)) for q in quotes]
        self.quotes_by_id = {str(q.pk): q for q in quotes}
        self.lots = list(lots)
        self.fields["whole"] = forms.ChoiceField(
            label=_("Offre retenue pour toute la consultation"), required=False,
            choices=[("", _("—"))] + quote_choices,
        )
        for lot in self.lots:
            self.fields[f"lot_{lot.pk}"] = forms.ChoiceField(
                label=str(lot), required=False, choices=[("", _("Ne pas attribuer ce lot"))] + quote_choices,
            )

    def lot_fields(self):
        return [self[f"lot_{lot.pk}"] for lot in self.lots]

    def clean(self):
        cleaned_data = super().clean()
        decisions = {}
        if cleaned_data.get("mode") == "whole":
            chosen = cleaned_data.get("whole")
            if not chosen:
                self.add_error("whole", _("Choisissez l'offre retenue."))
            else:
                decisions[None] = self.quotes_by_id[chosen]
        else:
            for lot in self.lots:
                chosen = cleaned_data.get(f"lot_{lot.pk}")
                if chosen:
                    decisions[lot.pk] = self.quotes_by_id[chosen]
            if not decisions and cleaned_data.get("mode"):
                raise ValidationError(_("Choisissez l'offre retenue pour au moins un lot."))
        cleaned_data["decisions"] = decisions
        return cleaned_data
