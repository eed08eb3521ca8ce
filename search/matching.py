"""RFQ ↔ supplier matching: which suppliers fit an RFQ, and which open RFQs fit a supplier.

:func:`match_suppliers` turns an RFQ into a :class:`search.query.SupplierQuery` (text, skills,
materials, certifications, sector, delivery commune) and asks the configured search backend
through :func:`search.backends.search_suppliers`, so it works on every backend and falls back
like a search does. :func:`match_rfqs_for_supplier` goes the other way, in SQL + Python.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SupplierMatch:
    """One supplier proposed for an RFQ, best first; ``why`` is a short « décolletage · inox 316L · ISO 13485 · 34 km »."""

    organisation_id: int
    profile_id: int
    name: str
    slug: str
    score: float
    distance_km: float | None
    why: str


def match_suppliers(rfq, *, limit=50) -> list[SupplierMatch]:
    """Suppliers that fit ``rfq``, best first, never the buyer's own organisation.

    A strict query (text + taxonomy) is tried first; if it finds nobody, the text is dropped and
    the taxonomy kept, so a buyer always gets candidates when any exist.
    """
    raise NotImplementedError


def match_rfqs_for_supplier(organisation, *, limit=50) -> list:
    """Open RFQs the supplier ``organisation`` may see (public, confidential, or invited to),
    ranked by overlap with its profile (skills incl. sub-skills, materials, certifications,
    sector) and by distance from its sites to the delivery commune."""
    raise NotImplementedError
