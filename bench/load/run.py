"""``make load``: the locust scenario against the app under gunicorn on loopback, then the check.

1. A fresh SQLite database (or ``LOAD_DATABASE_URL``) in a work directory, prepared by
   :mod:`bench.load.prepare` (migrations, reference data, a small demo, one published RFQ with an
   attachment, ``--suppliers`` supplier accounts).
2. gunicorn (2 workers × 4 threads, :mod:`bench.load.settings`) on a free port of 127.0.0.1.
3. The RFQ's deadline set ``--window`` seconds ahead; locust headless with ``--suppliers`` quoting
   users plus ``--visitors`` anonymous ones, for the window plus 15 s, at most
   ``--max-requests`` requests (bounded users, duration and request count).
4. The report: request count, error rate, latencies (median, p95, p99) overall and per request
   kind, from locust's CSV; then the database check of every quote submission.

Writes ``bench/load/results/<UTC date>.json`` and prints a Markdown summary. Exit status 1 when
the error rate exceeds ``--max-error-rate`` or the deadline check fails.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.common import free_port
from bench.common import start_gunicorn as common_start_gunicorn
from bench.common import stop_process as stop

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).resolve().parent / "results"


def run(args: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, **kwargs)


def start_gunicorn(port: int, env: dict, log) -> subprocess.Popen:
    return common_start_gunicorn(
        port, env, "--workers", "2", "--threads", "4", "--timeout", "60", stdout=log, stderr=subprocess.STDOUT
    )


def read_stats(path: Path) -> list[dict]:
    rows = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            count = int(row["Request Count"])
            rows.append({
                "name": row["Name"] if row["Name"] != "Aggregated" else "all requests",
                "method": row["Type"],
                "requests": count,
                "failures": int(row["Failure Count"]),
                "error_rate": round(int(row["Failure Count"]) / count, 4) if count else 0.0,
                "median_ms": float(row["Median Response Time"] or 0),
                "p95_ms": float(row["95%"] or 0) if row["95%"] != "N/A" else None,
                "p99_ms": float(row["99%"] or 0) if row["99%"] != "N/A" else None,
                "max_ms": round(float(row["Max Response Time"] or 0)),
                "rps": round(float(row["Requests/s"] or 0), 1),
            })
    return rows


def markdown(report: dict) -> str:
    lines = [
        f"Load run {report['date']}: {report['users']} users ({report['suppliers']} quoting suppliers, "
        f"{report['visitors']} visitors), {report['duration_s']} s, gunicorn 2×4 on {report['database']}.",
        "",
        "| request | count | errors | median ms | p95 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["stats"]:
        lines.append(f"| {row['name']} | {row['requests']} | {row['failures']} ({row['error_rate']:.1%}) | "
                     f"{row['median_ms']:.0f} | {row['p95_ms'] or 0:.0f} | {row['p99_ms'] or 0:.0f} | {row['max_ms']} |")
    check = report["deadline_check"]
    lines += ["", f"Deadline check: {check.get('attempts')} submissions, {check.get('answered_before_deadline')} answered "
              f"before the deadline (all accepted: {check.get('ok')}), {check.get('sent_after_deadline')} sent after it "
              f"(none accepted: {check.get('ok')}), {check.get('straddling')} straddling; "
              f"{check.get('submitted_quotes')} quotes in the database. Problems: {check.get('problems') or 'none'}."]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Locust load scenario with the deadline check.")
    parser.add_argument("--suppliers", type=int, default=40, help="quoting supplier users (40)")
    parser.add_argument("--visitors", type=int, default=10, help="anonymous visitors (10)")
    parser.add_argument("--window", type=float, default=70, help="seconds from the start to the quote deadline (70)")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    parser.add_argument("--demo-suppliers", type=int, default=150)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="pef-load-"))
    database_url = os.environ.get("LOAD_DATABASE_URL") or f"sqlite:///{workdir / 'load.sqlite3'}"
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "bench.load.settings", "DATABASE_URL": database_url,
        "MARKETPLACE_VAR_DIR": str(workdir), "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"), "SECRET_KEY": "load-scenario-only-" + "x" * 40,
        "ELASTICSEARCH_URL": "", "SEARCH_BACKEND": "database", "CLAMD_SOCKET": "", "CLAMD_HOST": "",
    }
    data_path, attempts = workdir / "load.json", workdir / "attempts.jsonl"
    attempts.touch()
    gunicorn = None
    log = open(workdir / "gunicorn.log", "w")
    try:
        started = time.time()
        run(["-m", "bench.load.prepare", "data", str(data_path), "--suppliers", str(args.suppliers),
             "--demo-suppliers", str(args.demo_suppliers)], env)
        print(f"prepared in {time.time() - started:.0f} s")
        port = free_port()
        gunicorn = start_gunicorn(port, env, log)
        run(["-m", "bench.load.prepare", "deadline", str(data_path), "--in", str(args.window)], env)
        users = args.suppliers + args.visitors
        duration = int(args.window + 15)
        locust_env = {**env, "LOAD_DATA": str(data_path), "LOAD_ATTEMPTS": str(attempts),
                      "LOAD_MAX_REQUESTS": str(args.max_requests)}
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(max(users // 5, 1)),
             "--run-time", f"{duration}s", "--stop-timeout", "10", "--csv", str(workdir / "locust"),
             "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
            cwd=ROOT, env=locust_env, check=True,
        )
        check = subprocess.run(
            [sys.executable, "-m", "bench.load.prepare", "check", str(data_path), str(attempts)],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        try:
            verdict = json.loads(check.stdout)
        except json.JSONDecodeError:
            verdict = {"ok": False, "problems": [check.stdout[-2000:] + check.stderr[-2000:]]}
        stats = read_stats(workdir / "locust_stats.csv")
        total = next(row for row in stats if row["name"] == "all requests")
        report = {
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "users": users, "suppliers": args.suppliers, "visitors": args.visitors, "duration_s": duration,
            "max_requests": args.max_requests,
            "database": "PostgreSQL" if database_url.startswith("postgres") else "SQLite",
            "cpus": os.cpu_count(), "stats": stats, "deadline_check": verdict,
        }
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"{report['date'][:10]}.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(markdown(report))
        print(f"\nreport: {out.relative_to(ROOT)}")
        failed = total["error_rate"] > args.max_error_rate or not verdict.get("ok")
        if failed:
            print(f"FAILED: error rate {total['error_rate']:.2%} (max {args.max_error_rate:.0%}), "
                  f"deadline check ok={verdict.get('ok')}", file=sys.stderr)
        return 1 if failed else 0
    finally:
        if gunicorn is not None:
            stop(gunicorn)
        log.close()
        if args.keep:
            print(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
