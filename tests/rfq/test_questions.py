"""Questions and answers: suppliers ask before the questions deadline, the buyer answers for
everyone, and no other supplier learns who asked."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import access, participation
from rfq.exceptions import RFQError
from rfq.models import RFQ, Question
from tests.rfq.conftest import make_supplier, published_rfq_for, quote_from_new_supplier

pytestmark = pytest.mark.django_db


def test_supplier_asks_and_the_buyer_is_notified(published_rfq, buyer, supplier):
    question = participation.ask_question(supplier.user, published_rfq, supplier.organisation, "  Tolérance sur Ø20 ?  ")

    assert question.text == "Tolérance sur Ø20 ?"
    assert (question.asked_by, question.asked_by_organisation) == (supplier.user, supplier.organisation)
    notification = Notification.objects.get(kind="rfq.question_asked")
    assert notification.recipient == buyer.user
    assert AuditEntry.objects.filter(action="rfq.question_asked").exists()


def test_question_after_the_questions_deadline_is_refused(published_rfq, supplier):
    RFQ.objects.filter(pk=published_rfq.pk).update(questions_deadline=timezone.now() - timedelta(minutes=1))
    published_rfq.refresh_from_db()
    with pytest.raises(RFQError) as error:
        participation.ask_question(supplier.user, published_rfq, supplier.organisation, "Encore une ?")
    assert error.value.code == "questions_closed"
    assert not Question.objects.exists()


def test_empty_question_is_refused(published_rfq, supplier):
    with pytest.raises(RFQError) as error:
        participation.ask_question(supplier.user, published_rfq, supplier.organisation, "   ")
    assert error.value.code == "text_required"


def test_supplier_without_access_to_the_details_cannot_ask(buyer, supplier):
    confidential = published_rfq_for(buyer, visibility=RFQ.Visibility.CONFIDENTIAL, nda_text="Confidentiel.")
    with pytest.raises(RFQError) as error:
        participation.ask_question(supplier.user, confidential, supplier.organisation, "Quel matériau ?")
    assert error.value.code == "no_access"

    participation.accept_nda(supplier.user, confidential, supplier.organisation)
    assert participation.ask_question(supplier.user, confidential, supplier.organisation, "Quel matériau ?").pk


def test_buyer_cannot_ask_its_own_rfq_a_question(published_rfq, buyer):
    with pytest.raises(RFQError) as error:
        participation.ask_question(buyer.user, published_rfq, buyer.organisation, "Test ?")
    assert error.value.code == "not_supplier"


def test_answer_reaches_every_supplier_concerned_without_naming_the_asker(
    published_rfq, buyer, supplier, django_capture_on_commit_callbacks
):
    quoting = quote_from_new_supplier(published_rfq)
    invited = make_supplier()
    participation.invite_suppliers(buyer.user, published_rfq, [invited.organisation])
    question = participation.ask_question(supplier.user, published_rfq, supplier.organisation, "Finition ?")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answered = participation.answer_question(buyer.user, question, "Brut d'usinage, Ra 1,6.")

    assert answered.is_answered and answered.answered_by == buyer.user
    rows = Notification.objects.filter(kind="rfq.question_answered")
    assert set(rows.values_list("organisation", flat=True)) == {supplier.organisation.pk, quoting.supplier_id, invited.organisation.pk}
    asker_name = supplier.organisation.name
    for row in rows:
        assert asker_name not in str(row.params) and asker_name not in row.title and asker_name not in row.body
    assert mail.outbox and all(asker_name not in m.body and asker_name not in m.subject for m in mail.outbox)


def test_other_suppliers_see_the_answer_but_not_who_asked(published_rfq, buyer, supplier, other_supplier):
    question = participation.ask_question(supplier.user, published_rfq, supplier.organisation, "Finition ?")
    participation.answer_question(buyer.user, question, "Brute.")

    [seen_by_other] = access.visible_questions(other_supplier.user, other_supplier.organisation, published_rfq)
    assert seen_by_other["answer"] == "Brute."
    assert seen_by_other["asked_by_organisation"] is None and seen_by_other["mine"] is False
    [seen_by_asker] = access.visible_questions(supplier.user, supplier.organisation, published_rfq)
    assert seen_by_asker["mine"] is True
    [seen_by_buyer] = access.visible_questions(buyer.user, buyer.organisation, published_rfq)
    assert seen_by_buyer["asked_by_organisation"] == supplier.organisation


def test_questions_of_a_confidential_rfq_stay_hidden_without_the_nda(buyer, supplier, other_supplier):
    confidential = published_rfq_for(buyer, visibility=RFQ.Visibility.CONFIDENTIAL, nda_text="Confidentiel.")
    participation.accept_nda(supplier.user, confidential, supplier.organisation)
    question = participation.ask_question(supplier.user, confidential, supplier.organisation, "Finition ?")
    participation.answer_question(buyer.user, question, "Brute.")

    assert access.visible_questions(other_supplier.user, other_supplier.organisation, confidential) == []
    assert not Notification.objects.filter(kind="rfq.question_answered", organisation=other_supplier.organisation).exists()


def test_supplier_cannot_answer(published_rfq, supplier, other_supplier):
    question = participation.ask_question(supplier.user, published_rfq, supplier.organisation, "Finition ?")
    with pytest.raises(RFQError) as error:
        participation.answer_question(other_supplier.user, question, "Je sais !")
    assert error.value.code == "not_buyer"
    question.refresh_from_db()
    assert not question.is_answered


def test_empty_answer_is_refused(published_rfq, buyer, supplier):
    question = participation.ask_question(supplier.user, published_rfq, supplier.organisation, "Finition ?")
    with pytest.raises(RFQError) as error:
        participation.answer_question(buyer.user, question, " ")
    assert error.value.code == "answer_required"


def test_answering_after_the_rfq_closed_is_refused(published_rfq, buyer, supplier):
    question = participation.ask_question(supplier.user, published_rfq, supplier.organisation, "Finition ?")
    RFQ.objects.filter(pk=published_rfq.pk).update(status=RFQ.Status.CLOSED)
    with pytest.raises(RFQError) as error:
        participation.answer_question(buyer.user, question, "Trop tard")
    assert error.value.code == "not_open"
