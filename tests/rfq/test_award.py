"""Award (whole RFQ or per lot), unsuccessful RFQs and debriefs to unsuccessful suppliers."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import quoting
from rfq.exceptions import RFQError
from rfq.models import RFQ, Award, Lot, Quote, QuoteLine
from tests.rfq.conftest import add_member, make_supplier, one_lot, published_rfq_for
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory, pass_deadline, priced_lines


def submit(party, rfq, price="10.00", *, lots=None, lead_time_days=30):
    return quoting.submit_quote(party.user, rfq, party.organisation, lines=priced_lines(rfq, price, lots=lots),
                                lead_time_days=lead_time_days)


def refused(code, call, *args, **kwargs):
    with pytest.raises(RFQError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


@pytest.fixture
def three_quotes(buyer, published_rfq):
    """An opened RFQ (one lot of 500 + 200 pieces) with quotes at 10, 11 and 12 € per piece."""
    parties = [make_supplier() for _ in range(3)]
    quotes = [submit(party, published_rfq, price) for party, price in zip(parties, ["10.00", "11.00", "12.00"])]
    pass_deadline(published_rfq)
    quoting.open_quotes(buyer.user, published_rfq)
    return parties, quotes


@pytest.fixture
def two_lots(buyer):
    """An opened RFQ of two lots: A prices both (10 €, 20 €), B lot 1 at 9 €, C lot 2 at 25 €."""
    rfq = published_rfq_for(buyer, lots=one_lot() + one_lot())
    a, b, c = make_supplier(), make_supplier(), make_supplier()
    quoting.submit_quote(a.user, rfq, a.organisation, lead_time_days=20,
                         lines=priced_lines(rfq, "10.00", lots=[1]) + priced_lines(rfq, "20.00", lots=[2]))
    submit(b, rfq, "9.00", lots=[1])
    submit(c, rfq, "25.00", lots=[2])
    pass_deadline(rfq)
    quoting.open_quotes(buyer.user, rfq)
    quotes = {name: Quote.objects.get(rfq=rfq, supplier=party.organisation) for name, party in zip("abc", (a, b, c))}
    return rfq, {"a": a, "b": b, "c": c}, quotes


# --- award -----------------------------------------------------------------------------------


def test_whole_rfq_award_sets_outcomes_and_tells_every_supplier(buyer, published_rfq, three_quotes):
    parties, quotes = three_quotes
    awards = quoting.award(buyer.user, published_rfq, {None: quotes[1]}, note="Meilleur délai")

    assert len(awards) == 1
    award = Award.objects.get()
    assert award.lot is None and award.quote == quotes[1] and award.amount == Decimal("7700.00")
    published_rfq.refresh_from_db()
    assert published_rfq.status == RFQ.Status.AWARDED and published_rfq.awarded_at is not None
    outcomes = {q.pk: q.outcome for q in Quote.objects.all()}
    assert outcomes == {quotes[0].pk: Quote.Outcome.UNSUCCESSFUL, quotes[1].pk: Quote.Outcome.AWARDED,
                        quotes[2].pk: Quote.Outcome.UNSUCCESSFUL}
    assert Notification.objects.get(recipient=parties[1].user, kind="quote.awarded").params["amount"] == "7700.00"
    for loser in (parties[0], parties[2]):
        notification = Notification.objects.get(recipient=loser.user, kind="quote.unsuccessful")
        assert parties[1].organisation.name not in json.dumps(notification.params)
    assert AuditEntry.objects.get(action="rfq.awarded").data["awards"] == [
        {"lot": None, "quote": quotes[1].pk, "amount": "7700.00"}
    ]


def test_per_lot_award_gives_partly_awarded_and_lot_amounts(buyer, two_lots):
    rfq, parties, quotes = two_lots
    lot1, lot2 = Lot.objects.filter(rfq=rfq).order_by("number")

    quoting.award(buyer.user, rfq, {lot1.pk: quotes["b"], lot2.pk: quotes["a"]})

    amounts = {award.lot.number: (award.quote_id, award.amount) for award in Award.objects.select_related("lot")}
    assert amounts == {1: (quotes["b"].pk, Decimal("6300.00")), 2: (quotes["a"].pk, Decimal("14000.00"))}
    outcomes = {name: Quote.objects.get(pk=q.pk).outcome for name, q in quotes.items()}
    assert outcomes == {"a": Quote.Outcome.PARTLY_AWARDED, "b": Quote.Outcome.AWARDED,
                        "c": Quote.Outcome.UNSUCCESSFUL}
    partly = Notification.objects.get(recipient=parties["a"].user, kind="quote.partly_awarded")
    assert "Lot 2" in partly.params["lots"] and partly.params["amount"] == "14000.00"
    assert Notification.objects.filter(recipient=parties["c"].user, kind="quote.unsuccessful").exists()


def test_award_before_opening_is_refused(buyer, supplier, published_rfq):
    quote = submit(supplier, published_rfq)
    refused("not_opened", quoting.award, buyer.user, published_rfq, {None: quote})
    pass_deadline(published_rfq)
    refused("not_opened", quoting.award, buyer.user, published_rfq, {None: quote})
    assert not Award.objects.exists()


def test_only_buyer_members_may_award(buyer, published_rfq, three_quotes):
    parties, quotes = three_quotes
    refused("not_buyer", quoting.award, parties[0].user, published_rfq, {None: quotes[0]})
    quoting.award(add_member(buyer.organisation), published_rfq, {None: quotes[0]})


def test_tampered_quote_cannot_be_awarded(buyer, supplier, other_supplier, published_rfq):
    tampered = submit(supplier, published_rfq, "10.00")
    intact = submit(other_supplier, published_rfq, "11.00")
    pass_deadline(published_rfq)
    QuoteLine.objects.filter(quote=tampered).update(line_total=Decimal("1.00"))
    quoting.open_quotes(buyer.user, published_rfq)

    error = refused("tampered", quoting.award, buyer.user, published_rfq, {None: tampered})
    assert "intégrité" in error.message
    quoting.award(buyer.user, published_rfq, {None: intact})


def test_withdrawn_draft_and_foreign_quotes_cannot_be_awarded(buyer, supplier, other_supplier, published_rfq):
    withdrawn = quoting.withdraw_quote(supplier.user, submit(supplier, published_rfq))
    third = make_supplier()
    draft = quoting.save_quote_draft(third.user, published_rfq, third.organisation, lines=priced_lines(published_rfq))
    submit(other_supplier, published_rfq)
    foreign = SubmittedQuoteFactory(rfq=PublishedRFQFactory())
    pass_deadline(published_rfq)
    quoting.open_quotes(buyer.user, published_rfq)

    refused("not_submitted", quoting.award, buyer.user, published_rfq, {None: withdrawn})
    refused("not_submitted", quoting.award, buyer.user, published_rfq, {None: draft})
    refused("unknown_quote", quoting.award, buyer.user, published_rfq, {None: foreign})
    assert not Award.objects.exists()


def test_lot_must_be_priced_entirely_by_the_awarded_quote(buyer, two_lots):
    rfq, _parties, quotes = two_lots
    lot1, lot2 = Lot.objects.filter(rfq=rfq).order_by("number")
    refused("incomplete_quote", quoting.award, buyer.user, rfq, {lot2.pk: quotes["b"]})
    refused("incomplete_quote", quoting.award, buyer.user, rfq, {None: quotes["b"]})
    other_lot = Lot.objects.exclude(rfq=rfq).first() or PublishedRFQFactory().lots.get()
    refused("unknown_lot", quoting.award, buyer.user, rfq, {other_lot.pk: quotes["a"]})
    refused("invalid_award", quoting.award, buyer.user, rfq, {None: quotes["a"], lot1.pk: quotes["b"]})
    refused("invalid_award", quoting.award, buyer.user, rfq, {})
    rfq.refresh_from_db()
    assert rfq.status == RFQ.Status.CLOSED and not Award.objects.exists()


def test_rfq_cannot_be_awarded_twice(buyer, published_rfq, three_quotes):
    _parties, quotes = three_quotes
    quoting.award(buyer.user, published_rfq, {None: quotes[0]})
    refused("wrong_state", quoting.award, buyer.user, published_rfq, {None: quotes[1]})
    assert Award.objects.count() == 1


# --- unsuccessful ----------------------------------------------------------------------------


def test_closed_rfq_may_be_declared_unsuccessful_and_suppliers_are_told(buyer, supplier, published_rfq):
    quote = submit(supplier, published_rfq)
    pass_deadline(published_rfq)

    rfq = quoting.declare_unsuccessful(buyer.user, published_rfq, "Budget dépassé par toutes les offres")

    assert rfq.status == RFQ.Status.UNSUCCESSFUL
    quote.refresh_from_db()
    assert quote.outcome == Quote.Outcome.UNSUCCESSFUL
    notification = Notification.objects.get(recipient=supplier.user, kind="rfq.declared_unsuccessful")
    assert notification.params["reason"] == "Budget dépassé par toutes les offres"
    assert AuditEntry.objects.filter(action="rfq.declared_unsuccessful", target_id=str(rfq.pk)).exists()


def test_opened_rfq_may_be_declared_unsuccessful(buyer, published_rfq, three_quotes):
    rfq = quoting.declare_unsuccessful(buyer.user, published_rfq, "Aucune offre conforme")
    assert rfq.status == RFQ.Status.UNSUCCESSFUL


def test_declaring_unsuccessful_is_refused_while_open_after_award_without_reason_or_role(
    buyer, published_rfq, three_quotes
):
    parties, quotes = three_quotes
    refused("reason_required", quoting.declare_unsuccessful, buyer.user, published_rfq, "  ")
    refused("not_buyer", quoting.declare_unsuccessful, parties[0].user, published_rfq, "Motif")
    quoting.award(buyer.user, published_rfq, {None: quotes[0]})
    refused("wrong_state", quoting.declare_unsuccessful, buyer.user, published_rfq, "Motif")
    still_open = published_rfq_for(buyer)
    refused("wrong_state", quoting.declare_unsuccessful, buyer.user, still_open, "Motif")


# --- debriefs --------------------------------------------------------------------------------


def test_debrief_gives_rank_and_gap_without_naming_the_winner(buyer, published_rfq, three_quotes):
    parties, quotes = three_quotes
    # The buyer picks the 11 € quote (best lead time, say): the 10 € one is ranked 1st but lost.
    quoting.award(buyer.user, published_rfq, {None: quotes[1]})

    assert quoting.send_debriefs(buyer.user, published_rfq) == 2

    cheapest = Quote.objects.get(pk=quotes[0].pk).debrief
    dearest = Quote.objects.get(pk=quotes[2].pk).debrief
    assert cheapest["entries"] == [{"lot": None, "rank": 1, "of": 3, "gap_eur": "-700.00", "gap_percent": "-9.1"}]
    assert dearest["entries"] == [{"lot": None, "rank": 3, "of": 3, "gap_eur": "700.00", "gap_percent": "9.1"}]
    assert Quote.objects.get(pk=quotes[1].pk).debrief is None
    winner = parties[1].organisation
    for loser in (parties[0], parties[2]):
        quote = Quote.objects.get(supplier=loser.organisation)
        notification = Notification.objects.get(recipient=loser.user, kind="quote.debrief")
        dumped = json.dumps(quote.debrief) + json.dumps(notification.params) + notification.title + notification.body
        assert winner.name not in dumped and winner.slug not in dumped
        assert set(quote.debrief) == {"kind", "entries", "sent_at"}
        assert {key for entry in quote.debrief["entries"] for key in entry} == {"lot", "rank", "of", "gap_eur",
                                                                               "gap_percent"}


def test_debriefs_are_sent_once(buyer, published_rfq, three_quotes):
    _parties, quotes = three_quotes
    quoting.award(buyer.user, published_rfq, {None: quotes[0]})
    assert quoting.send_debriefs(buyer.user, published_rfq) == 2
    assert quoting.send_debriefs(buyer.user, published_rfq) == 0
    assert Notification.objects.filter(kind="quote.debrief").count() == 2


def test_per_lot_debrief_ranks_each_lost_lot(buyer, two_lots):
    rfq, _parties, quotes = two_lots
    lot1, lot2 = Lot.objects.filter(rfq=rfq).order_by("number")
    quoting.award(buyer.user, rfq, {lot1.pk: quotes["b"], lot2.pk: quotes["a"]})

    assert quoting.send_debriefs(buyer.user, rfq) == 1  # only C lost everything

    debrief = Quote.objects.get(pk=quotes["c"].pk).debrief
    assert debrief["kind"] == "lots"
    # C: lot 2 at 25 € → 17500.00 vs A's 14000.00 awarded; 2nd of 2.
    assert debrief["entries"] == [{"lot": 2, "lot_title": lot2.title, "rank": 2, "of": 2, "gap_eur": "3500.00",
                                   "gap_percent": "25.0"}]


def test_debriefs_need_an_award_and_the_buyer(buyer, published_rfq, three_quotes):
    parties, quotes = three_quotes
    refused("wrong_state", quoting.send_debriefs, buyer.user, published_rfq)
    quoting.award(buyer.user, published_rfq, {None: quotes[0]})
    refused("not_buyer", quoting.send_debriefs, parties[1].user, published_rfq)
