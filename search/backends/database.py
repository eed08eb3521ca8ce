"""The database search backend: the ``search`` app's own tables on SQLite or PostgreSQL.

Always maintained (it is also the fallback when an external engine is down). A search runs in
three steps:

1. SQL narrows the candidates: one ``EXISTS`` per facet filter on ``SupplierIndexTerm``,
   ``verified``, a bounding box on the indexed site coordinates when a radius is given, and the
   full-text condition: FTS5 ``MATCH`` on SQLite, ``search_vector @@ tsquery`` on PostgreSQL
   (where the vector holds both PostgreSQL's French stems and ours, see migration 0002).
   Each concept of the query (see :mod:`search.synonyms`) must match through one of its
   alternatives. User text never reaches the query syntax: on SQLite only ``[a-z0-9]`` stems,
   each double-quoted, are written into the MATCH expression; on PostgreSQL the words go
   through ``plainto_tsquery`` as bound parameters.
2. Python takes the candidates' few scoring columns and site points, computes each supplier's
   nearest site with :func:`haversine_km` (the radius test is ``distance <= radius``: exact and
   inclusive) and the relevance (:func:`search.backends.base.relevance`), sorts with a stable
   tie-break (name, then id) and cuts the page.
3. Facet counts: ``GROUP BY`` in SQL over the candidates, or, when the exact radius test removed
   some, counted from their term rows.

Typos: when the words as typed find nothing, the words that match nothing are corrected against
the taxonomy vocabulary (:mod:`search.spelling`) and the search runs again; the result then
carries ``corrected_text`` (« Résultats pour "tôlerie" »).
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache
from typing import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, FloatField, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from marketplace.geo.services import EARTH_RADIUS_KM, haversine_km

from ..documents import SupplierDocument, build_documents
from ..models import SupplierIndexEntry, SupplierIndexSite, SupplierIndexTerm
from ..query import SupplierQuery
from ..spelling import correct
from ..synonyms import Concept, expand
from ..text import analyze, fold
from .base import FACETS, Progress, SearchBackend, SearchResult, build_hit, relevance, taxonomy_match

BATCH_SIZE = 1000  # profiles per document-building query batch of the rebuild
# bm25() column weights for name, skills, body, other (SQLite); ts_rank_cd weights {D, C, B, A} (PostgreSQL).
FTS5_WEIGHTS = (10.0, 4.0, 1.0, 0.5)
TSRANK_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
# The bounding box is widened a little so that a site exactly on the circle is never cut by the
# rounding of the box; the exact test comes after, in Python.
BBOX_MARGIN_KM = 0.5


class DatabaseBackend(SearchBackend):
    name = "database"

    # --- writing ---------------------------------------------------------------------------
    def index(self, documents: Iterable[SupplierDocument]) -> None:
        """Replace the index rows of ``documents``: raw ``DELETE``s and ``executemany`` inserts in
        one transaction (no model instances, no cascade collector: the rebuild writes 100k)."""
        documents = list(documents)
        if not documents:
            return
        now = timezone.now()
        entries = [self._entry_row(d, now) for d in documents]
        terms = [
            (d.id, facet, value) for d in documents for facet, values in d.terms.items() for value in dict.fromkeys(values)
        ]
        sites = [(d.id, s.latitude, s.longitude, s.commune, s.postal_code) for d in documents for s in d.sites]
        with transaction.atomic(), connection.cursor() as cursor:
            _delete_rows(cursor, [d.id for d in documents])
            _insert_rows(cursor, SupplierIndexEntry, ENTRY_COLUMNS, entries)
            _insert_rows(cursor, SupplierIndexTerm, TERM_COLUMNS, terms)
            _insert_rows(cursor, SupplierIndexSite, SITE_COLUMNS, sites)

    @staticmethod
    def _entry_row(document: SupplierDocument, now) -> tuple:
        values = {
            "profile_id": document.id,
            "slug": document.slug,
            "name": document.name,
            "sort_name": fold(document.name)[:200],
            "siret": document.siret,
            "verified": document.verified,
            "certification_count": len(document.certifications),
            "name_text": document.name_text,
            "skills_text": document.skills_text,
            "body_text": document.body_text,
            "other_text": document.other_text,
            "name_terms": _analyzed_text(document.name_text),
            "skills_terms": _analyzed_text(document.skills_text),
            "body_terms": _analyzed_text(document.body_text),
            "other_terms": _analyzed_text(document.other_text),
            "document": _prep(SupplierIndexEntry, "document", _plain(document)),
            "indexed_at": _prep(SupplierIndexEntry, "indexed_at", now),
        }
        return tuple(values[column] for column in ENTRY_COLUMNS)

    def delete(self, ids: Iterable[int]) -> None:
        SupplierIndexEntry.objects.filter(pk__in=list(ids)).delete()

    def rebuild(self, progress: Progress | None = None) -> int:
        from suppliers.models import SupplierProfile

        ids = list(SupplierProfile.objects.published().order_by("pk").values_list("pk", flat=True))
        SupplierIndexEntry.objects.exclude(pk__in=SupplierProfile.objects.published().values("pk")).delete()
        written = 0
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            documents = build_documents(batch)
            self.index(documents)
            self.delete(set(batch) - {d.id for d in documents})  # unpublished meanwhile
            written += len(documents)
            if progress:
                progress(len(documents))
        return written

    def health(self) -> bool:
        try:
            SupplierIndexEntry.objects.exists()
        except Exception:
            return False
        return True

    # --- searching -------------------------------------------------------------------------
    def search(self, query: SupplierQuery) -> SearchResult:
        result = self._search(query)
        if result.total or not query.text:
            return result
        # Nothing for the words as typed: a second pass with the typos corrected against the
        # taxonomy vocabulary (search.spelling). Corrections never add hits to a query that has some.
        corrected = correct(query.text, self._finds_something)
        if corrected:
            retry = self._search(replace(query, text=corrected))
            if retry.total:
                return replace(retry, query=query, corrected_text=corrected)
        return result

    def _finds_something(self, text: str) -> bool:
        """Whether ``text`` alone matches any indexed supplier (filters aside)."""
        concepts = expand(text)
        if not concepts:
            return True
        if connection.vendor == "postgresql":
            tsquery, params = _tsquery(concepts)
            matches = RawSQL(f"search_vector @@ ({tsquery})", params, output_field=BooleanField())
            return SupplierIndexEntry.objects.alias(text_match=matches).filter(text_match=True).exists()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM search_supplierfts WHERE search_supplierfts MATCH %s LIMIT 1", [_fts5_expression(concepts)]
            )
            return cursor.fetchone() is not None

    def _search(self, query: SupplierQuery) -> SearchResult:
        concepts = expand(query.text)
        candidates = self._filtered(query)
        text_scores: dict[int, float] = {}
        if concepts:
            candidates, text_scores = self._text(candidates, concepts)

        rows = list(candidates.values_list("pk", "sort_name", "verified", "certification_count"))
        distances = self._distances(candidates, query) if query.location else {}
        if query.radius_km is not None:
            rows = [row for row in rows if row[0] in distances and distances[row[0]] <= query.radius_km]
        ids = [row[0] for row in rows]

        held_terms = self._taxonomy_terms(candidates, concepts)
        best_text = max(text_scores.values(), default=0.0)
        scores = {
            pk: relevance(
                text=(text_scores.get(pk, 0.0) / best_text) if best_text > 0 else 0.0,
                taxonomy=taxonomy_match(held_terms.get(pk, set()), concepts),
                verified=verified,
                certifications=certification_count,
                distance_km=distances.get(pk),
            )
            for pk, _, verified, certification_count in rows
        }
        rows.sort(key=self._sort_key(query, scores, distances))
        page_ids = [row[0] for row in rows[query.offset : query.offset + query.page_size]]
        documents = dict(SupplierIndexEntry.objects.filter(pk__in=page_ids).values_list("pk", "document"))
        hits = [
            build_hit(SupplierDocument.from_dict(documents[pk]), query, concepts, score=scores[pk])
            for pk in page_ids
            if pk in documents
        ]
        facets = self._facets(candidates, ids, exact=query.radius_km is None) if query.facets else {}
        return SearchResult(total=len(ids), hits=hits, facets=facets, query=query, backend=self.name)

    def _filtered(self, query: SupplierQuery):
        candidates = SupplierIndexEntry.objects.all()
        for facet, values in query.term_filters().items():
            candidates = candidates.filter(
                Exists(SupplierIndexTerm.objects.filter(entry=OuterRef("pk"), facet=facet, value__in=values))
            )
        if query.verified_only:
            candidates = candidates.filter(verified=True)
        if query.radius_km is not None:
            sites = self._sites_in_box(query).filter(entry=OuterRef("pk"))
            candidates = candidates.filter(Exists(sites))
        return candidates

    @staticmethod
    def _sites_in_box(query: SupplierQuery):
        point, radius = query.location, query.radius_km + BBOX_MARGIN_KM
        d_lat = radius / KM_PER_DEGREE
        sites = SupplierIndexSite.objects.filter(latitude__range=(point.latitude - d_lat, point.latitude + d_lat))
        widest = math.radians(min(89.9, abs(point.latitude) + d_lat))
        d_lng = d_lat / math.cos(widest)
        if d_lng < 180:
            low, high = point.longitude - d_lng, point.longitude + d_lng
            if low >= -180 and high <= 180:
                sites = sites.filter(longitude__range=(low, high))
            # Across the antimeridian the box would need two ranges; latitude alone is enough there.
        return sites

    def _distances(self, candidates, query: SupplierQuery) -> dict[int, float]:
        """Distance in km from the query's point to each candidate's nearest site."""
        sites = self._sites_in_box(query) if query.radius_km is not None else SupplierIndexSite.objects.all()
        point = query.location
        nearest: dict[int, float] = {}
        for entry_id, latitude, longitude in sites.filter(entry__in=candidates).values_list("entry_id", "latitude", "longitude"):
            distance = haversine_km(point.latitude, point.longitude, latitude, longitude)
            if entry_id not in nearest or distance < nearest[entry_id]:
                nearest[entry_id] = distance
        return nearest

    def _text(self, candidates, concepts: list[Concept]):
        if connection.vendor == "postgresql":
            tsquery, params = _tsquery(concepts)
            matches = RawSQL(f"search_vector @@ ({tsquery})", params, output_field=BooleanField())
            rank = RawSQL(f"ts_rank_cd('{TSRANK_WEIGHTS}'::float4[], search_vector, ({tsquery}), 1)", params, output_field=FloatField())
            candidates = candidates.alias(text_match=matches).filter(text_match=True)
            scores = dict(candidates.annotate(text_rank=rank).values_list("pk", "text_rank"))
            return candidates, scores
        expression = _fts5_expression(concepts)
        matching = RawSQL("SELECT rowid FROM search_supplierfts WHERE search_supplierfts MATCH %s", [expression])
        weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -bm25(search_supplierfts, {weights}) FROM search_supplierfts WHERE search_supplierfts MATCH %s",
                [expression],
            )
            scores = {rowid: max(score, 0.0) for rowid, score in cursor.fetchall()}
        return candidates.filter(pk__in=matching), scores

    @staticmethod
    def _taxonomy_terms(candidates, concepts: list[Concept]) -> dict[int, set[tuple[str, str]]]:
        slugs = [("skill", s) for c in concepts for s in c.skills] + [("material", s) for c in concepts for s in c.materials]
        held: dict[int, set[tuple[str, str]]] = defaultdict(set)
        if slugs:
            terms = SupplierIndexTerm.objects.filter(
                entry__in=candidates, facet__in=["skill", "material"], value__in=[value for _, value in slugs]
            )
            for entry_id, facet, value in terms.values_list("entry_id", "facet", "value"):
                held[entry_id].add((facet, value))
        return held

    @staticmethod
    def _sort_key(query: SupplierQuery, scores: dict[int, float], distances: dict[int, float]):
        if query.sort == "distance":
            return lambda row: (distances.get(row[0], math.inf), row[1], row[0])
        if query.sort == "name":
            return lambda row: (row[1], row[0])
        return lambda row: (-scores[row[0]], row[1], row[0])

    @staticmethod
    def _facets(candidates, ids: list[int], *, exact: bool) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        if exact:
            counts = _facet_term_rows(candidates, grouped=True)
        else:
            wanted = set(ids)
            counter = Counter((f, v) for e, f, v in _facet_term_rows(candidates, grouped=False) if e in wanted)
            counts = [(f, v, n) for (f, v), n in counter.items()]
        for facet, value, n in counts:
            facets[facet][value] = n
        return {facet: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))) for facet, values in facets.items()}


def _facet_term_rows(candidates, *, grouped: bool) -> list[tuple]:
    """The candidates' facet terms: ``(facet, value, count)`` grouped, else ``(entry_id, facet, value)``.

    On SQLite the query is written out so that ``+facet`` keeps the planner off the
    ``(facet, value)`` index, which reads every term row of those facets (all suppliers) and
    then tests each against the candidates; driven by the candidates through the
    ``(entry, facet, value)`` key it reads only theirs (≈ 70 → 8 ms at 2,500 suppliers).
    """
    if connection.vendor == "sqlite":
        sql, params = candidates.values("pk").query.sql_with_params()
        columns, tail = ("facet, value, COUNT(*)", " GROUP BY facet, value") if grouped else ("entry_id, facet, value", "")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {connection.ops.quote_name(SupplierIndexTerm._meta.db_table)} "
                f"WHERE entry_id IN ({sql}) AND +facet IN ({', '.join(['%s'] * len(FACETS))}){tail}",
                [*params, *FACETS],
            )
            return cursor.fetchall()
    terms = SupplierIndexTerm.objects.filter(entry__in=candidates, facet__in=FACETS)
    if grouped:
        return list(terms.values("facet", "value").annotate(n=Count("entry_id")).values_list("facet", "value", "n"))
    return list(terms.values_list("entry_id", "facet", "value"))


ENTRY_COLUMNS = (
    "profile_id", "slug", "name", "sort_name", "siret", "verified", "certification_count", "name_text", "skills_text",
    "body_text", "other_text", "name_terms", "skills_terms", "body_terms", "other_terms", "document", "indexed_at",
)
TERM_COLUMNS = ("entry_id", "facet", "value")
SITE_COLUMNS = ("entry_id", "latitude", "longitude", "commune", "postal_code")
DELETE_CHUNK = 500


def _prep(model, name: str, value):
    """``value`` as the database driver takes it for this field (JSON, dates)."""
    return model._meta.get_field(name).get_db_prep_save(value, connection)


def _insert_rows(cursor, model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    cursor.executemany(
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        rows,
    )


def _delete_rows(cursor, ids: list[int]) -> None:
    """Delete the entries ``ids`` and their terms and sites (children first, as the foreign keys
    want; the SQLite FTS rows go with the entries, by trigger)."""
    quote = connection.ops.quote_name
    for start in range(0, len(ids), DELETE_CHUNK):
        chunk = ids[start : start + DELETE_CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        for model, column in ((SupplierIndexTerm, "entry_id"), (SupplierIndexSite, "entry_id"), (SupplierIndexEntry, "profile_id")):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(column)} IN ({marks})", chunk)


def _plain(value):
    """``dataclasses.asdict`` without its deep copy of every leaf (the result is only JSON-encoded)."""
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


@lru_cache(maxsize=200_000)
def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    return tuple(analyze(chunk))


def _analyzed_text(text: str) -> str:
    """:func:`search.text.analyzed_text` of one text, word by word with a memo: analysis never
    spans whitespace, so the result is the same, and catalogue words repeat a lot."""
    return " ".join(token for chunk in (text or "").split() for token in _chunk_tokens(chunk))


def _fts5_expression(concepts: list[Concept]) -> str:
    """``("a" "b" OR "c") AND ("d")``-style FTS5 query: stems quoted, never user syntax.

    Stems contain only ``[a-z0-9]`` (see :mod:`search.text`), so quoting cannot be escaped; the
    doubling of quotes is kept anyway should that ever change.
    """

    def quoted(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    clauses = []
    for concept in concepts:
        alternatives = ["(" + " AND ".join(quoted(t) for t in alt.tokens) + ")" for alt in concept.alternatives]
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses)


def _tsquery(concepts: list[Concept]) -> tuple[str, list[str]]:
    """SQL building one tsquery from the concepts; every word is a bound parameter.

    Each alternative matches either through PostgreSQL's French analysis of the words
    (``plainto_tsquery('french_unaccent', …)``) or through our stems (``'simple'``).
    """
    clauses, params = [], []
    for concept in concepts:
        alternatives = []
        for alternative in concept.alternatives:
            alternatives.append("plainto_tsquery('french_unaccent', %s) || plainto_tsquery('simple', %s)")
            params.extend([alternative.text, " ".join(alternative.tokens)])
        clauses.append("(" + " || ".join(alternatives) + ")")
    return " && ".join(clauses), params
