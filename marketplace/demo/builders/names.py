"""Fictional company names and street addresses built from ``vocabulary`` word lists."""
from __future__ import annotations

import random

from .context import WeightedChoice
from .places import Place
from .vocabulary import (
    BUSINESS_PARKS,
    BUYER_ACTIVITIES,
    BUYER_ENDINGS,
    BUYER_ROOTS,
    CLUSTER_KINDS,
    CLUSTER_SECTORS,
    LEGAL_FORMS,
    PAYS,
    STREET_NAMES,
    STREET_TYPES,
    SURNAMES,
    adjective,
    of_place,
)

_LEGAL_FORMS = {size: WeightedChoice(forms) for size, forms in LEGAL_FORMS.items()}
_STREET_TYPES = WeightedChoice(STREET_TYPES)
# Consonants first and last make acronyms that read like initials: « SMTP Usinage », « ABR Forge ».
_ACRONYM_LETTERS = "ABCDEFGHIJLMNPRSTV"

# Name patterns for a supplier, with weights; a pattern that does not apply (no regional
# adjective for the département, say) falls through to the next draw.
_SUPPLIER_PATTERNS = WeightedChoice(
    (("adjective", 4), ("pays", 4), ("commune", 3), ("surname_first", 2), ("trade_first", 2),
     ("etablissements", 1), ("acronym", 1), ("family", 1))
)


def _pick(rng: random.Random, words: tuple[str, ...]) -> str:
    return words[rng.randrange(len(words))]


def legal_form(rng: random.Random, size_band: str) -> str:
    return _LEGAL_FORMS[size_band](rng)


def supplier_name(rng: random.Random, word: str, gender: str, place: Place) -> str:
    """« Décolletage Savoyard », « Mécanique de Précision du Forez », « Perrin Usinage »…"""
    while True:
        pattern = _SUPPLIER_PATTERNS(rng)
        if pattern == "adjective":
            regional = adjective(place.departement, gender)
            if regional:
                return f"{word} {regional}"
        elif pattern == "pays":
            if place.departement in PAYS:
                return f"{word} {_pick(rng, PAYS[place.departement])}"
        elif pattern == "commune":
            return f"{word} {of_place(place.name)}"
        elif pattern == "surname_first":
            return f"{_pick(rng, SURNAMES)} {word}"
        elif pattern == "trade_first":
            return f"{word} {_pick(rng, SURNAMES)}"
        elif pattern == "etablissements":
            return f"Établissements {_pick(rng, SURNAMES)}"
        elif pattern == "acronym":
            letters = "".join(_pick(rng, _ACRONYM_LETTERS) for _ in range(rng.randrange(3, 5)))
            return f"{letters} {word}"
        else:  # family
            first, second = _pick(rng, SURNAMES), _pick(rng, SURNAMES)
            if first != second:
                return f"{first} et {second} {word}" if rng.randrange(2) else f"{first} & Fils"


def buyer_name(rng: random.Random) -> tuple[str, str]:
    """(« Voltadyne Mobilité », NAF code) for buyers beyond the hand-written list."""
    activity, naf_code = BUYER_ACTIVITIES[rng.randrange(len(BUYER_ACTIVITIES))]
    return f"{_pick(rng, BUYER_ROOTS)}{_pick(rng, BUYER_ENDINGS)} {activity}", naf_code


def cluster_name(rng: random.Random, region_name: str) -> str:
    return f"{_pick(rng, CLUSTER_KINDS)} {_pick(rng, CLUSTER_SECTORS)} {region_name} (fictif)"


def street_address(rng: random.Random) -> str:
    """« 12 rue Denis Papin », sometimes followed by its business park."""
    street = f"{rng.randrange(1, 240)} {_STREET_TYPES(rng)} {_pick(rng, STREET_NAMES)}"
    if rng.randrange(100) < 35:
        return f"{street}, {_pick(rng, BUSINESS_PARKS)}"
    return street
