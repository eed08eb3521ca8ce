"""The supplier's quote form: drafts, submission and revision, bad input kept on re-render, the
deadline, withdrawal, and the sealed rule on every page a rival or the buyer can open."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.audit.models import AuditEntry
from rfq.models import RFQ, Quote
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory, buyer_with_owner, supplier_with_owner

pytestmark = pytest.mark.django_db


def quote_url(rfq):
    return reverse("rfq:quote", args=[rfq.reference])


def lines_of(rfq):
    return [line for lot in rfq.lots.order_by("number") for line in lot.lines.order_by("number")]


def form_data(rfq, prices, *, action="draft", lead_time="30", **extra):
    """POST data pricing the RFQ's lines in order with ``prices`` (strings as typed)."""
    data = {"action": action, "lead_time_days": lead_time, "valid_until": "", "comments": ""}
    for line, price in zip(lines_of(rfq), prices, strict=False):
        data[f"price_{line.pk}"] = price
    data.update(extra)
    return data


@pytest.fixture
def rfq():
    return PublishedRFQFactory()


@pytest.fixture
def supplier(client):
    organisation, user = supplier_with_owner()
    client.force_login(user)
    return organisation


def test_form_has_one_row_per_lot_line_with_its_quantity(client, rfq, supplier):
    response = client.get(quote_url(rfq))

    content = response.content.decode()
    assert response.status_code == 200
    for line in lines_of(rfq):
        assert line.part in content
        assert f'name="price_{line.pk}"' in content
    assert "Enregistrer le brouillon" in content
    assert "Soumettre l'offre" in content


def test_anonymous_visitor_is_sent_to_log_in(client, rfq):
    response = client.get(quote_url(rfq))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_buyer_organisation_is_sent_back_to_the_rfq_page(client, rfq):
    _buyer, user = buyer_with_owner()
    client.force_login(user)

    response = client.get(quote_url(rfq))

    assert response.status_code == 302
    assert response["Location"] == rfq.get_absolute_url()


def test_saving_a_draft_accepts_a_french_decimal_comma_and_partial_lines(client, rfq, supplier):
    first, second = lines_of(rfq)

    response = client.post(quote_url(rfq), form_data(rfq, ["1 234,5", ""]))

    assert response.status_code == 302
    quote = Quote.objects.get(rfq=rfq, supplier=supplier)
    assert quote.status == Quote.Status.DRAFT
    assert quote.lines.get().unit_price == Decimal("1234.5")
    page = client.get(quote_url(rfq)).content.decode()
    assert 'value="1234,50"' in page
    assert "Brouillon enregistré" in page


def test_submission_freezes_version_1_and_a_revision_makes_version_2(client, rfq, supplier):
    response = client.post(quote_url(rfq), form_data(rfq, ["10", "20,25"], action="submit"))

    assert response.status_code == 302
    quote = Quote.objects.get(rfq=rfq, supplier=supplier)
    assert (quote.status, quote.version) == (Quote.Status.SUBMITTED, 1)
    assert quote.total == Decimal("500") * 10 + Decimal("200") * Decimal("20.25")
    page = client.get(quote_url(rfq)).content.decode()
    assert "Soumettre la révision" in page
    assert "Enregistrer le brouillon" not in page
    assert quote.versions.get().sha256[:12] in page

    client.post(quote_url(rfq), form_data(rfq, ["9,5", "20,25"], action="submit"))

    quote.refresh_from_db()
    assert (quote.status, quote.version) == (Quote.Status.REVISED, 2)
    assert quote.versions.count() == 2


@pytest.mark.parametrize(
    "typed, error",
    [
        ("-3", "Le prix ne peut pas être négatif."),
        ("abc", "Prix illisible"),
        ("1,23456", "Quatre décimales au plus."),
        ("1.234,5", "Prix illisible"),
    ],
)
def test_bad_price_rerenders_with_the_error_and_keeps_what_was_typed(client, rfq, supplier, typed, error):
    response = client.post(
        quote_url(rfq), form_data(rfq, [typed, "12,5"], action="submit", comments="Matière fournie par nos soins")
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert error in content
    assert f'value="{typed}"' in content
    assert 'value="12,5"' in content
    assert "Matière fournie par nos soins" in content
    assert not Quote.objects.filter(rfq=rfq).exists()


def test_submission_needs_a_price_on_every_line_of_a_quoted_lot(client, rfq, supplier):
    response = client.post(quote_url(rfq), form_data(rfq, ["10", ""], action="submit"))

    assert response.status_code == 200
    assert "Indiquez un prix, ou cochez" in response.content.decode()
    assert not Quote.objects.filter(rfq=rfq).exists()


def test_submission_needs_a_lead_time(client, rfq, supplier):
    response = client.post(quote_url(rfq), form_data(rfq, ["10", "10"], action="submit", lead_time=""))

    assert "Indiquez votre délai de livraison" in response.content.decode()
    assert not Quote.objects.filter(rfq=rfq).exists()


def test_a_lot_marked_not_quoted_is_left_out_of_the_submission(client, supplier):
    rfq = PublishedRFQFactory(lots=2)
    second_lot = rfq.lots.get(number=2)

    response = client.post(
        quote_url(rfq), form_data(rfq, ["10", "10"], action="submit", **{f"skip_lot_{second_lot.pk}": "on"})
    )

    assert response.status_code == 302
    quote = Quote.objects.get(rfq=rfq, supplier=supplier)
    assert quote.version == 1
    assert {line.lot_line.lot.number for line in quote.lines.select_related("lot_line__lot")} == {1}


def test_live_total_is_computed_by_the_server(client, rfq, supplier):
    response = client.post(
        reverse("rfq:quote_preview", args=[rfq.reference]), form_data(rfq, ["10", "2,5"]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.context["total"] == Decimal("5500.00")
    assert 'id="quote-total"' in response.content.decode()


def test_after_the_deadline_the_form_is_read_only_and_a_post_is_refused(client, rfq, supplier):
    quote = SubmittedQuoteFactory(rfq=rfq, supplier=supplier, unit_price="10")
    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=timezone.now() - timedelta(minutes=1))

    page = client.get(quote_url(rfq)).content.decode()
    assert "La date limite de remise des offres est passée" in page
    assert "Soumettre la révision" not in page

    response = client.post(quote_url(rfq), form_data(rfq, ["8", "8"], action="submit"))

    content = response.content.decode()
    assert "date limite" in content.lower()
    assert 'value="8"' in content
    quote.refresh_from_db()
    assert quote.version == 1
    assert quote.lines.first().unit_price == Decimal("10")


def test_needs_reconfirmation_shows_a_banner(client, rfq, supplier):
    SubmittedQuoteFactory(rfq=rfq, supplier=supplier, needs_reconfirmation=True)

    assert "À reconfirmer" in client.get(quote_url(rfq)).content.decode()


def test_quota_exceeded_is_a_message_with_a_link_to_billing_and_the_input_kept(client, rfq, supplier):
    for _ in range(3):
        SubmittedQuoteFactory(supplier=supplier)

    response = client.post(quote_url(rfq), form_data(rfq, ["11,11", "12"], action="submit"))

    content = response.content.decode()
    assert reverse("billing:overview") in content
    assert 'value="11,11"' in content
    assert not Quote.objects.filter(rfq=rfq, supplier=supplier).exists()


def test_withdrawal_needs_the_confirmation_box(client, rfq, supplier):
    quote = SubmittedQuoteFactory(rfq=rfq, supplier=supplier)
    url = reverse("rfq:withdraw_quote", args=[rfq.reference])

    assert client.get(url).status_code == 200
    client.post(url, {})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUBMITTED

    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == Quote.Status.WITHDRAWN
    assert AuditEntry.objects.filter(target_id=str(quote.pk), action__startswith="quote.withdr").exists()


# --- Sealed --------------------------------------------------------------------------------------

SEALED_PRICE = "987.6543"
SEALED_MARKERS = ("987,6543", "987.6543", "691358", "691 358", "691\u00a0358", "691\u202f358")


def assert_sealed(content):
    for marker in SEALED_MARKERS:
        assert marker not in content


def test_rival_supplier_never_sees_another_suppliers_price_before_opening(client, rfq):
    owner_org, owner = supplier_with_owner()
    SubmittedQuoteFactory(rfq=rfq, supplier=owner_org, unit_price=SEALED_PRICE)
    _rival, rival = supplier_with_owner()
    client.force_login(rival)

    for url in (rfq.get_absolute_url(), reverse("rfq:list"), quote_url(rfq), reverse("rfq:supplier_dashboard")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_sealed(response.content.decode())

    # The quoting supplier does see its own price.
    client.force_login(owner)
    assert "987,6543" in client.get(quote_url(rfq)).content.decode()


def test_buyer_never_sees_a_suppliers_price_on_these_pages_before_opening(client):
    buyer, buyer_user = buyer_with_owner()
    rfq = PublishedRFQFactory(buyer=buyer)
    supplier, _owner = supplier_with_owner()
    SubmittedQuoteFactory(rfq=rfq, supplier=supplier, unit_price=SEALED_PRICE)
    client.force_login(buyer_user)

    for url in (rfq.get_absolute_url(), reverse("rfq:list"), reverse("rfq:thread", args=[rfq.reference, supplier.slug])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_sealed(response.content.decode())
    assert client.get(quote_url(rfq)).status_code == 302
