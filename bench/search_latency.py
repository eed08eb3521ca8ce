"""Search latency on one benchmark database: the backend, the HTTP API, and raw baselines.

Run by :mod:`bench.run` in a subprocess whose environment points at a loaded demo database
(``DATABASE_URL``, and ``ELASTICSEARCH_URL`` for the Elasticsearch backend). Prints one JSON
object on its last stdout line.

* **Mix**: a fixed list of at least 50 queries built from :data:`TEXTS` and the first values of the
  reference tables (sorted, so the mix is the same at every size): French text, the same text
  with facets off, text + filters, text + radius, filters only, deep pages.
* **Backend**: ``search.backends.search_suppliers(query)`` with a ``SupplierQuery`` built
  beforehand (parsing and validation are not timed).
* **API**: ``GET /api/suppliers/search`` through ``django.test.Client``, in process. That times
  URL routing, middleware, parsing, validation, the search and JSON serialisation without a
  network or a server in between (those are measured by :mod:`bench.http_throughput`). The API
  always computes facets, so its "facets off" queries are the same as "text".
* **Baselines**, for the text queries: the same words as one raw full-text query with ranking and
  ``LIMIT 20``: FTS5 ``MATCH`` + ``bm25`` on ``search_supplierfts`` (SQLite), ``search_vector @@
  plainto_tsquery`` + ``ts_rank`` on ``search_supplierindexentry`` (PostgreSQL), and a raw
  ``multi_match`` ``_search`` on the Elasticsearch alias.
"""
from __future__ import annotations

import argparse
import json
import time
from urllib.parse import urlencode

import django

from bench.common import emit, log, ratio, summary_ms

TEXTS = [
    "décolletage", "tôlerie", "usinage inox", "pièces tournées", "soudure TIG", "découpe laser acier",
    "fonderie aluminium", "traitement thermique", "injection plastique", "anodisation", "fraisage 5 axes",
    "emboutissage",
]
CATEGORIES = ("text", "text_facets_off", "text_filters", "text_radius", "filters_only", "deep_page")
PLACES = ["74300", "42000", "69007", "31000", "44000", "67000", "13001", "59000"]


def query_mix() -> list[tuple[str, dict]]:
    """(category, request parameters) pairs; values come from the reference tables, sorted."""
    from marketplace.geo.models import Departement, Region
    from suppliers.models import CertificationType, HeadcountBand, Sector, Skill

    sectors = list(Sector.objects.order_by("slug").values_list("slug", flat=True)[:8])
    skills = list(Skill.objects.order_by("slug").values_list("slug", flat=True)[:8])
    certifications = list(CertificationType.objects.order_by("slug").values_list("slug", flat=True)[:8])
    regions = list(Region.objects.order_by("code").values_list("code", flat=True)[:8])
    departements = list(Departement.objects.order_by("code").values_list("code", flat=True)[:8])
    headcounts = list(HeadcountBand.values)

    def pick(values, i):
        return values[i % len(values)]

    mix: list[tuple[str, dict]] = []
    mix += [("text", {"q": text}) for text in TEXTS]
    mix += [("text_facets_off", {"q": text}) for text in TEXTS]
    filters = [
        {"sector": pick(sectors, 0)}, {"certification": pick(certifications, 1)}, {"verified": "1"},
        {"region": pick(regions, 3)}, {"sector": [pick(sectors, 1), pick(sectors, 2)]},
        {"department": pick(departements, 5), "verified": "1"}, {"headcount": pick(headcounts, 1)},
        {"sector": pick(sectors, 4), "certification": pick(certifications, 4)},
    ]
    mix += [("text_filters", {"q": TEXTS[i], **f}) for i, f in enumerate(filters)]
    mix += [
        ("text_radius", {"q": TEXTS[i], "postal_code": PLACES[i], "radius_km": str(50 if i % 2 else 100)})
        for i in range(8)
    ]
    mix += [("filters_only", f) for f in filters[:6]]
    mix += [("filters_only", {"skill": pick(skills, 0)}), ("filters_only", {})]
    mix += [
        ("deep_page", {"page": "50"}), ("deep_page", {"q": TEXTS[0], "page": "5"}),
        ("deep_page", {"sector": pick(sectors, 0), "page": "20"}),
        ("deep_page", {"postal_code": PLACES[1], "radius_km": "200", "sort": "distance", "page": "10"}),
    ]
    return mix


def _time(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


# --- baselines -------------------------------------------------------------------------------
def sqlite_baseline(text: str):
    from django.db import connection

    from search.text import analyze

    expression = " AND ".join('"' + t + '"' for t in analyze(text))

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, bm25(search_supplierfts, 10.0, 4.0, 1.0, 0.5) AS rank FROM search_supplierfts "
                "WHERE search_supplierfts MATCH %s ORDER BY rank LIMIT 20",
                [expression],
            )
            return cursor.fetchall()

    return run


def postgres_baseline(text: str):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT profile_id, ts_rank(search_vector, q) AS rank "
                "FROM search_supplierindexentry, plainto_tsquery('french_unaccent', %s) q "
                "WHERE search_vector @@ q ORDER BY rank DESC LIMIT 20",
                [text],
            )
            return cursor.fetchall()

    return run


def elasticsearch_baseline(text: str):
    from django.conf import settings

    from search.backends.es_client import client_for

    client = client_for(settings.ELASTICSEARCH_URL)
    index = settings.SEARCH_ELASTICSEARCH_INDEX

    def run():
        return client.search(
            index=index, size=20, source=False, track_total_hits=True,
            query={"multi_match": {"query": text, "operator": "and", "type": "cross_fields",
                                   "fields": ["name_text^10", "skills_text^4", "body_text", "other_text^0.5"]}},
        )

    return run


def measure(repeat: int, budget_seconds: float) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from search.backends import get_backend, search_suppliers
    from search.models import SupplierIndexEntry
    from search.query import parse_supplier_query

    backend_name = get_backend().name
    engine = "elasticsearch" if backend_name == "elasticsearch" else connection.vendor
    mix = query_mix()
    prepared = []
    for category, params in mix:
        data = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
        prepared.append((category, params, parse_supplier_query(data, facets=category != "text_facets_off")))

    client = Client()
    started = time.perf_counter()
    per_category: dict[str, dict[str, list[float]]] = {c: {"backend": [], "api": []} for c in CATEGORIES}
    totals: dict[str, int] = {}
    # Warm-up: one pass over the mix (caches of the thesaurus, reference look-ups, connections).
    for category, params, query in prepared:
        totals[json.dumps([category, params], sort_keys=True)] = search_suppliers(query).total
    for round_ in range(repeat):
        for category, params, query in prepared:
            per_category[category]["backend"] += _time(lambda: search_suppliers(query), 1)
            url = "/api/suppliers/search?" + urlencode(params, doseq=True)

            def api():
                response = client.get(url, REMOTE_ADDR="127.0.0.1")
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code} {response.content[:200]!r}")

            per_category[category]["api"] += _time(api, 1)
        if time.perf_counter() - started > budget_seconds:
            log(f"search latency: time budget reached after {round_ + 1} round(s)")
            break

    baseline_factory = {"sqlite": sqlite_baseline, "postgresql": postgres_baseline,
                        "elasticsearch": elasticsearch_baseline}[engine]
    baseline_samples: list[float] = []
    for text in TEXTS:
        baseline = baseline_factory(text)
        baseline()
        baseline_samples += _time(baseline, max(repeat, 3))
    text_backend = per_category["text"]["backend"]
    text_nofacets = per_category["text_facets_off"]["backend"]

    backend_all = [s for c in CATEGORIES for s in per_category[c]["backend"]]
    api_all = [s for c in CATEGORIES for s in per_category[c]["api"]]
    result = {
        "engine": engine,
        "indexed_suppliers": SupplierIndexEntry.objects.count(),
        "queries_in_mix": len(mix),
        "rounds": repeat,
        "backend": summary_ms(backend_all),
        "api": summary_ms(api_all),
        "baseline": summary_ms(baseline_samples),
        "backend_text": summary_ms(text_backend),
        "backend_text_facets_off": summary_ms(text_nofacets),
        "by_category": {c: {k: summary_ms(v) for k, v in per_category[c].items()} for c in CATEGORIES},
        "totals_sample": {k: v for k, v in list(totals.items())[:6]},
        "seconds": round(time.perf_counter() - started, 1),
    }
    result["ratios"] = {
        # The baseline is the same words as one ranked full-text query: compare text queries (facets off,
        # as the baseline computes none) and, for the record, the whole mix.
        "text_p95_vs_baseline_p95": ratio(summary_ms(text_nofacets).get("p95"), result["baseline"].get("p95")),
        "mix_p95_vs_baseline_p95": ratio(result["backend"].get("p95"), result["baseline"].get("p95")),
        "facets_on_vs_off_p95": ratio(result["backend_text"].get("p95"), result["backend_text_facets_off"].get("p95")),
        "filtered_vs_unfiltered_p95": ratio(
            result["by_category"]["text_filters"]["backend"].get("p95"), result["backend_text"].get("p95")
        ),
        "api_vs_backend_p95": ratio(result["api"].get("p95"), result["backend"].get("p95")),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the mix (after one warm-up round)")
    parser.add_argument("--budget", type=float, default=240, help="stop adding rounds after this many seconds")
    options = parser.parse_args()
    django.setup()
    emit(measure(options.repeat, options.budget))


if __name__ == "__main__":
    main()
