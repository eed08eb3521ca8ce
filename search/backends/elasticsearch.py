"""The Elasticsearch backend: same interface and same contract suite as the database backend.

* **Client**: the process's shared client (:func:`search.backends.es_client.client_for`);
  :func:`search.backends.get_backend` caches the backend itself. Every client error becomes
  ``SearchBackendUnavailable``: the sync records the change for retry, searches fall back.
* **Index**: an ``elasticsearch.dsl`` Document (``SupplierIndexDocument``, in
  :mod:`search.backends.es_documents`; query bodies are in :mod:`search.backends.es_queries`). Text fields are
  analysed by a custom French analyzer (``elision``, ``lowercase``, ``stop`` ``_french_``,
  ``asciifolding``, ``light_french`` stemmer); beside each, a ``*_stems`` field holds
  :func:`search.text.analyzed_text` under the standard analyzer, so that every stem the database
  backend matches, this one matches too. Facet values are ``keyword`` fields under ``terms``,
  every site is a point of the ``points`` ``geo_point`` list. Text fields stay in ``_source``
  (for reindexing and inspection) but are left out of search responses, except ``body_text``, which
  the highlighter of :func:`search.backends.base.build_hit` reads.
* **Versioned indexes behind an alias**: the backend's ``index`` name is an alias on
  ``<alias>-v<timestamp>``. :meth:`rebuild` loads a new version, swaps the alias in one
  ``update_aliases`` call and deletes the old version: searches never see an empty or half-built
  index. While it loads, the ``<alias>-next`` alias names the new version and every write goes to
  both; writes carry an external version (the time their documents were read), so a rebuild
  batch read before a change can never overwrite that change.
* **Writes** use ``refresh="wait_for"``: a deletion is out of the results when ``delete`` returns.
* **Queries**: no ``synonym`` filter (the loopback node has none): the concepts of
  :func:`search.synonyms.expand` give a ``bool.must`` per concept, a ``bool.should`` per
  alternative, and per word the French field (fuzzy: ``AUTO``, prefix 1) or the stems field.
  Query text only ever reaches ``match`` queries, never a query-string syntax.
* **Radius**: ``geo_distance`` at ``radius − BBOX_MARGIN_KM`` is certainly inside; the thin ring
  up to ``radius + BBOX_MARGIN_KM`` is fetched and decided by :func:`haversine_km`, as the
  database backend does; the survivors join the filter by id. Totals and facets (``terms``
  aggregations) are then exact.
* **Relevance**: ``function_score`` orders a bounded window with the weights of
  :func:`search.backends.base.relevance`; that formula is then re-applied in Python to the window
  (text score = the named text query's score ÷ the best text score), so the scores and the
  tie-break (name, then id) are those of the database backend. See docs/SEARCH.md.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Iterable

from django.conf import settings
from elasticsearch.dsl import Index

from marketplace.geo.services import BBOX_MARGIN_KM, haversine_km

from ..documents import SupplierDocument, build_documents
from ..result_cache import bump_index_version
from ..query import SupplierQuery
from ..spelling import correct
from ..synonyms import Concept, expand
from ..text import fold
from . import es_client
from .base import FACETS, Progress, SearchBackend, SearchResult, build_hit, relevance, taxonomy_match
from .es_documents import HEAVY_FIELDS, SupplierIndexDocument, supplier_from_source
from .es_queries import ranking_query, text_query, text_score

logger = logging.getLogger("marketplace.search")

BATCH_SIZE = 200
# Relevance is re-scored in Python over this many candidates beyond the requested page; the
# window never exceeds Elasticsearch's default max_result_window.
WINDOW_SLACK = 50
MAX_WINDOW = 10_000
FACET_SIZE = 1_000


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, *, url: str, index: str, refresh_interval: str | None = None):
        self.url = url
        self.alias = index
        self.next_alias = f"{index}-next"
        # None keeps Elasticsearch's 1 s; tests use a short one, since every write waits for it.
        self.refresh_interval = refresh_interval
        self.client = es_client.client_for(url)

    @classmethod
    def from_settings(cls) -> "ElasticsearchBackend":
        return cls(
            url=settings.ELASTICSEARCH_URL,
            index=settings.SEARCH_ELASTICSEARCH_INDEX,
            refresh_interval=getattr(settings, "SEARCH_ELASTICSEARCH_REFRESH_INTERVAL", None),
        )

    def _call(self, what: str, method, **kwargs):
        try:
            return method(**kwargs)
        except es_client.client_errors() as exc:
            raise es_client.unavailable(exc, what) from exc

    # --- indexes and the alias ---------------------------------------------------------------
    def _new_version(self) -> str:
        name = f"{self.alias}-v{time.strftime('%Y%m%d%H%M%S')}{time.time_ns() % 1_000_000_000:09d}"
        index = Index(name)
        index.settings(number_of_shards=1, number_of_replicas=0)
        if self.refresh_interval:
            index.settings(refresh_interval=self.refresh_interval)
        index.document(SupplierIndexDocument)
        self._call("create an index", index.create, using=self.client)
        return name

    def _aliases(self) -> dict[str, list[str]]:
        """Alias name → index versions behind it, for this backend's alias and its ``-next`` alias."""
        response = self._call(
            "read the aliases",
            self.client.options(ignore_status=404).indices.get_alias,
            name=[self.alias, self.next_alias],
        )
        found: dict[str, list[str]] = {self.alias: [], self.next_alias: []}
        for index, entry in response.body.items():
            for alias in entry.get("aliases", {}) if isinstance(entry, dict) else ():
                if alias in found:
                    found[alias].append(index)
        return {alias: sorted(names) for alias, names in found.items()}

    def _versions_behind(self, alias: str) -> list[str]:
        return self._aliases()[alias]

    def create_index(self) -> str:
        """Make sure the alias names an index (creating an empty version if needed); returns its name."""
        current = self._versions_behind(self.alias)
        if current:
            return current[-1]
        name = self._new_version()
        self._call("create the alias", self.client.indices.put_alias, index=name, name=self.alias)
        return name

    def drop_index(self) -> None:
        """Delete every version of this index and its aliases (tests; a full reset)."""
        response = self._call(
            "list the index versions", self.client.options(ignore_status=404).indices.get, index=f"{self.alias}-v*"
        )
        for name in response.body:
            self._call("delete an index", self.client.options(ignore_status=404).indices.delete, index=name)

    def health(self) -> bool:
        try:
            return bool(self.client.indices.exists_alias(name=self.alias))
        except es_client.client_errors():
            return False

    # --- writing -----------------------------------------------------------------------------
    def index(self, documents: Iterable[SupplierDocument], *, version: int | None = None) -> None:
        documents = list(documents)
        if documents:
            self._write(
                [("index", d.id, SupplierIndexDocument.from_supplier(d).to_dict()) for d in documents],
                version=version,
            )

    def delete(self, ids: Iterable[int]) -> None:
        ids = sorted({int(pk) for pk in ids})
        if ids:
            self._write([("delete", pk, None) for pk in ids])

    def _write(self, actions, *, version: int | None = None) -> None:
        """Bulk ``actions`` to the alias and, during a rebuild, to the version being loaded."""
        aliases = self._aliases()
        if not aliases[self.alias]:
            self.create_index()  # first write ever: no rebuild has run yet
        targets = [self.alias] + ([self.next_alias] if aliases[self.next_alias] else [])
        version = version or time.time_ns() // 1000
        operations = []
        for target in targets:
            for action, pk, source in actions:
                operations.append({action: {"_index": target, "_id": pk, "version": version, "version_type": "external_gte"}})
                if source is not None:
                    operations.append(source)
        response = self._call(
            "write documents", self.client.bulk, operations=operations, refresh="wait_for", require_alias=True
        )
        if response["errors"]:
            self._check_items(response["items"])
        bump_index_version()  # searchable now (refresh wait_for): cached results are stale

    def _check_items(self, items) -> None:
        for item in items:
            (action, result), = item.items()
            error = result.get("error")
            if not error or result.get("status") == 409:  # 409: a newer version is already there
                continue
            if self.next_alias in str(error.get("reason", "")):
                continue  # the rebuild finished between our look-up and the write
            if action == "delete" and result.get("status") == 404:
                continue
            raise es_client.unavailable(RuntimeError(error), f"{action} document {result.get('_id')}")

    def rebuild(self, progress: Progress | None = None) -> int:
        """Load a new index version from the published profiles, swap the alias, drop the old versions."""
        from suppliers.models import SupplierProfile

        new = self._new_version()
        try:
            self._call("mark the rebuild", self.client.indices.put_alias, index=new, name=self.next_alias)
            ids = list(SupplierProfile.objects.published().order_by("pk").values_list("pk", flat=True))
            written = 0
            for start in range(0, len(ids), BATCH_SIZE):
                version = time.time_ns() // 1000  # before reading: a change made after wins
                documents = build_documents(ids[start : start + BATCH_SIZE])
                self._load(new, documents, version)
                written += len(documents)
                if progress:
                    progress(len(documents))
            self._call("refresh the new index", self.client.indices.refresh, index=new)
            old = self._versions_behind(self.alias)
            actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
            actions += [{"add": {"index": new, "alias": self.alias}}, {"remove": {"index": new, "alias": self.next_alias}}]
            self._call("swap the alias", self.client.indices.update_aliases, actions=actions)
            bump_index_version()
        except BaseException:
            try:  # the alias was not touched: drop the half-loaded version and report the cause
                self.client.options(ignore_status=404).indices.delete(index=new)
            except es_client.client_errors():
                logger.warning("Could not delete the unfinished index version %s", new)
            raise
        for name in old:
            self._call("delete the old index", self.client.options(ignore_status=404).indices.delete, index=name)
        return written

    def _load(self, index: str, documents: list[SupplierDocument], version: int) -> None:
        operations = []
        for document in documents:
            operations.append({"index": {"_index": index, "_id": document.id, "version": version, "version_type": "external_gte"}})
            operations.append(SupplierIndexDocument.from_supplier(document).to_dict())
        if operations:
            response = self._call("load documents", self.client.bulk, operations=operations)
            if response["errors"]:
                self._check_items(response["items"])

    # --- searching ---------------------------------------------------------------------------
    def search(self, query: SupplierQuery) -> SearchResult:
        concepts = expand(query.text)
        result = self._search_with(query, concepts, fuzzy=False)
        if concepts and result.total == 0:
            # Nothing matches the words as typed: a second pass forgives typos. Typos never add
            # hits to a query that has some, so results stay those of the database backend.
            result = self._search_with(query, concepts, fuzzy=True)
        if concepts and result.total == 0:
            # Beyond what fuzziness forgives (« tolerei »: the French stemmer moves the edit):
            # the database backend's correction against the taxonomy vocabulary (search.spelling).
            corrected = correct(query.text, self._finds_something)
            if corrected:
                retry = self._search_with(query, expand(corrected), fuzzy=False)
                if retry.total:
                    return replace(retry, corrected_text=corrected)
        return result

    def _finds_something(self, text: str) -> bool:
        """Whether ``text`` alone (exact, filters aside) matches any indexed supplier."""
        concepts = expand(text)
        if not concepts:
            return True
        response = self._call("count", self.client.count, index=self.alias, query=text_query(concepts))
        return response["count"] > 0

    def _search_with(self, query: SupplierQuery, concepts: list[Concept], *, fuzzy: bool) -> SearchResult:
        text = text_query(concepts, fuzzy=fuzzy) if concepts else None
        filters = self._filters(query, text)
        aggs = {facet: {"terms": {"field": f"terms.{facet}", "size": FACET_SIZE}} for facet in FACETS} if query.facets else None

        if query.sort == "relevance":
            hits, total, aggregations = self._by_relevance(query, concepts, text, filters, aggs)
        else:
            hits, total, aggregations = self._by_field(query, concepts, text, filters, aggs)
        facets = {facet: {} for facet in FACETS} if query.facets else {}
        for facet in facets:
            buckets = aggregations[facet]["buckets"]
            facets[facet] = {b["key"]: b["doc_count"] for b in sorted(buckets, key=lambda b: (-b["doc_count"], b["key"]))}
        return SearchResult(total=total, hits=hits, facets=facets, query=query, backend=self.name)

    def _search(self, **body):
        return self._call("search", self.client.search, index=self.alias, **body)

    def _filters(self, query: SupplierQuery, text: dict | None) -> list[dict]:
        filters = [{"terms": {f"terms.{facet}": list(values)}} for facet, values in query.term_filters().items()]
        if query.verified_only:
            filters.append({"term": {"verified": True}})
        if query.radius_km is not None:
            filters.append(self._radius_filter(query, filters, text))
        return filters

    def _radius_filter(self, query: SupplierQuery, filters: list[dict], text: dict | None) -> dict:
        """Suppliers with a site within the radius, decided by ``haversine_km`` at the boundary."""
        point = {"lat": query.location.latitude, "lon": query.location.longitude}
        inner = query.radius_km - BBOX_MARGIN_KM
        inside = {"geo_distance": {"distance": f"{inner}km", "points": point}} if inner > 0 else None
        ring = {
            "bool": {
                "filter": [*filters, {"geo_distance": {"distance": f"{query.radius_km + BBOX_MARGIN_KM}km", "points": point}}],
                "must": [text] if text else [],
                "must_not": [inside] if inside else [],
            }
        }
        response = self._search(query=ring, size=MAX_WINDOW, source=["sites"])
        kept = [
            int(hit["_id"])
            for hit in response["hits"]["hits"]
            if any(
                haversine_km(point["lat"], point["lon"], site["latitude"], site["longitude"]) <= query.radius_km
                for site in hit["_source"].get("sites", [])
            )
        ]
        either = [{"ids": {"values": [str(pk) for pk in kept]}}] + ([inside] if inside else [])
        return {"bool": {"should": either, "minimum_should_match": 1}}

    def _by_field(self, query, concepts, text, filters, aggs):
        """sort=name / distance: Elasticsearch sorts and pages; scores are still reported."""
        if query.sort == "distance":
            point = {"lat": query.location.latitude, "lon": query.location.longitude}
            order = [{"_geo_distance": {"points": point, "order": "asc", "unit": "km", "mode": "min", "distance_type": "arc"}}]
        else:
            order = []
        order += [{"sort_name": "asc"}, {"id": "asc"}]
        response = self._search(
            query={"bool": {"must": [text] if text else [], "filter": filters}},
            sort=order,
            # Past max_result_window a page is empty (docs/SEARCH.md), never an engine error.
            from_=min(query.offset, MAX_WINDOW),
            size=max(0, min(query.page_size, MAX_WINDOW - query.offset)),
            track_total_hits=True,
            track_scores=True,
            include_named_queries_score=bool(text),
            source={"excludes": HEAVY_FIELDS},
            aggs=aggs,
        )
        best = response["hits"]["max_score"] or 0.0
        hits = [
            self._hit(hit, query, concepts, text_score(hit, best)) for hit in response["hits"]["hits"]
        ]
        return hits, response["hits"]["total"]["value"], response.get("aggregations")

    def _by_relevance(self, query, concepts, text, filters, aggs):
        """Order a window with ``function_score``, then re-score it exactly and cut the page."""
        best = 0.0
        if text:
            # The best text score normalises the text part of the ranking. Only the top hit is
            # asked for, without a count: the engine can skip what cannot beat it.
            first = self._search(
                query={"bool": {"must": [text], "filter": filters}}, size=1, track_total_hits=False, source=False
            )
            if not first["hits"]["hits"]:
                return [], 0, {facet: {"buckets": []} for facet in aggs or {}}
            best = first["hits"]["max_score"] or 0.0
        window = min(query.offset + query.page_size + WINDOW_SLACK, MAX_WINDOW)
        response = self._search(
            query=ranking_query(query, concepts, text, filters, best),
            sort=[{"_score": "desc"}, {"sort_name": "asc"}, {"id": "asc"}],
            size=window,
            track_total_hits=True,
            include_named_queries_score=bool(text),
            source={"excludes": HEAVY_FIELDS},
            aggs=aggs,
        )
        total, aggregations = response["hits"]["total"]["value"], response.get("aggregations")
        scored = []
        for hit in response["hits"]["hits"]:
            document = supplier_from_source(hit["_source"])
            scored.append((self._score(document, query, concepts, text_score(hit, best)), fold(document.name)[:200], document.id, hit))
        scored.sort(key=lambda row: (-row[0], row[1], row[2]))
        page = scored[query.offset : query.offset + query.page_size]
        # Highlights: build_hit's, as on the database backend (the engine's highlighter cost a
        # third request, as long as the two others together).
        hits = [build_hit(supplier_from_source(hit["_source"]), query, concepts, score=score) for score, _, _, hit in page]
        return hits, total, aggregations

    @staticmethod
    def _score(document: SupplierDocument, query: SupplierQuery, concepts, text: float) -> float:
        distance = None
        if query.location is not None and document.sites:
            point = query.location
            distance = min(haversine_km(point.latitude, point.longitude, s.latitude, s.longitude) for s in document.sites)
        held = {(facet, value) for facet in ("skill", "material") for value in document.terms.get(facet, [])}
        return relevance(
            text=text,
            taxonomy=taxonomy_match(held, concepts),
            verified=document.verified,
            certifications=len(document.certifications),
            distance_km=distance,
        )

    def _hit(self, hit: dict, query: SupplierQuery, concepts, text: float):
        document = supplier_from_source(hit["_source"])
        return build_hit(document, query, concepts, score=self._score(document, query, concepts, text))
