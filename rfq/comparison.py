"""The buyer's comparison of opened quotes, per lot and for the whole RFQ, and its export."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

SORTS = ("total", "lead_time", "distance", "name")


@dataclass
class LineCell:
    lot_line_id: int
    unit_price: Decimal
    line_total: Decimal


@dataclass
class ComparisonRow:
    quote_id: int
    supplier_name: str
    supplier_slug: str
    verified: bool
    total: Decimal
    lines: dict  # lot_line_id -> LineCell
    lead_time_days: int | None
    valid_until: object
    distance_km: float | None
    certifications_held: list = field(default_factory=list)
    certifications_missing: list = field(default_factory=list)
    integrity_ok: bool | None = None
    rank: int = 0


@dataclass
class LotComparison:
    lot: object
    lines: list  # LotLine rows
    rows: list[ComparisonRow]


@dataclass
class Comparison:
    rfq: object
    sort: str
    lots: list[LotComparison]
    whole: list[ComparisonRow]  # quotes pricing every lot, total over the RFQ


def comparison_for(rfq, *, sort="total") -> Comparison:
    """The comparison table; RFQError code "sealed" while quotes are not opened."""
    raise NotImplementedError


def export_comparison(rfq, fmt, *, sort="total") -> tuple[bytes, str, str]:
    """(content, content_type, filename) as CSV (``;``, UTF-8 BOM) or XLSX; sealed → RFQError."""
    raise NotImplementedError
