"""Read-only queries behind the public and supplier RFQ pages: the public list, a buyer's award
rate and the supplier dashboard. Each returns plain data in a constant number of queries; who
may see what is decided by :mod:`rfq.access`, sealed quote contents never leave :mod:`rfq.quoting`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, DateTimeField, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import access
from .models import RFQ, Lot, Quote, RFQInvitation

LIST_PAGE_SIZE = 20
AWARD_RATE_WINDOW = timedelta(days=365)
DASHBOARD_LIMIT = 50


def open_rfqs_for(organisation, *, text="", sector=None, skill=None, departement=None, place=None):
    """Open RFQs ``organisation`` may see listed (``None``: anonymous, public and confidential
    summaries only), soonest deadline first, filtered by filière, savoir-faire (the skill or one
    of its children) and département of delivery in SQL, then by words and distance with the
    search machinery (:mod:`search.rfq_search`: accents, plurals, taxonomy synonyms; ``place``
    a ``search.rfq_search.Place``, the delivery commune within its radius)."""
    from search.rfq_search import search_rfqs

    rfqs = access.rfqs_visible_to(organisation).open()
    if sector is not None:
        rfqs = rfqs.filter(sector=sector)
    if skill is not None:
        rfqs = rfqs.filter(Q(skills=skill) | Q(skills__parent=skill))
    if departement is not None:
        rfqs = rfqs.filter(delivery_commune__departement=departement)
    # The skill join may repeat a row; filter by primary key to keep one per RFQ and a plain order.
    rfqs = RFQ.objects.filter(pk__in=rfqs.values("pk"))
    if text or place is not None:
        rfqs = RFQ.objects.filter(pk__in=search_rfqs(rfqs, text=text, place=place))
    return rfqs.select_related("buyer", "sector", "delivery_commune__departement").order_by("quote_deadline", "pk")


def buyer_award_rate(organisation, now=None) -> dict:
    """How often ``organisation`` awards what it puts out to tender, over the last 12 months.

    ``closed``: its RFQs that reached their deadline (closed, awarded, unsuccessful, or cancelled
    after closing) with a closing date — or, for rows without one, a deadline — in the window;
    ``awarded``: those awarded; ``rate``: the percentage (``None`` with nothing closed).
    """
    now = now or timezone.now()
    since = now - AWARD_RATE_WINDOW
    reached_deadline = Q(status__in=[RFQ.Status.CLOSED, RFQ.Status.AWARDED, RFQ.Status.UNSUCCESSFUL]) | Q(
        status=RFQ.Status.CANCELLED, closed_at__isnull=False
    )
    counts = (
        RFQ.objects.filter(buyer=organisation)
        .filter(reached_deadline)
        .annotate(closed_on=Coalesce("closed_at", "quote_deadline", output_field=DateTimeField()))
        .filter(closed_on__gte=since, closed_on__lte=now)
        .aggregate(closed=Count("pk"), awarded=Count("pk", filter=Q(status=RFQ.Status.AWARDED)))
    )
    closed, awarded = counts["closed"], counts["awarded"]
    rate = round(awarded * 100 / closed) if closed else None
    return {"closed": closed, "awarded": awarded, "rate": rate}


def questions_for_supplier(rfq, organisation):
    """Answered questions of ``rfq`` (for everyone who sees the details), and the questions
    ``organisation`` asked that still wait for an answer. The asker is never part of the rows
    shown to other suppliers: templates get text, lot and dates only."""
    answered, own_pending = [], []
    for question in rfq.questions.select_related("lot").order_by("asked_at"):
        if question.is_answered:
            answered.append(question)
        elif organisation is not None and question.asked_by_organisation_id == organisation.pk:
            own_pending.append(question)
    return answered, own_pending


def lots_with_lines(rfq):
    return list(Lot.objects.filter(rfq=rfq).prefetch_related("lines", "attachments").order_by("number"))


@dataclass
class SupplierDashboard:
    invitations: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)


def supplier_dashboard(organisation, now=None) -> SupplierDashboard:
    """The supplier's invitations (with their status), its quotes (status, outcome, debrief) and
    the open RFQs it is involved in ordered by deadline. Three queries whatever the volume."""
    now = now or timezone.now()
    invitations = list(
        RFQInvitation.objects.filter(supplier=organisation)
        .exclude(rfq__status=RFQ.Status.DRAFT)
        .select_related("rfq", "rfq__buyer")
        .order_by("-created_at")[:DASHBOARD_LIMIT]
    )
    quotes = list(
        Quote.objects.filter(supplier=organisation)
        .select_related("rfq", "rfq__buyer")
        .prefetch_related(Prefetch("awards", to_attr="won_awards"))
        .order_by("-updated_at")[:DASHBOARD_LIMIT]
    )
    involved = {}
    for invitation in invitations:
        if invitation.status != RFQInvitation.Status.DECLINED:
            involved[invitation.rfq_id] = invitation.rfq
    for quote in quotes:
        if quote.is_live:
            involved[quote.rfq_id] = quote.rfq
    deadlines = sorted(
        (rfq for rfq in involved.values() if rfq.accepts_quotes(now)),
        key=lambda rfq: rfq.quote_deadline,
    )
    return SupplierDashboard(invitations=invitations, quotes=quotes, deadlines=deadlines)


def live_quote_of(rfq, organisation):
    """``organisation``'s live (not withdrawn) quote on ``rfq``, or None."""
    if organisation is None:
        return None
    return (
        Quote.objects.filter(rfq=rfq, supplier=organisation)
        .exclude(status=Quote.Status.WITHDRAWN)
        .prefetch_related("lines", "attachments", "versions")
        .first()
    )


def invitation_of(rfq, organisation):
    if organisation is None:
        return None
    return RFQInvitation.objects.filter(rfq=rfq, supplier=organisation).first()


@dataclass(frozen=True)
class QuoteAnalytics:
    """A supplier's quoting record over the last 12 months (Pro feature, see docs/BILLING.md)."""

    submitted: int
    decided: int
    won: int
    win_rate: int | None  # percent of decided quotes won; None before any decision
    average_gap_percent: Decimal | None  # mean gap to the awarded price on lost quotes (debriefs)


def quote_analytics(organisation, now=None) -> QuoteAnalytics:
    """Submitted quotes of the last 12 months, how many were decided and won, and the mean price
    gap reported by debriefs. Only decided RFQs count towards the win rate; withdrawn quotes and
    drafts never count."""
    now = now or timezone.now()
    rows = list(
        Quote.objects.filter(supplier=organisation, submitted_at__gte=now - timedelta(days=365))
        .exclude(status__in=[Quote.Status.DRAFT, Quote.Status.WITHDRAWN])
        .values_list("outcome", "debrief")
    )
    decided = [outcome for outcome, _debrief in rows if outcome != Quote.Outcome.PENDING]
    won = sum(1 for outcome in decided if outcome in (Quote.Outcome.AWARDED, Quote.Outcome.PARTLY_AWARDED))
    gaps = []
    for _outcome, debrief in rows:
        for value in _debrief_gaps(debrief):
            gaps.append(value)
    return QuoteAnalytics(
        submitted=len(rows),
        decided=len(decided),
        won=won,
        win_rate=round(100 * won / len(decided)) if decided else None,
        average_gap_percent=(sum(gaps) / len(gaps)).quantize(Decimal("0.1")) if gaps else None,
    )


def _debrief_gaps(debrief) -> list[Decimal]:
    """Gap percentages found in a debrief (whole-RFQ or per lot), whatever its exact shape."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("gap_percent", "gap_pct") and item is not None:
                    try:
                        found.append(Decimal(str(item)))
                    except ArithmeticError:
                        pass
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(debrief)
    return found
