"""Query expansion with the taxonomy: skill names, English names and synonyms, material synonyms.

The taxonomy is the thesaurus: every skill and every material is a *group* of equivalent terms
(« décolletage », "bar turning", « pièces tournées »). :func:`expand` cuts the query into
*concepts*: the longest run of words that is a term of some group becomes one concept whose
alternatives are the words typed plus every term of those groups; any other word is a concept
of its own. Backends require every concept and accept any of its alternatives, so
« pièces tournées » finds a profile that only says « décolletage », and "sheet metal" finds
« tôlerie ».

No backend relies on an engine's synonym filter (the loopback Elasticsearch node has none): the
expansion happens here, in Python, once for all backends.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.core.cache import cache

from .text import STOPWORDS, analyze, stem, words

CACHE_KEY = "search:thesaurus"
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Alternative:
    tokens: tuple[str, ...]  # stems, as :func:`search.text.analyze` makes them
    text: str  # the words themselves, for engines that analyse text their own way


@dataclass(frozen=True)
class Concept:
    alternatives: tuple[Alternative, ...]
    skills: frozenset[str] = frozenset()  # slugs of the skills this concept names
    materials: frozenset[str] = frozenset()

    @property
    def tokens(self) -> set[str]:
        return {token for alternative in self.alternatives for token in alternative.tokens}


def thesaurus() -> list[dict]:
    """Groups of equivalent terms: ``{"kind": "skill"|"material", "slug", "terms": [...]}``."""
    groups = cache.get(CACHE_KEY)
    if groups is None:
        from suppliers.models import Material, Skill

        groups = [
            {"kind": kind, "slug": obj.slug, "terms": [t for t in (obj.name, obj.name_en, *_lines(obj.synonyms)) if t]}
            for kind, model in (("skill", Skill), ("material", Material))
            for obj in model.objects.only("slug", "name", "name_en", "synonyms")
        ]
        cache.set(CACHE_KEY, groups, CACHE_SECONDS)
    return groups


def forget_thesaurus() -> None:
    """Called when a skill or material changes, so the next query sees its new terms."""
    from .result_cache import bump_index_version

    cache.delete(CACHE_KEY)
    bump_index_version()  # query expansion changed: cached results too


def expand(text: str) -> list[Concept]:
    """The concepts of the query ``text`` (empty when it holds no searchable word)."""
    typed = [(word, stem(word)) for word in words(text) if word not in STOPWORDS]
    if not typed:
        return []
    by_tokens: dict[tuple[str, ...], list[dict]] = {}
    for group in thesaurus():
        for term in group["terms"]:
            tokens = _term_tokens(term)
            if tokens:
                by_tokens.setdefault(tokens, []).append(group)
    longest = max((len(tokens) for tokens in by_tokens), default=1)

    concepts, i = [], 0
    stems = [s for _, s in typed]
    while i < len(typed):
        span, groups = 1, []
        for length in range(min(longest, len(typed) - i), 0, -1):
            candidate = tuple(stems[i : i + length])
            if candidate in by_tokens:
                span, groups = length, by_tokens[candidate]
                break
        alternatives = {tuple(stems[i : i + span]): " ".join(word for word, _ in typed[i : i + span])}
        for group in groups:
            for term in group["terms"]:
                alternatives.setdefault(_term_tokens(term), term)
        concepts.append(
            Concept(
                alternatives=tuple(Alternative(tokens, text) for tokens, text in alternatives.items() if tokens),
                skills=frozenset(g["slug"] for g in groups if g["kind"] == "skill"),
                materials=frozenset(g["slug"] for g in groups if g["kind"] == "material"),
            )
        )
        i += span
    return concepts


@lru_cache(maxsize=20_000)
def _term_tokens(term: str) -> tuple[str, ...]:
    """The stems of one thesaurus term; memoised (a pure function of the term), so a query does
    not analyse the ~1,000 taxonomy terms again (it was a third of the search API's time)."""
    return tuple(analyze(term))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
