"""Relevance of supplier search over the demo data: nDCG@10 and recall@20 per query and backend.

The judgments are ``bench/relevance/queries.json``: each query holds API parameters and grading
*rules* over a supplier's structured attributes (skills, materials, sectors, valid certifications,
sites), so they stay valid whatever names the demo generates. This script:

1. creates a fresh SQLite database in a temporary directory (or uses ``--database-url``, an
   empty PostgreSQL database), migrates it, loads the reference data, ``load_demo --suppliers N
   --seed S`` and ``search_rebuild``;
2. grades every published supplier for every query with the rules (never reading its text);
3. runs every query through ``search.backends.search_suppliers`` on the database backend and,
   when ``ELASTICSEARCH_URL`` is set, on Elasticsearch (a fresh index name, deleted afterwards);
4. prints a table per query and the means, then one JSON line on stdout.

Metrics (docs/SEARCH.md, *Relevance set*): nDCG@10 with gain 2^grade − 1 against the ideal
ordering of all graded suppliers; recall@20 = relevant (grade ≥ 2) suppliers in the first 20
÷ min(20, relevant suppliers in the demo).

Run from the repository root::

    .venv/bin/python bench/relevance.py                       # 2,000 suppliers, seed 7, SQLite
    ELASTICSEARCH_URL=http://127.0.0.1:9201 .venv/bin/python bench/relevance.py --markdown
    .venv/bin/python bench/relevance.py --database-url postgres://u:p@127.0.0.1:55432/empty_db
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGMENTS = ROOT / "bench" / "relevance" / "queries.json"
NDCG_AT = 10
RECALL_AT = 20
RELEVANT_GRADE = 2


def load_judgments(path: Path = JUDGMENTS) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# --- Metrics (pure) -------------------------------------------------------------------------


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at(ranked: list[int], all_grades: list[int], k: int = NDCG_AT) -> float | None:
    """nDCG@k of the ranked grades; None when no supplier of the demo is relevant at all."""
    ideal = dcg(sorted(all_grades, reverse=True)[:k])
    return dcg(ranked[:k]) / ideal if ideal else None


def recall_at(ranked: list[int], all_grades: list[int], k: int = RECALL_AT) -> float | None:
    relevant = sum(1 for grade in all_grades if grade >= RELEVANT_GRADE)
    if not relevant:
        return None
    return sum(1 for grade in ranked[:k] if grade >= RELEVANT_GRADE) / min(k, relevant)


# --- Grading --------------------------------------------------------------------------------


def supplier_facts() -> dict[int, dict]:
    """Published profile id → its attributes as sets of slugs, plus its sites, read from the models."""
    from django.utils import timezone

    from suppliers.models import Skill, SupplierProfile

    parents = dict(Skill.objects.values_list("slug", "parent__slug"))

    def lineage(slug):
        while slug:
            yield slug
            slug = parents.get(slug)

    today = timezone.localdate()
    facts = {}
    ids = list(SupplierProfile.objects.published().order_by("pk").values_list("pk", flat=True))
    # In slices: SQLite refuses a prefetch over thousands of ids at once.
    profiles = (
        profile
        for start in range(0, len(ids), 400)
        for profile in SupplierProfile.objects.filter(pk__in=ids[start:start + 400])
        .select_related("organisation__commune")
        .prefetch_related("skills", "materials", "sectors", "certifications__certification_type", "sites__commune")
    )
    for profile in profiles:
        skills = {skill.slug for skill in profile.skills.all()}
        sites = [(s.latitude, s.longitude, s.commune.departement_id) for s in profile.sites.all()]
        commune = profile.organisation.commune
        if not sites and commune is not None:  # as the search document does
            sites = [(commune.latitude, commune.longitude, commune.departement_id)]
        facts[profile.pk] = {
            "skill": skills,
            "skill_tree": {ancestor for slug in skills for ancestor in lineage(slug)},
            "material": {m.slug for m in profile.materials.all()},
            "sector": {s.slug for s in profile.sectors.all()},
            "certification": {
                c.certification_type.slug for c in profile.certifications.all()
                if c.valid_until is None or c.valid_until >= today
            },
            "departement": {departement for _, _, departement in sites},
            "sites": [(lat, lng) for lat, lng, _ in sites],
        }
    return facts


def grade(facts: dict, rules: list[dict], point) -> int:
    """The highest grade among the rules the supplier satisfies (0 if none)."""
    from marketplace.geo.services import haversine_km

    distance = None
    if point is not None and facts["sites"]:
        distance = min(haversine_km(point.latitude, point.longitude, lat, lng) for lat, lng in facts["sites"])
    best = 0
    for rule in rules:
        if rule["grade"] <= best:
            continue
        ok = all(
            facts[key] & set(values) for key, values in rule.items()
            if key in ("skill", "skill_tree", "material", "sector", "certification", "departement")
        )
        if ok and "within_km" in rule:
            ok = distance is not None and distance <= rule["within_km"]
        if ok:
            best = rule["grade"]
    return best


# --- Running --------------------------------------------------------------------------------


def run_backend(backend: str, judged: list[tuple[dict, object, dict[int, int]]]) -> list[dict]:
    from django.conf import settings

    from search.backends import search_suppliers

    settings.SEARCH_BACKEND = backend
    rows = []
    for entry, query, grades in judged:
        started = time.perf_counter()
        result = search_suppliers(query)
        milliseconds = (time.perf_counter() - started) * 1000
        if result.backend and result.backend != backend:
            raise SystemExit(f"{backend} fell back to {result.backend} on {entry['id']}: not measuring that")
        ranked = [grades.get(hit.id, 0) for hit in result.hits]
        all_grades = list(grades.values())
        rows.append({
            "id": entry["id"],
            "kind": entry["kind"],
            "backend": backend,
            "ndcg10": ndcg_at(ranked, all_grades),
            "recall20": recall_at(ranked, all_grades),
            "hits": result.total,
            "relevant": sum(1 for g in all_grades if g >= RELEVANT_GRADE),
            "ms": round(milliseconds, 1),
        })
    return rows


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}"


def table(judgments: dict, results: dict[str, list[dict]], markdown: bool) -> str:
    backends = list(results)
    header = ["query", "params", "relevant"] + [f"{b} {m}" for b in backends for m in ("nDCG@10", "R@20", "hits")]
    lines = []
    if markdown:
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    else:
        lines.append("  ".join(header))
    by_id = {b: {row["id"]: row for row in rows} for b, rows in results.items()}
    for entry in judgments["queries"]:
        params = " ".join(f"{k}={v}" for k, v in entry["params"].items() if k != "q" and v)
        first = by_id[backends[0]][entry["id"]]
        text = entry["params"].get("q", "")
        cells = [(f"`{text}`" if text else "*(empty)*") if markdown else repr(text),
                 params, str(first["relevant"])]
        for b in backends:
            row = by_id[b][entry["id"]]
            cells += [_fmt(row["ndcg10"]), _fmt(row["recall20"]), str(row["hits"])]
        lines.append(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells))
    means = ["**mean**" if markdown else "MEAN", "", ""]
    for b in backends:
        means += [_fmt(mean(r["ndcg10"] for r in results[b])), _fmt(mean(r["recall20"] for r in results[b])), ""]
    lines.append(("| " + " | ".join(means) + " |") if markdown else "  ".join(means))
    return "\n".join(lines)


def manage(env: dict[str, str], *args: str) -> None:
    # Their reports go to stderr: stdout carries only the table (--markdown) and the JSON line.
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, stdout=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, help="demo size (default: the judgments file's, 2,000)")
    parser.add_argument("--seed", type=int, help="demo seed (default: the judgments file's, 7)")
    parser.add_argument("--database-url", help="an empty database to use instead of a fresh SQLite file")
    parser.add_argument("--skip-load", action="store_true",
                        help="--database-url already holds this demo and its database index: only grade and search")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown, to paste in docs/SEARCH.md")
    options = parser.parse_args()
    judgments = load_judgments()
    suppliers = options.suppliers or judgments["demo"]["suppliers"]
    seed = options.seed if options.seed is not None else judgments["demo"]["seed"]
    elasticsearch_url = os.environ.get("ELASTICSEARCH_URL", "")

    with tempfile.TemporaryDirectory(prefix="pef-relevance-") as tmp:
        database_url = options.database_url or f"sqlite:///{Path(tmp) / 'relevance.sqlite3'}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "marketplace.settings.dev", "DATABASE_URL": database_url,
               "MARKETPLACE_VAR_DIR": tmp, "SEARCH_BACKEND": "database"}
        env.pop("ELASTICSEARCH_URL", None)  # loading writes the database index only
        if not (options.skip_load and options.database_url):
            print(f"Loading the demo ({suppliers} suppliers, seed {seed})…", file=sys.stderr)
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "load_reference_data", "--quiet")
            manage(env, "load_demo", "--suppliers", str(suppliers), "--seed", str(seed), "--quiet")
            manage(env, "search_rebuild", "--quiet")

        # This process: same database, a fresh Elasticsearch index name nobody else uses.
        os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "MARKETPLACE_VAR_DIR")})
        os.environ["SEARCH_BACKEND"] = "database"
        os.environ["SEARCH_ELASTICSEARCH_INDEX"] = f"relevance-{os.getpid()}-{time.time_ns()}"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from search.query import parse_supplier_query

        facts = supplier_facts()
        judged = []
        for entry in judgments["queries"]:
            query = parse_supplier_query(entry["params"], facets=False)
            grades = {pk: g for pk, f in facts.items() if (g := grade(f, entry["grades"], query.location))}
            judged.append((entry, query, grades))

        results = {"database": run_backend("database", judged)}
        if elasticsearch_url:
            from search.backends import get_backend

            backend = get_backend("elasticsearch")
            try:
                backend.rebuild()
                results["elasticsearch"] = run_backend("elasticsearch", judged)
            finally:
                backend.drop_index()

    vendor = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    print(f"Relevance set: {len(judgments['queries'])} queries, demo {suppliers} suppliers seed {seed}, "
          f"{len(facts)} published; database backend on {vendor}", file=sys.stderr)
    print(table(judgments, results, options.markdown), file=sys.stderr if not options.markdown else sys.stdout)
    summary = {
        "benchmark": "relevance", "suppliers": suppliers, "seed": seed, "database": vendor,
        "queries": len(judgments["queries"]), "date": time.strftime("%Y-%m-%d"),
        "backends": {
            b: {"ndcg10": round(mean(r["ndcg10"] for r in rows), 4), "recall20": round(mean(r["recall20"] for r in rows), 4),
                "per_query": {r["id"]: [r["ndcg10"] and round(r["ndcg10"], 4), r["recall20"] and round(r["recall20"], 4),
                                        r["hits"]] for r in rows}}
            for b, rows in results.items()
        },
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
