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
2. The cost follows the page, not the number of matches. The total is a ``COUNT``; with a
   radius, the sites inside the box get their exact :func:`haversine_km` distance (the radius
   test is ``distance <= radius``: exact and inclusive). A bounded window of rows is taken in SQL:
   ``sort=relevance`` the best ``max(200, 10 × (offset + page size))`` by text rank + verified +
   certifications, ``sort=name`` ``ORDER BY sort_name LIMIT``, ``sort=distance`` the nearest
   (box grown until it holds the page). Python gives that window the full relevance
   (:func:`search.backends.base.relevance`: taxonomy and proximity added), sorts it with a stable
   tie-break (name, then id) and cuts the page. docs/SEARCH.md (*Relevance*) states the approximation.
3. Facet counts: ``GROUP BY`` in SQL over the candidates; with a radius, minus the terms of the
   box-corner candidates the exact test removed.

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
from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, FloatField, Max, OuterRef, Value, When
from django.db.models.functions import Least
from django.db.models.expressions import RawSQL
from django.utils import timezone

from marketplace.geo.services import BBOX_MARGIN_KM, EARTH_RADIUS_KM, bounding_box, haversine_km

from ..documents import SupplierDocument, build_documents
from ..result_cache import bump_index_version
from ..models import SupplierIndexEntry, SupplierIndexSite, SupplierIndexTerm
from ..query import SupplierQuery
from ..spelling import correct
from ..synonyms import Concept, expand
from ..text import analyze, fold
from .base import (
    FACETS,
    MAX_COUNTED_CERTIFICATIONS,
    WEIGHT_CERTIFICATION,
    WEIGHT_TEXT,
    WEIGHT_VERIFIED,
    Progress,
    SearchBackend,
    SearchResult,
    build_hit,
    relevance,
    taxonomy_match,
)

BATCH_SIZE = 1000  # profiles per document-building query batch of the rebuild
# bm25() column weights for name, skills, body, other (SQLite); ts_rank weights {D, C, B, A} (PostgreSQL).
FTS5_WEIGHTS = (10.0, 4.0, 1.0, 0.5)
TSRANK_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"
# Relevance sort: only the best max(200, 10 × (offset + page size)) candidates by the SQL part of the
# score (text, verified, certifications) get the full score (docs/SEARCH.md, *Relevance*).
RELEVANCE_WINDOW_MIN = 200
RELEVANCE_WINDOW_FACTOR = 10
# Distance sort without a radius: first box searched, grown ×4 until it holds the page.
DISTANCE_FIRST_RADIUS_KM = 50.0
HALF_CIRCUMFERENCE_KM = EARTH_RADIUS_KM * math.pi + BBOX_MARGIN_KM
ROW_COLUMNS = ("pk", "sort_name", "verified", "certification_count")


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
            bump_index_version()

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
            "facet_terms": "\n".join(
                f"{facet}:{value}" for facet in FACETS for value in dict.fromkeys(document.terms.get(facet, ()))
            ),
            "indexed_at": _prep(SupplierIndexEntry, "indexed_at", now),
        }
        return tuple(values[column] for column in ENTRY_COLUMNS)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with transaction.atomic():
            SupplierIndexEntry.objects.filter(pk__in=ids).delete()
            # Even when no row was left: a deleted profile's entry went with it by cascade.
            bump_index_version()

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
        if connection.vendor == "postgresql":
            # Fresh planner statistics after a bulk load, rather than whenever autovacuum gets to it.
            tables = (SupplierIndexEntry, SupplierIndexTerm, SupplierIndexSite)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables))
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
        filtered = self._filtered(query)  # facet, verified and bounding-box conditions
        candidates = self._text_filter(filtered, concepts) if concepts else filtered
        need = query.offset + query.page_size

        # Radius: exact haversine on the sites inside the box only (bounded by the geography, not
        # by the page); ``outside`` are the candidates of the box's corners, beyond the radius.
        distances: dict[int, float] = {}
        outside: set[int] = set()
        total: int | None = None
        facet_rows: list[tuple] | None = None  # (facet, value, count) over the candidates, when already counted
        if query.radius_km is not None:
            box = self._distances(candidates, query)
            outside = {pk for pk, distance in box.items() if distance > query.radius_km}
            distances = {pk: distance for pk, distance in box.items() if distance <= query.radius_km}
            total = len(distances)

        if query.sort == "name" or (query.sort == "distance" and not query.location):
            rows = self._skip(candidates.order_by("sort_name", "pk").values_list(*ROW_COLUMNS)[: need + len(outside)], outside)
        elif query.sort == "distance":
            rows = self._nearest_rows(candidates, query, distances, need)
        elif concepts and connection.vendor == "postgresql":
            # One statement: the matches ranked once, their count, facets and the window.
            window = max(RELEVANCE_WINDOW_MIN, RELEVANCE_WINDOW_FACTOR * need)
            rows, matches, facet_rows = _pg_ranked_matches(filtered, concepts, window + len(outside), facets=query.facets)
            rows = self._skip(rows, outside)
            total = matches if total is None else total
        else:
            window = max(RELEVANCE_WINDOW_MIN, RELEVANCE_WINDOW_FACTOR * need)
            rows = self._skip(self._ranked_window(filtered, candidates, concepts, window + len(outside)), outside)
            if query.location and query.radius_km is None:
                # Proximity (up to 3 points) is not in the SQL order: the ``window`` nearest
                # candidates join the window, so that a near supplier is not left out for its text.
                seen = {row[0] for row in rows}
                rows += [row for row in self._nearest_rows(candidates, query, {}, window) if row[0] not in seen]
        ids = [row[0] for row in rows]
        text_scores, best_text = {}, 0.0
        if concepts:
            # The SQLite relevance window brings the text scores along; the other rows ask for theirs.
            text_scores = {row[0]: row[4] for row in rows if len(row) == 6}
            best_text = next((row[5] or 0.0 for row in rows if len(row) == 6), 0.0)
            missing = [pk for pk in ids if pk not in text_scores]
            if missing:
                known_best = best_text if text_scores else None
                more, best_text = self._text_scores(candidates, concepts, missing, best=known_best)
                text_scores.update(more)
        rows = [row[:4] for row in rows]  # (pk, sort_name, verified, certification_count)
        if query.location and query.radius_km is None:
            distances = self._distances_of(ids, query)
        held_terms = self._taxonomy_terms(ids, concepts)
        scores = {
            pk: relevance(
                text=(max(text_scores.get(pk, 0.0), 0.0) / best_text) if best_text > 0 else 0.0,
                taxonomy=taxonomy_match(held_terms.get(pk, set()), concepts),
                verified=verified,
                certifications=certification_count,
                distance_km=distances.get(pk),
            )
            for pk, _, verified, certification_count in rows
        }
        rows.sort(key=self._sort_key(query, scores, distances))
        page_ids = [row[0] for row in rows[query.offset : need]]
        documents = dict(SupplierIndexEntry.objects.filter(pk__in=page_ids).values_list("pk", "document"))
        hits = [
            build_hit(SupplierDocument.from_dict(documents[pk]), query, concepts, score=scores[pk])
            for pk in page_ids
            if pk in documents
        ]
        if total is None:
            total = candidates.count()
        facets = self._facets(candidates, outside, facet_rows) if query.facets else {}
        return SearchResult(total=total, hits=hits, facets=facets, query=query, backend=self.name)

    @staticmethod
    def _skip(rows, outside: set[int]) -> list[tuple]:
        return [row for row in rows if row[0] not in outside]

    def _filtered(self, query: SupplierQuery):
        candidates = SupplierIndexEntry.objects.all()
        for facet, values in query.term_filters().items():
            candidates = candidates.filter(
                Exists(SupplierIndexTerm.objects.filter(entry=OuterRef("pk"), facet=facet, value__in=values))
            )
        if query.verified_only:
            candidates = candidates.filter(verified=True)
        if query.radius_km is not None:
            sites = self._sites_in_box(query.location, query.radius_km).filter(entry=OuterRef("pk"))
            candidates = candidates.filter(Exists(sites))
        return candidates

    @staticmethod
    def _sites_in_box(point, radius_km: float):
        lat_range, lng_range = bounding_box(point.latitude, point.longitude, radius_km)
        sites = SupplierIndexSite.objects.filter(latitude__range=lat_range)
        return sites.filter(longitude__range=lng_range) if lng_range else sites

    @staticmethod
    def _nearest(sites, point) -> dict[int, float]:
        nearest: dict[int, float] = {}
        for entry_id, latitude, longitude in sites.values_list("entry_id", "latitude", "longitude"):
            distance = haversine_km(point.latitude, point.longitude, latitude, longitude)
            if entry_id not in nearest or distance < nearest[entry_id]:
                nearest[entry_id] = distance
        return nearest

    def _distances(self, candidates, query: SupplierQuery, radius_km: float | None = None) -> dict[int, float]:
        """Distance in km from the query's point to each candidate's nearest site inside the box of
        ``radius_km`` (the query's radius by default). Exact for every candidate whose nearest site
        is within the radius: any site within the radius is inside the box."""
        radius_km = query.radius_km if radius_km is None else radius_km
        sites = self._sites_in_box(query.location, radius_km).filter(entry__in=candidates)
        return self._nearest(sites, query.location)

    def _distances_of(self, ids: list[int], query: SupplierQuery) -> dict[int, float]:
        """Distance in km from the query's point to the nearest site of each of ``ids``."""
        return self._nearest(SupplierIndexSite.objects.filter(entry_id__in=ids), query.location) if ids else {}

    def _nearest_rows(self, candidates, query: SupplierQuery, within: dict[int, float], need: int) -> list[tuple]:
        """Rows holding the ``need`` candidates nearest to the query's point (ties on the distance
        kept whole, for the name tie-break), nearest first.

        With a radius, ``within`` holds every candidate (exact distances). Without one, the box grows
        (×4 from 50 km) until it holds ``need`` candidates within its radius — a candidate outside the
        box is farther than the radius, so that set is exact — or covers the Earth; candidates without
        a site come last, by name."""
        if query.radius_km is None:
            radius = DISTANCE_FIRST_RADIUS_KM
            while True:
                box = self._distances(candidates, query, radius)
                within = {pk: distance for pk, distance in box.items() if distance <= radius}
                if len(within) >= need or radius >= HALF_CIRCUMFERENCE_KM:
                    break
                radius = min(radius * 4, HALF_CIRCUMFERENCE_KM)
        ordered = sorted(within, key=lambda pk: (within[pk], pk))
        if len(ordered) > need:
            cut = within[ordered[need - 1]]
            ordered = [pk for pk in ordered if within[pk] <= cut]
        rows = list(SupplierIndexEntry.objects.filter(pk__in=ordered).values_list(*ROW_COLUMNS)) if ordered else []
        if len(rows) < need and query.radius_km is None:
            no_site = candidates.filter(~Exists(SupplierIndexSite.objects.filter(entry=OuterRef("pk"))))
            rows += list(no_site.order_by("sort_name", "pk").values_list(*ROW_COLUMNS)[: need - len(rows)])
        return rows

    def _text_filter(self, candidates, concepts: list[Concept]):
        if connection.vendor == "postgresql":
            tsquery, params = _tsquery(concepts)
            matches = RawSQL(f"search_vector @@ ({tsquery})", params, output_field=BooleanField())
            return candidates.alias(text_match=matches).filter(text_match=True)
        matching = RawSQL("SELECT rowid FROM search_supplierfts WHERE search_supplierfts MATCH %s", [_fts5_expression(concepts)])
        return candidates.filter(pk__in=matching)

    @staticmethod
    def _pg_rank(concepts: list[Concept]) -> RawSQL:
        tsquery, params = _tsquery(concepts)
        return RawSQL(_pg_rank_sql("search_vector", tsquery), params, output_field=FloatField())

    def _text_scores(self, candidates, concepts: list[Concept], ids: list[int], *, best: float | None = None) -> tuple[dict[int, float], float]:
        """Raw text scores of ``ids`` and the best text score, which normalises them: over every
        FTS5 match on SQLite (bm25 depends on the whole match), over the candidates on PostgreSQL
        (unless ``best`` is already known there)."""
        if connection.vendor == "postgresql":
            ranked = candidates.annotate(text_rank=self._pg_rank(concepts))
            if best is None:
                best = ranked.aggregate(best=Max("text_rank"))["best"] or 0.0
            return dict(ranked.filter(pk__in=ids).values_list("pk", "text_rank")), best
        marks = ", ".join(["%s"] * len(ids)) or "NULL"
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH {_fts5_cte()} SELECT id, score FROM fts WHERE id IN ({marks}) "
                "UNION ALL SELECT NULL, MAX(score) FROM fts",
                [_fts5_expression(concepts), *ids],
            )
            scores, best = {}, 0.0
            for rowid, score in cursor.fetchall():
                if rowid is None:
                    best = max(score or 0.0, 0.0)
                else:
                    scores[rowid] = score
        return scores, best

    def _ranked_window(self, filtered, candidates, concepts: list[Concept], size: int) -> list[tuple]:
        """The ``size`` best candidates by the part of the relevance SQL can compute cheaply — the
        normalised text score, verified and the certification count — best first (name, id on ties).
        Taxonomy and proximity are added to this window only, in Python (docs/SEARCH.md, *Relevance*)."""
        cheap = Case(When(verified=True, then=Value(WEIGHT_VERIFIED)), default=Value(0.0), output_field=FloatField())
        cheap = cheap + Value(WEIGHT_CERTIFICATION) * Least("certification_count", Value(MAX_COUNTED_CERTIFICATIONS))
        if not concepts:
            ranked = candidates.annotate(cheap=ExpressionWrapper(cheap, output_field=FloatField()))
            return list(ranked.order_by("-cheap", "sort_name", "pk").values_list(*ROW_COLUMNS)[:size])
        entry = connection.ops.quote_name(SupplierIndexEntry._meta.db_table)
        where, params = "", []
        if filtered.query.where:
            sql, params = filtered.values("pk").query.sql_with_params()
            where = f"WHERE e.profile_id IN ({sql})"
        order = (
            f"(CASE WHEN best.top > 0 THEN {WEIGHT_TEXT} * MAX(fts.score, 0) / best.top ELSE 0 END)"
            f" + (CASE WHEN e.verified THEN {WEIGHT_VERIFIED} ELSE 0 END)"
            f" + {WEIGHT_CERTIFICATION} * MIN(e.certification_count, {MAX_COUNTED_CERTIFICATIONS})"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH {_fts5_cte()}, best AS (SELECT MAX(score) AS top FROM fts) "
                f"SELECT e.profile_id, e.sort_name, e.verified, e.certification_count, fts.score, MAX(best.top, 0) "
                f"FROM fts JOIN {entry} e ON e.profile_id = fts.id CROSS JOIN best {where} "
                f"ORDER BY {order} DESC, e.sort_name, e.profile_id LIMIT %s",
                [_fts5_expression(concepts), *params, size],
            )
            return [(pk, name, bool(verified), count, score, best) for pk, name, verified, count, score, best in cursor.fetchall()]

    @staticmethod
    def _taxonomy_terms(ids: list[int], concepts: list[Concept]) -> dict[int, set[tuple[str, str]]]:
        slugs = [("skill", s) for c in concepts for s in c.skills] + [("material", s) for c in concepts for s in c.materials]
        held: dict[int, set[tuple[str, str]]] = defaultdict(set)
        if slugs and ids:
            terms = SupplierIndexTerm.objects.filter(
                entry_id__in=ids, facet__in=["skill", "material"], value__in=[value for _, value in slugs]
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
    def _facets(candidates, outside: set[int], rows: list[tuple] | None = None) -> dict[str, dict[str, int]]:
        """``GROUP BY`` over the candidates in SQL (unless ``rows`` already holds it); with a radius,
        minus the terms of the few candidates of the box's corners that the exact distance test removed."""
        facets: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
        rows = _facet_term_rows(candidates) if rows is None else rows
        counts = Counter({(facet, value): n for facet, value, n in rows})
        ids = sorted(outside)
        for start in range(0, len(ids), DELETE_CHUNK):
            terms = SupplierIndexTerm.objects.filter(entry_id__in=ids[start : start + DELETE_CHUNK], facet__in=FACETS)
            counts.subtract(Counter(terms.values_list("facet", "value")))
        for (facet, value), n in counts.items():
            if n > 0:
                facets[facet][value] = n
        return {facet: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))) for facet, values in facets.items()}


def _pg_rank_sql(vector: str, tsquery: str) -> str:
    # ts_rank, not ts_rank_cd: cover density over an expanded query (a concept's synonyms OR-ed)
    # cost four times the match itself (180 vs 45 ms over 3,500 matches at 10k suppliers).
    return f"ts_rank('{TSRANK_WEIGHTS}'::float4[], {vector}, ({tsquery}), 1)"


def _pg_ranked_matches(filtered, concepts: list[Concept], size: int, *, facets: bool) -> tuple[list[tuple], int, list | None]:
    """PostgreSQL, relevance sort with words: every match ranked once (a materialised CTE), and
    from it in the same statement the best score and the count, the facet counts when asked,
    and the ``size`` best rows by text rank + verified + certifications. Returns the rows as
    ``(pk, sort_name, verified, certification_count, score, best)``, the count, and the facet
    rows ``(facet, value, count)`` (``None`` when not asked)."""
    tsquery, tsparams = _tsquery(concepts)
    entry = connection.ops.quote_name(SupplierIndexEntry._meta.db_table)
    where, where_params = "", []
    if filtered.query.where:
        sql, where_params = filtered.values("pk").query.sql_with_params()
        where = f"AND e.profile_id IN ({sql})"
    if facets:
        facet_cte = (
            "facet_counts AS (SELECT COALESCE(json_agg(json_build_array(facet, value, n)), '[]'::json) AS counts FROM ("
            # From each match's own facet_terms, not a join with the term table: the planner, whose
            # estimate of the matches is rough, hashed every term row of the index for that.
            "SELECT split_part(t.term, ':', 1) AS facet, substr(t.term, strpos(t.term, ':') + 1) AS value, COUNT(*) AS n "
            "FROM m CROSS JOIN LATERAL unnest(string_to_array(m.facet_terms, E'\\n')) AS t(term) "
            "GROUP BY 1, 2) f)"
        )
    else:
        facet_cte = "facet_counts AS (SELECT NULL::json AS counts)"
    order = (
        f"(CASE WHEN best.top > 0 THEN {WEIGHT_TEXT} * GREATEST(m.score, 0) / best.top ELSE 0 END)"
        f" + (CASE WHEN m.verified THEN {WEIGHT_VERIFIED} ELSE 0 END)"
        f" + {WEIGHT_CERTIFICATION} * LEAST(m.certification_count, {MAX_COUNTED_CERTIFICATIONS})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH m AS MATERIALIZED ("
            f"SELECT e.profile_id, e.sort_name, e.verified, e.certification_count, {_pg_rank_sql('e.search_vector', tsquery)} AS score"
            f"{', e.facet_terms' if facets else ''} "
            f"FROM {entry} e WHERE e.search_vector @@ ({tsquery}) {where}), "
            "best AS (SELECT COALESCE(MAX(score), 0) AS top, COUNT(*) AS n FROM m), "
            f"{facet_cte}, "
            "win AS (SELECT m.profile_id, m.sort_name, m.verified, m.certification_count, m.score FROM m CROSS JOIN best "
            f"ORDER BY {order} DESC, m.sort_name, m.profile_id LIMIT %s) "
            "SELECT best.top, best.n, facet_counts.counts, win.profile_id, win.sort_name, win.verified, "
            "win.certification_count, win.score FROM best CROSS JOIN facet_counts LEFT JOIN win ON TRUE",
            [*tsparams, *tsparams, *where_params, size],
        )
        found = cursor.fetchall()
    top, matches, counts = found[0][:3]
    rows = [(pk, name, bool(verified), count, score, top) for _, _, _, pk, name, verified, count, score in found if pk is not None]
    return rows, matches, ([tuple(row) for row in counts] if facets else None)


def _fts5_cte() -> str:
    """``fts(id, score)``: the FTS5 matches of one ``MATCH %s`` with their bm25 text score, computed once."""
    weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
    return (
        f"fts(id, score) AS MATERIALIZED (SELECT rowid, -bm25(search_supplierfts, {weights}) "
        "FROM search_supplierfts WHERE search_supplierfts MATCH %s)"
    )


def _facet_term_rows(candidates) -> list[tuple]:
    """The candidates' facet terms counted: ``(facet, value, count)``.

    On SQLite the query is written out so that ``+facet`` keeps the planner off the
    ``(facet, value)`` index, which reads every term row of those facets (all suppliers) and
    then tests each against the candidates; driven by the candidates through the
    ``(entry, facet, value)`` key it reads only theirs (≈ 70 → 8 ms at 2,500 suppliers).
    """
    marks = ", ".join(["%s"] * len(FACETS))
    if not candidates.query.where:
        # Every entry is a candidate (every term row has its entry): the (facet, value) index answers alone.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT facet, value, COUNT(*) FROM {connection.ops.quote_name(SupplierIndexTerm._meta.db_table)} "
                f"WHERE facet IN ({marks}) GROUP BY facet, value",
                list(FACETS),
            )
            return cursor.fetchall()
    if connection.vendor == "sqlite":
        sql, params = candidates.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT facet, value, COUNT(*) FROM {connection.ops.quote_name(SupplierIndexTerm._meta.db_table)} "
                f"WHERE entry_id IN ({sql}) AND +facet IN ({marks}) GROUP BY facet, value",
                [*params, *FACETS],
            )
            return cursor.fetchall()
    terms = SupplierIndexTerm.objects.filter(entry__in=candidates, facet__in=FACETS)
    return list(terms.values("facet", "value").annotate(n=Count("entry_id")).values_list("facet", "value", "n"))


ENTRY_COLUMNS = (
    "profile_id", "slug", "name", "sort_name", "siret", "verified", "certification_count", "name_text", "skills_text",
    "body_text", "other_text", "name_terms", "skills_terms", "body_terms", "other_terms", "document", "facet_terms",
    "indexed_at",
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
