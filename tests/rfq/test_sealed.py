"""Sealed quotes: nobody but the quoting supplier sees a quote until the buyer opens them after
the deadline; opening re-checks every hash."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import comparison, quoting
from rfq.exceptions import RFQError
from rfq.models import RFQ, Quote, QuoteLine
from tests.factories import UserFactory
from tests.rfq.conftest import add_member, make_supplier
from tests.rfq.factories import pass_deadline, priced_lines

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(party, rfq, price="10.00", **kwargs):
    return quoting.submit_quote(party.user, rfq, party.organisation, lines=priced_lines(rfq, price),
                                lead_time_days=kwargs.pop("lead_time_days", 30), **kwargs)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


# --- before opening --------------------------------------------------------------------------


def test_buyer_sees_only_a_count_before_opening(buyer, supplier, other_supplier, published_rfq):
    submit(supplier, published_rfq)
    submit(other_supplier, published_rfq)
    drafting = make_supplier()
    quoting.save_quote_draft(drafting.user, published_rfq, drafting.organisation, lines=priced_lines(published_rfq))

    assert quoting.submitted_quote_count(published_rfq) == 2
    assert not quoting.visible_quotes_for(buyer.user, buyer.organisation, published_rfq).exists()
    assert not quoting.visible_quotes_for(buyer.user, None, published_rfq).exists()


def test_buyer_still_sees_nothing_after_closing_until_opening(buyer, supplier, published_rfq):
    submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    assert published_rfq.status == RFQ.Status.CLOSED
    assert not quoting.visible_quotes_for(buyer.user, buyer.organisation, published_rfq).exists()


def test_quoting_supplier_sees_its_own_quote_and_rival_sees_nothing(supplier, other_supplier, published_rfq):
    mine = submit(supplier, published_rfq)
    rival = submit(other_supplier, published_rfq, "8.00")

    assert list(quoting.visible_quotes_for(supplier.user, supplier.organisation, published_rfq)) == [mine]
    assert list(quoting.visible_quotes_for(other_supplier.user, other_supplier.organisation, published_rfq)) == [rival]
    # A user claiming an organisation it does not belong to sees nothing.
    assert not quoting.visible_quotes_for(other_supplier.user, supplier.organisation, published_rfq).exists()


def test_rival_supplier_never_sees_another_quote_even_after_opening(buyer, supplier, other_supplier, published_rfq):
    submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    quoting.open_quotes(buyer.user, published_rfq)

    assert not quoting.visible_quotes_for(other_supplier.user, other_supplier.organisation, published_rfq).exists()


def test_staff_see_no_quote_before_opening(staff, supplier, published_rfq):
    submit(supplier, published_rfq)
    assert not quoting.visible_quotes_for(staff, None, published_rfq).exists()
    pass_deadline(published_rfq)
    assert not quoting.visible_quotes_for(staff, None, published_rfq).exists()


def test_anonymous_visitor_sees_no_quote(supplier, published_rfq):
    from django.contrib.auth.models import AnonymousUser

    submit(supplier, published_rfq)
    assert not quoting.visible_quotes_for(AnonymousUser(), supplier.organisation, published_rfq).exists()


def test_comparison_and_export_are_refused_before_opening(buyer, supplier, published_rfq):
    submit(supplier, published_rfq)
    for call in (lambda: comparison.comparison_for(published_rfq),
                 lambda: comparison.export_comparison(published_rfq, "csv"),
                 lambda: comparison.export_comparison(published_rfq, "xlsx")):
        with pytest.raises(RFQError) as caught:
            call()
        assert caught.value.code == "sealed"
    pass_deadline(published_rfq)
    with pytest.raises(RFQError) as caught:
        comparison.comparison_for(published_rfq)
    assert caught.value.code == "sealed"


def test_comparison_reads_the_opening_from_the_database_not_from_a_stale_instance(buyer, supplier, published_rfq):
    submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    forged = RFQ.objects.get(pk=published_rfq.pk)
    forged.opened_at = forged.closed_at  # set in memory only
    with pytest.raises(RFQError):
        comparison.comparison_for(forged)
    assert not quoting.visible_quotes_for(buyer.user, buyer.organisation, forged).exists()


def test_quotes_cannot_be_opened_before_the_deadline(buyer, supplier, published_rfq):
    submit(supplier, published_rfq)
    with pytest.raises(RFQError) as caught:
        quoting.open_quotes(buyer.user, published_rfq)
    assert caught.value.code == "sealed"
    assert "scellées" in caught.value.message
    published_rfq.refresh_from_db()
    assert published_rfq.opened_at is None


def test_notifications_to_the_buyer_before_the_deadline_carry_no_price_nor_supplier(
    buyer, supplier, published_rfq, django_capture_on_commit_callbacks
):
    supplier.organisation.name = "Usinage Rival Secret SARL"
    supplier.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(supplier, published_rfq, "12.3456", comments="Remise spéciale 7 %")
    with django_capture_on_commit_callbacks(execute=True):
        submit(supplier, published_rfq, "11.1111")  # a revision: the buyer hears nothing more

    to_buyer = Notification.objects.filter(recipient=buyer.user)
    assert [n.kind for n in to_buyer] == ["quote.received"]
    received = to_buyer.get()
    assert set(received.params) == {"reference", "title", "deadline", "count"}
    assert received.params["count"] == 1
    dumped = json.dumps(received.params, ensure_ascii=False) + received.title + received.body
    buyer_mail = [m for m in mail.outbox if buyer.user.email in m.to]
    assert buyer_mail, "the buyer is told by email that a quote arrived"
    for message in buyer_mail:
        dumped += message.subject + message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
    for secret in ("Usinage Rival Secret", "12.3456", "12,3456", "6172", "8641", "11.1111", "Remise spéciale"):
        assert secret not in dumped
    # The supplier's own receipt names its version and hash, never the price either.
    receipt = Notification.objects.get(recipient=supplier.user, kind="quote.submitted")
    assert receipt.params["sha256"] == Quote.objects.get().versions.get(number=1).sha256
    assert "12.3456" not in json.dumps(receipt.params)


def test_audit_of_a_submission_keeps_the_hash_not_the_prices(supplier, published_rfq):
    quote = submit(supplier, published_rfq, "12.3456")
    entry = AuditEntry.objects.get(action="quote.submitted", target_id=str(quote.pk))
    assert entry.data["sha256"] == quote.versions.get().sha256
    assert "12.3456" not in json.dumps(entry.data) and "8641" not in json.dumps(entry.data)


# --- opening ---------------------------------------------------------------------------------


def test_opening_reveals_submitted_quotes_to_the_buyer_and_records_who_opened(
    buyer, supplier, other_supplier, published_rfq
):
    first = submit(supplier, published_rfq)
    withdrawn = quoting.withdraw_quote(other_supplier.user, submit(other_supplier, published_rfq))
    pass_deadline(published_rfq)

    opened = quoting.open_quotes(buyer.user, published_rfq)

    assert opened == [first]
    published_rfq.refresh_from_db()
    assert published_rfq.opened_by == buyer.user and published_rfq.opened_at is not None
    visible = quoting.visible_quotes_for(buyer.user, buyer.organisation, published_rfq)
    assert list(visible) == [first]
    assert withdrawn not in visible
    entry = AuditEntry.objects.get(action="rfq.quotes_opened")
    assert entry.data["quote_count"] == 1 and entry.data["integrity_failures"] == 0
    assert Notification.objects.filter(kind="quote.opened", recipient=supplier.user).exists()
    assert not Notification.objects.filter(kind="quote.opened", recipient=other_supplier.user).exists()


def test_opening_closes_a_published_rfq_whose_deadline_passed(buyer, supplier, published_rfq):
    submit(supplier, published_rfq)
    pass_deadline(published_rfq, close=False)
    quoting.open_quotes(buyer.user, published_rfq)
    published_rfq.refresh_from_db()
    assert published_rfq.status == RFQ.Status.CLOSED and published_rfq.opened_at is not None


def test_only_buyer_members_may_open_and_only_once(buyer, supplier, staff, published_rfq):
    submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    for intruder in (supplier.user, staff):
        with pytest.raises(RFQError) as caught:
            quoting.open_quotes(intruder, published_rfq)
        assert caught.value.code == "not_buyer"
    quoting.open_quotes(add_member(buyer.organisation), published_rfq)
    with pytest.raises(RFQError) as caught:
        quoting.open_quotes(buyer.user, published_rfq)
    assert caught.value.code == "already_opened"


def test_cancelled_rfq_cannot_be_opened(buyer, supplier, published_rfq):
    from rfq import services

    submit(supplier, published_rfq)
    services.cancel_rfq(buyer.user, published_rfq, "Projet abandonné")
    with pytest.raises(RFQError) as caught:
        quoting.open_quotes(buyer.user, published_rfq)
    assert caught.value.code == "wrong_state"


def test_staff_see_quotes_only_once_opened(buyer, supplier, staff, published_rfq):
    quote = submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    quoting.open_quotes(buyer.user, published_rfq)
    assert list(quoting.visible_quotes_for(staff, None, published_rfq)) == [quote]


# --- integrity -------------------------------------------------------------------------------


def test_intact_quotes_pass_the_integrity_check(buyer, supplier, other_supplier, published_rfq):
    submit(supplier, published_rfq, attachments=[SimpleUploadedFile("offre.pdf", PDF)])
    submit(other_supplier, published_rfq, "9.00")
    submit(other_supplier, published_rfq, "8.00")  # revised: the latest version is checked
    pass_deadline(published_rfq)

    quotes = quoting.open_quotes(buyer.user, published_rfq)

    assert [q.integrity_ok for q in quotes] == [True, True]
    assert all(q.integrity_checked_at is not None for q in quotes)


def test_opening_detects_a_quote_line_changed_after_submission(buyer, supplier, other_supplier, published_rfq):
    tampered = submit(supplier, published_rfq, "10.00")
    intact = submit(other_supplier, published_rfq, "11.00")
    pass_deadline(published_rfq)
    QuoteLine.objects.filter(quote=tampered).update(unit_price=Decimal("1.0000"))

    quoting.open_quotes(buyer.user, published_rfq)

    tampered.refresh_from_db()
    intact.refresh_from_db()
    assert tampered.integrity_ok is False
    assert intact.integrity_ok is True
    assert AuditEntry.objects.get(action="rfq.quotes_opened").data["failed_quote_ids"] == [tampered.pk]


def test_opening_detects_a_total_or_lead_time_changed_after_submission(buyer, supplier, other_supplier, published_rfq):
    one = submit(supplier, published_rfq)
    two = submit(other_supplier, published_rfq)
    pass_deadline(published_rfq)
    Quote.objects.filter(pk=one.pk).update(total=Decimal("1.00"))
    Quote.objects.filter(pk=two.pk).update(lead_time_days=2)

    quoting.open_quotes(buyer.user, published_rfq)

    assert set(Quote.objects.values_list("integrity_ok", flat=True)) == {False}


def test_opening_detects_a_rewritten_version(buyer, supplier, published_rfq):
    quote = submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    version = quote.versions.get()
    version.content["comments"] = "ajouté après coup"
    version.save()

    quoting.open_quotes(buyer.user, published_rfq)
    quote.refresh_from_db()
    assert quote.integrity_ok is False


def test_opening_detects_an_attachment_file_changed_in_storage(buyer, supplier, published_rfq):
    quote = submit(supplier, published_rfq, attachments=[SimpleUploadedFile("offre.pdf", PDF)])
    pass_deadline(published_rfq)
    attachment = quote.attachments.get()
    storage = attachment.file.storage
    name = attachment.file.name
    storage.delete(name)
    storage.save(name, ContentFile(PDF.replace(b"1.4", b"1.7")))
    assert storage.exists(name)

    quoting.open_quotes(buyer.user, published_rfq)
    quote.refresh_from_db()
    assert quote.integrity_ok is False


def test_opening_detects_a_missing_attachment_file(buyer, supplier, published_rfq):
    quote = submit(supplier, published_rfq, attachments=[SimpleUploadedFile("offre.pdf", PDF)])
    pass_deadline(published_rfq)
    attachment = quote.attachments.get()
    attachment.file.storage.delete(attachment.file.name)

    quoting.open_quotes(buyer.user, published_rfq)
    quote.refresh_from_db()
    assert quote.integrity_ok is False
