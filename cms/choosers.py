"""Admin choosers for marketplace records used in StreamField blocks.

Suppliers are too many for a select, so they get a Wagtail chooser modal searching by name and
tagline (published profiles only). Sectors, skills and régions are short lists: a plain select.
"""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.views.generic import chooser as chooser_views


class SupplierSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Nom ou accroche")}),
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = objects.filter(Q(organisation__name__icontains=query) | Q(tagline__icontains=query))
        return objects


class PublishedSuppliersMixin:
    """Only what visitors may see can be featured on a page."""

    filter_form_class = SupplierSearchForm

    def get_object_list(self):
        from suppliers.models import SupplierProfile

        return SupplierProfile.objects.published().select_related("organisation").order_by("organisation__name")


class SupplierChooseView(PublishedSuppliersMixin, chooser_views.ChooseView):
    pass


class SupplierChooseResultsView(PublishedSuppliersMixin, chooser_views.ChooseResultsView):
    pass


class SupplierChooserViewSet(ChooserViewSet):
    model = "suppliers.SupplierProfile"
    icon = "group"
    choose_one_text = _("Choisir un fournisseur")
    choose_another_text = _("Choisir un autre fournisseur")
    edit_item_text = _("Modifier")
    choose_view_class = SupplierChooseView
    choose_results_view_class = SupplierChooseResultsView
    per_page = 20


supplier_chooser_viewset = SupplierChooserViewSet("supplier_chooser", url_prefix="choisir-fournisseur")


class ModelSelectBlock(blocks.ChooserBlock):
    """A chooser block for a short reference list (sectors, skills, régions): a plain select."""

    widget = forms.Select

    def get_form_state(self, value):
        pk = self.get_prep_value(value)
        return "" if pk is None else str(pk)


class SectorChooserBlock(ModelSelectBlock):
    target_model = "suppliers.Sector"


class SkillChooserBlock(ModelSelectBlock):
    target_model = "suppliers.Skill"


class RegionChooserBlock(ModelSelectBlock):
    target_model = "geo.Region"
