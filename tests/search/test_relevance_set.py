"""The relevance judgments (``bench/relevance/queries.json``) are well-formed and judge the demo.

Fast checks on the file alone, without loading the demo or running the benchmark
(``bench/relevance.py`` does that): enough queries in both languages, grades 0..3 built from
known conditions, every slug, département and postal code known to the reference data, radius
queries graded inside their radius only, and every grade-3 rule satisfiable by one of the trade
profiles the demo generator draws suppliers from.
"""
import csv
import gzip
import json
from pathlib import Path

import pytest

from marketplace.demo.builders.suppliers import TRADE_PROFILES

ROOT = Path(__file__).resolve().parents[2]
JUDGMENTS = json.loads((ROOT / "bench" / "relevance" / "queries.json").read_text(encoding="utf-8"))
QUERIES = JUDGMENTS["queries"]
CONDITIONS = {"skill", "skill_tree", "material", "sector", "certification", "departement", "within_km"}
API_PARAMS = {"q", "postal_code", "insee", "radius_km", "sector", "skill", "material", "certification", "region",
              "department", "headcount", "batch_size", "verified"}
TAXONOMY = {
    name: {entry["slug"]: entry for entry in json.loads((ROOT / "suppliers" / "data" / f"{file}.json").read_text())}
    for name, file in (("skill", "skills"), ("material", "materials"), ("sector", "sectors"),
                       ("certification", "certifications"))
}


def _lineage(slug):
    while slug:
        yield slug
        slug = TAXONOMY["skill"][slug]["parent"]


def _rules():
    return [(query["id"], rule) for query in QUERIES for rule in query["grades"]]


def test_relevance_set_has_at_least_thirty_distinct_queries_in_french_and_english():
    ids = [query["id"] for query in QUERIES]
    assert len(ids) >= 30
    assert len(set(ids)) == len(ids)
    assert {query["lang"] for query in QUERIES} == {"fr", "en"}
    assert {"accents", "plural", "synonym", "english", "typo", "place", "filter"} <= {q["kind"] for q in QUERIES}


def test_every_query_uses_api_parameters_and_has_graded_rules():
    for query in QUERIES:
        assert set(query["params"]) <= API_PARAMS, query["id"]
        assert query["params"].get("q") or set(query["params"]) - {"q"}, query["id"]
        assert query["grades"] and any(rule["grade"] == 3 for rule in query["grades"]), query["id"]


@pytest.mark.parametrize("query_id, rule", _rules())
def test_rule_grade_is_0_to_3_and_its_conditions_are_known(query_id, rule):
    assert isinstance(rule["grade"], int) and 0 <= rule["grade"] <= 3
    conditions = set(rule) - {"grade"}
    assert conditions and conditions <= CONDITIONS
    for key in conditions & {"skill", "skill_tree", "material", "sector", "certification"}:
        taxonomy = TAXONOMY["skill" if key == "skill_tree" else key]
        assert rule[key] and all(slug in taxonomy for slug in rule[key]), (query_id, key, rule[key])


def test_filters_departements_and_postal_codes_exist_in_the_reference_data():
    with open(ROOT / "marketplace" / "geo" / "data" / "departements.csv", encoding="utf-8", newline="") as handle:
        departements = {row["insee_dep"] for row in csv.DictReader(handle)}
    with gzip.open(ROOT / "marketplace" / "geo" / "data" / "communes.csv.gz", "rt", encoding="utf-8", newline="") as handle:
        postal_codes = {row["code_postal"] for row in csv.DictReader(handle)}
    for query in QUERIES:
        params = query["params"]
        if "postal_code" in params:
            assert params["postal_code"] in postal_codes, query["id"]
        for key, taxonomy in (("skill", "skill"), ("material", "material"), ("sector", "sector"),
                              ("certification", "certification")):
            assert all(slug in TAXONOMY[taxonomy] for slug in params.get(key, [])), query["id"]
        assert all(code in departements for code in params.get("department", [])), query["id"]
        for rule in query["grades"]:
            assert all(code in departements for code in rule.get("departement", [])), query["id"]


def test_radius_queries_grade_only_suppliers_inside_the_radius():
    for query in QUERIES:
        radius = query["params"].get("radius_km")
        for rule in query["grades"]:
            if radius is not None:
                assert 0 < rule.get("within_km", radius + 1) <= radius, query["id"]
            else:
                assert "within_km" not in rule or "postal_code" in query["params"], query["id"]


def test_every_top_grade_rule_describes_suppliers_the_demo_generates():
    """Some demo trade can produce a supplier meeting each grade-3 rule (all its conditions at once)."""

    def trade_can_satisfy(trade, rule):
        skills = set(trade.skills) | set(trade.optional_skills)
        held = {
            "skill": skills,
            "skill_tree": {ancestor for slug in skills for ancestor in _lineage(slug)},
            "material": set(trade.materials),
            "sector": set(trade.sectors),
            "certification": set(trade.certifications),
        }
        return all(held[key] & set(values) for key, values in rule.items() if key in held)

    trades = set(TRADE_PROFILES.values())
    for query_id, rule in _rules():
        if rule["grade"] == 3:
            assert any(trade_can_satisfy(trade, rule) for trade in trades), (query_id, rule)
