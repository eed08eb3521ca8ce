"""Cache of supplier search results, keyed on the version of the index that answered them.

A search result depends on the query, the language of its labels and the state of the index and
the taxonomy; nothing else (no user, no session). Popular searches repeat — a filière's suppliers
near a city, the first page behind a home-page link — so :func:`cached_search` keeps each
``SearchResult`` for ``SEARCH_RESULT_CACHE_SECONDS`` (0 turns the cache off) under::

    search:result:<index version>:<language>:<sha256 of the query>

The API keeps its rendered JSON body the same way (``search:api-json:…``): validating and
serialising twenty hits and the facets cost more than the cached search itself.

The **index version** is one database row (``SearchIndexVersion``), bumped by every write to a
supplier index — :class:`~search.backends.database.DatabaseBackend` in the transaction of its
write, the Elasticsearch backend once its write is searchable — and by every taxonomy change
(:func:`search.synonyms.forget_thesaurus`). Reading it costs one primary-key query per search;
keeping it in the database rather than in the cache makes it exact across the web workers and
the task worker that indexes, whatever the cache backend (a per-process memory cache included):
the first search after a change misses the cache and computes fresh results.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils.translation import get_language

KEY = "search:{kind}:{version}:{language}:{digest}"


def cache_seconds() -> int:
    return int(getattr(settings, "SEARCH_RESULT_CACHE_SECONDS", 300))


def index_version() -> int:
    from .models import SearchIndexVersion

    # A plain cursor: this runs on every search, and the ORM's query building cost more than the read.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {connection.ops.quote_name(SearchIndexVersion._meta.db_table)} WHERE id = %s",
                       [SearchIndexVersion.SINGLETON])
        row = cursor.fetchone()
    return row[0] if row else 0


def bump_index_version() -> None:
    """Results cached so far are never served again (call it in the transaction of the change)."""
    from .models import SearchIndexVersion

    if not SearchIndexVersion.objects.filter(pk=SearchIndexVersion.SINGLETON).update(version=F("version") + 1):
        SearchIndexVersion.objects.get_or_create(pk=SearchIndexVersion.SINGLETON, defaults={"version": 1})


def cached_search(query, search: Callable, *, kind: str = "result"):
    """``search(query)``, or what a previous identical search stored under the same index version.

    ``kind`` names what ``search`` returns: ``"result"`` (a ``SearchResult``, for every caller of
    :func:`search.backends.search_suppliers`) or ``"api-json"`` (the API's rendered body)."""
    seconds = cache_seconds()
    if seconds <= 0:
        return search(query)
    # SupplierQuery is a frozen dataclass of strings, numbers and tuples: its repr is canonical.
    digest = hashlib.sha256(repr(query).encode()).hexdigest()
    key = KEY.format(kind=kind, version=index_version(), language=get_language() or "fr", digest=digest)
    result = cache.get(key)
    if result is None:
        result = search(query)
        cache.set(key, result, seconds)
    return result
