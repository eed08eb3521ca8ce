"""What an organisation's plan lets it do — the one place the rest of the site asks.

``entitlements_for(organisation)`` reads the local subscription records (one or two queries,
no cache, never a call to Stripe) and answers with an :class:`Entitlements`:

- its own subscription that grants its plan (active, trialing, or past due within the grace
  period) → that plan, ``source="subscription"``;
- otherwise a Pro seat assigned by a cluster whose sponsorship grants its plan → Pro,
  ``source="sponsored"``;
- otherwise Free, ``source="free"``.

Subscriptions backed by Stripe count only while billing is configured (``STRIPE_SECRET_KEY``);
local grants (no Stripe subscription id: offered by staff, demo data) always count.

Callers that enforce a limit use :func:`check_quote_quota`; see docs/BILLING.md for the contract.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _

from . import stripe_client
from .models import Plan, SeatAssignment, Subscription

FREE_MONTHLY_QUOTE_LIMIT = 3
# Multiplier of a Pro supplier's relevance score in search: enough to order near-equal matches,
# never enough to lift a poor match above a good one (see docs/BILLING.md).
PRO_SEARCH_BOOST = 1.1

Source = Literal["subscription", "sponsored", "free"]


@dataclass(frozen=True)
class Entitlements:
    plan_kind: str
    is_pro: bool
    monthly_quote_limit: int | None  # None: unlimited
    instant_alerts: bool  # False: alerts arrive in the daily digest
    search_boost: float  # 1.0: no boost
    analytics: bool
    source: Source


FREE = Entitlements(
    plan_kind=Plan.Kind.FREE,
    is_pro=False,
    monthly_quote_limit=FREE_MONTHLY_QUOTE_LIMIT,
    instant_alerts=False,
    search_boost=1.0,
    analytics=False,
    source="free",
)


def _pro(source: Source) -> Entitlements:
    return Entitlements(
        plan_kind=Plan.Kind.PRO,
        is_pro=True,
        monthly_quote_limit=None,
        instant_alerts=True,
        search_boost=PRO_SEARCH_BOOST,
        analytics=True,
        source=source,
    )


def _counts(subscription: Subscription | None, now=None) -> bool:
    if subscription is None or not subscription.grants_plan(now):
        return False
    return subscription.is_local_grant or stripe_client.is_configured()


def entitlements_for(organisation, *, now=None) -> Entitlements:
    """The entitlements of ``organisation`` (None or an unsaved one: Free)."""
    if organisation is None or organisation.pk is None:
        return FREE
    own = Subscription.objects.select_related("plan").filter(organisation_id=organisation.pk).first()
    if _counts(own, now):
        if own.plan.kind == Plan.Kind.PRO:
            return _pro("subscription")
        if own.plan.kind == Plan.Kind.CLUSTER_SPONSORSHIP:
            # The sponsoring cluster itself gets no supplier benefits, only seats to give.
            return replace(FREE, plan_kind=Plan.Kind.CLUSTER_SPONSORSHIP, source="subscription")
    if organisation.is_supplier:
        seat = (
            SeatAssignment.objects.select_related("sponsorship__plan")
            .filter(supplier_id=organisation.pk)
            .first()
        )
        if seat is not None and _counts(seat.sponsorship, now):
            return _pro("sponsored")
    return FREE


class QuotaExceeded(Exception):
    """The organisation's plan allows no more submitted quotes this calendar month.

    ``message`` is translated and names the upgrade page; ``upgrade_url`` is its path.
    """

    def __init__(self, message: str, *, limit: int, upgrade_url: str):
        super().__init__(message)
        self.message = message
        self.limit = limit
        self.upgrade_url = upgrade_url


def check_quote_quota(organisation, *, submitted_this_month: int) -> Entitlements:
    """Raise :class:`QuotaExceeded` if one more submitted quote would pass the monthly limit.

    ``submitted_this_month`` is the number of quotes the organisation already submitted in the
    current calendar month (Europe/Paris), counted by the caller inside its transaction.
    Returns the entitlements so the caller need not compute them twice.
    """
    entitlements = entitlements_for(organisation)
    limit = entitlements.monthly_quote_limit
    if limit is not None and submitted_this_month >= limit:
        upgrade_url = reverse("billing:overview")
        raise QuotaExceeded(
            _(
                "Votre offre Gratuite permet de soumettre %(limit)d devis par mois et vous les avez "
                "déjà utilisés. Passez à l'offre Pro pour répondre sans limite : %(url)s"
            )
            % {"limit": limit, "url": upgrade_url},
            limit=limit,
            upgrade_url=upgrade_url,
        )
    return entitlements
