"""The Elasticsearch backend's slot (to be built next): same interface, same contract suite.

Design, so that the contract in :mod:`search.backends.base` holds unchanged:

* one shared client per process (``from_settings`` reads ``ELASTICSEARCH_URL`` and
  ``SEARCH_ELASTICSEARCH_INDEX``; :func:`search.backends.get_backend` caches the instance);
* an index per name (tests use a fresh name each, then ``drop_index``), mapping built with
  ``elasticsearch.dsl``: the text fields of ``SupplierDocument`` analysed by a custom French
  analyzer (``elision``, ``lowercase``, ``stop`` ``_french_``, ``asciifolding``, ``stemmer``
  ``light_french`` — all available on the loopback node) plus a ``*.stems`` sub-field fed with
  :func:`search.text.analyzed_text` under a whitespace analyzer, for parity with the database
  backend; ``terms.*`` as ``keyword``; ``sites`` as ``geo_point`` list; the whole document in
  ``_source`` minus the text fields;
* no ``synonym`` filter (the loopback node has none): queries are built from
  :func:`search.synonyms.expand`, a ``bool.must`` per concept with a ``bool.should`` of
  ``match`` (operator ``and``) per alternative;
* filters in ``bool.filter`` (``terms`` per facet, ``geo_distance`` with the radius widened by
  ``BBOX_MARGIN_KM`` and the exact ``haversine_km`` test applied to the returned sites, as in the
  database backend); facets as ``terms`` aggregations; relevance via ``function_score`` with the
  weights of :func:`search.backends.base.relevance`, or the same formula re-applied in Python on
  a bounded candidate window;
* writes with ``refresh="wait_for"`` so that a deletion is visible at once; connection errors
  raised as ``SearchBackendUnavailable`` (the sync records them for retry, searches fall back).
"""
from __future__ import annotations

from django.conf import settings

from .base import SearchBackend


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, *, url: str, index: str):
        raise NotImplementedError("planned for the next session; see the module docstring")

    @classmethod
    def from_settings(cls) -> "ElasticsearchBackend":
        return cls(url=settings.ELASTICSEARCH_URL, index=settings.SEARCH_ELASTICSEARCH_INDEX)

    def index(self, documents):  # pragma: no cover - not built yet
        raise NotImplementedError

    def delete(self, ids):  # pragma: no cover
        raise NotImplementedError

    def search(self, query):  # pragma: no cover
        raise NotImplementedError

    def rebuild(self, progress=None):  # pragma: no cover
        raise NotImplementedError

    def health(self) -> bool:  # pragma: no cover
        return False
