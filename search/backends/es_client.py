"""The one Elasticsearch client of the process (``ELASTICSEARCH_URL``), shared by the search
backend and the alert percolator. Never build a client per request."""
from __future__ import annotations

from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=4)
def _client_for(url: str):
    from elasticsearch import Elasticsearch

    # Short timeouts: a slow engine must turn into a fallback, not a hung page.
    return Elasticsearch(url, request_timeout=5, max_retries=1, retry_on_timeout=False)


def get_client():
    """The shared client for ``settings.ELASTICSEARCH_URL``; ``None`` when it is not set."""
    url = settings.ELASTICSEARCH_URL
    return _client_for(url) if url else None
