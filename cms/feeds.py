"""RSS 2.0 and Atom feeds of the articles (news and success stories) of the active language."""
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Site

from .models import ArticleIndexPage, ArticlePage

FEED_SIZE = 30


class ArticlesRssFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Production en France — actualités et relocalisations")

    def description(self):
        return _("Les actualités des filières et les histoires de relocalisation publiées sur Production en France.")

    def link(self):
        index = ArticleIndexPage.objects.live().filter(locale=Locale.get_active()).first()
        if index is not None:
            return index.get_url(self.request) or "/"
        site = Site.find_for_request(self.request)
        return site.root_page.localized.get_url(self.request) if site else "/"

    def items(self):
        # Strictly this language: no English locale yet means an empty English feed, not the
        # French articles under an English title.
        locale = Locale.objects.filter(language_code=get_supported_content_language_variant(get_language())).first()
        if locale is None:
            return ArticlePage.objects.none()
        return (
            ArticlePage.objects.live().public().filter(locale=locale)
            .order_by("-date", "-first_published_at")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.search_description or item.intro

    def item_link(self, item):
        return item.get_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at or timezone.now()

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [sector.label for sector in item.get_sectors()]


class ArticlesAtomFeed(ArticlesRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
