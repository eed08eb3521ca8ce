"""Cache versions of the editorial site.

Two kinds of version keys, bumped (never deleted) so that every entry built on an old version is
simply never read again and expires on its own:

* the **pages version**, bumped when any page is published, unpublished, moved or deleted. Page
  content is cached under it: a publish changes menus, lists of children and featured pages
  elsewhere on the site, so one publish invalidates every cached page (publishing is rare).
* the **directory version**, bumped by any write to the suppliers app's models or to an
  organisation or membership: whole supplier profile pages are cached under it.
* the **marketplace data versions**: one per sector, bumped when a supplier, a production site,
  a cluster or a cluster membership of that sector changes, plus one global version bumped with
  any of them. Live sections (suppliers, key figures, map) are cached under the sector version;
  cached page content, which embeds live sections, is keyed on the global one.

A bump stores a fresh ``time.time_ns()`` rather than incrementing: if the cache evicted the key,
a counter restarting at 1 could meet old entries again; a timestamp cannot.
"""
from __future__ import annotations

import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

PAGES_VERSION_KEY = "cms:pages:version"
DATA_VERSION_KEY = "cms:data:version"
SECTOR_VERSION_KEY = "cms:data:sector:{}:version"
DIRECTORY_VERSION_KEY = "cms:directory:version"

# How long rendered page content and live sections are kept. Invalidation does the real work;
# the timeouts bound what a missed signal (a raw SQL update) can leave stale.
PAGE_CACHE_SECONDS = getattr(settings, "CMS_PAGE_CACHE_SECONDS", 10 * 60)
LIVE_CACHE_SECONDS = getattr(settings, "CMS_LIVE_CACHE_SECONDS", 5 * 60)


def _version(key: str) -> int:
    value = cache.get(key)
    if value is None:
        value = time.time_ns()
        # add() keeps a value another process stored in between.
        if not cache.add(key, value, None):
            value = cache.get(key, value)
    return value


def pages_version() -> int:
    return _version(PAGES_VERSION_KEY)


def data_version() -> int:
    return _version(DATA_VERSION_KEY)


def sector_version(sector_id: int | None) -> int:
    if sector_id is None:
        return data_version()
    return _version(SECTOR_VERSION_KEY.format(sector_id))


def directory_version() -> int:
    """Version of the supplier directory's cached pages (profiles), bumped by any change of
    supplier data or of an organisation (cms.signals)."""
    return _version(DIRECTORY_VERSION_KEY)


def bump_directory_version() -> None:
    cache.set(DIRECTORY_VERSION_KEY, time.time_ns(), None)


def bump_pages_version() -> None:
    cache.set(PAGES_VERSION_KEY, time.time_ns(), None)


def bump_data_versions(sector_ids: Iterable[int]) -> None:
    """Marketplace data of these sectors changed (the global data version always moves)."""
    now = time.time_ns()
    cache.set_many({SECTOR_VERSION_KEY.format(pk): now for pk in set(sector_ids)}, None)
    cache.set(DATA_VERSION_KEY, now, None)
