"""Factories for RFQ tests. They build rows directly, for tests of one layer (views, API,
comparison) that need an RFQ in a given state; tests of transitions go through the services.

``PublishedRFQFactory`` gives a public RFQ of a buyer organisation (with an owner user), one lot
of two lines, deadline in 7 days. ``SubmittedQuoteFactory`` prices every line of the RFQ.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from rfq.models import RFQ, Lot, LotLine, Quote, QuoteLine, QuoteVersion
from rfq.quoting import quote_content, quote_content_hash
from tests.factories import MembershipFactory, OrganisationFactory


def buyer_with_owner():
    """A buyer organisation and its owner user."""
    membership = MembershipFactory(organisation=OrganisationFactory(is_supplier=False, is_buyer=True))
    return membership.organisation, membership.user


def supplier_with_owner():
    membership = MembershipFactory(organisation=OrganisationFactory(is_supplier=True))
    return membership.organisation, membership.user


class RFQFactory(factory.django.DjangoModelFactory):
    """A draft RFQ (no lots: add them with LotFactory or use PublishedRFQFactory)."""

    class Meta:
        model = RFQ

    buyer = factory.SubFactory(OrganisationFactory, is_supplier=False, is_buyer=True)
    title = factory.Sequence(lambda n: f"Usinage de pièces de série {n}")
    summary = "Pièces usinées en inox 316L, séries de 500."
    description = "<p>Pièces usinées en <strong>inox 316L</strong>, tolérances ±0,02 mm.</p>"
    quote_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    questions_deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    status = RFQ.Status.DRAFT


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    rfq = factory.SubFactory(RFQFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lot {n + 1}")


class LotLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LotLine

    lot = factory.SubFactory(LotFactory)
    number = factory.Sequence(lambda n: n + 1)
    part = factory.Sequence(lambda n: f"Axe usiné Ø{10 + n % 40} mm")
    quantity = Decimal("500")


class PublishedRFQFactory(RFQFactory):
    class Meta:
        skip_postgeneration_save = True

    status = RFQ.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lots(obj, create, extracted, **kwargs):
        if not create:
            return
        count = extracted if isinstance(extracted, int) else 1
        for number in range(1, count + 1):
            lot = LotFactory(rfq=obj, number=number, title=f"Lot {number}")
            LotLineFactory(lot=lot, number=1, quantity=Decimal("500"))
            LotLineFactory(lot=lot, number=2, quantity=Decimal("200"))


class SubmittedQuoteFactory(factory.django.DjangoModelFactory):
    """A submitted quote pricing every line at ``unit_price`` (default 10.00 €), with its version."""

    class Meta:
        model = Quote
        skip_postgeneration_save = True

    rfq = factory.SubFactory(PublishedRFQFactory)
    supplier = factory.SubFactory(OrganisationFactory, is_supplier=True)
    status = Quote.Status.SUBMITTED
    lead_time_days = 30
    version = 1
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def unit_price(obj, create, extracted, **kwargs):
        if not create:
            return
        price = Decimal(extracted) if extracted is not None else Decimal("10.00")
        total = Decimal("0.00")
        for line in LotLine.objects.filter(lot__rfq=obj.rfq):
            line_total = (line.quantity * price).quantize(Decimal("0.01"))
            QuoteLine.objects.create(quote=obj, lot_line=line, unit_price=price, line_total=line_total)
            total += line_total
        obj.total = total
        obj.rfq_revision = obj.rfq.revision
        obj.save()
        # The same canonical content and hash as rfq.quoting.submit_quote, so opening finds it intact.
        content = quote_content(obj)
        QuoteVersion.objects.create(
            quote=obj,
            number=obj.version,
            content=content,
            sha256=quote_content_hash(content),
            total=total,
            submitted_at=obj.submitted_at,
        )


# --- helpers for tests going through rfq.quoting ---------------------------------------------


def priced_lines(rfq, price="10.00", *, lots=None):
    """QuoteLineData pricing every line of ``rfq`` (or of the lots numbered in ``lots``)."""
    from rfq.quoting import QuoteLineData

    lines = LotLine.objects.filter(lot__rfq=rfq).order_by("lot__number", "number")
    if lots is not None:
        lines = lines.filter(lot__number__in=lots)
    return [QuoteLineData(lot_line_id=line.pk, unit_price=Decimal(price)) for line in lines]


def pass_deadline(rfq, *, close=True):
    """Move the deadline into the past (as if time passed) and, with ``close``, run the closing."""
    from rfq.services import close_rfq

    RFQ.objects.filter(pk=rfq.pk).update(quote_deadline=timezone.now() - timedelta(minutes=1),
                                         questions_deadline=timezone.now() - timedelta(hours=1))
    rfq.refresh_from_db()
    if close:
        close_rfq(rfq)
        rfq.refresh_from_db()
    return rfq
