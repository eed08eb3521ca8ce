"""Forms of the subscription pages: choosing a plan, handing over a confirmed card, giving a seat."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Plan

SETUP_INTENT_PATTERN = r"^seti_[A-Za-z0-9_]+$"


class PlanChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Offre"), queryset=Plan.objects.none(), empty_label=None, widget=forms.RadioSelect)
    interval = forms.ChoiceField(
        label=_("Périodicité"), choices=Plan.Interval.choices, initial=Plan.Interval.MONTH, widget=forms.RadioSelect
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        plans = Plan.objects.for_organisation(organisation)
        self.fields["plan"].queryset = plans
        self.fields["plan"].label_from_instance = lambda plan: plan.name
        if not self.is_bound and plans:
            self.fields["plan"].initial = plans[0].pk


class SubscribeForm(PlanChoiceForm):
    # Filled by the page's script once Stripe.js has confirmed the card.
    setup_intent = forms.RegexField(regex=SETUP_INTENT_PATTERN, widget=forms.HiddenInput, required=True)


class CardUpdateForm(forms.Form):
    setup_intent = forms.RegexField(regex=SETUP_INTENT_PATTERN, widget=forms.HiddenInput, required=True)


class SeatAssignForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Fournisseur membre"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = candidates
