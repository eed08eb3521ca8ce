"""Shared helpers of the benchmarks: percentiles, the machine and versions, fresh databases.

The benchmark modules (:mod:`bench.search_latency`, :mod:`bench.indexing`,
:mod:`bench.http_throughput`) run in subprocesses that :mod:`bench.run` starts with the
environment of one benchmark database (``DJANGO_SETTINGS_MODULE``, ``DATABASE_URL``,
``MARKETPLACE_VAR_DIR``); each prints one JSON object on its last line of stdout.
"""
from __future__ import annotations

import json
import math
import os
import platform
import socket
import http.client
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_SETTINGS = "bench.settings"


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0..100) of ``samples``, nearest-rank on the sorted values."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: list[float]) -> dict:
    """p50 / p95 / p99 / mean in milliseconds and the sample count."""
    if not seconds:
        return {"n": 0}
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": round(percentile(ms, 50), 2),
        "p95": round(percentile(ms, 95), 2),
        "p99": round(percentile(ms, 99), 2),
        "mean": round(sum(ms) / len(ms), 2),
    }


def ratio(numerator, denominator) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def bench_env(database_url: str, var_dir: str, **extra: str) -> dict[str, str]:
    """Environment of a subprocess working on one benchmark database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
        "DATABASE_URL": database_url,
        "MARKETPLACE_VAR_DIR": var_dir,
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> float:
    """Run ``manage.py args`` and return its wall-clock duration in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.perf_counter() - started


def run_module(env: dict[str, str], module: str, *args: str, timeout: float = 1800) -> dict:
    """Run ``python -m module args`` and return the JSON object printed on its last stdout line."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *args], env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE,
        text=True, timeout=timeout,
    )
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def emit(result: dict) -> None:
    """Print the result as the last line of stdout (what :func:`run_module` reads)."""
    sys.stdout.flush()
    print(json.dumps(result, default=str))


def log(message: str) -> None:
    # UTC: Django sets the process time zone (TIME_ZONE) in the benchmark subprocesses, not in bench.run.
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


# --- PostgreSQL benchmark databases ----------------------------------------------------------
def postgres_database_url(base_url: str, name: str) -> str:
    """``base_url`` pointing at database ``name`` instead (same server and credentials)."""
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def recreate_postgres_database(base_url: str, name: str) -> str:
    """Drop and create database ``name`` (must start with ``marketplace_bench_``); returns its URL."""
    import psycopg

    if not name.startswith("marketplace_bench_"):
        raise ValueError("benchmark databases are named marketplace_bench_*")
    admin_url = postgres_database_url(base_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_database_url(base_url, name)


def drop_postgres_database(base_url: str, name: str) -> None:
    import psycopg

    admin_url = postgres_database_url(base_url, "postgres").replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- machine and versions --------------------------------------------------------------------
def machine() -> dict:
    """What the numbers were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "nproc": os.cpu_count(),
        "memory_gb": memory_gb,
        "cpu_model": cpu,
        "platform": platform.platform(),
        "load_average_at_start": load,
    }


def versions(database_url: str | None = None, elasticsearch_url: str | None = None) -> dict:
    import sqlite3

    import django
    import wagtail

    found = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "sqlite": sqlite3.sqlite_version,
    }
    try:
        import gunicorn

        found["gunicorn"] = gunicorn.__version__
    except ImportError:
        pass
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        try:
            import psycopg

            with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
                found["postgresql"] = connection.execute("SHOW server_version").fetchone()[0]
        except Exception as exc:  # recorded, not fatal: the run goes on without PostgreSQL's version
            found["postgresql"] = f"unknown ({exc.__class__.__name__})"
    if elasticsearch_url:
        try:
            from urllib.request import urlopen

            with urlopen(elasticsearch_url, timeout=5) as response:
                found["elasticsearch"] = json.load(response)["version"]["number"]
        except Exception as exc:
            found["elasticsearch"] = f"unknown ({exc.__class__.__name__})"
    return found


# --- a production server on loopback (HTTP throughput, make load) --------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, env: dict[str, str], *options: str, **popen) -> subprocess.Popen:
    """gunicorn serving the project on 127.0.0.1:``port``, returned once /healthz answers 200."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "marketplace.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", *options],
        cwd=ROOT, env=env, **popen,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop_process(process)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
