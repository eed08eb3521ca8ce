"""The one Elasticsearch client of the process (``ELASTICSEARCH_URL``), shared by the search
backend and the alert percolator. Never build a client per request.

:func:`unavailable` turns the client's errors into ``SearchBackendUnavailable``, the one
exception callers of a backend handle (the sync records the change for retry, searches fall
back to the database backend).
"""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def client_for(url: str):
    """The shared client for ``url`` (one per URL and process)."""
    from elasticsearch import Elasticsearch

    # Short timeouts: a slow engine must turn into a fallback, not a hung page.
    return Elasticsearch(url, request_timeout=5, max_retries=1, retry_on_timeout=False)


def get_client():
    """The shared client for ``settings.ELASTICSEARCH_URL``; ``None`` when it is not set."""
    url = settings.ELASTICSEARCH_URL
    return client_for(url) if url else None


def client_errors() -> tuple[type[Exception], ...]:
    """What the client raises when the engine is unreachable, times out or refuses a request."""
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    return (ApiError, TransportError)


def unavailable(exc: Exception, what: str):
    """``SearchBackendUnavailable`` for a client error met while doing ``what``."""
    from .base import SearchBackendUnavailable

    return SearchBackendUnavailable(f"Elasticsearch could not {what}: {type(exc).__name__}: {exc}")
