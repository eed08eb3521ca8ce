"""News and success stories. An article lives under the news index or under its filière's page
(where the filière's editors may write it); either way it is tagged with sectors and régions and
appears in the news index and the RSS / Atom feeds of its language."""
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import EditorialStreamBlock

ARTICLES_PER_PAGE = 12


class ArticleIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("index des actualités")

    def get_articles(self, kind=None, sector=None):
        """Live articles of this language, wherever they sit in the tree (news index or filière)."""
        articles = ArticlePage.objects.live().public().filter(locale=self.locale)
        if kind:
            articles = articles.filter(kind=kind)
        if sector is not None:
            sector_pages = Page.objects.type(_sector_page_model()).filter(sectorpage__sector=sector)
            in_sector_subtree = Q()
            for sector_page in sector_pages:
                in_sector_subtree |= Q(path__startswith=sector_page.path)
            articles = articles.filter(Q(sectors=sector) | in_sector_subtree).distinct()
        return articles.select_related("image").order_by("-date", "-first_published_at")

    def get_context(self, request, *args, **kwargs):
        from django.contrib import messages

        from suppliers.models import Sector

        context = super().get_context(request, *args, **kwargs)
        kind = request.GET.get("type", "")
        if kind and kind not in ArticlePage.Kind.values:
            messages.warning(request, _("Type d'article inconnu : filtre ignoré."))
            kind = ""
        sector = None
        sector_slug = request.GET.get("filiere", "")
        if sector_slug:
            sector = Sector.objects.filter(slug=sector_slug).first()
            if sector is None:
                messages.warning(request, _("Filière inconnue : filtre ignoré."))
        paginator = Paginator(self.get_articles(kind or None, sector), ARTICLES_PER_PAGE)
        try:
            articles = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            articles = paginator.page(1)
        except EmptyPage:
            articles = paginator.page(paginator.num_pages)
        context.update(
            articles=articles,
            selected_kind=kind,
            selected_sector=sector,
            kinds=ArticlePage.Kind.choices,
            sectors=Sector.objects.all(),
        )
        return context


def _sector_page_model():
    from .sectors import SectorPage

    return SectorPage


class ArticlePage(Page):
    class Kind(models.TextChoices):
        NEWS = "actualite", _("Actualité")
        SUCCESS_STORY = "succes", _("Histoire de relocalisation")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("chapeau"), max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(EditorialStreamBlock(), verbose_name=_("contenu"), blank=True)
    sectors = ParentalManyToManyField("suppliers.Sector", verbose_name=_("filières"), blank=True, related_name="+")
    regions = ParentalManyToManyField("geo.Region", verbose_name=_("régions"), blank=True, related_name="+")

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("sectors"), FieldPanel("regions")], heading=_("Étiquettes")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cms.ArticleIndexPage", "cms.SectorPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def get_sectors(self):
        """Tagged sectors, plus the filière whose page holds the article."""
        sectors = list(self.sectors.all())
        parent = self.get_parent()
        if parent is not None:
            parent = parent.specific
            sector = getattr(parent, "sector", None)
            if sector is not None and sector not in sectors:
                sectors.insert(0, sector)
        return sectors
