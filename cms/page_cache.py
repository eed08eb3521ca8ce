"""Whole-page cache of editorial pages for anonymous visitors.

:class:`FullPageCacheMixin` caches the complete rendered HTML of a page (shell, SEO head, menus,
content, live sections), so that an anonymous ``GET`` of a cached page costs a few cache reads
and no template rendering. It complements the content cache of ``{% cmscache %}``, which still
serves the first render after an invalidation.

Keyed on the host, the path, the language, the query string and the pages and marketplace data
versions (:mod:`cms.cache`): publishing, unpublishing, moving or deleting any page, or changing a
view restriction, bumps the pages version, and a change of marketplace data bumps the data
version, so the next visitor gets a fresh render at once. :class:`AnonymousPageCacheMiddleware`
answers from the cache before Wagtail's routing; the timeout (``CMS_PAGE_CACHE_SECONDS``, 0 = off) only bounds
what a change made without signals could leave stale.

Never cached nor served from the cache: signed-in users (editors included), previews, anything
but ``GET``/``HEAD``, htmx requests, requests carrying messages to show, and responses other than
a plain 200. The one per-visitor value of an anonymous page, the CSRF token, is rendered as a
placeholder and replaced by the visitor's own token on every response.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache, wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, get_resolver
from django.utils.translation import get_language

from .cache import DATA_VERSION_KEY, DIRECTORY_VERSION_KEY, PAGES_VERSION_KEY, _version

CSRF_PLACEHOLDER = "__cms_page_cache_csrf_token__"
KEY = "cms:fullpage:{pages}:{data}:{language}:{host}:{path}:{query}"


def cache_seconds() -> int:
    return int(getattr(settings, "CMS_PAGE_CACHE_SECONDS", 10 * 60))


def cacheable_request(request) -> bool:
    """Whether this request may be answered from, or fill, a whole-page cache — all but the
    messages check (:func:`has_messages`), which reads the session and comes last."""
    if cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False) or request.headers.get("HX-Request"):
        return False
    return not getattr(getattr(request, "user", None), "is_authenticated", False)


def has_messages(request) -> bool:
    # len() of the message storage reads the messages without marking them as shown.
    return bool(len(get_messages(request)))


def _versions(*keys: str) -> list[int]:
    """Several cache versions in one round trip (one query with the database cache)."""
    found = cache.get_many(keys)
    return [found[key] if key in found else _version(key) for key in keys]


def page_key(request) -> str:
    """The cache key of the page at this request's URL (path, query string, host, language)."""
    query = request.GET.urlencode()
    pages, data = _versions(PAGES_VERSION_KEY, DATA_VERSION_KEY)
    return KEY.format(
        pages=pages,
        data=data,
        language=get_language(),
        host=_digest(request.get_host()),
        path=_digest(request.path),
        query=_digest(query) if query else "",
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _with_visitor_token(request, content: str, status: int, content_type: str) -> HttpResponse:
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(content, status=status, content_type=content_type)


def _from_cache(request, key: str) -> HttpResponse | None:
    cached = cache.get(key)
    if cached is None or has_messages(request):
        return None
    content, content_type = cached
    return _with_visitor_token(request, content, 200, content_type)


def cached_response(request) -> HttpResponse | None:
    """The cached page at this request's URL, with the visitor's CSRF token, or None."""
    if not cacheable_request(request):
        return None
    return _from_cache(request, page_key(request))


def _is_wagtail_page_url(request) -> bool:
    return _resolves_to_a_page(getattr(request, "urlconf", None), get_language(), request.path_info)


@lru_cache(maxsize=20_000)
def _resolves_to_a_page(urlconf, language: str, path_info: str) -> bool:
    """Whether the path goes to Wagtail's page route; memoised (resolving walks every URL pattern
    before Wagtail's catch-all, ~0.3 ms, as long as answering from the cache)."""
    try:
        match = get_resolver(urlconf).resolve(path_info)
    except Resolver404:
        return False
    return match.url_name == "wagtail_serve"


class AnonymousPageCacheMiddleware:
    """Answers an anonymous ``GET`` of a cached page before Wagtail routes it (the routing alone is
    a handful of queries). Only URLs of Wagtail's page route are looked up (no cache read for the
    API, search or account pages), and only those a :class:`FullPageCacheMixin` page stored are
    ever found. Placed after the session, locale, authentication and message middlewares."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The URL test first: it is pure computation, where the user test may read the session.
        if request.method in ("GET", "HEAD") and _is_wagtail_page_url(request) and cacheable_request(request):
            response = _from_cache(request, page_key(request))
            if response is not None:
                return response
        return self.get_response(request)


class FullPageCacheMixin:
    """Cache the whole rendered page for anonymous ``GET``s (see the module). Pages under a view
    restriction (password, login, groups) are never stored: the cache is read before Wagtail
    checks restrictions."""

    def serve(self, request, *args, **kwargs):
        if not cacheable_request(request):
            return super().serve(request, *args, **kwargs)
        key = page_key(request)
        response = _from_cache(request, key)
        if response is not None:
            return response
        response = super().serve(request, *args, **kwargs)
        if response.status_code != 200 or not hasattr(response, "render") or response.is_rendered or has_messages(request):
            return response
        return _store_and_answer(request, response, key, store=not self.get_view_restrictions().exists())


def _store_and_answer(request, response, key: str, *, store: bool = True) -> HttpResponse:
    """Render a TemplateResponse with the CSRF placeholder, store it under ``key``, answer it."""
    response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
    response.render()
    content = response.content.decode(response.charset)
    content_type = response["Content-Type"]
    if store:
        cache.set(key, (content, content_type), cache_seconds())
    return _with_visitor_token(request, content, response.status_code, content_type)


# Settings the directory pages render (a change must not wait for the timeout).
DIRECTORY_SETTINGS = ("MAP_TILE_URL", "MAP_TILE_ATTRIBUTION")


def directory_page_cache(view):
    """Whole-page cache of a public supplier directory view for anonymous visitors, keyed on the
    directory version (any change of supplier data refreshes it) and the settings the page
    renders. The view must return a TemplateResponse; other responses (404, redirects) pass
    through uncached."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not cacheable_request(request):
            return view(request, *args, **kwargs)
        query = request.GET.urlencode()
        rendered_settings = "|".join(str(getattr(settings, name, "")) for name in DIRECTORY_SETTINGS)
        key = (
            f"cms:directory:{_versions(DIRECTORY_VERSION_KEY)[0]}:{_digest(rendered_settings)}:{get_language()}:"
            f"{_digest(request.get_host())}:{_digest(request.path)}:{_digest(query) if query else ''}"
        )
        response = _from_cache(request, key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or not hasattr(response, "render") or response.is_rendered or has_messages(request):
            return response
        return _store_and_answer(request, response, key)

    return wrapped
