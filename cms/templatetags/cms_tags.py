"""Template tags of the editorial site: menu, breadcrumbs, translations, SEO head, cached content."""
import hashlib

from django import template
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Page, Site

from ..cache import PAGE_CACHE_SECONDS, data_version, pages_version

register = template.Library()


def _home_page(request):
    """The home page in the active language (the French one when not translated)."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    return site.root_page.localized


@register.inclusion_tag("cms/includes/menu.html", takes_context=True)
def cms_menu(context):
    """The pages under home marked "show in menus", in the active language."""
    request = context.get("request")
    current = context.get("page") or context.get("self")
    home = _home_page(request)
    items = []
    if home is not None:
        for page in home.get_children().live().public().in_menu():
            active = current is not None and isinstance(current, Page) and current.path.startswith(page.path)
            items.append({"title": page.title, "url": page.get_url(request), "active": active})
    return {"items": items}


@register.inclusion_tag("cms/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    request = context.get("request")
    ancestors = page.get_ancestors().filter(depth__gt=1).live() if page.pk else Page.objects.none()
    return {
        "ancestors": [{"title": ancestor.title, "url": ancestor.get_url(request)} for ancestor in ancestors],
        "current": page.title,
    }


def _language_name(code: str) -> str:
    from django.utils.translation import get_language_info

    try:
        return get_language_info(code)["name_local"].capitalize()
    except KeyError:
        return code


def _live_translations(page, request):
    """(language code, language name, url) of the live versions of ``page`` in other languages."""
    if not page.pk:
        return []
    translations = []
    for translation in page.get_translations().live().public().select_related("locale"):
        code = translation.locale.language_code
        url = translation.get_url(request)
        if url:
            translations.append({"code": code, "name": _language_name(code), "url": url})
    return translations


@register.inclusion_tag("cms/includes/translations.html", takes_context=True)
def page_translations(context, page):
    """Links to this page in the other languages, only where a translation is live."""
    return {"translations": _live_translations(page, context.get("request"))}


@register.inclusion_tag("cms/includes/seo_head.html", takes_context=True)
def seo_head(context, page, image=None):
    """Canonical URL, hreflang alternates and Open Graph tags of a page."""
    request = context.get("request")
    canonical = page.get_full_url(request) if page.pk else ""
    alternates = []
    if page.pk:
        alternates.append({"code": page.locale.language_code, "url": canonical})
        for translation in page.get_translations().live().public().select_related("locale"):
            alternates.append({"code": translation.locale.language_code, "url": translation.get_full_url(request)})
    image_url = ""
    if image is not None:
        try:
            image_url = image.get_rendition("fill-1200x630").full_url
        except Exception:  # a missing file must not break the page head
            image_url = ""
        if image_url.startswith("/") and request is not None:
            image_url = request.build_absolute_uri(image_url)
    return {
        "page": page,
        "canonical": canonical,
        "alternates": alternates,
        "image_url": image_url,
        "description": page.search_description,
        "og_title": page.seo_title or page.title,
        "og_locale": "en_GB" if page.locale.language_code == "en" else "fr_FR",
    }


class CachedContentNode(template.Node):
    """Caches the rendered content of a page for anonymous visitors.

    Keyed on the page, the language, the query string and the pages and marketplace data
    versions (see :mod:`cms.cache`). The site shell around it — language switch and logout forms
    with their CSRF token, messages, account menu — is rendered for each request, which is why
    the content is cached rather than the whole response. Signed-in users, previews and anything
    but GET/HEAD are never cached.
    """

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        page = context.get("page")
        if (
            request is None
            or page is None
            or request.method not in ("GET", "HEAD")
            or getattr(request, "is_preview", False)
            or getattr(getattr(request, "user", None), "is_authenticated", False)
        ):
            return self.nodelist.render(context)
        query = request.GET.urlencode()
        query_hash = hashlib.sha256(query.encode()).hexdigest()[:16] if query else ""
        key = f"cms:page:{pages_version()}:{data_version()}:{page.pk}:{get_language()}:{query_hash}"
        content = cache.get(key)
        if content is None:
            content = self.nodelist.render(context)
            cache.set(key, content, PAGE_CACHE_SECONDS)
        return content


@register.tag("cmscache")
def do_cmscache(parser, token):
    nodelist = parser.parse(("endcmscache",))
    parser.delete_first_token()
    return CachedContentNode(nodelist)
