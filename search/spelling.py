"""Typo correction for the database backend (Elasticsearch has its own fuzzy pass).

When the words as typed find nothing, :func:`correct` proposes the query with each word that
matches nothing replaced by the nearest word of the taxonomy vocabulary: the words of the skill
and material names, English names and synonyms (:func:`search.synonyms.thesaurus`, cached and
forgotten when the taxonomy changes). « tolerei » → « tôlerie », « decoletage » → « décolletage ».

The vocabulary is the taxonomy, not the whole index: its words are the ones buyers type (the
relevance set's typos are all taxonomy words), each has a proper spelling to show
(« Résultats pour "tôlerie" »), and it is the same on SQLite and PostgreSQL. Closeness is
:func:`difflib.get_close_matches` on folded words (ratio ≥ ``CUTOFF``); words shorter than
``MIN_LENGTH`` and numbers are never corrected.
"""
from __future__ import annotations

import difflib
from typing import Callable

from .synonyms import thesaurus
from .text import STOPWORDS, TOKEN_RE, fold, stem

CUTOFF = 0.8
MIN_LENGTH = 4
# Longer texts are left alone: each unknown word costs an index look-up, and a long text that
# finds nothing is rarely a typo.
MAX_WORDS = 12
PUNCTUATION = ".,;:!?()[]«»\"'’/-"


def vocabulary() -> dict[str, str]:
    """Folded word → its spelling in the taxonomy (lower case, accents kept)."""
    words: dict[str, str] = {}
    for group in thesaurus():
        for term in group["terms"]:
            for word in term.lower().replace("’", " ").replace("'", " ").split():
                word = word.strip(".,;:()/-")
                folded = fold(word)
                if len(folded) >= MIN_LENGTH and TOKEN_RE.fullmatch(folded) and folded not in STOPWORDS:
                    words.setdefault(folded, word)
    return words


def correct(text: str, finds_something: Callable[[str], bool]) -> str:
    """``text`` with its unknown words corrected, or ``""`` when there is nothing to correct.

    ``finds_something(word)`` tells whether a word (or a candidate correction) matches anything in
    the index; a word that does is kept as typed, and only candidates that do are proposed."""
    typed = text.split()
    if len(typed) > MAX_WORDS:
        return ""
    vocab = vocabulary()
    changed, out = False, []
    for typed_word in typed:
        word = typed_word.strip(PUNCTUATION)
        folded = fold(word)
        if (
            len(folded) < MIN_LENGTH
            or not TOKEN_RE.fullmatch(folded)
            or folded in STOPWORDS
            or folded in vocab
            or finds_something(word)
        ):
            out.append(typed_word)
            continue
        candidates = difflib.get_close_matches(folded, vocab.keys(), n=3, cutoff=CUTOFF)
        # A correction must change the stem (a plural is not a typo) and find something itself.
        replacement = next(
            (vocab[c] for c in candidates if stem(c) != stem(folded) and finds_something(vocab[c])), None
        )
        if replacement is None:
            out.append(typed_word)
        else:
            out.append(typed_word.replace(word, replacement))
            changed = True
    return " ".join(out) if changed else ""
