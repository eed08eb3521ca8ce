"""French text processing shared by every search backend: normalise, tokenise, stem.

The database backend on SQLite indexes the output of :func:`analyze` in an FTS5 table, and
analyses query words the same way, so both sides meet on the same stems. Synonym expansion
(:mod:`search.synonyms`) and highlighting use it too, on every backend.

The stemmer is deliberately light: it folds accents and ligatures, drops elided articles
(« l'usinage »), plural endings and a final mute « e », so that « tôlerie » / « tolerie »,
« pièces » / « piece » and « tournées » / « tourné » share a stem. It never merges words of
different meaning the way an aggressive stemmer can.
"""
from __future__ import annotations

import re
import unicodedata

TOKEN_RE = re.compile(r"[a-z0-9]+")
ELISION_RE = re.compile(r"\b(?:l|m|t|qu|n|s|j|d|c|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})

# French and English function words: they carry no meaning for sourcing and would make an
# all-words query fail on « usinage de pièces ».
STOPWORDS = frozenset(
    """
    a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme
    mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi
    ton tu un une vos votre vous y d l s c n j m t est sont
    an and are as at be by for from in is it of on or the to with
    """.split()
)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents and ligatures (« Tôlerie Œuvre » → « tolerie oeuvre »)."""
    text = (text or "").translate(LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    """The folded words of ``text``, elided articles removed, stop words kept."""
    return TOKEN_RE.findall(fold(ELISION_RE.sub(" ", text or "")))


def stem(word: str) -> str:
    """A light French stem of one folded word (« tournees » → « tourn », « pieces » → « piec »)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("eaux"):
        word = word[:-1]  # bateaux → bateau
    elif word.endswith("aux") and len(word) > 4:
        word = word[:-3] + "al"  # métaux → metal, chevaux → cheval
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]  # « inox », « prix » and « process » keep their final letter
    if word.endswith("ee"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def analyze(text: str) -> list[str]:
    """Stemmed content tokens of ``text``, in order (stop words dropped)."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


def analyzed_text(*parts: str) -> str:
    """The tokens of ``parts`` joined by spaces: what the SQLite full-text table stores."""
    return " ".join(token for part in parts for token in analyze(part))


def plain_text(html: str) -> str:
    """Visible text of a sanitised HTML fragment (tags dropped, entities decoded)."""
    import html as html_module

    without_tags = re.sub(r"<[^>]+>", " ", html or "")
    return re.sub(r"\s+", " ", html_module.unescape(without_tags)).strip()
