"""Plain pages (« À propos », legal notices) and contact forms."""
import time

from django import forms
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import EditorialStreamBlock


class StandardPage(Page):
    intro = models.TextField(_("chapeau"), blank=True, max_length=600)
    body = StreamField(EditorialStreamBlock(), verbose_name=_("contenu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.FormPage"]

    class Meta:
        verbose_name = _("page simple")


# Spam protection of public forms: a field people never see (bots fill it), and a signed start
# time (bots post within a second of loading the page; people take longer).
HONEYPOT_FIELD = "site_web_confirmation"
STARTED_FIELD = "form_started"
STARTED_SALT = "cms.forms.started"
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 24 * 60 * 60


def form_started_token(started_at: float | None = None) -> str:
    return signing.dumps(int(started_at if started_at is not None else time.time()), salt=STARTED_SALT)


class SpamProtectedForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Ne remplissez pas ce champ"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STARTED_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial[STARTED_FIELD] = form_started_token()

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(_("Votre message n'a pas pu être envoyé."), code="spam")
        try:
            started = signing.loads(cleaned_data.get(STARTED_FIELD) or "", salt=STARTED_SALT)
            elapsed = time.time() - int(started)
        except (signing.BadSignature, TypeError, ValueError):
            elapsed = None
        if elapsed is None or elapsed > MAX_FILL_SECONDS:
            raise forms.ValidationError(_("Le formulaire a expiré : rechargez la page et recommencez."), code="expired")
        if elapsed < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("Formulaire envoyé trop vite. Patientez quelques secondes puis renvoyez-le."), code="too_fast"
            )
        return cleaned_data

    @property
    def visible_fields_for_people(self):
        return [field for field in self if field.name not in (HONEYPOT_FIELD, STARTED_FIELD)]


class SpamProtectedFormBuilder(FormBuilder):
    def get_form_class(self):
        base = super().get_form_class()
        return type("WagtailForm", (SpamProtectedForm, base), {})


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(AbstractEmailForm):
    """A form whose submissions are stored and emailed (EMAIL_URL settings) to ``to_address``."""

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("message de remerciement"), blank=True)

    form_builder = SpamProtectedFormBuilder

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Champs du formulaire")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de formulaire")

    def process_form_submission(self, form):
        # The anti-spam fields are not part of what the person wrote.
        form.cleaned_data.pop(HONEYPOT_FIELD, None)
        form.cleaned_data.pop(STARTED_FIELD, None)
        return super().process_form_submission(form)
