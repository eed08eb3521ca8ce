"""Benchmark of ``manage.py import_suppliers`` on a fresh SQLite database.

Creates a database in a temporary directory, migrates it, loads the reference data, writes a CSV
of N suppliers (valid SIRETs, real postal codes, skills, materials, certifications, sectors —
about one row in ten with an unknown skill), then times the import twice in a subprocess: the
first run creates every supplier, the second updates them all. Prints the times, then one JSON
line on stdout: ``{"benchmark": "import_suppliers", "rows": N, "create_seconds": ...,
"update_seconds": ...}``.

Run from the repository root::

    .venv/bin/python bench/bench_import.py              # 10,000 rows
    .venv/bin/python bench/bench_import.py --rows 50000
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

GENERATOR = r"""
import csv, random, sys
import django
django.setup()
from marketplace.geo.models import PostalCode
from suppliers.imports import COLUMNS
from suppliers.models import CertificationType, Material, Sector, Skill

rows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(2026)
places = list(PostalCode.objects.filter(commune__kind="COM").order_by("code", "commune_id").values_list("code", "commune_id"))
skills = list(Skill.objects.order_by("slug").values_list("name", flat=True))
materials = list(Material.objects.order_by("slug").values_list("slug", flat=True))
certifications = list(CertificationType.objects.order_by("code").values_list("code", flat=True))
sectors = list(Sector.objects.order_by("slug").values_list("slug", flat=True))

def luhn(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits + str(-total % 10)

with open(path, "w", encoding="utf-8", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(COLUMNS)
    for n in range(rows):
        siren = luhn(f"{70000000 + n:08d}")
        code, insee = places[rng.randrange(len(places))]
        picked = rng.sample(skills, rng.randint(1, 4)) + (["Savoir-faire maison"] if n % 10 == 0 else [])
        writer.writerow([
            luhn(siren + "0001"), f"Fournisseur de test {n}", f"Atelier numéro {n}, sous-traitance industrielle.",
            ";".join(picked), ";".join(rng.sample(materials, 2)), ";".join(rng.sample(certifications, rng.randint(0, 2))),
            ";".join(rng.sample(sectors, rng.randint(1, 2))), code, insee, f"www.fournisseur-{n}.example",
            str(rng.randint(1, 400)), "",
        ])
"""


def manage(env: dict[str, str], *args: str) -> float:
    """Run ``manage.py args`` and return its wall-clock duration in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pef-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev",
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "MARKETPLACE_VAR_DIR": tmp,
        }
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_reference_data", "--quiet")
        csv_path = Path(tmp) / "fournisseurs.csv"
        subprocess.run([sys.executable, "-c", GENERATOR, str(options.rows), str(csv_path)], env=env, cwd=ROOT, check=True)
        create = manage(env, "import_suppliers", str(csv_path), "-v0")
        update = manage(env, "import_suppliers", str(csv_path), "-v0")

    print(f"import_suppliers, {options.rows} rows: {create:.1f} s (create), {update:.1f} s (update)", file=sys.stderr)
    print(json.dumps({"benchmark": "import_suppliers", "rows": options.rows, "create_seconds": round(create, 2),
                      "update_seconds": round(update, 2), "backend": "sqlite"}))


if __name__ == "__main__":
    main()
