"""The buyer's comparison of opened quotes, per lot and for the whole RFQ, and its export.

Reads quotes only once the buyer opened them (:attr:`RFQ.is_sealed` is read back from the
database): before that every function here raises ``RFQError(code="sealed")``. Callers (views,
API) check that the reader is a buyer member; this module only shapes the data.

Per lot, a row per live submitted quote pricing the whole lot: supplier, verified badge, lot
total, unit price and line total per line, lead time, validity, distance from the supplier's
nearest production site to the delivery commune, required certifications held / missing,
integrity check result and rank by lot total. The "whole RFQ" view compares the quotes that price
every lot, by total. Sorts: ``total`` (cheapest first), ``lead_time`` (shortest first),
``distance`` (nearest first), ``name``; unknown values sort last, ties by total then name.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.geo.services import haversine_km
from suppliers.imports import neutralise_formula

from .exceptions import RFQError
from .models import RFQ, Lot, Quote, QuoteLine

SORTS = ("total", "lead_time", "distance", "name")
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LIVE_SUBMITTED = (Quote.Status.SUBMITTED, Quote.Status.REVISED)


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
    total: Decimal  # the lot total in a lot table, the quote total in the whole-RFQ table
    lines: dict  # lot_line_id -> LineCell
    lead_time_days: int | None
    valid_until: date | None
    distance_km: float | None
    certifications_held: list = field(default_factory=list)  # codes
    certifications_missing: list = field(default_factory=list)  # codes
    integrity_ok: bool | None = None
    rank: int = 0  # 1 = cheapest; ties share a rank


@dataclass
class LotComparison:
    lot: Lot
    lines: list  # the lot's LotLine rows, in order
    rows: list[ComparisonRow]


@dataclass
class Comparison:
    rfq: RFQ
    sort: str
    lots: list[LotComparison]
    whole: list[ComparisonRow]  # quotes pricing every lot, total over the RFQ


@dataclass
class _Supplier:
    name: str
    slug: str
    verified: bool
    distance_km: float | None
    held: list
    missing: list


def _require_opened(rfq) -> RFQ:
    fresh = RFQ.objects.select_related("delivery_commune").get(pk=rfq.pk)
    if fresh.opened_at is None:
        raise RFQError(_("Les offres sont scellées : la comparaison est disponible une fois les offres ouvertes."),
                       code="sealed")
    return fresh


def _supplier_facts(organisation, rfq, required: list) -> _Supplier:
    try:
        profile = organisation.supplier_profile
    except ObjectDoesNotExist:  # an organisation without a supplier profile
        profile = None
    distance = None
    held_codes: set[str] = set()
    if profile is not None:
        commune = rfq.delivery_commune
        if commune is not None:
            distances = [haversine_km(site.latitude, site.longitude, commune.latitude, commune.longitude)
                         for site in profile.sites.all()]
            distance = round(min(distances), 1) if distances else None
        held_codes = {c.certification_type.code for c in profile.certifications.all() if not c.is_expired}
    codes = [c.code for c in required]
    return _Supplier(
        name=organisation.name,
        slug=profile.slug if profile is not None else organisation.slug,
        verified=bool(profile is not None and profile.is_verified),
        distance_km=distance,
        held=[c for c in codes if c in held_codes],
        missing=[c for c in codes if c not in held_codes],
    )


def _sort_key(sort: str):
    far = float("inf")

    def key(row: ComparisonRow):
        by_total = (row.total, row.supplier_name.lower())
        if sort == "lead_time":
            return (row.lead_time_days if row.lead_time_days is not None else far, *by_total)
        if sort == "distance":
            return (row.distance_km if row.distance_km is not None else far, *by_total)
        if sort == "name":
            return (row.supplier_name.lower(), row.total)
        return by_total

    return key


def _ranked(rows: list[ComparisonRow], sort: str) -> list[ComparisonRow]:
    totals = [row.total for row in rows]
    for row in rows:
        row.rank = 1 + sum(1 for other in totals if other < row.total)
    return sorted(rows, key=_sort_key(sort))


def comparison_for(rfq, *, sort="total") -> Comparison:
    """The comparison table; RFQError code "sealed" while quotes are not opened, code
    "invalid_sort" for an unknown sort."""
    if sort not in SORTS:
        raise RFQError(_("Tri inconnu."), code="invalid_sort")
    rfq = _require_opened(rfq)
    required = list(rfq.required_certifications.order_by("code"))
    lots = list(Lot.objects.filter(rfq=rfq).prefetch_related("lines").order_by("number"))
    quotes = list(
        Quote.objects.filter(rfq=rfq, status__in=LIVE_SUBMITTED)
        .select_related("supplier__supplier_profile")
        .prefetch_related(
            Prefetch("lines", queryset=QuoteLine.objects.select_related("lot_line")),
            "supplier__supplier_profile__sites",
            "supplier__supplier_profile__certifications__certification_type",
        )
    )
    facts = {quote.pk: _supplier_facts(quote.supplier, rfq, required) for quote in quotes}

    def row(quote, cells: dict, total: Decimal) -> ComparisonRow:
        supplier = facts[quote.pk]
        return ComparisonRow(
            quote_id=quote.pk, supplier_name=supplier.name, supplier_slug=supplier.slug, verified=supplier.verified,
            total=total, lines=cells, lead_time_days=quote.lead_time_days, valid_until=quote.valid_until,
            distance_km=supplier.distance_km, certifications_held=list(supplier.held),
            certifications_missing=list(supplier.missing), integrity_ok=quote.integrity_ok,
        )

    lot_tables, whole = [], []
    priced_by_quote: dict[int, dict[int, LineCell]] = {
        quote.pk: {line.lot_line_id: LineCell(line.lot_line_id, line.unit_price, line.line_total)
                   for line in quote.lines.all()}
        for quote in quotes
    }
    for lot in lots:
        lot_lines = list(lot.lines.all())
        rows = []
        for quote in quotes:
            cells = priced_by_quote[quote.pk]
            if lot_lines and all(line.pk in cells for line in lot_lines):
                lot_cells = {line.pk: cells[line.pk] for line in lot_lines}
                rows.append(row(quote, lot_cells, sum((c.line_total for c in lot_cells.values()), Decimal("0.00"))))
        lot_tables.append(LotComparison(lot=lot, lines=lot_lines, rows=_ranked(rows, sort)))
    all_line_ids = {line.pk for lot in lots for line in lot.lines.all()}
    for quote in quotes:
        cells = priced_by_quote[quote.pk]
        if all_line_ids and all_line_ids <= set(cells):
            whole.append(row(quote, dict(cells), quote.total))
    return Comparison(rfq=rfq, sort=sort, lots=lot_tables, whole=_ranked(whole, sort))


# --- export ----------------------------------------------------------------------------------


def _cell(value):
    """A typed cell: numbers and dates stay typed (XLSX keeps them as such), text is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, (Decimal, int, float, date)):
        return value
    return neutralise_formula(str(value))


def _csv_text(value) -> str:
    if isinstance(value, Decimal):
        # Excel-FR reads a decimal comma.
        return str(value).replace(".", ",")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _integrity(value) -> str:
    if value is None:
        return _("non vérifiée")
    return _("intègre") if value else _("altérée")


def export_rows(comparison: Comparison) -> list[list]:
    """The comparison as rows of typed cells (one block per lot, then the whole-RFQ block)."""
    header = [_("Lot"), _("Rang"), _("Fournisseur"), _("Vérifié"), _("Ligne"), _("Quantité"), _("Prix unitaire (€ HT)"),
              _("Total ligne (€ HT)"), _("Total (€ HT)"), _("Délai (jours)"), _("Validité"), _("Distance (km)"),
              _("Certifications détenues"), _("Certifications manquantes"), _("Intégrité")]
    rows = [header]

    def common(row: ComparisonRow) -> list:
        return [_cell(row.total), _cell(row.lead_time_days), _cell(row.valid_until), _cell(row.distance_km),
                _cell(", ".join(row.certifications_held)), _cell(", ".join(row.certifications_missing)),
                _integrity(row.integrity_ok)]

    for table in comparison.lots:
        lot_label = _cell(str(table.lot))
        for row in table.rows:
            for line in table.lines:
                cell = row.lines[line.pk]
                rows.append([lot_label, row.rank, _cell(row.supplier_name), _cell(row.verified),
                             _cell(f"{line.number}. {line.part}"), _cell(line.quantity), _cell(cell.unit_price),
                             _cell(cell.line_total), *common(row)])
    for row in comparison.whole:
        rows.append([_("Consultation entière"), row.rank, _cell(row.supplier_name), _cell(row.verified), "", "", "",
                     "", *common(row)])
    return rows


def export_comparison(rfq, fmt, *, sort="total") -> tuple[bytes, str, str]:
    """(content, content_type, filename) as CSV (``;``, UTF-8 BOM, for Excel-FR) or XLSX.
    Cells a spreadsheet would run as a formula are neutralised. Sealed → RFQError "sealed";
    unknown format → "invalid_format"."""
    if fmt not in FORMATS:
        raise RFQError(_("Format d'export inconnu : choisissez CSV ou XLSX."), code="invalid_format")
    comparison = comparison_for(rfq, sort=sort)
    rows = export_rows(comparison)
    stamp = timezone.localdate().isoformat()
    filename = f"comparaison-{comparison.rfq.reference}-{stamp}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerows([_csv_text(value) for value in row] for row in rows)
        return buffer.getvalue().encode("utf-8-sig"), CONTENT_TYPES["csv"], filename
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Comparaison"))
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue(), CONTENT_TYPES["xlsx"], filename
