"""HTTP throughput: the app under gunicorn (2 workers) loaded from another process on loopback.

Run by :mod:`bench.run` on a loaded demo database; prints one JSON object.

Two gunicorn servers on free ports of 127.0.0.1, with :mod:`bench.settings` (``DEBUG`` off, the
bench-only URLconf with the bare baseline views): one as configured (Wagtail page cache on),
one with ``BENCH_CMS_CACHE_SECONDS=0`` and ``SEARCH_RESULT_CACHE_SECONDS=0`` for the uncached
SectorPage, supplier profile and search API (a repeated search is otherwise answered from the
result cache, :mod:`search.result_cache`). The load generator is this
module with ``--client``: a separate Python process, N threads of ``http.client`` keep-alive
connections, bounded by a request count **and** a duration, whichever comes first. Every
endpoint gets one warm-up request per thread, then the bounded load; non-200 answers are counted
as errors.

Endpoints and their baselines: ``/bench/bare.json`` ← search API (cached / uncached); ``/bench/bare.html`` ←
supplier profile, SectorPage (cached / uncached), RFQ list.

With ``--profile``, the slowest endpoint (by p95) is profiled in process with pyinstrument
(``django.test.Client``, 20 requests) and the query count of one request is recorded.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import threading
import time

from bench.common import ROOT, emit, free_port, log, percentile, ratio
from bench.common import start_gunicorn as common_start_gunicorn
from bench.common import stop_process as stop

CONCURRENCY = 4


def start_gunicorn(port: int, extra_env: dict[str, str]) -> subprocess.Popen:
    return common_start_gunicorn(
        port, {**os.environ, **extra_env}, "--workers", "2", "--timeout", "120",
        "--env", f"DJANGO_SETTINGS_MODULE={os.environ['DJANGO_SETTINGS_MODULE']}",
    )


# --- the load generator (a separate process) --------------------------------------------------
def client_main(port: int, path: str, requests: int, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    remaining = [requests]
    deadline = [float("inf")]  # set once every warm-up is done
    ready = threading.Barrier(concurrency + 1)

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path)  # warm-up, not measured
        connection.getresponse().read()
        ready.wait()
        while True:
            with lock:
                if remaining[0] <= 0 or time.perf_counter() > deadline[0]:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=120)
    started = time.perf_counter()
    deadline[0] = started + seconds
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ms = [s * 1000 for s in latencies]
    return {
        "requests": len(latencies), "errors": errors[0], "seconds": round(wall, 2),
        "req_per_s": round(len(latencies) / wall, 1) if wall else None,
        "p50_ms": round(percentile(ms, 50), 1) if ms else None,
        "p95_ms": round(percentile(ms, 95), 1) if ms else None,
    }


def load(port: int, path: str, requests: int, seconds: float) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.http_throughput", "--client", str(port), path, "--requests", str(requests),
         "--seconds", str(seconds)],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True, timeout=seconds + 300,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- the benchmark --------------------------------------------------------------------------
def endpoints() -> dict[str, str]:
    import django

    django.setup()
    from cms.models.sectors import SectorPage
    from suppliers import services
    from suppliers.models import SupplierProfile

    profile = SupplierProfile.objects.published().order_by("pk").first()
    sector_page = SectorPage.objects.live().order_by("path").first()
    found = {
        "bare_json": "/bench/bare.json",
        "bare_template": "/bench/bare.html",
        "search_api": "/api/suppliers/search?q=usinage&postal_code=42000&radius_km=100",
        "supplier_profile": services.public_path(profile) if profile else None,
        "sector_page": sector_page.url if sector_page else None,
        "rfq_list": "/consultations/",
    }
    return {name: path for name, path in found.items() if path}


def profile_endpoint(path: str, *, uncached: bool) -> dict:
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()

    def get():
        if uncached:
            cache.clear()
        client.get(path)

    get()
    with CaptureQueriesContext(connection) as captured:
        get()
    query_count = len(captured)  # now: the captured slice is read from the connection's log, reset by later requests
    try:
        from pyinstrument import Profiler
    except ImportError:
        return {"path": path, "queries_per_request": query_count, "profile": "pyinstrument not installed"}
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(20):
        get()
    profiler.stop()
    reset_queries()
    text = profiler.output_text(unicode=False, color=False, show_all=False, short_mode=False)
    lines = [line for line in text.splitlines() if line.strip()]
    return {"path": path, "queries_per_request": query_count, "requests_profiled": 20, "profile": "\n".join(lines[:45])}


def measure(requests: int, seconds: float, profile: bool) -> dict:
    paths = endpoints()
    results: dict[str, dict] = {}
    port = free_port()
    server = start_gunicorn(port, {})
    try:
        for name, path in paths.items():
            log(f"http: {name} {path}")
            results[name] = {"path": path, **load(port, path, requests, seconds)}
    finally:
        stop(server)
    uncached = [name for name in ("search_api", "sector_page", "supplier_profile") if name in paths]
    if uncached:
        # The whole-page caches (cms.page_cache), live sections and search results
        # (search.result_cache) off: what the first visitor of a page or a search gets.
        port = free_port()
        server = start_gunicorn(port, {"BENCH_CMS_CACHE_SECONDS": "0", "SEARCH_RESULT_CACHE_SECONDS": "0"})
        try:
            for name in uncached:
                log(f"http: {name} uncached")
                results[f"{name}_uncached"] = {"path": paths[name], **load(port, paths[name], requests, seconds)}
        finally:
            stop(server)
    for name in ("search_api", "sector_page", "supplier_profile"):
        if name in results:
            results[f"{name}_cached"] = results.pop(name)

    def rps(name):
        return results.get(name, {}).get("req_per_s")

    report = {
        "server": "gunicorn, 2 sync workers", "client": f"{CONCURRENCY} keep-alive threads, separate process",
        "bounds": {"requests": requests, "seconds": seconds}, "endpoints": results,
        "ratios": {
            "search_api_cached_vs_bare_json": ratio(rps("search_api_cached"), rps("bare_json")),
            "search_api_uncached_vs_bare_json": ratio(rps("search_api_uncached"), rps("bare_json")),
            "supplier_profile_uncached_vs_bare_template": ratio(rps("supplier_profile_uncached"), rps("bare_template")),
            "supplier_profile_cached_vs_bare_template": ratio(rps("supplier_profile_cached"), rps("bare_template")),
            "sector_page_cached_vs_bare_template": ratio(rps("sector_page_cached"), rps("bare_template")),
            "sector_page_uncached_vs_bare_template": ratio(rps("sector_page_uncached"), rps("bare_template")),
            "rfq_list_vs_bare_template": ratio(rps("rfq_list"), rps("bare_template")),
        },
    }
    if profile:
        measured = {k: v for k, v in results.items() if not k.startswith("bare") and v.get("p95_ms")}
        if measured:
            slowest = max(measured, key=lambda k: measured[k]["p95_ms"])
            log(f"http: profiling {slowest}")
            report["profile"] = {
                "endpoint": slowest, **profile_endpoint(measured[slowest]["path"], uncached=slowest.endswith("uncached"))
            }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", nargs=2, metavar=("PORT", "PATH"), help="run as the load generator")
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    if options.client:
        port, path = options.client
        print(json.dumps(client_main(int(port), path, options.requests, options.seconds, CONCURRENCY)))
        return
    emit(measure(options.requests, options.seconds, options.profile))


if __name__ == "__main__":
    main()
