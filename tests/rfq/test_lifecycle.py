"""The RFQ life cycle through its services: create, edit, publish, close, cancel."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import participation, services, signals, tasks
from rfq.exceptions import RFQError
from rfq.models import RFQ, LotLine, Quote, QuoteLine
from rfq.services import LineData, LotData
from tests.rfq.conftest import add_member, draft_rfq_for, make_supplier, one_lot, published_rfq_for, quote_from_new_supplier
from tests.search.factories import SkillFactory

pytestmark = pytest.mark.django_db


def past_deadline(rfq, minutes=1):
    """Move a published RFQ's deadline into the past, as time passing would."""
    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=timezone.now() - timedelta(minutes=minutes),
                                         questions_deadline=None)
    rfq.refresh_from_db()


def audit_actions(rfq):
    return list(AuditEntry.objects.filter(target_type="rfq.rfq", target_id=str(rfq.pk)).order_by("pk").values_list("action", flat=True))


def notified(kind, organisation=None):
    rows = Notification.objects.filter(kind=kind)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return rows


# --- create --------------------------------------------------------------------------------------


def test_buyer_member_creates_draft_with_lots_and_sanitised_description(buyer):
    rfq = draft_rfq_for(buyer, description='<p onclick="x()">Plan <script>alert(1)</script><strong>joint</strong></p>')

    assert rfq.status == RFQ.Status.DRAFT
    assert rfq.created_by == buyer.user
    assert "script" not in rfq.description and "onclick" not in rfq.description
    assert "<strong>joint</strong>" in rfq.description
    lines = LotLine.objects.filter(lot__rfq=rfq).order_by("number")
    assert [(line.part, line.quantity) for line in lines] == [("Axe Ø20 inox 316L", Decimal("500")), ("Bague", Decimal("200"))]
    assert audit_actions(rfq) == ["rfq.created"]


def test_lots_may_be_given_as_plain_dicts(buyer):
    rfq = draft_rfq_for(buyer, lots=[{"title": "Tôlerie", "lines": [{"part": "Capot", "quantity": "12.5", "unit": "kg"}]}])

    line = LotLine.objects.get(lot__rfq=rfq)
    assert (line.quantity, line.unit) == (Decimal("12.500"), "kg")


def test_supplier_organisation_cannot_create_an_rfq(supplier):
    with pytest.raises(RFQError) as error:
        services.create_rfq(supplier.user, supplier.organisation, title="Achat", lots=one_lot())
    assert error.value.code == "not_buyer"
    assert not RFQ.objects.exists()


def test_user_outside_the_buyer_cannot_create_an_rfq_for_it(buyer, supplier):
    with pytest.raises(RFQError) as error:
        services.create_rfq(supplier.user, buyer.organisation, title="Achat")
    assert error.value.code == "not_buyer"


def test_budget_minimum_above_maximum_is_refused(buyer):
    with pytest.raises(RFQError) as error:
        draft_rfq_for(buyer, budget_min=Decimal("5000"), budget_max=Decimal("1000"))
    assert error.value.code == "bad_budget"


def test_malformed_budget_is_refused_with_a_clear_message(buyer):
    with pytest.raises(RFQError) as error:
        draft_rfq_for(buyer, budget_max="beaucoup")
    assert error.value.code == "bad_budget"
    assert "montant" in error.value.message


@pytest.mark.parametrize("quantity", ["0", "-3", "abc", "NaN", "1.0001"])
def test_zero_negative_or_malformed_quantity_is_refused(buyer, quantity):
    with pytest.raises(RFQError) as error:
        draft_rfq_for(buyer, lots=[LotData(title="Lot", lines=[LineData(part="Axe", quantity=quantity)])])
    assert error.value.code == "bad_quantity"
    assert "Lot 1, ligne 1" in error.value.message
    assert not RFQ.objects.exists()


def test_questions_deadline_after_quote_deadline_is_refused(buyer):
    with pytest.raises(RFQError) as error:
        draft_rfq_for(buyer, quote_deadline=timezone.now() + timedelta(days=3),
                      questions_deadline=timezone.now() + timedelta(days=4))
    assert error.value.code == "bad_deadlines"


def test_deadline_in_the_past_is_refused(buyer):
    with pytest.raises(RFQError) as error:
        draft_rfq_for(buyer, quote_deadline=timezone.now() - timedelta(hours=1), questions_deadline=None)
    assert error.value.code == "deadline_past"


# --- publish -------------------------------------------------------------------------------------


def test_publishing_sets_published_at_audits_and_sends_the_signal_after_commit(buyer, django_capture_on_commit_callbacks):
    rfq = draft_rfq_for(buyer)
    received = []

    def receiver(sender, rfq, **kwargs):
        received.append(rfq.pk)

    signals.rfq_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.publish_rfq(buyer.user, rfq)
            assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.rfq_published.disconnect(receiver)

    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.PUBLISHED
    assert rfq.published_at is not None
    assert received == [rfq.pk]
    assert audit_actions(rfq) == ["rfq.created", "rfq.published"]


def test_publishing_refuses_an_rfq_without_any_line(buyer):
    rfq = draft_rfq_for(buyer, lots=[LotData(title="Vide")])
    with pytest.raises(RFQError) as error:
        services.publish_rfq(buyer.user, rfq)
    assert error.value.code == "lots_required"
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.DRAFT


def test_publishing_refuses_a_deadline_less_than_an_hour_away(buyer):
    rfq = draft_rfq_for(buyer, quote_deadline=timezone.now() + timedelta(minutes=50), questions_deadline=None)
    with pytest.raises(RFQError) as error:
        services.publish_rfq(buyer.user, rfq)
    assert error.value.code == "deadline_too_soon"
    assert "une heure" in error.value.message


def test_publishing_refuses_an_rfq_without_deadline(buyer):
    rfq = draft_rfq_for(buyer, quote_deadline=None, questions_deadline=None)
    with pytest.raises(RFQError) as error:
        services.publish_rfq(buyer.user, rfq)
    assert error.value.code == "deadline_too_soon"


def test_confidential_rfq_needs_an_nda_text_to_be_published(buyer):
    rfq = draft_rfq_for(buyer, visibility=RFQ.Visibility.CONFIDENTIAL)
    with pytest.raises(RFQError) as error:
        services.publish_rfq(buyer.user, rfq)
    assert error.value.code == "nda_required"

    services.update_rfq(buyer.user, rfq, nda_text="Le fournisseur garde le dossier confidentiel.")
    assert services.publish_rfq(buyer.user, rfq).status == RFQ.Status.PUBLISHED


def test_only_a_draft_can_be_published(published_rfq, buyer):
    with pytest.raises(RFQError) as error:
        services.publish_rfq(buyer.user, published_rfq)
    assert error.value.code == "not_draft"


def test_supplier_cannot_publish_a_buyers_rfq(draft_rfq, supplier):
    with pytest.raises(RFQError) as error:
        services.publish_rfq(supplier.user, draft_rfq)
    assert error.value.code == "not_buyer"
    draft_rfq.refresh_from_db()
    assert draft_rfq.status == RFQ.Status.DRAFT


def test_any_member_of_the_buyer_may_publish(buyer):
    member = add_member(buyer.organisation)
    rfq = draft_rfq_for(buyer)
    assert services.publish_rfq(member, rfq).status == RFQ.Status.PUBLISHED


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_publishing_schedules_the_close_task_at_the_deadline(buyer, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    rfq = draft_rfq_for(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_rfq(buyer.user, rfq)

    scheduled = DBTaskResult.objects.get(task_path="rfq.tasks.close_rfq")
    assert scheduled.run_after == rfq.quote_deadline
    assert scheduled.args_kwargs["args"] == [rfq.pk]


def test_immediate_task_backend_does_not_close_at_publication(buyer, django_capture_on_commit_callbacks):
    rfq = draft_rfq_for(buyer)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_rfq(buyer.user, rfq)
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.PUBLISHED


# --- editing -------------------------------------------------------------------------------------


def test_supplier_cannot_edit_an_rfq(published_rfq, supplier):
    with pytest.raises(RFQError) as error:
        services.update_rfq(supplier.user, published_rfq, title="Détourné")
    assert error.value.code == "not_buyer"
    published_rfq.refresh_from_db()
    assert published_rfq.title == "Usinage d'axes inox"


def test_editing_a_draft_does_not_bump_the_revision(draft_rfq, buyer):
    services.update_rfq(buyer.user, draft_rfq, lots=one_lot("800"), skills=[SkillFactory()])
    draft_rfq.refresh_from_db()
    assert draft_rfq.revision == 0
    assert LotLine.objects.get(lot__rfq=draft_rfq, number=1).quantity == Decimal("800")


def test_fixing_a_typo_in_the_title_after_publishing_does_not_mark_quotes(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    services.update_rfq(buyer.user, published_rfq, title="Usinage d'axes en inox")

    quote.refresh_from_db()
    published_rfq.refresh_from_db()
    assert published_rfq.title == "Usinage d'axes en inox"
    assert published_rfq.revision == 0
    assert quote.needs_reconfirmation is False
    assert not notified("rfq.changed").exists()


def test_changing_lines_after_publishing_marks_submitted_quotes_and_notifies_their_suppliers(
    published_rfq, buyer, django_capture_on_commit_callbacks
):
    submitted = quote_from_new_supplier(published_rfq)
    revised = quote_from_new_supplier(published_rfq, status=Quote.Status.REVISED)
    withdrawn = quote_from_new_supplier(published_rfq, status=Quote.Status.WITHDRAWN)
    draft = quote_from_new_supplier(published_rfq, status=Quote.Status.DRAFT)
    submitted_owner = add_member(submitted.supplier)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.update_rfq(buyer.user, published_rfq, lots=one_lot("750"))

    published_rfq.refresh_from_db()
    assert published_rfq.revision == 1
    marks = {q.pk: q.needs_reconfirmation for q in Quote.objects.filter(rfq=published_rfq)}
    assert marks == {submitted.pk: True, revised.pk: True, withdrawn.pk: False, draft.pk: False}
    changed = notified("rfq.changed")
    assert set(changed.values_list("organisation", flat=True)) == {submitted.supplier_id, revised.supplier_id}
    assert submitted_owner.email in [m.to[0] for m in mail.outbox]
    assert changed.first().params["reference"] == published_rfq.reference
    entry = AuditEntry.objects.filter(action="rfq.updated").get()
    assert entry.data["material"] is True and entry.data["fields"] == ["lots"]


def test_unchanged_lines_keep_the_prices_of_submitted_quotes(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    lots = one_lot()
    lots[0].lines = [*lots[0].lines, LineData(part="Entretoise", quantity=Decimal("40"))]

    services.update_rfq(buyer.user, published_rfq, lots=lots)

    assert QuoteLine.objects.filter(quote=quote).count() == 2
    assert LotLine.objects.filter(lot__rfq=published_rfq).count() == 3


def test_sending_the_same_lots_again_is_not_a_material_change(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    services.update_rfq(buyer.user, published_rfq, lots=one_lot())
    quote.refresh_from_db()
    published_rfq.refresh_from_db()
    assert (published_rfq.revision, quote.needs_reconfirmation) == (0, False)


def test_adding_a_required_skill_after_publishing_is_a_material_change(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    services.update_rfq(buyer.user, published_rfq, skills=[SkillFactory()])
    quote.refresh_from_db()
    assert quote.needs_reconfirmation is True


def test_shortening_the_deadline_is_material_but_extending_it_is_not(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    later = published_rfq.quote_deadline + timedelta(days=3)
    services.update_rfq(buyer.user, published_rfq, quote_deadline=later)
    quote.refresh_from_db()
    assert quote.needs_reconfirmation is False
    assert notified("rfq.deadline_extended", quote.supplier).exists()

    services.update_rfq(buyer.user, published_rfq, quote_deadline=timezone.now() + timedelta(days=6))
    quote.refresh_from_db()
    published_rfq.refresh_from_db()
    assert quote.needs_reconfirmation is True
    assert published_rfq.revision == 1


def test_an_edit_in_the_last_24_hours_pushes_the_deadline_to_24_hours_after_it(published_rfq, buyer):
    quote = quote_from_new_supplier(published_rfq)
    RFQ.objects.filter(pk=published_rfq.pk).update(quote_deadline=timezone.now() + timedelta(hours=2), questions_deadline=None)
    before = timezone.now()

    services.update_rfq(buyer.user, published_rfq, summary="Précision : finition brute.")

    published_rfq.refresh_from_db()
    assert published_rfq.quote_deadline >= before + timedelta(hours=24)
    assert published_rfq.quote_deadline <= timezone.now() + timedelta(hours=24)
    assert notified("rfq.deadline_extended", quote.supplier).exists()
    quote.refresh_from_db()
    assert quote.needs_reconfirmation is False  # a summary is not material


def test_an_edit_well_before_the_deadline_leaves_it_alone(published_rfq, buyer):
    deadline = published_rfq.quote_deadline
    services.update_rfq(buyer.user, published_rfq, summary="Autre résumé")
    published_rfq.refresh_from_db()
    assert published_rfq.quote_deadline == deadline


def test_update_refuses_a_deadline_in_the_past(published_rfq, buyer):
    with pytest.raises(RFQError) as error:
        services.update_rfq(buyer.user, published_rfq, quote_deadline=timezone.now() - timedelta(minutes=5))
    assert error.value.code == "deadline_past"


def test_update_refuses_an_unknown_field(draft_rfq, buyer):
    with pytest.raises(TypeError):
        services.update_rfq(buyer.user, draft_rfq, status="awarded")


def test_closed_rfq_cannot_be_edited(published_rfq, buyer):
    past_deadline(published_rfq)
    services.close_rfq(published_rfq)
    with pytest.raises(RFQError) as error:
        services.update_rfq(buyer.user, published_rfq, title="Trop tard")
    assert error.value.code == "not_editable"


def test_published_rfq_past_its_deadline_cannot_be_edited_before_the_sweep(published_rfq, buyer):
    past_deadline(published_rfq)
    with pytest.raises(RFQError) as error:
        services.update_rfq(buyer.user, published_rfq, title="Trop tard")
    assert error.value.code == "deadline_passed"


# --- closing -------------------------------------------------------------------------------------


def test_closing_before_the_deadline_does_nothing(published_rfq):
    services.close_rfq(published_rfq)
    published_rfq.refresh_from_db()
    assert published_rfq.status == RFQ.Status.PUBLISHED
    assert not notified("rfq.closed_buyer").exists()


def test_closing_after_the_deadline_tells_the_buyer_a_count_and_quoting_suppliers_it_closed(
    published_rfq, buyer, django_capture_on_commit_callbacks
):
    quotes = [quote_from_new_supplier(published_rfq, unit_price="12.34"), quote_from_new_supplier(published_rfq)]
    quote_from_new_supplier(published_rfq, status=Quote.Status.WITHDRAWN)
    past_deadline(published_rfq)
    mail.outbox.clear()
    closed = []
    signals.rfq_closed.connect(receiver := lambda sender, rfq, quote_count, **kw: closed.append(quote_count))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.close_rfq(published_rfq)
    finally:
        signals.rfq_closed.disconnect(receiver)

    assert published_rfq.status == RFQ.Status.CLOSED
    assert published_rfq.closed_at is not None
    to_buyer = notified("rfq.closed_buyer").get()
    assert to_buyer.recipient == buyer.user
    assert to_buyer.params["count"] == 2
    assert "12.34" not in str(to_buyer.params) and "6170" not in str(to_buyer.params)
    suppliers = set(notified("rfq.closed_supplier").values_list("organisation", flat=True))
    assert suppliers == {q.supplier_id for q in quotes}
    assert buyer.user.email in [m.to[0] for m in mail.outbox]
    assert all("12,34" not in m.body and "12.34" not in m.body for m in mail.outbox)
    assert closed == [2]
    assert "rfq.closed" in audit_actions(published_rfq)


def test_closing_twice_closes_once(published_rfq):
    past_deadline(published_rfq)
    services.close_rfq(published_rfq)
    first_closed_at = published_rfq.closed_at
    services.close_rfq(published_rfq)

    published_rfq.refresh_from_db()
    assert published_rfq.closed_at == first_closed_at
    assert audit_actions(published_rfq).count("rfq.closed") == 1
    assert notified("rfq.closed_buyer").count() == 1


def test_rfq_with_no_quote_still_closes(published_rfq):
    past_deadline(published_rfq)
    services.close_rfq(published_rfq)
    assert published_rfq.status == RFQ.Status.CLOSED
    assert notified("rfq.closed_buyer").get().params["count"] == 0


def test_close_compares_with_the_given_clock(published_rfq):
    services.close_rfq(published_rfq, now=published_rfq.quote_deadline - timedelta(seconds=1))
    assert published_rfq.status == RFQ.Status.PUBLISHED
    services.close_rfq(published_rfq, now=published_rfq.quote_deadline)
    assert published_rfq.status == RFQ.Status.CLOSED


def test_close_task_is_a_no_op_before_the_deadline_and_closes_after_it(published_rfq):
    assert tasks.close_rfq.call(published_rfq.pk) is False
    published_rfq.refresh_from_db()
    assert published_rfq.status == RFQ.Status.PUBLISHED

    past_deadline(published_rfq)
    result = tasks.close_rfq.enqueue(published_rfq.pk)  # run at once by the test backend
    assert result.return_value is True
    assert tasks.close_rfq.call(published_rfq.pk) is False  # a second run changes nothing
    published_rfq.refresh_from_db()
    assert published_rfq.status == RFQ.Status.CLOSED


def test_close_task_ignores_a_deleted_rfq(db):
    assert tasks.close_rfq.call(987654) is False


def test_close_due_rfqs_command_closes_only_due_rfqs_and_is_idempotent(buyer):
    due = published_rfq_for(buyer)
    not_due = published_rfq_for(buyer)
    draft = draft_rfq_for(buyer)
    past_deadline(due)
    RFQ.objects.filter(pk=draft.pk).update(quote_deadline=timezone.now() - timedelta(hours=1), questions_deadline=None)

    out = StringIO()
    call_command("close_due_rfqs", stdout=out)
    assert out.getvalue().startswith("1 ")
    statuses = dict(RFQ.objects.values_list("pk", "status"))
    assert statuses == {due.pk: "closed", not_due.pk: "published", draft.pk: "draft"}

    out = StringIO()
    call_command("close_due_rfqs", stdout=out)
    assert out.getvalue().startswith("0 ")
    assert notified("rfq.closed_buyer").count() == 1


# --- cancelling ----------------------------------------------------------------------------------


def test_cancelling_requires_a_reason(published_rfq, buyer):
    with pytest.raises(RFQError) as error:
        services.cancel_rfq(buyer.user, published_rfq, "   ")
    assert error.value.code == "reason_required"
    published_rfq.refresh_from_db()
    assert published_rfq.status == RFQ.Status.PUBLISHED


def test_cancelling_a_published_rfq_tells_everyone_concerned(published_rfq, buyer, django_capture_on_commit_callbacks):
    invited = make_supplier()
    declined_but_invited = make_supplier()
    participation.invite_suppliers(buyer.user, published_rfq, [invited.organisation, declined_but_invited.organisation])
    quoting = quote_from_new_supplier(published_rfq)
    bystander = make_supplier()
    Notification.objects.all().delete()
    cancelled = []
    signals.rfq_cancelled.connect(receiver := lambda sender, rfq, reason, **kw: cancelled.append(reason))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.cancel_rfq(buyer.user, published_rfq, "Projet reporté à 2026.")
    finally:
        signals.rfq_cancelled.disconnect(receiver)

    assert published_rfq.status == RFQ.Status.CANCELLED
    assert published_rfq.cancel_reason == "Projet reporté à 2026."
    organisations = set(notified("rfq.cancelled").values_list("organisation", flat=True))
    assert organisations == {buyer.organisation.pk, invited.organisation.pk, declined_but_invited.organisation.pk,
                             quoting.supplier_id}
    assert bystander.organisation.pk not in organisations
    assert notified("rfq.cancelled").first().params["reason"] == "Projet reporté à 2026."
    assert cancelled == ["Projet reporté à 2026."]
    assert AuditEntry.objects.get(action="rfq.cancelled").data["reason"] == "Projet reporté à 2026."


def test_a_draft_can_be_cancelled_without_telling_suppliers(draft_rfq, buyer):
    invited = make_supplier()
    participation.invite_suppliers(buyer.user, draft_rfq, [invited.organisation])
    services.cancel_rfq(buyer.user, draft_rfq, "Doublon")
    assert draft_rfq.status == RFQ.Status.CANCELLED
    assert not notified("rfq.cancelled", invited.organisation).exists()


def test_a_closed_rfq_without_award_can_be_cancelled(published_rfq, buyer):
    past_deadline(published_rfq)
    services.close_rfq(published_rfq)
    services.cancel_rfq(buyer.user, published_rfq, "Budget supprimé")
    assert published_rfq.status == RFQ.Status.CANCELLED


@pytest.mark.parametrize("status", [RFQ.Status.AWARDED, RFQ.Status.CANCELLED, RFQ.Status.UNSUCCESSFUL])
def test_finished_rfqs_cannot_be_cancelled(published_rfq, buyer, status):
    RFQ.objects.filter(pk=published_rfq.pk).update(status=status)
    with pytest.raises(RFQError) as error:
        services.cancel_rfq(buyer.user, published_rfq, "Trop tard")
    assert error.value.code == "not_cancellable"


def test_supplier_cannot_cancel_a_buyers_rfq(published_rfq, supplier):
    with pytest.raises(RFQError) as error:
        services.cancel_rfq(supplier.user, published_rfq, "Sabotage")
    assert error.value.code == "not_buyer"


def test_an_edit_form_may_send_back_a_questions_deadline_already_passed(published_rfq, buyer):
    passed = timezone.now() - timedelta(hours=1)
    RFQ.objects.filter(pk=published_rfq.pk).update(questions_deadline=passed)
    published_rfq.refresh_from_db()

    services.update_rfq(buyer.user, published_rfq, title="Usinage d'axes (inox)", questions_deadline=published_rfq.questions_deadline,
                        quote_deadline=published_rfq.quote_deadline)
    published_rfq.refresh_from_db()
    assert published_rfq.title == "Usinage d'axes (inox)"

    with pytest.raises(RFQError) as error:
        services.update_rfq(buyer.user, published_rfq, questions_deadline=passed - timedelta(minutes=1))
    assert error.value.code == "deadline_past"


def test_notifications_link_to_the_rfq_page(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    assert Notification.objects.get(kind="rfq.published_invited").url == f"/consultations/{published_rfq.reference}/"
