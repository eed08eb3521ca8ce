"""Keeping local subscriptions equal to Stripe's: read back, apply, webhook events, reconciliation.

The rule everywhere: the state written locally is the state **read back from Stripe** at that
moment, never the copy inside a webhook payload. Each read is stamped with the time it was made
(``fetched_at``, taken just before the request); the local row remembers the stamp of the state
it holds (``Subscription.stripe_updated_at``) and a read older than that stamp is dropped. So
however late or out of order events are delivered and processed, the row only moves forward.

Webhook events (see docs/BILLING.md): :func:`receive_event` stores the event id — unique — and
enqueues :func:`process_event` in the same transaction; a duplicate id loses on the unique index
and has no effect.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import stripe
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus

from marketplace.audit.services import record

from .models import Plan, StripeEvent, Subscription
from .stripe_client import as_dict, client

logger = logging.getLogger(__name__)

SUBSCRIPTION_EVENT_TYPES = frozenset(
    {
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "customer.subscription.trial_will_end",
    }
)
INVOICE_EVENT_TYPES = frozenset({"invoice.paid", "invoice.payment_succeeded", "invoice.payment_failed"})
HANDLED_EVENT_TYPES = SUBSCRIPTION_EVENT_TYPES | INVOICE_EVENT_TYPES


class EventProcessingFailed(Exception):
    """Processing an event failed in a way worth retrying: the webhook answers 5xx, never 200."""


def timestamp(value) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


# --- Reading Stripe's state -----------------------------------------------------------------------


@dataclass(frozen=True)
class StripeSubscriptionState:
    """The fields of a Stripe subscription the site keeps, parsed from a read-back."""

    id: str
    customer: str
    status: str
    stripe_plan_id: str
    stripe_interval: str
    current_period_end: datetime | None
    cancel_at_period_end: bool
    organisation_id: int | None

    @classmethod
    def parse(cls, data: dict) -> StripeSubscriptionState:
        items = (data.get("items") or {}).get("data") or []
        item = items[0] if items else {}
        plan = item.get("plan") or data.get("plan") or {}
        if isinstance(plan, str):
            plan = {"id": plan}
        # Newer API versions moved the period from the subscription to its items.
        period_end = data.get("current_period_end") or item.get("current_period_end")
        organisation_id = (data.get("metadata") or {}).get("organisation_id")
        return cls(
            id=data["id"],
            customer=data.get("customer") if isinstance(data.get("customer"), str) else (data.get("customer") or {}).get("id", ""),
            status=data.get("status") or "",
            stripe_plan_id=plan.get("id") or "",
            stripe_interval=plan.get("interval") or "",
            current_period_end=timestamp(period_end),
            cancel_at_period_end=bool(data.get("cancel_at_period_end")),
            organisation_id=int(organisation_id) if str(organisation_id or "").isdigit() else None,
        )

    @property
    def is_live(self) -> bool:
        return self.status in Subscription.LIVE_STATUSES


def fetch_subscription(stripe_subscription_id: str) -> tuple[StripeSubscriptionState | None, datetime]:
    """Stripe's current state of a subscription (None if Stripe does not know it) and when it was read."""
    fetched_at = timezone.now()
    try:
        data = as_dict(client().v1.subscriptions.retrieve(stripe_subscription_id))
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None, fetched_at
        raise
    return StripeSubscriptionState.parse(data), fetched_at


def plan_for_stripe_plan(stripe_plan_id: str) -> Plan | None:
    if not stripe_plan_id:
        return None
    return Plan.objects.filter(Q(stripe_plan_monthly_id=stripe_plan_id) | Q(stripe_plan_yearly_id=stripe_plan_id)).first()


# --- Applying it ----------------------------------------------------------------------------------


def _local_for(state: StripeSubscriptionState) -> Subscription | None:
    """The local row this Stripe subscription belongs to, locked; None if it is not ours (any more)."""
    rows = Subscription.objects.select_for_update(of=("self",)).select_related("organisation", "plan")
    local = rows.filter(stripe_subscription_id=state.id).first()
    if local is not None:
        return local
    # A subscription we have not linked yet (the request that created it died before saving,
    # or it was created in the dashboard): adopt it if the organisation has no other live one.
    candidates = rows.filter(stripe_customer_id=state.customer) if state.customer else rows.none()
    if state.organisation_id:
        candidates = candidates | rows.filter(organisation_id=state.organisation_id, stripe_customer_id=state.customer)
    for local in candidates:
        if not local.stripe_subscription_id or (state.is_live and not local.is_live):
            return local
    return None


def apply_subscription_state(
    state: StripeSubscriptionState,
    fetched_at: datetime,
    *,
    local: Subscription | None = None,
    actor=None,
    action: str = "billing.subscription_synced",
    **audit_data,
) -> Subscription | None:
    """Write ``state`` to the local row unless that row already holds a fresher read.

    Returns the row (updated or not), or None when the subscription is not one of ours.
    """
    with transaction.atomic():
        if local is not None:
            local = Subscription.objects.select_for_update(of=("self",)).select_related("organisation", "plan").get(pk=local.pk)
        else:
            local = _local_for(state)
        if local is None:
            logger.info("Stripe subscription %s matches no local subscription", state.id)
            return None
        if local.stripe_updated_at is not None and local.stripe_updated_at > fetched_at:
            logger.info("Stale read of Stripe subscription %s dropped", state.id)
            return local
        before = {"status": local.status, "plan": local.plan.slug if local.plan else None, "interval": local.interval}
        plan = plan_for_stripe_plan(state.stripe_plan_id) or local.plan
        interval = (plan.interval_for_stripe_plan(state.stripe_plan_id) if plan else None) or state.stripe_interval
        local.stripe_subscription_id = state.id
        if state.customer:
            local.stripe_customer_id = state.customer
        local.plan = plan
        if interval in Plan.Interval.values:
            local.interval = interval
        if state.status == Subscription.Status.PAST_DUE:
            if local.status != Subscription.Status.PAST_DUE or local.past_due_since is None:
                local.past_due_since = fetched_at
        else:
            local.past_due_since = None
        local.status = state.status if state.status in Subscription.Status.values else Subscription.Status.UNPAID
        local.current_period_end = state.current_period_end
        local.cancel_at_period_end = state.cancel_at_period_end
        local.stripe_updated_at = fetched_at
        local.save()
        after = {"status": local.status, "plan": local.plan.slug if local.plan else None, "interval": local.interval}
        record(
            actor,
            action,
            local,
            organisation=local.organisation,
            stripe_subscription_id=state.id,
            before=before,
            after=after,
            **audit_data,
        )
    return local


# --- Webhook events -------------------------------------------------------------------------------


def receive_event(event: dict) -> str:
    """Store a verified webhook event once and schedule its effect, atomically.

    Returns ``"queued"`` (or ``"processed"`` when the task backend ran it at once), ``"ignored"``
    for a type we do not act on, or ``"duplicate"`` for an id already stored. Raises
    :class:`EventProcessingFailed` when the effect ran at once and failed: nothing is stored
    then, so Stripe's retry is processed afresh.
    """
    from . import tasks

    data_object = (event.get("data") or {}).get("object") or {}
    with transaction.atomic():
        try:
            with transaction.atomic():
                stored = StripeEvent.objects.create(
                    stripe_id=event["id"],
                    type=event.get("type", ""),
                    object_id=str(data_object.get("id") or "")[:255],
                    created=timestamp(event.get("created")) or timezone.now(),
                )
        except IntegrityError:
            logger.info("Stripe event %s already received", event["id"])
            return "duplicate"
        if stored.type not in HANDLED_EVENT_TYPES:
            stored.status = StripeEvent.Status.IGNORED
            stored.processed_at = timezone.now()
            stored.save(update_fields=["status", "processed_at"])
            return "ignored"
        # Enqueued inside the transaction: with the database task backend the task row commits
        # with the event row or not at all (no event stored without its effect scheduled).
        result = tasks.process_stripe_event.enqueue(stored.stripe_id)
        if result.status == TaskResultStatus.FAILED:
            # A backend that runs tasks at once (tests, or a synchronous deployment) ran it and it
            # failed: roll the event back and let the view answer 5xx so Stripe retries.
            raise EventProcessingFailed(stored.stripe_id)
        return "processed" if result.status == TaskResultStatus.SUCCESSFUL else "queued"


def _subscription_id_for(stored: StripeEvent) -> str | None:
    if stored.type in SUBSCRIPTION_EVENT_TYPES:
        return stored.object_id or None
    if stored.type in INVOICE_EVENT_TYPES and stored.object_id:
        try:
            invoice = as_dict(client().v1.invoices.retrieve(stored.object_id))
        except stripe.InvalidRequestError as error:
            if error.http_status == 404:  # gone: nothing left to sync
                return None
            raise
        subscription = invoice.get("subscription")
        if not subscription:
            details = ((invoice.get("parent") or {}).get("subscription_details") or {})
            subscription = details.get("subscription")
        if isinstance(subscription, dict):
            subscription = subscription.get("id")
        return subscription or None
    return None


def _mark_failed(stored: StripeEvent, error: Exception) -> int:
    # The error's class and HTTP status only: Stripe's messages may echo request parameters.
    description = f"{type(error).__name__} {getattr(error, 'http_status', '') or ''}".strip()[:255]
    with transaction.atomic():
        StripeEvent.objects.filter(pk=stored.pk).update(
            status=StripeEvent.Status.FAILED, attempts=stored.attempts + 1, last_error=description
        )
    logger.warning("Stripe event %s (%s) failed: %s", stored.stripe_id, stored.type, description)
    return stored.attempts + 1


def process_event(stripe_event_id: str) -> str:
    """Apply a stored event: read its subscription back from Stripe and write that state.

    Idempotent: an event already processed is skipped, and applying a read-back twice changes
    nothing. Stripe errors propagate (after the event is marked failed) so the caller retries.
    """
    stored = StripeEvent.objects.get(stripe_id=stripe_event_id)
    if stored.status in (StripeEvent.Status.PROCESSED, StripeEvent.Status.IGNORED):
        return stored.status
    try:
        subscription_id = _subscription_id_for(stored)
        state, fetched_at = fetch_subscription(subscription_id) if subscription_id else (None, timezone.now())
    except stripe.StripeError as error:
        _mark_failed(stored, error)
        raise
    with transaction.atomic():
        stored = StripeEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.status == StripeEvent.Status.PROCESSED:
            return stored.status
        local = apply_subscription_state(state, fetched_at, stripe_event_id=stored.stripe_id) if state else None
        stored.status = StripeEvent.Status.PROCESSED
        stored.processed_at = timezone.now()
        stored.attempts += 1
        stored.last_error = ""
        stored.organisation = local.organisation if local else None
        stored.save()
        record(
            None,
            "billing.stripe_event_processed",
            stored,
            organisation=stored.organisation,
            stripe_event_id=stored.stripe_id,
            event_type=stored.type,
            stripe_subscription_id=subscription_id or "",
        )
    logger.info("Stripe event %s (%s) processed", stored.stripe_id, stored.type)
    return stored.status


# --- Reconciliation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    organisation: str
    stripe_subscription_id: str
    field: str
    local: str
    stripe: str

    def __str__(self):
        return f"{self.organisation} [{self.stripe_subscription_id or '-'}] {self.field}: local={self.local!r} stripe={self.stripe!r}"


def _differences(local: Subscription, state: StripeSubscriptionState) -> list[Difference]:
    plan = plan_for_stripe_plan(state.stripe_plan_id)
    pairs = [
        ("status", local.status, state.status),
        ("cancel_at_period_end", str(local.cancel_at_period_end), str(state.cancel_at_period_end)),
        ("current_period_end", local.current_period_end.isoformat() if local.current_period_end else "",
         state.current_period_end.isoformat() if state.current_period_end else ""),
    ]
    if plan is not None:
        pairs.append(("plan", local.plan.slug if local.plan else "", plan.slug))
        pairs.append(("interval", local.interval, plan.interval_for_stripe_plan(state.stripe_plan_id) or ""))
    return [
        Difference(str(local.organisation), state.id, name, mine, theirs)
        for name, mine, theirs in pairs
        if mine != theirs
    ]


def reconcile(*, fix: bool = False) -> list[Difference]:
    """Compare every Stripe-backed local subscription with Stripe; with ``fix``, write Stripe's state."""
    differences: list[Difference] = []
    api = client()
    rows = Subscription.objects.select_related("organisation", "plan").exclude(stripe_customer_id="").order_by("pk")
    for local in rows:
        if local.stripe_subscription_id:
            state, fetched_at = fetch_subscription(local.stripe_subscription_id)
            if state is None:
                differences.append(
                    Difference(str(local.organisation), local.stripe_subscription_id, "exists", "yes", "no")
                )
                if fix and local.status != Subscription.Status.CANCELED:
                    with transaction.atomic():
                        Subscription.objects.filter(pk=local.pk).update(
                            status=Subscription.Status.CANCELED, past_due_since=None, stripe_updated_at=fetched_at
                        )
                        record(None, "billing.subscription_synced", local, organisation=local.organisation,
                               stripe_subscription_id=local.stripe_subscription_id, reason="reconcile: missing in Stripe")
                continue
            found = _differences(local, state)
            differences.extend(found)
            if fix and found:
                apply_subscription_state(state, fetched_at, local=local, reason="reconcile")
        if not local.is_live:
            # A live subscription Stripe bills but the site does not know about.
            fetched_at = timezone.now()
            listed = as_dict(api.v1.subscriptions.list(params={"customer": local.stripe_customer_id, "limit": 10}))
            for data in listed.get("data") or []:
                state = StripeSubscriptionState.parse(data)
                if state.is_live and state.id != local.stripe_subscription_id:
                    differences.append(Difference(str(local.organisation), state.id, "linked", "no", "yes"))
                    if fix:
                        apply_subscription_state(state, fetched_at, local=local, reason="reconcile: adopted")
                    break
    return differences
