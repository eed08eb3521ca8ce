"""sitemap.xml: every live, public page of the site, in every language."""
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap


class SiteSitemap(Sitemap):
    def items(self):
        from wagtail.models import Page

        root = self.get_wagtail_site().root_page
        # The English home is a translation of the French one: a sibling, not a descendant.
        roots = [root, *root.get_translations()]
        in_a_tree = Q()
        for tree_root in roots:
            in_a_tree |= Q(path__startswith=tree_root.path)
        return (
            Page.objects.filter(in_a_tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
