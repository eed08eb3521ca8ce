"""The bodies of the Elasticsearch supplier queries: text and ranking.

Query text only ever reaches ``match`` queries (never ``query_string``), so quotes, ``*``,
``OR`` and the like are plain words. See :mod:`search.backends.elasticsearch` and docs/SEARCH.md.
"""
from __future__ import annotations

import math

from ..query import SupplierQuery
from ..synonyms import Concept
from ..text import STOPWORDS, stem, words
from .base import (
    PROXIMITY_SCALE_KM,
    WEIGHT_CERTIFICATION,
    WEIGHT_PROXIMITY,
    WEIGHT_TAXONOMY,
    WEIGHT_TEXT,
    WEIGHT_VERIFIED,
)
from .es_documents import TEXT_FIELDS


def text_query(concepts: list[Concept], *, fuzzy: bool = False) -> dict:
    """Every concept must match, through any of its alternatives; named ``text`` for its score.

    With ``fuzzy``, the words the user typed (a concept's first alternative) match with
    ``fuzziness: AUTO`` and ``prefix_length: 1``; the taxonomy's terms, spelt right, stay exact.
    """
    return {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            alternative_query(alternative, fuzzy=fuzzy and position == 0)
                            for position, alternative in enumerate(concept.alternatives)
                        ],
                        "minimum_should_match": 1,
                    }
                }
                for concept in concepts
            ],
            "_name": "text",
        }
    }


def alternative_query(alternative, *, fuzzy: bool = False) -> dict:
    """Every word of the alternative, in any field: French analysis (or fuzzy) or our stems."""
    pairs = [(word, stem(word)) for word in words(alternative.text) if word not in STOPWORDS]
    if [s for _, s in pairs] != list(alternative.tokens):
        pairs = [(token, token) for token in alternative.tokens]
    clauses = []
    for word, token in pairs:
        clauses.append(
            {
                "bool": {
                    "should": [
                        {
                            "multi_match": {
                                "query": word,
                                "fields": [f"{field}_text^{boost}" for field, boost in TEXT_FIELDS.items()],
                                "type": "most_fields",
                                "operator": "and",
                                **({"fuzziness": "AUTO", "prefix_length": 1} if fuzzy else {}),
                            }
                        },
                        {
                            "multi_match": {
                                "query": token,
                                "fields": [f"{field}_stems^{boost}" for field, boost in TEXT_FIELDS.items()],
                                "type": "most_fields",
                            }
                        },
                    ],
                    "minimum_should_match": 1,
                }
            }
        )
    return {"bool": {"must": clauses}}


def ranking_query(query: SupplierQuery, concepts, text: dict | None, filters: list[dict], best_text: float) -> dict:
    """``function_score`` with the weights of :func:`relevance` (the window's order, not the final score)."""
    functions = [{"weight": 1}]  # every document matches a function, so the sum never defaults to 1
    functions.append({"filter": {"term": {"verified": True}}, "weight": WEIGHT_VERIFIED})
    functions.append({"field_value_factor": {"field": "counted_certifications", "factor": WEIGHT_CERTIFICATION, "missing": 0}})
    for concept in concepts:
        held = [{"terms": {"terms.skill": sorted(concept.skills)}}] if concept.skills else []
        held += [{"terms": {"terms.material": sorted(concept.materials)}}] if concept.materials else []
        if held:
            functions.append(
                {"filter": {"bool": {"should": held, "minimum_should_match": 1}}, "weight": WEIGHT_TAXONOMY / len(concepts)}
            )
    if query.location is not None:
        point = {"lat": query.location.latitude, "lon": query.location.longitude}
        functions.append(
            {
                "exp": {"points": {"origin": point, "scale": f"{PROXIMITY_SCALE_KM}km", "decay": math.exp(-1)}, "multi_value_mode": "min"},
                "weight": WEIGHT_PROXIMITY,
            }
        )
    if text and best_text > 0:
        scored = {"bool": {"must": [text], "filter": filters, "boost": WEIGHT_TEXT / best_text}}
        boost_mode = "sum"
    else:
        scored = {"bool": {"filter": filters}}
        boost_mode = "replace"
    return {"function_score": {"query": scored, "functions": functions, "score_mode": "sum", "boost_mode": boost_mode}}


def text_score(hit: dict, best: float) -> float:
    """The hit's text score normalised by the best one (0..1), as the database backend does."""
    matched = hit.get("matched_queries")
    if not best or not isinstance(matched, dict):
        return 0.0
    return min(1.0, matched.get("text", 0.0) / best)


