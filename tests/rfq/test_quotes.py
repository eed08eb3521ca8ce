"""Supplier side of quotes: drafts, submission, revisions, withdrawal, validation and quota."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import participation, quoting
from rfq.exceptions import RFQError
from rfq.models import RFQ, Quote, QuoteVersion, RFQInvitation
from rfq.quoting import QuoteLineData, quote_content_hash
from tests.rfq.conftest import make_supplier, one_lot, published_rfq_for
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory, pass_deadline, priced_lines

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(party, rfq, price="10.00", **kwargs):
    kwargs.setdefault("lead_time_days", 30)
    lines = kwargs.pop("lines", None) or priced_lines(rfq, price)
    return quoting.submit_quote(party.user, rfq, party.organisation, lines=lines, **kwargs)


def assert_refused(code, call, *args, **kwargs):
    with pytest.raises(RFQError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- submission and versions -----------------------------------------------------------------


def test_first_submission_freezes_a_hashed_version_and_computes_totals(published_rfq, supplier):
    quote = submit(supplier, published_rfq, "12.3456", comments="Acier certifié 3.1")

    assert quote.status == Quote.Status.SUBMITTED
    assert quote.version == 1
    # 500 × 12.3456 = 6172.80 ; 200 × 12.3456 = 2469.12
    assert sorted(quote.lines.values_list("line_total", flat=True)) == [Decimal("2469.12"), Decimal("6172.80")]
    assert quote.total == Decimal("8641.92")
    version = QuoteVersion.objects.get(quote=quote)
    assert version.number == 1 and version.total == Decimal("8641.92")
    canonical = json.dumps(version.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert version.sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest() == quote_content_hash(version.content)
    assert version.content["lines"][0]["unit_price"] == "12.3456"
    assert version.content["comments"] == "Acier certifié 3.1"
    assert version.content["rfq_revision"] == published_rfq.revision
    assert quote.submitted_at is not None and quote.submitted_at <= published_rfq.quote_deadline
    assert AuditEntry.objects.filter(action="quote.submitted", target_id=str(quote.pk)).exists()


def test_line_totals_round_half_up_to_the_cent(buyer, supplier):
    rfq = published_rfq_for(buyer, lots=one_lot(quantity="1.5"))
    quote = submit(supplier, rfq, lines=[QuoteLineData(line.pk, Decimal("0.0300"))
                                         for line in rfq.lots.get().lines.all()])
    totals = dict(quote.lines.values_list("lot_line__quantity", "line_total"))
    # 1.5 × 0.03 = 0.045 → 0.05 (half-even would give 0.04); 200 × 0.03 = 6.00
    assert totals[Decimal("1.500")] == Decimal("0.05")
    assert quote.total == Decimal("6.05")


def test_revision_keeps_every_version_with_its_own_hash(published_rfq, supplier):
    first = submit(supplier, published_rfq, "10.00")
    revised = submit(supplier, published_rfq, "9.50", lead_time_days=20)

    assert revised.pk == first.pk
    assert revised.status == Quote.Status.REVISED
    assert revised.version == 2
    versions = list(QuoteVersion.objects.filter(quote=revised).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].total == Decimal("7000.00") and versions[1].total == Decimal("6650.00")
    assert versions[0].sha256 != versions[1].sha256
    assert all(quote_content_hash(v.content) == v.sha256 for v in versions)
    assert versions[1].content["lead_time_days"] == 20
    assert Notification.objects.filter(kind="quote.revised", recipient=supplier.user).exists()


def test_submission_clears_reconfirmation_and_records_the_rfq_revision(published_rfq, supplier):
    quote = submit(supplier, published_rfq)
    RFQ.objects.filter(pk=published_rfq.pk).update(revision=3)
    Quote.objects.filter(pk=quote.pk).update(needs_reconfirmation=True)
    published_rfq.refresh_from_db()

    quote = submit(supplier, published_rfq)

    assert quote.needs_reconfirmation is False
    assert quote.rfq_revision == 3
    assert quote.versions.get(number=2).content["rfq_revision"] == 3


def test_submission_marks_the_invitation_quoted(buyer, supplier):
    rfq = published_rfq_for(buyer, visibility=RFQ.Visibility.INVITED)
    participation.invite_suppliers(buyer.user, rfq, [supplier.organisation])

    submit(supplier, rfq)

    assert RFQInvitation.objects.get(rfq=rfq, supplier=supplier.organisation).status == RFQInvitation.Status.QUOTED


def test_french_decimal_comma_is_accepted_in_a_price(published_rfq, supplier):
    lines = [QuoteLineData(line.lot_line_id, "12,5") for line in priced_lines(published_rfq)]
    quote = submit(supplier, published_rfq, lines=lines)
    assert quote.total == Decimal("8750.00")


# --- drafts ----------------------------------------------------------------------------------


def test_draft_may_be_partial_and_becomes_the_submitted_quote(buyer, supplier):
    rfq = published_rfq_for(buyer)
    first_line = priced_lines(rfq)[:1]
    draft = quoting.save_quote_draft(supplier.user, rfq, supplier.organisation, lines=first_line)

    assert draft.status == Quote.Status.DRAFT and draft.version == 0
    assert draft.lines.count() == 1
    assert not QuoteVersion.objects.filter(quote=draft).exists()

    quote = submit(supplier, rfq)
    assert quote.pk == draft.pk
    assert quote.status == Quote.Status.SUBMITTED and quote.version == 1
    assert quote.lines.count() == 2


def test_draft_is_refused_once_the_quote_is_submitted(published_rfq, supplier):
    submit(supplier, published_rfq)
    error = assert_refused("already_submitted", quoting.save_quote_draft, supplier.user, published_rfq,
                           supplier.organisation, lines=priced_lines(published_rfq, "1.00"))
    assert "révisée" in error.message


def test_draft_is_refused_after_the_deadline(published_rfq, supplier):
    pass_deadline(published_rfq, close=False)
    assert_refused("deadline_passed", quoting.save_quote_draft, supplier.user, published_rfq, supplier.organisation,
                   lines=[])


# --- refusals: who and when ------------------------------------------------------------------


def test_submission_after_the_deadline_is_refused_with_the_paris_deadline(published_rfq, supplier):
    pass_deadline(published_rfq, close=False)
    error = assert_refused("deadline_passed", submit, supplier, published_rfq)
    paris = timezone.localtime(published_rfq.quote_deadline, quoting.PARIS).strftime("%d/%m/%Y %H:%M")
    assert paris in error.message
    assert not Quote.objects.filter(rfq=published_rfq).exists()


def test_submission_to_a_closed_rfq_is_refused(published_rfq, supplier):
    pass_deadline(published_rfq)
    assert published_rfq.status == RFQ.Status.CLOSED
    assert_refused("deadline_passed", submit, supplier, published_rfq)


def test_submission_to_a_draft_rfq_is_refused(draft_rfq, supplier):
    assert_refused("not_open", submit, supplier, draft_rfq)


def test_user_outside_the_supplier_organisation_cannot_submit_for_it(published_rfq, supplier, other_supplier):
    with pytest.raises(RFQError) as caught:
        quoting.submit_quote(other_supplier.user, published_rfq, supplier.organisation,
                             lines=priced_lines(published_rfq), lead_time_days=10)
    assert caught.value.code == "not_member"


def test_buyer_cannot_quote_on_its_own_rfq(buyer, published_rfq):
    with pytest.raises(RFQError) as caught:
        quoting.submit_quote(buyer.user, published_rfq, buyer.organisation, lines=priced_lines(published_rfq),
                             lead_time_days=10)
    assert caught.value.code == "cannot_quote"


def test_supplier_not_invited_cannot_quote_on_an_invitation_only_rfq(buyer, supplier):
    rfq = published_rfq_for(buyer, visibility=RFQ.Visibility.INVITED)
    assert_refused("cannot_quote", submit, supplier, rfq)


def test_second_live_quote_for_the_same_supplier_is_refused_by_the_database(published_rfq, supplier):
    submit(supplier, published_rfq)
    # The service finds the live quote and revises it; a second row can only come from a race,
    # which the partial unique constraint stops and the service reports as duplicate_quote.
    with pytest.raises(RFQError) as caught, transaction.atomic():
        quoting._new_quote(supplier.user, published_rfq, supplier.organisation)
    assert caught.value.code == "duplicate_quote"
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(rfq=published_rfq, supplier=supplier.organisation, status=Quote.Status.DRAFT)


# --- refusals: content -----------------------------------------------------------------------


@pytest.mark.parametrize("price", ["-1", "abc", "12.34567", "NaN", "Infinity", "", None, "1e3x", True])
def test_malformed_negative_or_too_precise_prices_are_refused(published_rfq, supplier, price):
    lines = priced_lines(published_rfq)
    lines[0] = QuoteLineData(lines[0].lot_line_id, price)
    assert_refused("invalid_price", submit, supplier, published_rfq, lines=lines)
    assert not Quote.objects.filter(rfq=published_rfq).exists()


def test_price_with_four_decimals_is_accepted_and_trailing_zeros_do_not_count(published_rfq, supplier):
    lines = [QuoteLineData(line.lot_line_id, Decimal("0.123400")) for line in priced_lines(published_rfq)]
    quote = submit(supplier, published_rfq, lines=lines)
    assert set(quote.lines.values_list("unit_price", flat=True)) == {Decimal("0.1234")}


def test_line_of_another_rfq_is_refused(published_rfq, supplier):
    other = PublishedRFQFactory()
    lines = priced_lines(published_rfq) + priced_lines(other)[:1]
    assert_refused("unknown_line", submit, supplier, published_rfq, lines=lines)


def test_line_priced_twice_is_refused(published_rfq, supplier):
    lines = priced_lines(published_rfq)
    assert_refused("invalid_lines", submit, supplier, published_rfq, lines=lines + lines[:1])


def test_partly_priced_lot_is_refused(published_rfq, supplier):
    error = assert_refused("partial_lot", submit, supplier, published_rfq, lines=priced_lines(published_rfq)[:1])
    assert "entièrement" in error.message


def test_quote_may_price_some_lots_only(buyer, supplier):
    rfq = published_rfq_for(buyer, lots=one_lot() + one_lot())
    quote = submit(supplier, rfq, lines=priced_lines(rfq, lots=[2]))
    assert quote.total == Decimal("7000.00")
    assert set(quote.lines.values_list("lot_line__lot__number", flat=True)) == {2}


def test_quote_without_any_priced_line_is_refused(published_rfq, supplier):
    assert_refused("no_lines", quoting.submit_quote, supplier.user, published_rfq, supplier.organisation, lines=[],
                   lead_time_days=10)


@pytest.mark.parametrize("lead_time", [None, 0, -3, "deux", 2.5])
def test_missing_or_invalid_lead_time_is_refused(published_rfq, supplier, lead_time):
    assert_refused("invalid_lead_time", submit, supplier, published_rfq, lead_time_days=lead_time)


def test_validity_date_in_the_past_is_refused(published_rfq, supplier):
    yesterday = timezone.localdate() - timedelta(days=1)
    assert_refused("invalid_validity", submit, supplier, published_rfq, valid_until=yesterday)


def test_refused_revision_leaves_the_submitted_version_untouched(published_rfq, supplier):
    quote = submit(supplier, published_rfq, "10.00")
    bad = priced_lines(published_rfq, "8.00")
    bad[1] = QuoteLineData(bad[1].lot_line_id, "-2")
    assert_refused("invalid_price", submit, supplier, published_rfq, lines=bad)

    quote.refresh_from_db()
    assert quote.version == 1 and quote.total == Decimal("7000.00")
    assert set(quote.lines.values_list("unit_price", flat=True)) == {Decimal("10.0000")}


# --- withdrawal ------------------------------------------------------------------------------


def test_withdrawn_quote_frees_the_supplier_to_submit_a_fresh_one(published_rfq, supplier):
    quote = submit(supplier, published_rfq)
    withdrawn = quoting.withdraw_quote(supplier.user, quote)
    assert withdrawn.status == Quote.Status.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert Notification.objects.filter(kind="quote.withdrawn", recipient=supplier.user).exists()

    fresh = submit(supplier, published_rfq, "9.00")
    assert fresh.pk != quote.pk
    assert fresh.status == Quote.Status.SUBMITTED and fresh.version == 1
    assert quoting.submitted_quote_count(published_rfq) == 1


def test_withdrawal_after_the_deadline_is_refused(published_rfq, supplier):
    quote = submit(supplier, published_rfq)
    pass_deadline(published_rfq)
    assert_refused("deadline_passed", quoting.withdraw_quote, supplier.user, quote)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SUBMITTED


def test_only_members_of_the_supplier_may_withdraw_its_quote(published_rfq, supplier, other_supplier, buyer):
    quote = submit(supplier, published_rfq)
    assert_refused("not_member", quoting.withdraw_quote, other_supplier.user, quote)
    assert_refused("not_member", quoting.withdraw_quote, buyer.user, quote)


def test_withdrawing_twice_is_refused(published_rfq, supplier):
    quote = quoting.withdraw_quote(supplier.user, submit(supplier, published_rfq))
    assert_refused("not_live", quoting.withdraw_quote, supplier.user, quote)


# --- attachments -----------------------------------------------------------------------------


def test_attachments_are_checked_stored_and_hashed_into_the_version(published_rfq, supplier):
    upload = SimpleUploadedFile("C:\\Users\\moi\\devis.pdf", PDF, content_type="application/octet-stream")
    quote = submit(supplier, published_rfq, attachments=[upload])

    attachment = quote.attachments.get()
    assert attachment.original_name == "devis.pdf"
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert quote.versions.get().content["attachments"] == [
        {"name": "devis.pdf", "sha256": attachment.sha256, "size": len(PDF)}
    ]

    revised = submit(supplier, published_rfq, remove_attachment_ids=[attachment.pk])
    assert not revised.attachments.exists()
    assert revised.versions.get(number=2).content["attachments"] == []


def test_disguised_file_is_refused_and_nothing_is_saved(published_rfq, supplier):
    upload = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    assert_refused("file_type", submit, supplier, published_rfq, attachments=[upload])
    assert not Quote.objects.filter(rfq=published_rfq).exists()


# --- quota -----------------------------------------------------------------------------------


def test_free_plan_at_its_monthly_limit_cannot_submit_a_new_quote(published_rfq, supplier):
    for _ in range(3):
        SubmittedQuoteFactory(supplier=supplier.organisation)

    error = assert_refused("quota_exceeded", submit, supplier, published_rfq)
    assert "/abonnement/" in error.message
    assert not Quote.objects.filter(rfq=published_rfq).exists()


def test_revisions_do_not_count_against_the_monthly_quota(published_rfq, supplier):
    for _ in range(2):
        SubmittedQuoteFactory(supplier=supplier.organisation)
    submit(supplier, published_rfq)  # the third of the month

    revised = submit(supplier, published_rfq, "9.00")
    assert revised.version == 2


def test_quotes_first_submitted_last_month_do_not_count(published_rfq, supplier):
    for _ in range(3):
        old = SubmittedQuoteFactory(supplier=supplier.organisation)
        old.versions.update(submitted_at=timezone.now() - timedelta(days=40))
    assert submit(supplier, published_rfq).version == 1


def test_other_organisations_quotes_do_not_use_this_ones_quota(published_rfq, supplier):
    other = make_supplier()
    for _ in range(3):
        SubmittedQuoteFactory(supplier=other.organisation)
    assert submit(supplier, published_rfq).status == Quote.Status.SUBMITTED
