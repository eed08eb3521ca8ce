"""Indexing: a full rebuild of the supplier index versus a raw bulk load of the same documents.

Run by :mod:`bench.run` in a subprocess on a loaded demo database. Prints one JSON object.

* **Rebuild**: the configured backend's ``rebuild()`` (what ``manage.py search_rebuild`` does,
  without the process start-up): build every published profile's document from the models and
  write it. On Elasticsearch ``search_rebuild`` also rewrites the database index; here only the
  engine's own rebuild is timed, the database one is measured on the database runs.
* **Raw bulk load** of the documents the rebuild produced, read back beforehand (not timed):
  SQLite: ``executemany`` into scratch copies of the entry, term and site tables (same columns,
  keys and indexes) and a scratch FTS5 table of the same definition, one transaction; PostgreSQL: ``COPY`` into a scratch copy of the entry table
  with its generated ``tsvector`` and GIN index; Elasticsearch: ``_bulk`` (batches of 1,000) into
  a scratch index with the same mapping, then a refresh. Scratch tables and indexes are dropped.
* **Document building** alone (``build_documents`` over up to 5,000 profiles, scaled): the rebuild
  minus that estimate is its writing part, compared with the raw load as ``writing_vs_raw``.
"""
from __future__ import annotations

import re
import time

import django

from bench.common import emit, log, ratio


SQLITE_TABLES = {  # index table -> scratch copy
    "search_supplierindexentry": "bench_raw_entry",
    "search_supplierindexterm": "bench_raw_term",
    "search_supplierindexsite": "bench_raw_site",
}


def _sqlite_scratch_schema(cursor) -> list[str]:
    """DDL of scratch copies of the entry, term and site tables with the same columns, keys and
    indexes (from ``sqlite_master``, names prefixed); the FTS triggers are not copied."""
    names = "|".join(re.escape(name) for name in SQLITE_TABLES)
    statements = []
    for table in SQLITE_TABLES:
        cursor.execute(
            "SELECT type, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL AND type IN ('table', 'index') "
            "ORDER BY type DESC",
            [table],
        )
        for kind, sql in cursor.fetchall():
            sql = re.sub(rf'"({names})"', lambda m: f'"{SQLITE_TABLES[m.group(1)]}"', sql)
            if kind == "index":
                sql = re.sub(r'INDEX "([^"]+)"', r'INDEX "bench_raw_\1"', sql, count=1)
            statements.append(sql)
    return statements


def sqlite_raw_load() -> tuple[int, float]:
    """Entry, term and site rows, as the rebuild wrote them, inserted into scratch tables of the
    same schema plus an FTS5 table (what the triggers fill), by executemany in one transaction."""
    from django.db import connection, transaction

    columns = {}
    rows = {}
    with connection.cursor() as cursor:
        for table in SQLITE_TABLES:
            cursor.execute(f'SELECT * FROM "{table}"')
            columns[table] = [d[0] for d in cursor.description]
            rows[table] = cursor.fetchall()
        for scratch in ("bench_raw_fts", "bench_raw_term", "bench_raw_site", "bench_raw_entry"):
            cursor.execute(f'DROP TABLE IF EXISTS "{scratch}"')
        for statement in _sqlite_scratch_schema(cursor):
            cursor.execute(statement)
        cursor.execute(
            "CREATE VIRTUAL TABLE bench_raw_fts USING fts5(name, skills, body, other, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    entry_columns = columns["search_supplierindexentry"]
    fts_positions = [entry_columns.index(c) for c in ("profile_id", "name_terms", "skills_terms", "body_terms", "other_terms")]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, scratch in SQLITE_TABLES.items():
            cursor.executemany(
                f'INSERT INTO "{scratch}" ({", ".join(columns[table])}) VALUES ({", ".join(["%s"] * len(columns[table]))})',
                rows[table],
            )
        cursor.executemany(
            "INSERT INTO bench_raw_fts (rowid, name, skills, body, other) VALUES (%s, %s, %s, %s, %s)",
            [tuple(r[i] for i in fts_positions) for r in rows["search_supplierindexentry"]],
        )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for scratch in ("bench_raw_fts", "bench_raw_term", "bench_raw_site", "bench_raw_entry"):
            cursor.execute(f'DROP TABLE "{scratch}"')
    return len(rows["search_supplierindexentry"]), seconds


def postgres_raw_load() -> tuple[int, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'search_supplierindexentry' "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position"
        )
        columns = [name for (name,) in cursor.fetchall()]
        cursor.execute(f"SELECT {', '.join(c + '::text' for c in columns)} FROM search_supplierindexentry")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE IF EXISTS bench_raw_entry")
        cursor.execute(
            "CREATE TABLE bench_raw_entry (LIKE search_supplierindexentry "
            "INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING INDEXES)"
        )
    connection.commit() if not connection.get_autocommit() else None
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY bench_raw_entry ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_entry")
    return len(rows), seconds


def elasticsearch_raw_load() -> tuple[int, float]:
    from django.conf import settings
    from elasticsearch.dsl import Index

    from search.backends.es_client import client_for
    from search.backends.es_documents import SupplierIndexDocument
    from search.documents import SupplierDocument
    from search.models import SupplierIndexEntry

    client = client_for(settings.ELASTICSEARCH_URL)
    sources = [
        (pk, SupplierIndexDocument.from_supplier(SupplierDocument.from_dict(document)).to_dict())
        for pk, document in SupplierIndexEntry.objects.values_list("pk", "document").iterator(chunk_size=2000)
    ]
    name = f"{settings.SEARCH_ELASTICSEARCH_INDEX}-bench-raw"
    client.options(ignore_status=404).indices.delete(index=name)
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(SupplierIndexDocument)
    index.create(using=client)
    started = time.perf_counter()
    for start in range(0, len(sources), 1000):
        operations = []
        for pk, source in sources[start : start + 1000]:
            operations += [{"index": {"_index": name, "_id": pk}}, source]
        response = client.options(request_timeout=120).bulk(operations=operations)
        if response["errors"]:
            raise RuntimeError("raw _bulk load reported errors")
    client.indices.refresh(index=name)
    seconds = time.perf_counter() - started
    client.options(ignore_status=404).indices.delete(index=name)
    return len(sources), seconds


BUILD_SAMPLE = 5000


def document_build_seconds(total: int) -> float:
    """Time of ``build_documents`` (reading the models, no writing) over up to BUILD_SAMPLE
    published profiles in the rebuild's batches, scaled to ``total``: the part of a rebuild that
    the raw bulk load, which starts from ready rows, does not do."""
    from search.backends.database import BATCH_SIZE
    from search.documents import build_documents
    from suppliers.models import SupplierProfile

    ids = list(SupplierProfile.objects.published().order_by("pk").values_list("pk", flat=True)[:BUILD_SAMPLE])
    if not ids:
        return 0.0
    started = time.perf_counter()
    for start in range(0, len(ids), BATCH_SIZE):
        build_documents(ids[start : start + BATCH_SIZE])
    return round((time.perf_counter() - started) * total / len(ids), 2)


def measure() -> dict:
    from django.db import connection

    from search.backends import get_backend

    backend = get_backend()
    engine = "elasticsearch" if backend.name == "elasticsearch" else connection.vendor
    log(f"indexing: rebuild on {engine}")
    started = time.perf_counter()
    written = backend.rebuild()
    rebuild_seconds = time.perf_counter() - started
    build_seconds = document_build_seconds(written)
    log(f"indexing: raw bulk load on {engine}")
    raw = {"sqlite": sqlite_raw_load, "postgresql": postgres_raw_load, "elasticsearch": elasticsearch_raw_load}[engine]
    loaded, raw_seconds = raw()
    return {
        "engine": engine,
        "documents": written,
        "rebuild_seconds": round(rebuild_seconds, 2),
        "rebuild_docs_per_second": round(written / rebuild_seconds, 1) if rebuild_seconds else None,
        "raw_bulk_documents": loaded,
        "raw_bulk_seconds": round(raw_seconds, 2),
        "rebuild_vs_raw": ratio(rebuild_seconds, raw_seconds),
        "document_build_seconds_estimate": build_seconds,
        "rebuild_writing_seconds_estimate": round(max(rebuild_seconds - build_seconds, 0.0), 2),
        "writing_vs_raw": ratio(max(rebuild_seconds - build_seconds, 0.0), raw_seconds),
    }


def main() -> None:
    django.setup()
    emit(measure())


if __name__ == "__main__":
    main()
