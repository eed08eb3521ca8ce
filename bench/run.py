"""The one entry point of the benchmarks: ``make bench`` (10k and 100k) and ``make bench-quick`` (10k).

For each size N, on a fresh SQLite database in a temporary directory (and on a fresh PostgreSQL
database ``marketplace_bench_<N>`` when ``--database-url`` is given, and with the Elasticsearch
backend on the SQLite copy when ``ELASTICSEARCH_URL`` is set):

1. migrate, load the reference data, time ``load_demo --suppliers N`` (reusing
   :mod:`bench_load_demo`'s approach: a subprocess, wall clock);
2. :mod:`bench.indexing`: ``rebuild()`` versus a raw bulk load (this also fills the index, which
   ``load_demo`` leaves to the task queue);
3. :mod:`bench.search_latency`: the query mix through the backend and the API, and the baselines;
4. :mod:`bench.http_throughput` (SQLite, and PostgreSQL when given): gunicorn, 2 workers, a
   bounded load generator in another process.

Writes ``bench/results/<date>.json`` and regenerates the table in ``docs/PERFORMANCE.md``.

    .venv/bin/python -m bench.run --sizes 10000,100000
    .venv/bin/python -m bench.run --sizes 2000 --repeat 1 --http-seconds 3     # a quick look
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from bench.common import (
    ROOT, bench_env, drop_postgres_database, log, machine, manage, ratio, recreate_postgres_database, run_module,
    versions,
)

RESULTS = ROOT / "bench" / "results"


def load(env: dict[str, str], suppliers: int) -> dict:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_reference_data", "--quiet")
    seconds = manage(env, "load_demo", "--suppliers", str(suppliers), "--quiet")
    log(f"load_demo --suppliers {suppliers}: {seconds:.1f} s")
    return {"suppliers": suppliers, "seconds": round(seconds, 2)}


def run_engine(label: str, env: dict[str, str], size: int, options, *, loaded: bool = False, http: bool = True) -> dict:
    result: dict = {"engine": label, "size": size}
    if not loaded:
        result["load_demo"] = load(env, size)
    log(f"{label} {size}: indexing")
    result["indexing"] = run_module(env, "bench.indexing")
    log(f"{label} {size}: search latency")
    # The engine's latency: identical searches of later rounds must not come from the result cache.
    result["search"] = run_module(
        {**env, "SEARCH_RESULT_CACHE_SECONDS": "0"}, "bench.search_latency", "--repeat", str(options.repeat), "--budget", str(options.search_budget)
    )
    if http and not options.skip_http:
        log(f"{label} {size}: HTTP throughput")
        profile = options.profile and size == max(options.size_list)  # the profile of the largest size only
        result["http"] = run_module(
            env, "bench.http_throughput", "--seconds", str(options.http_seconds), "--requests", str(options.http_requests),
            *(["--profile"] if profile else []),
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", type=_sizes, help="comma-separated supplier counts")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""),
                        help="PostgreSQL server URL (any database on it); benchmark databases marketplace_bench_<N> are created")
    parser.add_argument("--repeat", type=int, default=3, help="rounds over the search mix")
    parser.add_argument("--search-budget", type=float, default=120, help="seconds of search rounds per engine and size")
    parser.add_argument("--http-seconds", type=float, default=6, help="duration bound of each HTTP load")
    parser.add_argument("--http-requests", type=int, default=4000,
                        help="request-count bound of each HTTP load (fast endpoints: about 2 s of load, so that one slow request does not weigh)")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--output", help="JSON file (default bench/results/<date>.json)")
    parser.add_argument("--no-doc", dest="doc", action="store_false", help="do not rewrite docs/PERFORMANCE.md")
    options = parser.parse_args()
    sizes = options.size_list = [int(s) for s in options.sizes.split(",")]
    elasticsearch_url = os.environ.get("ELASTICSEARCH_URL", "")

    started = time.perf_counter()
    report: dict = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(options.database_url or None, elasticsearch_url or None),
        "options": {k: v for k, v in vars(options).items() if k not in ("database_url", "size_list")},
        "runs": [],
    }
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="pef-bench-") as tmp:
            sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            # The database runs never talk to Elasticsearch; the Elasticsearch run reuses the SQLite data.
            env = bench_env(sqlite_url, tmp, ELASTICSEARCH_URL="", SEARCH_BACKEND="database")
            report["runs"].append(run_engine("sqlite", env, size, options))
            if elasticsearch_url:
                es_env = bench_env(sqlite_url, tmp, ELASTICSEARCH_URL=elasticsearch_url, SEARCH_BACKEND="elasticsearch",
                                   SEARCH_ELASTICSEARCH_INDEX=f"bench-suppliers-{size}")
                report["runs"].append(run_engine("elasticsearch", es_env, size, options, loaded=True, http=False))
        if options.database_url:
            name = f"marketplace_bench_{size}"
            url = recreate_postgres_database(options.database_url, name)
            with tempfile.TemporaryDirectory(prefix="pef-bench-") as tmp:
                try:
                    env = bench_env(url, tmp, ELASTICSEARCH_URL="", SEARCH_BACKEND="database")
                    report["runs"].append(run_engine("postgresql", env, size, options))
                finally:
                    drop_postgres_database(options.database_url, name)
    report["comparisons"] = comparisons(report["runs"], sizes)
    report["total_seconds"] = round(time.perf_counter() - started, 1)

    RESULTS.mkdir(parents=True, exist_ok=True)
    output = Path(options.output) if options.output else RESULTS / f"{dt.date.today().isoformat()}.json"
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    log(f"wrote {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output} in {report['total_seconds']} s")
    if options.doc:
        from bench.report import write_performance_doc

        write_performance_doc(report, output)


def _sizes(value: str) -> str:
    """``--sizes``: positive whole numbers separated by commas, or a clear usage error."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise argparse.ArgumentTypeError(f"expected supplier counts such as 10000,100000, got {value!r}")
    return ",".join(parts)


def comparisons(runs: list[dict], sizes: list[int]) -> dict:
    """Growth from the smallest to the largest size, per engine (p95 of the whole mix)."""
    found: dict = {}
    if len(sizes) < 2:
        return found
    small, large = min(sizes), max(sizes)
    for engine in ("sqlite", "postgresql", "elasticsearch"):
        by_size = {r["size"]: r for r in runs if r["engine"] == engine}
        if small in by_size and large in by_size:
            found[f"{engine}_p95_growth_{small}_to_{large}"] = ratio(
                by_size[large]["search"]["backend"]["p95"], by_size[small]["search"]["backend"]["p95"]
            )
    return found


if __name__ == "__main__":
    main()
