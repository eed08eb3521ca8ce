"""The buyer's comparison of opened quotes and its CSV / XLSX export."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.geo.models import Commune
from rfq.comparison import comparison_for, export_comparison
from rfq.exceptions import RFQError
from rfq.models import RFQ, Quote, QuoteLine
from suppliers.models import SupplierProfile
from tests.factories import OrganisationFactory
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory
from tests.search.factories import (
    CertificationTypeFactory,
    ProductionSiteFactory,
    SupplierCertificationFactory,
    SupplierProfileFactory,
)

LYON, MARSEILLE, PARIS = "69123", "13055", "75056"


def supplier(name, *, site=None, verified=False, certifications=()):
    organisation = OrganisationFactory(name=name, is_supplier=True)
    profile = SupplierProfileFactory(
        organisation=organisation,
        verification_status=SupplierProfile.Verification.VERIFIED if verified else SupplierProfile.Verification.UNVERIFIED,
    )
    if site:
        ProductionSiteFactory(profile=profile, insee=site)
    for certification in certifications:
        SupplierCertificationFactory(profile=profile, certification_type=certification)
    return organisation


@pytest.fixture
def scene(db):
    """An opened RFQ of two lots delivered in Lyon, requiring two certifications, with:
    Alpha (Marseille, verified, both certifications) at 10 €/pc, 45 days, every lot;
    Bêta (Paris, one certification) at 9 €/pc, 20 days, every lot;
    Gamma (no profile) at 8 €/pc on lot 1 only."""
    iso, aero = CertificationTypeFactory(code="ISO-TEST 9001"), CertificationTypeFactory(code="EN-TEST 9100")
    rfq = PublishedRFQFactory(lots=2, delivery_commune=Commune.objects.get(insee=LYON))
    rfq.required_certifications.set([iso, aero])
    alpha = SubmittedQuoteFactory(rfq=rfq, supplier=supplier("Alpha Usinage", site=MARSEILLE, verified=True,
                                                             certifications=[iso, aero]),
                                  unit_price="10.00", lead_time_days=45, integrity_ok=True)
    beta = SubmittedQuoteFactory(rfq=rfq, supplier=supplier("Bêta Mécanique", site=PARIS, certifications=[iso]),
                                 unit_price="9.00", lead_time_days=20, integrity_ok=True)
    gamma = SubmittedQuoteFactory(rfq=rfq, supplier=OrganisationFactory(name="Gamma Tôlerie"), unit_price="8.00",
                                  lead_time_days=30, integrity_ok=False)
    QuoteLine.objects.filter(quote=gamma, lot_line__lot__number=2).delete()
    Quote.objects.filter(pk=gamma.pk).update(total=Decimal("5600.00"))
    withdrawn = SubmittedQuoteFactory(rfq=rfq, supplier=OrganisationFactory(name="Retirée SA"), unit_price="1.00")
    Quote.objects.filter(pk=withdrawn.pk).update(status=Quote.Status.WITHDRAWN)
    RFQ.objects.filter(pk=rfq.pk).update(status=RFQ.Status.CLOSED, closed_at=timezone.now(), opened_at=timezone.now())
    rfq.refresh_from_db()
    return rfq, {"alpha": alpha, "beta": beta, "gamma": gamma}


def names(rows):
    return [row.supplier_name for row in rows]


def test_each_lot_lists_the_quotes_pricing_it_cheapest_first_with_their_lines(scene):
    rfq, quotes = scene
    table = comparison_for(rfq)

    lot1, lot2 = table.lots
    assert names(lot1.rows) == ["Gamma Tôlerie", "Bêta Mécanique", "Alpha Usinage"]
    assert [row.rank for row in lot1.rows] == [1, 2, 3]
    assert [row.total for row in lot1.rows] == [Decimal("5600.00"), Decimal("6300.00"), Decimal("7000.00")]
    assert names(lot2.rows) == ["Bêta Mécanique", "Alpha Usinage"]  # Gamma did not price lot 2
    first_line = lot1.lines[0]
    beta = lot1.rows[1]
    assert beta.lines[first_line.pk].unit_price == Decimal("9.0000")
    assert beta.lines[first_line.pk].line_total == Decimal("4500.00")
    assert "Retirée SA" not in names(lot1.rows)


def test_whole_rfq_view_compares_only_quotes_pricing_every_lot(scene):
    rfq, quotes = scene
    whole = comparison_for(rfq).whole
    assert names(whole) == ["Bêta Mécanique", "Alpha Usinage"]
    assert [row.total for row in whole] == [Decimal("12600.00"), Decimal("14000.00")]


def test_rows_carry_badge_distance_certifications_and_integrity(scene):
    rfq, quotes = scene
    rows = {row.supplier_name: row for row in comparison_for(rfq).lots[0].rows}

    alpha, beta, gamma = rows["Alpha Usinage"], rows["Bêta Mécanique"], rows["Gamma Tôlerie"]
    assert alpha.verified is True and beta.verified is False and gamma.verified is False
    assert 250 < alpha.distance_km < 300  # Marseille → Lyon
    assert 360 < beta.distance_km < 420  # Paris → Lyon
    assert gamma.distance_km is None
    assert alpha.certifications_held == ["EN-TEST 9100", "ISO-TEST 9001"] and alpha.certifications_missing == []
    assert beta.certifications_held == ["ISO-TEST 9001"] and beta.certifications_missing == ["EN-TEST 9100"]
    assert gamma.certifications_missing == ["EN-TEST 9100", "ISO-TEST 9001"]
    assert gamma.integrity_ok is False and alpha.integrity_ok is True
    assert alpha.lead_time_days == 45
    assert alpha.supplier_slug == quotes["alpha"].supplier.supplier_profile.slug


def test_expired_certification_counts_as_missing(scene):
    rfq, quotes = scene
    profile = quotes["alpha"].supplier.supplier_profile
    profile.certifications.filter(certification_type__code="EN-TEST 9100").update(
        valid_until=timezone.localdate() - timedelta(days=1))
    alpha = next(row for row in comparison_for(rfq).lots[0].rows if row.supplier_name == "Alpha Usinage")
    assert alpha.certifications_missing == ["EN-TEST 9100"]


@pytest.mark.parametrize("sort, expected", [
    ("total", ["Gamma Tôlerie", "Bêta Mécanique", "Alpha Usinage"]),
    ("lead_time", ["Bêta Mécanique", "Gamma Tôlerie", "Alpha Usinage"]),
    ("distance", ["Alpha Usinage", "Bêta Mécanique", "Gamma Tôlerie"]),  # unknown distance last
    ("name", ["Alpha Usinage", "Bêta Mécanique", "Gamma Tôlerie"]),
])
def test_sorts_keep_the_price_rank(scene, sort, expected):
    rfq, _quotes = scene
    rows = comparison_for(rfq, sort=sort).lots[0].rows
    assert names(rows) == expected
    assert {row.supplier_name: row.rank for row in rows} == {"Gamma Tôlerie": 1, "Bêta Mécanique": 2,
                                                             "Alpha Usinage": 3}


def test_unknown_sort_is_refused(scene):
    rfq, _quotes = scene
    with pytest.raises(RFQError) as caught:
        comparison_for(rfq, sort="price; DROP TABLE")
    assert caught.value.code == "invalid_sort"


def test_comparison_of_a_sealed_rfq_is_refused(db):
    quote = SubmittedQuoteFactory()
    RFQ.objects.filter(pk=quote.rfq_id).update(status=RFQ.Status.CLOSED)
    with pytest.raises(RFQError) as caught:
        comparison_for(quote.rfq)
    assert caught.value.code == "sealed"


def test_csv_export_is_semicolon_separated_with_a_bom_for_excel(scene):
    rfq, _quotes = scene
    content, content_type, filename = export_comparison(rfq, "csv")

    assert content.startswith(b"\xef\xbb\xbf")
    assert content_type == "text/csv; charset=utf-8"
    assert filename.startswith(f"comparaison-{rfq.reference}") and filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Lot", "Rang", "Fournisseur"]
    beta_line = next(row for row in rows if row[2] == "Bêta Mécanique")
    assert beta_line[6] == "9,0000" and beta_line[7] == "4500,00"
    # 2 lines × (3 quotes on lot 1 + 2 on lot 2) + 2 whole-RFQ rows + header
    assert len(rows) == 1 + 10 + 2


def test_export_neutralises_formula_injection(scene):
    rfq, quotes = scene
    organisation = quotes["gamma"].supplier
    organisation.name = '=HYPERLINK("http://evil.test","x")'
    organisation.save()
    rfq.lots.get(number=1).lines.filter(number=1).update(part="+cmd|' /C calc'!A0")

    content, _type, _name = export_comparison(rfq, "csv")
    text = content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ";=HYPERLINK" not in text
    assert "1. +cmd" in text  # the line label starts with its number, harmless

    from openpyxl import load_workbook

    content, content_type, filename = export_comparison(rfq, "xlsx")
    assert filename.endswith(".xlsx") and content_type.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://evil.test\",\"x\")" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)


def test_xlsx_export_keeps_numbers_as_numbers(scene):
    rfq, _quotes = scene
    from openpyxl import load_workbook

    content, _type, _name = export_comparison(rfq, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Fournisseur"
    beta = next(row for row in rows[1:] if row[2] == "Bêta Mécanique")
    assert beta[6] == pytest.approx(9.0) and beta[9] == 20


def test_unknown_export_format_is_refused(scene):
    rfq, _quotes = scene
    with pytest.raises(RFQError) as caught:
        export_comparison(rfq, "pdf")
    assert caught.value.code == "invalid_format"


@pytest.mark.parametrize(
    ("price", "shown"),
    [("12.5000", "12,50"), ("0.0350", "0,035"), ("1234.5678", "1\u00a0234,5678"), ("7", "7,00")],
)
def test_unit_prices_show_two_to_four_decimals_as_they_really_have(price, shown):
    from decimal import Decimal

    from rfq.templatetags.rfq_format import unit_price

    assert unit_price(Decimal(price)) == shown
