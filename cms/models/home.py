"""The home page: hero, key figures, featured filières, open RFQs, success stories, calls to action."""
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import live
from ..blocks import CallsToActionStreamBlock, FeaturedSectorsStreamBlock, KeyFiguresStreamBlock


class HomePage(Page):
    hero_title = RichTextField(_("titre d'accroche"), blank=True, features=["bold", "italic"])
    intro = RichTextField(_("introduction"), blank=True)
    key_figures = StreamField(KeyFiguresStreamBlock(), verbose_name=_("chiffres clés"), blank=True)
    featured_sectors = StreamField(
        FeaturedSectorsStreamBlock(), verbose_name=_("filières à la une"), blank=True
    )
    calls_to_action = StreamField(
        CallsToActionStreamBlock(), verbose_name=_("appels à l'action"), blank=True,
        help_text=_("Pour les donneurs d'ordre et les fournisseurs ; s'ajoutent aux encadrés fixes."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("intro"),
        FieldPanel("key_figures"),
        FieldPanel("featured_sectors"),
        FieldPanel("calls_to_action"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.SectorIndexPage",
        "cms.ArticleIndexPage",
        "cms.ClusterIndexPage",
        "cms.StandardPage",
        "cms.FormPage",
    ]
    # One home per parent: the English home is a translation, a sibling in another locale.
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("page d'accueil")

    def get_featured_sector_pages(self):
        pages = [block.value for block in self.featured_sectors if block.value is not None]
        return [page.specific for page in pages if page.live]

    def get_success_stories(self, limit=3):
        from .articles import ArticlePage

        return (
            ArticlePage.objects.live().public().filter(locale=self.locale, kind=ArticlePage.Kind.SUCCESS_STORY)
            .order_by("-date", "-first_published_at")[:limit]
        )

    def get_open_rfqs(self, limit=5):
        return live.open_rfqs(None, limit=limit)
