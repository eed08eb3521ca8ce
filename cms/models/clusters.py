"""The cluster directory from the editorial side: one page per ``suppliers.ClusterProfile``, with
its sectors, région and members read live from the marketplace."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .. import live
from ..blocks import EditorialStreamBlock


class ClusterIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ClusterPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("annuaire des clusters")

    def get_cluster_pages(self, region=None, sector=None):
        pages = ClusterPage.objects.live().public().child_of(self)
        if region is not None:
            pages = pages.filter(cluster__region=region)
        if sector is not None:
            pages = pages.filter(cluster__sectors=sector)
        return pages.select_related("cluster__organisation", "cluster__region").distinct().order_by("title")

    def parse_filters(self, request):
        """The région (INSEE code) and filière (slug) asked for in the query string.

        An unknown value is ignored with a message, never an error page.
        """
        from marketplace.geo.models import Region
        from suppliers.models import Sector

        region = sector = None
        region_code = request.GET.get("region", "").strip()
        if region_code:
            region = Region.objects.filter(pk=region_code).first() if len(region_code) <= 2 else None
            if region is None:
                messages.warning(request, _("Région inconnue : filtre ignoré."))
        sector_slug = request.GET.get("filiere", "").strip()
        if sector_slug:
            sector = Sector.objects.filter(slug=sector_slug[:80]).first()
            if sector is None:
                messages.warning(request, _("Filière inconnue : filtre ignoré."))
        return region, sector

    def get_context(self, request, *args, **kwargs):
        from marketplace.geo.models import Region
        from suppliers.models import Sector

        context = super().get_context(request, *args, **kwargs)
        region, sector = self.parse_filters(request)
        pages = [page for page in self.get_cluster_pages(region, sector) if page.cluster is not None]
        counts = live.cluster_member_counts([page.cluster.organisation_id for page in pages])
        for page in pages:
            page.member_count = counts.get(page.cluster.organisation_id, 0)
        context.update(
            cluster_pages=pages,
            selected_region=region,
            selected_sector=sector,
            regions=Region.objects.order_by("name"),
            sectors=Sector.objects.all(),
        )
        return context


class ClusterPage(Page):
    # SET_NULL: deleting a cluster organisation must not be blocked by its page; the page then
    # shows only its editorial text until an editor unpublishes it or links another profile.
    cluster = models.ForeignKey(
        "suppliers.ClusterProfile", verbose_name=_("profil du cluster"), on_delete=models.SET_NULL, null=True,
        related_name="+",
    )
    intro = models.TextField(_("chapeau"), blank=True, max_length=600)
    body = StreamField(EditorialStreamBlock(), verbose_name=_("contenu éditorial"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("cluster"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.ClusterIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("page de cluster")

    def clean(self):
        super().clean()
        if self.cluster_id and self.locale_id:
            duplicate = ClusterPage.objects.filter(cluster_id=self.cluster_id, locale_id=self.locale_id).exclude(pk=self.pk)
            if duplicate.exists():
                raise ValidationError({"cluster": _("Ce cluster a déjà sa page dans cette langue.")})

    def get_members(self):
        if self.cluster is None:
            return {"count": 0, "suppliers": []}
        return live.cluster_members(self.cluster)
