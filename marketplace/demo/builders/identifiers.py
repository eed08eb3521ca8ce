"""Fictional but valid French company identifiers: SIREN, SIRET and intra-EU VAT numbers.

A demo SIREN is a keyed permutation of the organisation's position in the run, so two
organisations of one run never share a SIREN, whatever their number, and the same seed always
gives the same SIREN to the same organisation.
"""
from __future__ import annotations

import hashlib


# Real SIRENs mostly start with 3 to 9; demo ones use 30000000-99999999 before the check digit.
_SIREN_BASE = 30_000_000
_SIREN_DOMAIN = 70_000_000
_HALF_BITS = 14  # a 28-bit Feistel network covers the 70,000,000 values by cycle walking
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 4

# Position of the first organisation of each kind in the permuted domain: kinds never overlap.
KIND_OFFSETS = {"cluster": 0, "buyer": 1_000_000, "supplier": 2_000_000}
_RETRY_OFFSET = 50_000_000  # positions used when a SIREN is already taken by someone else
_RETRY_SPAN = 20_000_000

# La Poste's establishments follow another checksum rule (see stdnum.fr.siret): never generate it.
_LA_POSTE_SIREN = "356000000"


def luhn_check_digit(digits: str) -> str:
    """The digit that makes ``digits`` + it pass the Luhn check (as ``stdnum.luhn``, faster)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # doubled: these become the odd positions once the digit is appended
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def round_keys(seed: int) -> tuple[int, ...]:
    digest = hashlib.sha256(f"production-en-france/siren/{seed}".encode()).digest()
    return tuple(int.from_bytes(digest[4 * i : 4 * i + 4], "big") for i in range(_ROUNDS))


def _feistel(value: int, keys: tuple[int, ...]) -> int:
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for key in keys:
        mixed = ((right * 0x9E3779B1) ^ key) & 0xFFFFFFFF
        mixed ^= mixed >> 15
        left, right = right, left ^ (mixed & _HALF_MASK)
    return (left << _HALF_BITS) | right


def permuted_position(position: int, keys: tuple[int, ...]) -> int:
    """A bijection of ``range(70_000_000)`` onto itself (cycle walking over a Feistel network)."""
    if not 0 <= position < _SIREN_DOMAIN:
        raise ValueError(f"position {position} outside the SIREN domain")
    value = _feistel(position, keys)
    while value >= _SIREN_DOMAIN:
        value = _feistel(value, keys)
    return value


def siren_for(kind: str, index: int, keys: tuple[int, ...], attempt: int = 0) -> str:
    """The SIREN of the ``index``-th organisation of ``kind``; ``attempt`` > 0 picks a fallback."""
    position = KIND_OFFSETS[kind] + index
    if attempt:
        position = _RETRY_OFFSET + (position * 97 + attempt) % _RETRY_SPAN
    digits = str(_SIREN_BASE + permuted_position(position, keys))
    siren = digits + luhn_check_digit(digits)
    if siren == _LA_POSTE_SIREN:
        return siren_for(kind, index, keys, attempt + 1)
    return siren


def head_office_siret(siren: str, establishment: int) -> str:
    """SIREN + NIC, the NIC's last digit chosen so that the 14 digits pass the Luhn check.

    ``establishment`` (1 to 9999) is the NIC without its check digit.
    """
    digits = f"{siren}{establishment:04d}"
    return digits + luhn_check_digit(digits)


def vat_number(siren: str) -> str:
    """French intra-EU VAT number: FR, a two-digit key computed from the SIREN, the SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"
