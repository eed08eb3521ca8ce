"""Filière pages: an index of filières and one page per ``suppliers.Sector`` and locale.

A sector page carries the editors' story of the filière (intro, body) and live sections read from
the marketplace at render time (key figures, top suppliers, map, open RFQs). Articles about a
filière live under its page, so the filière's editors, whose permissions cover that subtree,
can write them.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import live
from ..page_cache import FullPageCacheMixin
from ..blocks import EditorialStreamBlock


class SectorIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.SectorPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des filières")

    def get_sector_pages(self):
        return SectorPage.objects.live().public().child_of(self).select_related("sector", "image").order_by("title")


class SectorPage(FullPageCacheMixin, Page):
    sector = models.ForeignKey(
        "suppliers.Sector", verbose_name=_("filière"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "geo.Region",
        verbose_name=_("région mise en avant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Facultatif : limite les fournisseurs et la carte à une région."),
    )
    intro = models.TextField(_("chapeau"), blank=True, max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(EditorialStreamBlock(), verbose_name=_("contenu éditorial"), blank=True)
    show_suppliers = models.BooleanField(_("afficher les fournisseurs vérifiés"), default=True)
    show_map = models.BooleanField(_("afficher la carte"), default=True)
    show_rfqs = models.BooleanField(_("afficher les demandes de devis ouvertes"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("sector"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("region"), FieldPanel("show_suppliers"), FieldPanel("show_map"), FieldPanel("show_rfqs")],
            heading=_("Sections issues de la place de marché"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("sector"),
    ]

    parent_page_types = ["cms.SectorIndexPage"]
    subpage_types = ["cms.ArticlePage"]

    class Meta:
        verbose_name = _("page de filière")
        verbose_name_plural = _("pages de filière")

    def clean(self):
        super().clean()
        # One page per filière and language. A database constraint cannot span the page table
        # (locale) and this one (sector), so the rule is checked here, where the admin sees it.
        if self.sector_id and self.locale_id:
            duplicate = SectorPage.objects.filter(sector_id=self.sector_id, locale_id=self.locale_id).exclude(pk=self.pk)
            if duplicate.exists():
                raise ValidationError({"sector": _("Cette filière a déjà sa page dans cette langue.")})

    # Live sections: read from the marketplace at render time, cached briefly (cms.live).
    @property
    def region_code(self):
        return self.region_id or None

    def get_key_figures(self):
        return live.sector_key_figures(self.sector_id)

    def get_top_suppliers(self):
        return live.sector_top_suppliers(self.sector_id, self.region_code)

    def get_map_points(self):
        return live.sector_map_points(self.sector_id, self.region_code)

    def get_open_rfqs(self):
        return live.open_rfqs(self.sector_id)

    def get_directory_url(self):
        """The supplier directory narrowed to this filière, or "" if that route does not exist."""
        try:
            return reverse("suppliers:directory_sector", kwargs={"sector_slug": self.sector.slug})
        except NoReverseMatch:
            return ""

    def get_articles(self):
        from .articles import ArticlePage

        return ArticlePage.objects.live().public().descendant_of(self).order_by("-date")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["map_tile_url"] = getattr(settings, "MAP_TILE_URL", "")
        context["map_attribution"] = getattr(settings, "MAP_TILE_ATTRIBUTION", "")
        return context
