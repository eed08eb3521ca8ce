"""Views of the editorial site outside the page tree: site-wide search, robots.txt, sitemap.xml."""
import re

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from search.backends import search_suppliers
from search.query import SearchQueryError, SupplierQuery

from .sitemaps import SiteSitemap

MAX_QUERY_LENGTH = 200
RESULTS_PER_SECTION = 20
MAX_WORDS = 8


def search_words(query: str) -> list[str]:
    """The words of a visitor's query, lower-cased: quotes, ``*`` and upper-case AND / OR / NEAR
    mean something to full-text engines (SQLite FTS5 fails on an odd quote), not to visitors."""
    return [word.lower() for word in re.findall(r"\w+", query)][:MAX_WORDS]


def search_pages(query: str):
    """Live public pages of the active language matching every word of ``query`` (Wagtail search)."""
    words = search_words(query)
    if not words:
        return []
    pages = Page.objects.live().public().filter(locale=Locale.get_active()).specific()
    return pages.search(" ".join(words), operator="and")[:RESULTS_PER_SECTION]


def search_supplier_profiles(query: str) -> list[dict]:
    """Suppliers for the site-wide box, from the same search backend as /recherche/ (synonyms,
    accents, stemming; Elasticsearch when configured), first page by relevance."""
    words = search_words(query)
    if not words:
        return []
    try:
        result = search_suppliers(SupplierQuery(text=" ".join(words), page_size=RESULTS_PER_SECTION, facets=False))
    except SearchQueryError:
        return []
    return [
        {
            "id": hit.id,
            "name": hit.name,
            "tagline": hit.why,
            "url": reverse("suppliers:profile_detail", kwargs={"slug": hit.slug}),
            "verified": hit.verified,
            "commune": hit.commune,
        }
        for hit in result.hits
    ]


@require_GET
def site_search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    pages = suppliers = []
    if query:
        pages = list(search_pages(query))
        suppliers = search_supplier_profiles(query)
    return render(
        request,
        "cms/site_search.html",
        {"query": query, "pages": pages, "suppliers": suppliers, "searched": bool(query)},
    )


@require_GET
@cache_page(60 * 60)
def robots_txt(request):
    return render(
        request,
        "cms/robots.txt",
        {"sitemap_url": request.build_absolute_uri("/sitemap.xml")},
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": SiteSitemap(request)})
