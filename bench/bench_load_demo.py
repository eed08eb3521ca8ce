"""Benchmark of ``manage.py load_demo`` on a fresh database.

Creates an SQLite database in a temporary directory (or uses ``--database-url``, which must point
at an empty PostgreSQL database), migrates it, loads the reference data, then times
``load_demo --suppliers N --quiet`` in a subprocess. Prints the time, then one JSON line on stdout:
``{"benchmark": "load_demo", "suppliers": N, "seconds": ..., "backend": "sqlite"}``.

Run from the repository root::

    .venv/bin/python bench/bench_load_demo.py                    # 100,000 suppliers on SQLite
    .venv/bin/python bench/bench_load_demo.py --suppliers 10000
    .venv/bin/python bench/bench_load_demo.py --database-url postgres://user:pass@127.0.0.1/pef_bench
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(env: dict[str, str], *args: str) -> float:
    """Run ``manage.py args`` and return its wall-clock duration in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--database-url", help="an empty database to use instead of a fresh SQLite file")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pef-bench-") as tmp:
        database_url = options.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
            "DATABASE_URL": database_url,
            "MARKETPLACE_VAR_DIR": tmp,
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_reference_data", "--quiet")
        seconds = manage(env, "load_demo", "--suppliers", str(options.suppliers), "--quiet")

    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    print(f"load_demo --suppliers {options.suppliers}: {seconds:.1f} s", file=sys.stderr)
    print(json.dumps({"benchmark": "load_demo", "suppliers": options.suppliers, "seconds": round(seconds, 2),
                      "backend": backend}))


if __name__ == "__main__":
    main()
