"""Choosing the supplier search backend, and the one entry point views and the API call.

``SEARCH_BACKEND`` selects the backend: ``"database"`` (default) or ``"elasticsearch"``
(the default when ``ELASTICSEARCH_URL`` is set). Backends are created once per process and
configuration, so an external engine's client is shared, never built per request.

Nothing outside this package asks which backend is active: views and the API call
:func:`search_suppliers`, the sync calls :func:`database_backend` and :func:`external_backend`.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from ..query import SupplierQuery
from ..result_cache import cached_search
from .base import SearchBackend, SearchBackendUnavailable, SearchResult

logger = logging.getLogger("marketplace.search")

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}
_instances: dict[tuple, SearchBackend] = {}


def get_backend(name: str | None = None) -> SearchBackend:
    """The backend named ``name``, or the configured one."""
    name = name or getattr(settings, "SEARCH_BACKEND", "database")
    if name not in BACKENDS:
        raise ValueError(f"Unknown SEARCH_BACKEND {name!r}; expected one of {sorted(BACKENDS)}")
    key = (name, settings.ELASTICSEARCH_URL, getattr(settings, "SEARCH_ELASTICSEARCH_INDEX", ""))
    if key not in _instances:
        backend_class = import_string(BACKENDS[name])
        try:
            _instances[key] = backend_class() if name == "database" else backend_class.from_settings()
        except NotImplementedError as exc:
            logger.warning("Search backend %s is not available (%s); using the database backend.", name, exc)
            _instances[key] = get_backend("database")
    return _instances[key]


def database_backend() -> SearchBackend:
    return get_backend("database")


def external_backend() -> SearchBackend | None:
    """The configured backend when it is not the database (it is then indexed in addition)."""
    backend = get_backend()
    return None if backend.name == "database" else backend


def search_suppliers(query: SupplierQuery, *, cached: bool = True) -> SearchResult:
    """Answer ``query`` with the configured backend, or the database one if that is unreachable;
    an identical search on the same index version is answered from the cache (:mod:`search.result_cache`)
    unless ``cached`` is false (a caller that caches what it renders from the result)."""
    return cached_search(query, _search) if cached else _search(query)


def _search(query: SupplierQuery) -> SearchResult:
    backend = get_backend()
    try:
        return backend.search(query)
    except SearchBackendUnavailable as exc:
        if backend.name == "database":
            raise
        logger.warning("Search backend %s unavailable, falling back to the database: %s", backend.name, exc)
        return database_backend().search(query)


__all__ = ["SearchBackend", "SearchBackendUnavailable", "SearchResult", "get_backend", "search_suppliers"]
