"""Indexing: a full rebuild of the supplier index versus a raw bulk load of the same documents.

Run by :mod:`bench.run` in a subprocess on a loaded demo database. Prints one JSON object.

* **Rebuild**: the configured backend's ``rebuild()`` (what ``manage.py search_rebuild`` does,
  without the process start-up): build every published profile's document from the models and
  write it. On Elasticsearch ``search_rebuild`` also rewrites the database index; here only the
  engine's own rebuild is timed, the database one is measured on the database runs.
* **Raw bulk load** of the documents the rebuild produced, read back beforehand (not timed):
  SQLite: ``executemany`` into a scratch copy of the entry table and a scratch FTS5 table of the
  same definition, one transaction; PostgreSQL: ``COPY`` into a scratch copy of the entry table
  with its generated ``tsvector`` and GIN index; Elasticsearch: ``_bulk`` (batches of 1,000) into
  a scratch index with the same mapping, then a refresh. Scratch tables and indexes are dropped.
"""
from __future__ import annotations

import time

import django

from bench.common import emit, log, ratio


def sqlite_raw_load() -> tuple[int, float]:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT profile_id, slug, name, sort_name, siret, verified, certification_count, name_text, skills_text, "
            "body_text, other_text, name_terms, skills_terms, body_terms, other_terms, document, indexed_at "
            "FROM search_supplierindexentry"
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE IF EXISTS bench_raw_entry")
        cursor.execute("DROP TABLE IF EXISTS bench_raw_fts")
        cursor.execute("CREATE TABLE bench_raw_entry AS SELECT * FROM search_supplierindexentry WHERE 0")
        cursor.execute(
            "CREATE VIRTUAL TABLE bench_raw_fts USING fts5(name, skills, body, other, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_raw_entry (profile_id, slug, name, sort_name, siret, verified, certification_count, "
            "name_text, skills_text, body_text, other_text, name_terms, skills_terms, body_terms, other_terms, document, "
            "indexed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cursor.executemany(
            "INSERT INTO bench_raw_fts (rowid, name, skills, body, other) VALUES (%s, %s, %s, %s, %s)",
            [(r[0], r[11], r[12], r[13], r[14]) for r in rows],
        )
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_fts")
        cursor.execute("DROP TABLE bench_raw_entry")
    return len(rows), seconds


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


def measure() -> dict:
    from django.db import connection

    from search.backends import get_backend

    backend = get_backend()
    engine = "elasticsearch" if backend.name == "elasticsearch" else connection.vendor
    log(f"indexing: rebuild on {engine}")
    started = time.perf_counter()
    written = backend.rebuild()
    rebuild_seconds = time.perf_counter() - started
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
    }


def main() -> None:
    django.setup()
    emit(measure())


if __name__ == "__main__":
    main()
