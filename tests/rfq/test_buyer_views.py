"""The buyer's workspace pages: RFQ form with lots and lines, management page, invitations,
answers, opening, comparison, export and award — through the real services."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from rfq import quoting, services
from rfq.models import RFQ, Lot, LotLine, Question, RFQInvitation
from tests.factories import MembershipFactory, OrganisationFactory
from tests.rfq.factories import (
    LotFactory,
    LotLineFactory,
    PublishedRFQFactory,
    RFQFactory,
    SubmittedQuoteFactory,
    buyer_with_owner,
    supplier_with_owner,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def buyer():
    return buyer_with_owner()


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer[1])
    return client


def _local(moment) -> str:
    return timezone.localtime(moment, PARIS).strftime("%Y-%m-%dT%H:%M")


def _form_data(**overrides) -> dict:
    in_ten_days = timezone.now() + timedelta(days=10)
    data = {
        "title": "Carters usinés en aluminium",
        "summary": "Usinage 5 axes, série de 200.",
        "description": "<p>Plans joints.</p>",
        "sector": "",
        "postal_code": "69001",
        "commune": "",
        "quote_deadline": _local(in_ten_days),
        "questions_deadline": _local(in_ten_days - timedelta(days=3)),
        "budget_min": "10 000",
        "budget_max": "25000,50",
        "visibility": "public",
        "nda_text": "",
        "lots-TOTAL_FORMS": "2",
        "lots-INITIAL_FORMS": "0",
        "lots-0-title": "Carters",
        "lots-0-description": "",
        "lots-1-title": "Couvercles",
        "lots-1-description": "Anodisés",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-lot": "1",
        "lines-0-part": "Carter principal",
        "lines-0-reference": "PL-001",
        "lines-0-quantity": "12,5",
        "lines-0-unit": "piece",
        "lines-0-target_date": "",
        "lines-1-lot": "2",
        "lines-1-part": "Couvercle",
        "lines-1-reference": "",
        "lines-1-quantity": "200",
        "lines-1-unit": "piece",
        "lines-1-target_date": "2030-06-30",
        # A blank row is ignored.
        "lines-2-lot": "1",
        "lines-2-part": "",
        "lines-2-reference": "",
        "lines-2-quantity": "",
        "lines-2-unit": "piece",
        "lines-2-target_date": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def _closed_rfq_with_quotes(buyer_org, prices=("10.00", "12.00")):
    rfq = PublishedRFQFactory(buyer=buyer_org)
    quotes = [SubmittedQuoteFactory(rfq=rfq, unit_price=price) for price in prices]
    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=timezone.now() - timedelta(minutes=1))
    rfq.refresh_from_db()
    services.close_rfq(rfq)
    rfq.refresh_from_db()
    return rfq, quotes


# --- Create and edit -----------------------------------------------------------------------------


def test_buyer_creates_a_draft_with_lots_and_lines_and_lands_on_its_management_page(buyer_client, buyer):
    response = buyer_client.post(reverse("rfq:create"), _form_data())

    rfq = RFQ.objects.get(buyer=buyer[0])
    assert response.status_code == 302
    assert response["Location"] == reverse("rfq:manage", kwargs={"reference": rfq.reference})
    assert rfq.status == RFQ.Status.DRAFT
    assert rfq.delivery_commune.insee == "69381"  # 69001: Lyon 1er arrondissement
    assert rfq.budget_min == Decimal("10000") and rfq.budget_max == Decimal("25000.50")
    lots = list(rfq.lots.order_by("number"))
    assert [lot.title for lot in lots] == ["Carters", "Couvercles"]
    first_line = LotLine.objects.get(lot=lots[0])
    assert first_line.quantity == Decimal("12.5") and first_line.reference == "PL-001"
    assert LotLine.objects.get(lot=lots[1]).target_date.isoformat() == "2030-06-30"
    page = buyer_client.get(response["Location"]).content.decode()
    assert "Carter principal" in page and "Brouillon enregistré" in page


def test_deadline_typed_in_paris_time_is_stored_as_the_same_instant(buyer_client, buyer):
    buyer_client.post(reverse("rfq:create"), _form_data(quote_deadline="2030-03-01T14:30", questions_deadline=""))

    rfq = RFQ.objects.get(buyer=buyer[0])
    # 14:30 in Paris in winter (UTC+1) is 13:30 UTC.
    assert rfq.quote_deadline.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M") == "2030-03-01 13:30"


def test_bad_lines_and_past_deadline_rerender_with_errors_and_keep_everything_typed(buyer_client, buyer):
    data = _form_data(**{
        "lines-0-quantity": "-3",
        "lines-1-quantity": "abc",
        "lines-2-quantity": "4",  # a row with a quantity but no part
        "quote_deadline": _local(timezone.now() - timedelta(days=1)),
        "questions_deadline": "",
    })
    response = buyer_client.post(reverse("rfq:create"), data)

    assert response.status_code == 200
    assert not RFQ.objects.filter(buyer=buyer[0]).exists()
    page = response.content.decode()
    assert "Indiquez une valeur supérieure à zéro." in page
    assert "Saisissez un nombre, par exemple 12,5." in page
    assert "Indiquez la pièce ou la prestation." in page
    assert "Cette date est passée" in page
    # Nothing typed is lost.
    for typed in ('value="-3"', 'value="abc"', 'value="Carters usinés en aluminium"', 'value="Couvercles"', 'value="PL-001"'):
        assert typed in page


def test_confidential_rfq_without_nda_shows_the_error_on_the_nda_field(buyer_client, buyer):
    response = buyer_client.post(reverse("rfq:create"), _form_data(visibility="confidential", nda_text=""))

    assert response.status_code == 200
    form = response.context["form"]
    assert "nda_text" in form.errors
    assert not RFQ.objects.filter(buyer=buyer[0]).exists()


def test_add_a_line_keeps_the_input_and_adds_an_empty_row_without_saving(buyer_client, buyer):
    response = buyer_client.post(reverse("rfq:create"), _form_data(action="add_line", title=""))

    assert response.status_code == 200
    assert not RFQ.objects.exists()
    editor = response.context["editor"]
    assert editor.lines.total_form_count() == 4
    page = response.content.decode()
    assert 'value="Carter principal"' in page
    assert "Donnez un titre" not in page and "Ce champ est obligatoire" not in page


def test_edit_prefills_lots_and_lines_and_replaces_them_on_save(buyer_client, buyer):
    rfq = RFQFactory(buyer=buyer[0])
    lot = LotFactory(rfq=rfq, number=1, title="Lot unique")
    LotLineFactory(lot=lot, number=1, part="Bride", quantity=Decimal("40"))
    url = reverse("rfq:edit", kwargs={"reference": rfq.reference})

    page = buyer_client.get(url).content.decode()
    assert 'value="Bride"' in page and 'value="40"' in page

    response = buyer_client.post(url, _form_data(title="Titre modifié"))
    assert response.status_code == 302
    rfq.refresh_from_db()
    assert rfq.title == "Titre modifié"
    assert list(rfq.lots.values_list("title", flat=True)) == ["Carters", "Couvercles"]


def test_disguised_file_is_refused_with_a_message_and_nothing_else_is_lost(buyer_client, buyer):
    rfq = RFQFactory(buyer=buyer[0])
    fake_pdf = SimpleUploadedFile("../../etc/plan.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

    response = buyer_client.post(
        reverse("rfq:attachment_add", kwargs={"reference": rfq.reference}), {"files": [fake_pdf]}, follow=True
    )

    assert response.status_code == 200
    assert not rfq.attachments.exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_real_pdf_is_listed_with_its_size_and_can_be_removed(buyer_client, buyer):
    rfq = RFQFactory(buyer=buyer[0])
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")

    response = buyer_client.post(
        reverse("rfq:attachment_add", kwargs={"reference": rfq.reference}), {"files": [pdf]}, follow=True
    )
    attachment = rfq.attachments.get()
    assert "plan.pdf" in response.content.decode()

    buyer_client.post(reverse("rfq:attachment_remove", kwargs={"reference": rfq.reference, "pk": attachment.pk}))
    assert not rfq.attachments.exists()


# --- Access --------------------------------------------------------------------------------------


def test_other_buyers_get_404_on_a_draft_and_403_on_a_published_rfq(client):
    draft = RFQFactory()
    published = PublishedRFQFactory()
    _, stranger = buyer_with_owner()
    client.force_login(stranger)

    assert client.get(reverse("rfq:manage", kwargs={"reference": draft.reference})).status_code == 404
    assert client.get(reverse("rfq:edit", kwargs={"reference": draft.reference})).status_code == 404
    assert client.get(reverse("rfq:manage", kwargs={"reference": published.reference})).status_code == 403
    assert client.post(reverse("rfq:publish", kwargs={"reference": draft.reference})).status_code == 404
    assert client.get(reverse("rfq:compare", kwargs={"reference": published.reference})).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    rfq = RFQFactory()
    response = client.get(reverse("rfq:manage", kwargs={"reference": rfq.reference}))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_supplier_organisation_is_sent_back_from_the_buyer_dashboard(client):
    _, supplier_user = supplier_with_owner()
    client.force_login(supplier_user)
    response = client.get(reverse("rfq:buyer_dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


# --- Dashboard and management --------------------------------------------------------------------


def test_dashboard_groups_rfqs_by_state_with_the_sealed_quote_count(buyer_client, buyer):
    draft = RFQFactory(buyer=buyer[0], title="Brouillon de test")
    published = PublishedRFQFactory(buyer=buyer[0], title="Publiée de test")
    SubmittedQuoteFactory(rfq=published, unit_price="999.99")
    RFQFactory(title="Consultation d'un autre donneur d'ordre")

    response = buyer_client.get(reverse("rfq:buyer_dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert draft.title in page and published.title in page
    assert "autre donneur d'ordre" not in page
    assert "999" not in page  # a count, never a price


def test_manage_page_says_quotes_are_sealed_and_shows_invitations(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    SubmittedQuoteFactory(rfq=rfq, unit_price="77.77")
    supplier = OrganisationFactory(is_supplier=True, name="Décolletage Rhône")
    RFQInvitation.objects.create(rfq=rfq, supplier=supplier, status=RFQInvitation.Status.DECLINED, decline_reason="Carnet plein")

    page = buyer_client.get(reverse("rfq:manage", kwargs={"reference": rfq.reference})).content.decode()

    assert "offres scellées jusqu'à la date limite" in page
    assert "1 offre remise" in page
    assert "77,77" not in page and "77.77" not in page
    assert "Décolletage Rhône" in page and "Carnet plein" in page


def test_publish_via_post_and_refusal_shown_as_a_message(buyer_client, buyer):
    empty = RFQFactory(buyer=buyer[0])
    response = buyer_client.post(reverse("rfq:publish", kwargs={"reference": empty.reference}), follow=True)
    assert "Ajoutez au moins un lot" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == RFQ.Status.DRAFT

    ready = RFQFactory(buyer=buyer[0])
    LotLineFactory(lot=LotFactory(rfq=ready, number=1))
    response = buyer_client.post(reverse("rfq:publish", kwargs={"reference": ready.reference}))
    ready.refresh_from_db()
    assert response.status_code == 302
    assert ready.status == RFQ.Status.PUBLISHED


def test_cancel_needs_a_reason_then_cancels(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    url = reverse("rfq:cancel", kwargs={"reference": rfq.reference})

    response = buyer_client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Indiquez le motif de l&#x27;annulation." in response.content.decode()
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.PUBLISHED

    buyer_client.post(url, {"reason": "Projet reporté"})
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.CANCELLED and rfq.cancel_reason == "Projet reporté"


def test_answering_a_question_with_htmx_returns_the_updated_question(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    supplier, _ = supplier_with_owner()
    question = Question.objects.create(rfq=rfq, asked_by_organisation=supplier, text="Tolérance sur l'alésage ?")
    url = reverse("rfq:answer", kwargs={"reference": rfq.reference, "pk": question.pk})

    empty = buyer_client.post(url, {f"q{question.pk}-answer": ""}, headers={"HX-Request": "true"})
    assert "Écrivez une réponse." in empty.content.decode()

    response = buyer_client.post(url, {f"q{question.pk}-answer": "H7 partout."}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    question.refresh_from_db()
    assert question.answer == "H7 partout." and question.is_answered


# --- Invitations ---------------------------------------------------------------------------------


def test_invite_page_invites_posted_supplier_organisations(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    supplier = OrganisationFactory(is_supplier=True)

    assert buyer_client.get(reverse("rfq:invite", kwargs={"reference": rfq.reference})).status_code == 200
    response = buyer_client.post(reverse("rfq:invite", kwargs={"reference": rfq.reference}), {"organisation": [supplier.pk]})

    assert response.status_code == 302
    assert RFQInvitation.objects.filter(rfq=rfq, supplier=supplier).exists()


def test_invite_with_nothing_chosen_explains_what_to_do(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    response = buyer_client.post(reverse("rfq:invite", kwargs={"reference": rfq.reference}), {})
    assert response.status_code == 400
    assert "Choisissez au moins un fournisseur." in response.content.decode()


def test_inviting_from_a_search_result_lets_the_buyer_pick_one_of_its_rfqs(buyer_client, buyer):
    from tests.suppliers.factories import SupplierProfileFactory

    profile = SupplierProfileFactory()
    rfq = RFQFactory(buyer=buyer[0], title="Ma consultation à compléter")
    url = reverse("rfq:invite_choose")

    page = buyer_client.get(url, {"profile": profile.pk}).content.decode()
    assert rfq.title in page

    response = buyer_client.post(url, {"profile": profile.pk, "rfq": rfq.reference})
    assert response.status_code == 302
    assert RFQInvitation.objects.filter(rfq=rfq, supplier=profile.organisation).exists()


# --- Opening, comparison, export, award ----------------------------------------------------------


def test_comparison_and_export_are_refused_while_quotes_are_sealed(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    SubmittedQuoteFactory(rfq=rfq, unit_price="55.55")

    response = buyer_client.get(reverse("rfq:compare", kwargs={"reference": rfq.reference}), follow=True)
    page = response.content.decode()
    assert "scellées jusqu&#x27;à la date limite" in page or "scellées jusqu'à la date limite" in page
    assert "55,55" not in page and "55.55" not in page

    export = buyer_client.get(reverse("rfq:compare_export", kwargs={"reference": rfq.reference, "fmt": "csv"}))
    assert export.status_code == 302
    assert "Content-Disposition" not in export


def test_opening_quotes_then_comparing_shows_prices_per_lot(buyer_client, buyer):
    rfq, quotes = _closed_rfq_with_quotes(buyer[0])

    response = buyer_client.post(reverse("rfq:open_quotes", kwargs={"reference": rfq.reference}), follow=True)

    rfq.refresh_from_db()
    assert rfq.opened_at is not None
    page = response.content.decode()
    assert response.status_code == 200
    for quote in quotes:
        assert quote.supplier.name in page
    assert re.search(r"7\s?000,00\s€", page)  # 700 units × 10.00 €, grouped the French way


def test_csv_export_is_an_attachment_with_every_quote(buyer_client, buyer):
    rfq, quotes = _closed_rfq_with_quotes(buyer[0])
    quoting.open_quotes(buyer[1], rfq)

    response = buyer_client.get(reverse("rfq:compare_export", kwargs={"reference": rfq.reference, "fmt": "csv"}))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8-sig")
    for quote in quotes:
        assert quote.supplier.name in content
    assert buyer_client.get(
        reverse("rfq:compare_export", kwargs={"reference": rfq.reference, "fmt": "exe"})
    ).status_code == 404


def test_award_per_lot_via_post_records_the_decision(buyer_client, buyer):
    rfq, quotes = _closed_rfq_with_quotes(buyer[0])
    quoting.open_quotes(buyer[1], rfq)
    lot = Lot.objects.get(rfq=rfq)

    refused = buyer_client.post(reverse("rfq:award", kwargs={"reference": rfq.reference}), {"mode": "lots"})
    assert refused.status_code == 400
    assert "au moins un lot" in refused.content.decode()

    response = buyer_client.post(
        reverse("rfq:award", kwargs={"reference": rfq.reference}),
        {"mode": "lots", f"lot_{lot.pk}": str(quotes[0].pk), "note": "Meilleur prix"},
    )
    assert response.status_code == 302
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.AWARDED
    assert rfq.awards.get().quote == quotes[0]


# --- English ------------------------------------------------------------------------------------


def test_buyer_pages_render_in_english_under_en(buyer_client, buyer):
    rfq = PublishedRFQFactory(buyer=buyer[0])
    for url in (
        reverse("rfq:buyer_dashboard"),
        reverse("rfq:create"),
        reverse("rfq:manage", kwargs={"reference": rfq.reference}),
    ):
        response = buyer_client.get(f"/en{url}")
        assert response.status_code == 200, url
        assert '<html lang="en"' in response.content.decode()
