"""The RFQ API: every endpoint's happy path and refusals, the error contract (400 input, 403 role,
404 invisible, 409 state, each with a message), and sealed quotes on GET /api/rfqs/{id}/quotes."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.api.services import create_token
from rfq import participation, quoting, services
from rfq.models import RFQ, Quote
from tests.rfq.conftest import draft_rfq_for, make_buyer, make_supplier, one_lot, published_rfq_for

pytestmark = pytest.mark.django_db

JSON = "application/json"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'tests')[1]}"}


def iso(delta: timedelta) -> str:
    return (timezone.now() + delta).isoformat()


def new_rfq_payload(**overrides) -> dict:
    payload = {
        "title": "Usinage de brides inox",
        "summary": "Brides DN50 inox 316L, série de 300.",
        "description": "<p>Tolérances <strong>±0,05</strong><script>x()</script></p>",
        "sector": "mecanique-metallurgie",
        "skills": ["usinage", "tournage"],
        "materials": ["inox-316l"],
        "certifications": ["iso-9001"],
        "delivery_commune": "69123",
        "quote_deadline": iso(timedelta(days=10)),
        "questions_deadline": iso(timedelta(days=7)),
        "budget_min": "10000.00",
        "budget_max": "25000",
        "lots": [
            {
                "title": "Brides",
                "lines": [
                    {"part": "Bride DN50", "quantity": "300", "unit": "piece", "reference": "PL-50"},
                    {"part": "Bride DN80", "quantity": "120.5", "unit": "kg"},
                ],
            }
        ],
    }
    payload.update(overrides)
    return payload


def post(client, url, user, payload=None):
    return client.post(url, payload or {}, content_type=JSON, **bearer(user))


def lines_of(rfq, price="12.50") -> list[dict]:
    return [
        {"lot_line_id": line_id, "unit_price": price}
        for line_id in rfq.lots.values_list("lines__id", flat=True).order_by("number", "lines__number")
    ]


def submit(client, rfq, party, price="12.50"):
    return post(
        client,
        f"/api/rfqs/{rfq.pk}/quotes",
        party.user,
        {"lines": lines_of(rfq, price), "lead_time_days": 30, "submit": True},
    )


def close(rfq):
    """Close as the deadline task would, as if run just after the deadline."""
    return services.close_rfq(rfq, now=rfq.quote_deadline + timedelta(seconds=1))


@pytest.fixture
def buyer(db):
    return make_buyer()


@pytest.fixture
def supplier(db):
    return make_supplier()


@pytest.fixture
def rival(db):
    return make_supplier()


# --- creating, editing, publishing --------------------------------------------------------------


def test_buyer_creates_a_draft_with_lots_lines_and_taxonomy_by_slug(client, buyer):
    response = post(client, "/api/rfqs", buyer.user, new_rfq_payload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["is_buyer"] is True
    assert body["sector"]["slug"] == "mecanique-metallurgie"
    assert {s["slug"] for s in body["skills"]} == {"usinage", "tournage"}
    assert body["budget_min"] == "10000.00" and body["budget_max"] == "25000.00"
    lines = body["details"]["lots"][0]["lines"]
    assert [(line["part"], line["quantity"], line["unit"]) for line in lines] == [
        ("Bride DN50", "300.000", "piece"),
        ("Bride DN80", "120.500", "kg"),
    ]
    assert "<script>" not in body["details"]["description"]
    rfq = RFQ.objects.get(pk=body["id"])
    assert rfq.buyer == buyer.organisation and rfq.delivery_commune_id == "69123"


def test_taxonomy_may_be_named_by_id(client, buyer):
    from suppliers.models import Skill

    skill = Skill.objects.get(slug="usinage")
    response = post(client, "/api/rfqs", buyer.user, new_rfq_payload(skills=[skill.pk]))
    assert response.status_code == 201
    assert [s["slug"] for s in response.json()["skills"]] == ["usinage"]


def test_create_with_unknown_slugs_is_a_400_listing_them(client, buyer):
    response = post(client, "/api/rfqs", buyer.user, new_rfq_payload(skills=["usinage", "teleportation"]))
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["loc"] == ["skills"]
    assert "teleportation" in body["errors"][0]["msg"]
    assert not RFQ.objects.exists()


def test_create_with_an_unknown_commune_is_a_400(client, buyer):
    response = post(client, "/api/rfqs", buyer.user, new_rfq_payload(delivery_commune="00000"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == ["delivery_commune"]


def test_naive_deadline_is_a_400(client, buyer):
    naive = (timezone.now() + timedelta(days=10)).replace(tzinfo=None).isoformat()
    response = post(client, "/api/rfqs", buyer.user, new_rfq_payload(quote_deadline=naive))
    assert response.status_code == 400
    assert any("quote_deadline" in error["loc"] for error in response.json()["errors"])


def test_deadline_in_the_past_is_a_400_with_a_message(client, buyer):
    response = post(
        client, "/api/rfqs", buyer.user, new_rfq_payload(quote_deadline=iso(-timedelta(days=1)), questions_deadline=None)
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "deadline_past"
    assert "déjà passée" in body["detail"]


@pytest.mark.parametrize("quantity", ["-5", "0", "abc", 12.5])
def test_negative_zero_or_malformed_quantities_are_refused_with_400(client, buyer, quantity):
    payload = new_rfq_payload(lots=[{"title": "Lot", "lines": [{"part": "Axe", "quantity": quantity}]}])
    response = post(client, "/api/rfqs", buyer.user, payload)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not RFQ.objects.exists()


def test_budget_as_a_json_number_is_refused(client, buyer):
    response = post(client, "/api/rfqs", buyer.user, new_rfq_payload(budget_min=10000.5))
    assert response.status_code == 400


def test_a_supplier_cannot_create_an_rfq(client, supplier):
    response = post(client, "/api/rfqs", supplier.user, new_rfq_payload())
    assert response.status_code == 403
    assert response.json()["code"] == "not_buyer"


def test_creating_needs_a_token_not_a_session(client, buyer):
    client.force_login(buyer.user)
    response = client.post("/api/rfqs", new_rfq_payload(), content_type=JSON)
    assert response.status_code == 401


def test_patch_changes_only_the_fields_sent(client, buyer):
    rfq = draft_rfq_for(buyer)
    response = client.patch(
        f"/api/rfqs/{rfq.pk}", {"title": "Nouveau titre", "materials": ["laiton"]}, content_type=JSON, **bearer(buyer.user)
    )
    assert response.status_code == 200, response.content
    rfq.refresh_from_db()
    assert rfq.title == "Nouveau titre"
    assert [m.slug for m in rfq.materials.all()] == ["laiton"]
    assert rfq.summary == "Axes usinés, séries de 500."


def test_patch_by_a_supplier_who_sees_the_rfq_is_a_403(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    response = client.patch(f"/api/rfqs/{rfq.pk}", {"title": "Piraté"}, content_type=JSON, **bearer(supplier.user))
    assert response.status_code == 403
    assert response.json()["code"] == "not_buyer"


def test_patch_of_a_cancelled_rfq_is_a_409(client, buyer):
    rfq = draft_rfq_for(buyer)
    services.cancel_rfq(buyer.user, rfq, "Projet abandonné")
    response = client.patch(f"/api/rfqs/{rfq.pk}", {"title": "Encore"}, content_type=JSON, **bearer(buyer.user))
    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"


def test_buyer_publishes_a_draft(client, buyer):
    rfq = draft_rfq_for(buyer)
    response = post(client, f"/api/rfqs/{rfq.pk}/publish", buyer.user)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"


def test_publishing_twice_is_a_409(client, buyer):
    rfq = published_rfq_for(buyer)
    response = post(client, f"/api/rfqs/{rfq.pk}/publish", buyer.user)
    assert response.status_code == 409
    assert response.json()["code"] == "not_draft"


def test_publishing_without_lots_is_a_409_saying_what_is_missing(client, buyer):
    rfq = draft_rfq_for(buyer, lots=[])
    response = post(client, f"/api/rfqs/{rfq.pk}/publish", buyer.user)
    assert response.status_code == 409
    assert response.json()["code"] == "lots_required"


def test_another_organisations_draft_is_a_404(client, buyer, supplier):
    rfq = draft_rfq_for(buyer)
    assert post(client, f"/api/rfqs/{rfq.pk}/publish", supplier.user).status_code == 404
    assert client.get(f"/api/rfqs/{rfq.pk}", **bearer(supplier.user)).status_code == 404


# --- reading ------------------------------------------------------------------------------------


def test_supplier_reads_details_of_a_public_rfq_but_no_quote_count(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    body = client.get(f"/api/rfqs/{rfq.pk}", **bearer(supplier.user)).json()
    assert body["details_visible"] is True
    assert body["details"]["lots"][0]["lines"][0]["part"] == "Axe Ø20 inox 316L"
    assert body["is_buyer"] is False and body["quotes_received"] is None


def test_confidential_rfq_shows_only_its_summary_before_the_nda(client, buyer, supplier):
    rfq = published_rfq_for(buyer, visibility="confidential", nda_text="Ne rien divulguer.")
    body = client.get(f"/api/rfqs/{rfq.pk}", **bearer(supplier.user)).json()
    assert body["summary"] == "Axes usinés, séries de 500."
    assert body["details_visible"] is False and body["details"] is None
    assert "Tolérances" not in str(body)
    participation.accept_nda(supplier.user, rfq, supplier.organisation)
    assert client.get(f"/api/rfqs/{rfq.pk}", **bearer(supplier.user)).json()["details_visible"] is True


def test_invitation_only_rfq_is_a_404_for_suppliers_not_invited(client, buyer, supplier, rival):
    rfq = draft_rfq_for(buyer, visibility="invited")
    participation.invite_suppliers(buyer.user, rfq, [supplier.organisation])
    services.publish_rfq(buyer.user, rfq)
    assert client.get(f"/api/rfqs/{rfq.pk}", **bearer(rival.user)).status_code == 404
    assert client.get(f"/api/rfqs/{rfq.pk}", **bearer(supplier.user)).status_code == 200


def test_detail_accepts_the_browser_session_for_reading(client, buyer):
    rfq = draft_rfq_for(buyer)
    client.force_login(buyer.user)
    assert client.get(f"/api/rfqs/{rfq.pk}").status_code == 200


def test_list_shows_visible_rfqs_and_mine_filters_to_my_organisation(client, buyer, supplier):
    own_draft = draft_rfq_for(buyer, title="Brouillon à moi")
    public = published_rfq_for(make_buyer(), title="Publique d'un autre")
    other_draft = draft_rfq_for(make_buyer(), title="Brouillon d'un autre")

    as_supplier = client.get("/api/rfqs", **bearer(supplier.user)).json()
    ids = {r["id"] for r in as_supplier["results"]}
    assert public.pk in ids and own_draft.pk not in ids and other_draft.pk not in ids

    mine = client.get("/api/rfqs?mine=true", **bearer(buyer.user)).json()
    assert [r["id"] for r in mine["results"]] == [own_draft.pk]
    assert mine["total"] == 1

    drafts = client.get("/api/rfqs?status=draft", **bearer(buyer.user)).json()
    assert [r["id"] for r in drafts["results"]] == [own_draft.pk]


def test_list_is_paginated(client, buyer):
    for number in range(3):
        draft_rfq_for(buyer, title=f"Consultation {number}")
    body = client.get("/api/rfqs?mine=true&page=2&page_size=2", **bearer(buyer.user)).json()
    assert body["total"] == 3 and body["page"] == 2 and body["page_size"] == 2
    assert len(body["results"]) == 1


def test_list_with_an_unknown_status_is_a_400(client, buyer):
    assert client.get("/api/rfqs?status=perdu", **bearer(buyer.user)).status_code == 400


# --- attachments and questions ------------------------------------------------------------------


def test_buyer_uploads_a_pdf_attachment(client, buyer):
    rfq = draft_rfq_for(buyer)
    upload = SimpleUploadedFile("../../plans/bride.pdf", PDF, content_type="application/octet-stream")
    response = client.post(f"/api/rfqs/{rfq.pk}/attachments", {"file": upload}, **bearer(buyer.user))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "pdf" and body["name"] == "bride.pdf" and len(body["sha256"]) == 64
    assert rfq.attachments.count() == 1


def test_disguised_file_is_a_400_naming_it(client, buyer):
    rfq = draft_rfq_for(buyer)
    upload = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(f"/api/rfqs/{rfq.pk}/attachments", {"file": upload}, **bearer(buyer.user))
    assert response.status_code == 400
    assert "plan.pdf" in response.json()["detail"]
    assert rfq.attachments.count() == 0


def test_a_supplier_cannot_upload_to_someone_elses_rfq(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    upload = SimpleUploadedFile("plan.pdf", PDF)
    response = client.post(f"/api/rfqs/{rfq.pk}/attachments", {"file": upload}, **bearer(supplier.user))
    assert response.status_code == 403


def test_supplier_asks_a_question_and_the_buyer_sees_who_asked(client, buyer, supplier, rival):
    rfq = published_rfq_for(buyer)
    lot = rfq.lots.get()
    response = post(client, f"/api/rfqs/{rfq.pk}/questions", supplier.user, {"text": "Quelle rugosité ?", "lot_id": lot.pk})
    assert response.status_code == 201, response.content
    assert response.json()["asked_by"] is None
    questions = client.get(f"/api/rfqs/{rfq.pk}", **bearer(buyer.user)).json()["details"]["questions"]
    assert questions[0]["asked_by"] == supplier.organisation.name
    # Unanswered: the rival does not see it; once answered, it sees the answer, never the asker.
    assert client.get(f"/api/rfqs/{rfq.pk}", **bearer(rival.user)).json()["details"]["questions"] == []
    participation.answer_question(buyer.user, rfq.questions.get(), "Ra 0,8.")
    seen = client.get(f"/api/rfqs/{rfq.pk}", **bearer(rival.user)).json()["details"]["questions"]
    assert seen[0]["answer"] == "Ra 0,8." and seen[0]["asked_by"] is None


def test_question_after_the_questions_deadline_is_a_409(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    RFQ.objects.filter(pk=rfq.pk).update(questions_deadline=timezone.now() - timedelta(minutes=1))
    response = post(client, f"/api/rfqs/{rfq.pk}/questions", supplier.user, {"text": "Trop tard ?"})
    assert response.status_code == 409
    assert response.json()["code"] == "questions_closed"


def test_question_by_the_buyer_itself_is_a_403(client, buyer):
    rfq = published_rfq_for(buyer)
    response = post(client, f"/api/rfqs/{rfq.pk}/questions", buyer.user, {"text": "Moi-même ?"})
    assert response.status_code == 403


# --- quotes -------------------------------------------------------------------------------------


def test_supplier_saves_a_draft_then_submits_with_exact_decimal_prices(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    draft = post(client, f"/api/rfqs/{rfq.pk}/quotes", supplier.user, {"lines": lines_of(rfq, "0.1"), "submit": False})
    assert draft.status_code == 200, draft.content
    assert draft.json()["status"] == "draft"
    response = submit(client, rfq, supplier, price="12.3456")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["version"] == 1
    assert {line["unit_price"] for line in body["lines"]} == {"12.3456"}
    # 500 × 12.3456 + 200 × 12.3456 = 8641.92
    assert body["total"] == "8641.92"


@pytest.mark.parametrize("price", [12.5, "12,50", "-3", "1e3", ""])
def test_prices_must_be_non_negative_decimal_strings(client, buyer, supplier, price):
    rfq = published_rfq_for(buyer)
    response = post(
        client, f"/api/rfqs/{rfq.pk}/quotes", supplier.user, {"lines": lines_of(rfq, price), "lead_time_days": 30, "submit": True}
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert not Quote.objects.exists()


def test_quote_on_an_unknown_line_is_a_400(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    other = published_rfq_for(buyer)
    lines = lines_of(rfq) + [{"lot_line_id": other.lots.get().lines.first().pk, "unit_price": "1"}]
    response = post(client, f"/api/rfqs/{rfq.pk}/quotes", supplier.user, {"lines": lines, "lead_time_days": 3, "submit": True})
    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == ["lines"]


def test_the_buyer_cannot_quote_on_its_own_rfq(client, buyer):
    rfq = published_rfq_for(buyer)
    response = post(client, f"/api/rfqs/{rfq.pk}/quotes", buyer.user, {"lines": lines_of(rfq), "submit": True})
    assert response.status_code == 403


def test_quote_after_the_deadline_is_a_409(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    close(rfq)
    response = submit(client, rfq, supplier)
    assert response.status_code in (403, 409)
    assert response.json()["code"]
    assert not Quote.objects.exists()


def test_a_free_supplier_past_its_monthly_quota_gets_a_403_with_the_upgrade_path(client, buyer, supplier):
    for _number in range(3):
        assert submit(client, published_rfq_for(buyer), supplier).status_code == 200
    response = submit(client, published_rfq_for(buyer), supplier)
    assert response.status_code == 403
    assert response.json()["code"] == "quota_exceeded"


def test_saving_a_draft_over_a_submitted_quote_is_a_409(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    assert submit(client, rfq, supplier).status_code == 200
    response = post(client, f"/api/rfqs/{rfq.pk}/quotes", supplier.user, {"lines": lines_of(rfq), "submit": False})
    assert response.status_code == 409
    assert response.json()["code"] == "already_submitted"


def test_submitting_again_revises_the_one_live_quote(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    submit(client, rfq, supplier, price="10")
    body = submit(client, rfq, supplier, price="9.50").json()
    assert body["version"] == 2 and body["status"] == "revised"
    assert Quote.objects.filter(rfq=rfq, supplier=supplier.organisation).count() == 1


def test_quotes_are_sealed_for_the_buyer_until_opened_and_rivals_never_see_them(client, buyer, supplier, rival):
    rfq = published_rfq_for(buyer)
    submit(client, rfq, supplier, price="12.50")
    submit(client, rfq, rival, price="11.00")
    url = f"/api/rfqs/{rfq.pk}/quotes"

    before = client.get(url, **bearer(buyer.user))
    assert before.status_code == 403
    assert before.json()["code"] == "sealed" and before.json()["received"] == 2
    assert "scellées" in before.json()["detail"] and "2 offres reçues" in before.json()["detail"]
    assert "12.5" not in before.content.decode()
    detail = client.get(f"/api/rfqs/{rfq.pk}", **bearer(buyer.user)).json()
    assert detail["quotes_received"] == 2 and "12.5" not in str(detail)

    own = client.get(url, **bearer(supplier.user)).json()
    assert [q["supplier"]["id"] for q in own] == [supplier.organisation.pk]
    assert "11.0" not in str(own)

    close(rfq)
    still_sealed = client.get(url, **bearer(buyer.user))
    assert still_sealed.status_code == 403 and "/open" in still_sealed.json()["detail"]

    opened = post(client, f"/api/rfqs/{rfq.pk}/open", buyer.user)
    assert opened.status_code == 200, opened.content
    assert {q["supplier"]["id"] for q in opened.json()} == {supplier.organisation.pk, rival.organisation.pk}
    assert all(q["integrity_ok"] for q in opened.json())

    after = client.get(url, **bearer(buyer.user)).json()
    assert len(after) == 2
    rival_view = client.get(url, **bearer(rival.user)).json()
    assert [q["supplier"]["id"] for q in rival_view] == [rival.organisation.pk]


def test_a_supplier_without_a_quote_sees_an_empty_list(client, buyer, supplier, rival):
    rfq = published_rfq_for(buyer)
    submit(client, rfq, supplier)
    assert client.get(f"/api/rfqs/{rfq.pk}/quotes", **bearer(rival.user)).json() == []


def test_opening_before_the_deadline_is_a_409(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    submit(client, rfq, supplier)
    response = post(client, f"/api/rfqs/{rfq.pk}/open", buyer.user)
    assert response.status_code == 409
    assert response.json()["code"]
    rfq.refresh_from_db()
    assert rfq.is_sealed


def test_a_supplier_cannot_open_the_quotes(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    submit(client, rfq, supplier)
    close(rfq)
    assert post(client, f"/api/rfqs/{rfq.pk}/open", supplier.user).status_code == 403


# --- award --------------------------------------------------------------------------------------


def opened_rfq_with_two_quotes(client, buyer, supplier, rival, lots=None):
    rfq = published_rfq_for(buyer, **({"lots": lots} if lots else {}))
    submit(client, rfq, supplier, price="12.50")
    submit(client, rfq, rival, price="11.00")
    close(rfq)
    quoting.open_quotes(buyer.user, rfq)
    return rfq


def test_award_the_whole_rfq_to_one_quote(client, buyer, supplier, rival):
    rfq = opened_rfq_with_two_quotes(client, buyer, supplier, rival)
    winner = Quote.objects.get(rfq=rfq, supplier=rival.organisation)
    response = post(client, f"/api/rfqs/{rfq.pk}/award", buyer.user, {"quote_id": winner.pk, "note": "Mieux-disant"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "awarded"
    assert body["awards"] == [
        {"lot_id": None, "quote_id": winner.pk, "supplier": {"id": rival.organisation.pk, "name": rival.organisation.name},
         "amount": str(winner.total)}
    ]
    assert Quote.objects.get(rfq=rfq, supplier=supplier.organisation).outcome == Quote.Outcome.UNSUCCESSFUL


def test_award_per_lot(client, buyer, supplier, rival):
    lots = one_lot() + one_lot()
    rfq = opened_rfq_with_two_quotes(client, buyer, supplier, rival, lots=lots)
    first, second = rfq.lots.order_by("number")
    quote_a = Quote.objects.get(rfq=rfq, supplier=supplier.organisation)
    quote_b = Quote.objects.get(rfq=rfq, supplier=rival.organisation)
    response = post(
        client, f"/api/rfqs/{rfq.pk}/award", buyer.user, {"lots": {str(first.pk): quote_a.pk, str(second.pk): quote_b.pk}}
    )
    assert response.status_code == 200, response.content
    assert [(a["lot_id"], a["quote_id"]) for a in response.json()["awards"]] == [(first.pk, quote_a.pk), (second.pk, quote_b.pk)]


def test_award_per_lot_to_a_quote_that_does_not_price_the_lot_is_a_400(client, buyer, supplier, rival):
    rfq = published_rfq_for(buyer, lots=one_lot() + one_lot())
    first_lot_lines = [{"lot_line_id": pk, "unit_price": "5"} for pk in rfq.lots.get(number=1).lines.values_list("pk", flat=True)]
    assert post(client, f"/api/rfqs/{rfq.pk}/quotes", supplier.user,
                {"lines": first_lot_lines, "lead_time_days": 10, "submit": True}).status_code == 200
    submit(client, rfq, rival)
    close(rfq)
    quoting.open_quotes(buyer.user, rfq)
    partial = Quote.objects.get(rfq=rfq, supplier=supplier.organisation)
    second = rfq.lots.get(number=2)
    response = post(client, f"/api/rfqs/{rfq.pk}/award", buyer.user, {"lots": {str(second.pk): partial.pk}})
    assert response.status_code == 400
    assert response.json()["code"]


def test_award_before_opening_is_a_409(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    submit(client, rfq, supplier)
    close(rfq)
    quote = Quote.objects.get(rfq=rfq)
    response = post(client, f"/api/rfqs/{rfq.pk}/award", buyer.user, {"quote_id": quote.pk})
    assert response.status_code == 409
    assert response.json()["code"]
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.CLOSED


@pytest.mark.parametrize("payload", [{}, {"quote_id": 999999}, {"lots": {"999999": 1}}])
def test_award_with_missing_or_unknown_ids_is_a_400(client, buyer, supplier, rival, payload):
    rfq = opened_rfq_with_two_quotes(client, buyer, supplier, rival)
    response = post(client, f"/api/rfqs/{rfq.pk}/award", buyer.user, payload)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_supplier_cannot_award(client, buyer, supplier, rival):
    rfq = opened_rfq_with_two_quotes(client, buyer, supplier, rival)
    quote = Quote.objects.get(rfq=rfq, supplier=supplier.organisation)
    assert post(client, f"/api/rfqs/{rfq.pk}/award", supplier.user, {"quote_id": quote.pk}).status_code == 403


# --- matching -----------------------------------------------------------------------------------


def test_matches_are_for_buyer_members_only(client, buyer, supplier):
    rfq = published_rfq_for(buyer)
    response = client.get(f"/api/rfqs/{rfq.pk}/matches", **bearer(buyer.user))
    assert response.status_code == 200, response.content
    assert isinstance(response.json(), list)
    assert client.get(f"/api/rfqs/{rfq.pk}/matches", **bearer(supplier.user)).status_code == 404


# --- documentation ------------------------------------------------------------------------------


def test_openapi_lists_every_rfq_endpoint_with_a_description(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        ("/api/rfqs", "post"), ("/api/rfqs", "get"), ("/api/rfqs/{rfq_id}", "get"), ("/api/rfqs/{rfq_id}", "patch"),
        ("/api/rfqs/{rfq_id}/publish", "post"), ("/api/rfqs/{rfq_id}/attachments", "post"),
        ("/api/rfqs/{rfq_id}/questions", "post"), ("/api/rfqs/{rfq_id}/quotes", "post"),
        ("/api/rfqs/{rfq_id}/quotes", "get"), ("/api/rfqs/{rfq_id}/open", "post"), ("/api/rfqs/{rfq_id}/award", "post"),
        ("/api/rfqs/{rfq_id}/matches", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["description"], (path, method)
    assert "403" in paths["/api/rfqs/{rfq_id}/quotes"]["get"]["responses"]
    assert "409" in paths["/api/rfqs/{rfq_id}/quotes"]["post"]["responses"]
