"""Forms of the public and supplier RFQ pages: list filters, NDA, invitation decline, questions,
the quote form (one price per lot line) and messages. They parse and check input only; the
services in :mod:`rfq.participation`, :mod:`rfq.quoting` and :mod:`rfq.messaging` decide."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.geo.models import Departement
from search.query import SearchQueryError
from search.rfq_search import DEFAULT_RADIUS_KM, RADIUS_CHOICES, parse_place
from suppliers.models import Sector, Skill

PRICE_DECIMALS = 4
PRICE_MAX_DIGITS = 14  # QuoteLine.unit_price
CENT = Decimal("0.01")


def _radius_choices():
    from django.utils.translation import gettext

    return [("", gettext("%(km)d km (par défaut)") % {"km": DEFAULT_RADIUS_KM})] + [
        (km, gettext("%(km)d km") % {"km": km}) for km in RADIUS_CHOICES
    ]


class RFQFilterForm(forms.Form):
    q = forms.CharField(label=_("Mots-clés"), required=False, max_length=100)
    sector = forms.ModelChoiceField(
        label=_("Filière"), queryset=Sector.objects.all(), to_field_name="slug", required=False,
        empty_label=_("Toutes les filières"),
    )
    skill = forms.ModelChoiceField(
        label=_("Savoir-faire"), queryset=Skill.objects.all(), to_field_name="slug", required=False,
        empty_label=_("Tous les savoir-faire"),
    )
    departement = forms.ModelChoiceField(
        label=_("Département de livraison"), queryset=Departement.objects.all(), required=False,
        empty_label=_("Tous les départements"),
    )
    postal_code = forms.CharField(
        label=_("Livraison près de (code postal)"), required=False, max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code", "size": 6}),
    )
    radius_km = forms.TypedChoiceField(
        label=_("Rayon"), required=False, coerce=int, empty_value=None,
        choices=_radius_choices,
    )

    def clean(self):
        data = super().clean()
        if "postal_code" in data and "radius_km" in data:
            try:
                data["place"] = parse_place(data["postal_code"], data["radius_km"])
            except SearchQueryError as exc:
                self.add_error("radius_km" if exc.param == "radius_km" else "postal_code", exc.message)
        return data

    def filters(self) -> dict:
        """Valid filters only: a bad value in one field never hides the whole list (the field
        shows its error, the other filters apply)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "text": (data.get("q") or "").strip(),
            "sector": data.get("sector"),
            "skill": data.get("skill"),
            "departement": data.get("departement"),
            "place": data.get("place"),
        }


class AcceptNDAForm(forms.Form):
    accept = forms.BooleanField(
        label=_("J'accepte l'accord de confidentialité au nom de mon entreprise"), required=True,
    )


class DeclineInvitationForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le donneur d'ordre le lira : capacité, délai, hors savoir-faire…"),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Votre question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    lot = forms.TypedChoiceField(label=_("Lot concerné"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lots = {lot.pk: lot for lot in lots}
        self.fields["lot"].choices = [("", _("Toute la consultation"))] + [(lot.pk, str(lot)) for lot in lots]

    def clean_lot(self):
        lot_id = self.cleaned_data.get("lot")
        return self.lots.get(lot_id) if lot_id is not None else None


def parse_price(value: str) -> Decimal | None:
    """A unit price typed the French way (« 1 234,5 ») or the English way (« 1234.5 »); empty → None.
    Raises ValidationError for anything else, a negative price or more than 4 decimals."""
    text = (value or "").strip()
    for space in (" ", "\u00a0", "\u202f", "\u2009"):
        text = text.replace(space, "")
    if not text:
        return None
    if "," in text:
        if "." in text:
            raise forms.ValidationError(_("Prix illisible : utilisez la virgule pour les décimales (12,50)."))
        text = text.replace(",", ".")
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(_("Prix illisible : indiquez un nombre, par exemple 12,50.")) from None
    if not price.is_finite():
        raise forms.ValidationError(_("Prix illisible : indiquez un nombre, par exemple 12,50."))
    if price < 0:
        raise forms.ValidationError(_("Le prix ne peut pas être négatif."))
    if price.as_tuple().exponent < -PRICE_DECIMALS:
        raise forms.ValidationError(_("Quatre décimales au plus."))
    if price >= Decimal(10) ** (PRICE_MAX_DIGITS - PRICE_DECIMALS):
        raise forms.ValidationError(_("Prix trop élevé."))
    return price


class PriceField(forms.CharField):
    """A text input (keeps exactly what the user typed on errors) cleaned to a Decimal."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 10})

    def clean(self, value):
        return parse_price(super().clean(value))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class QuoteForm(forms.Form):
    """Prices of every line of ``rfq``'s lots, a « lot non chiffré » box per lot, terms and files.

    ``rows()`` gives the template one block per lot with its lines, their fields and line totals.
    """

    lead_time_days = forms.IntegerField(label=_("Délai de livraison (jours)"), min_value=0, max_value=3650, required=False)
    valid_until = forms.DateField(
        label=_("Offre valable jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comments = forms.CharField(
        label=_("Commentaires"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(label=_("Ajouter des pièces jointes"), required=False)
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Retirer"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, lots=(), existing_attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lots = list(lots)
        self.fields["remove_attachments"].choices = [(a.pk, a.original_name) for a in existing_attachments]
        for lot in self.lots:
            self.fields[f"skip_lot_{lot.pk}"] = forms.BooleanField(
                label=_("Je ne chiffre pas ce lot"), required=False,
            )
            for line in lot.lines.all():
                self.fields[f"price_{line.pk}"] = PriceField(label=_("Prix unitaire (€ HT) — %(part)s") % {"part": line.part})
                self.fields[f"comment_{line.pk}"] = forms.CharField(
                    label=_("Commentaire — %(part)s") % {"part": line.part}, required=False, max_length=500,
                )

    @classmethod
    def initial_for(cls, quote, lots) -> dict:
        if quote is None:
            return {}
        initial = {
            "lead_time_days": quote.lead_time_days,
            "valid_until": quote.valid_until,
            "comments": quote.comments,
        }
        priced = {line.lot_line_id: line for line in quote.lines.all()}
        for lot in lots:
            lines = list(lot.lines.all())
            if lines and quote.version and not any(line.pk in priced for line in lines):
                initial[f"skip_lot_{lot.pk}"] = True
            for line in lines:
                quote_line = priced.get(line.pk)
                if quote_line is not None:
                    initial[f"price_{line.pk}"] = format_price(quote_line.unit_price)
                    initial[f"comment_{line.pk}"] = quote_line.comment
        return initial

    def clean(self):
        cleaned = super().clean()
        if not self.lots:
            return cleaned
        if all(cleaned.get(f"skip_lot_{lot.pk}") for lot in self.lots):
            raise forms.ValidationError(_("Chiffrez au moins un lot."))
        return cleaned

    def check_complete(self) -> bool:
        """For a submission: every line of a lot not marked « non chiffré » has a price."""
        complete = True
        for lot in self.lots:
            if self.cleaned_data.get(f"skip_lot_{lot.pk}"):
                continue
            for line in lot.lines.all():
                name = f"price_{line.pk}"
                if name in self.cleaned_data and self.cleaned_data[name] is None:
                    self.add_error(name, _("Indiquez un prix, ou cochez « Je ne chiffre pas ce lot »."))
                    complete = False
        return complete

    def line_data(self) -> list[tuple[int, Decimal, str]]:
        """(lot line id, unit price, comment) of every priced line of a quoted lot."""
        lines = []
        for lot in self.lots:
            if self.cleaned_data.get(f"skip_lot_{lot.pk}"):
                continue
            for line in lot.lines.all():
                price = self.cleaned_data.get(f"price_{line.pk}")
                if price is not None:
                    lines.append((line.pk, price, self.cleaned_data.get(f"comment_{line.pk}", "")))
        return lines

    def _current_price(self, line) -> Decimal | None:
        """The price shown for ``line`` now: from the submitted data when readable, else initial."""
        name = f"price_{line.pk}"
        raw = self[name].value()
        try:
            return parse_price(raw if isinstance(raw, str) else "")
        except forms.ValidationError:
            return None

    def rows(self) -> list[dict]:
        blocks = []
        for lot in self.lots:
            skip = self[f"skip_lot_{lot.pk}"]
            skipped = bool(skip.value())
            lines = []
            for line in lot.lines.all():
                price = self._current_price(line)
                total = None if skipped or price is None else (line.quantity * price).quantize(CENT, ROUND_HALF_UP)
                lines.append({
                    "line": line,
                    "price": self[f"price_{line.pk}"],
                    "comment": self[f"comment_{line.pk}"],
                    "total": total,
                })
            blocks.append({"lot": lot, "skip": skip, "skipped": skipped, "lines": lines})
        return blocks

    def total(self) -> Decimal:
        return sum(
            (line["total"] for block in self.rows() for line in block["lines"] if line["total"] is not None),
            Decimal("0.00"),
        )


def format_price(value: Decimal) -> str:
    """A stored unit price as a French user would type it: no trailing zeros beyond the cents."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    if "." in text:
        whole, decimals = text.split(".")
        text = f"{whole},{decimals.ljust(2, '0')}"
    return text


class WithdrawQuoteForm(forms.Form):
    confirm = forms.BooleanField(label=_("Je confirme le retrait de mon offre"), required=True)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Votre message"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Pièce jointe (facultative)"), required=False)
