"""State changes on subscriptions and sponsored seats, made by an organisation's owners and admins.

Each function takes the acting user, checks the rule, calls Stripe when the change is Stripe's to
make, then writes the state **read back from Stripe** (``sync.apply_subscription_state``) with an
audit entry in one transaction. A refused change raises :class:`BillingError` with a translated
message. Stripe calls are made outside database transactions, so a slow Stripe never holds a
lock; idempotency keys make a repeated click create nothing twice.

Cards never reach this server: the browser hands them to Stripe.js against a SetupIntent, and
the server only ever sees the SetupIntent and PaymentMethod ids.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership, Organisation
from marketplace.audit.services import record

from . import sync
from .models import Plan, SeatAssignment, Subscription
from .stripe_client import BillingNotConfigured, as_dict, client, is_configured

logger = logging.getLogger(__name__)


class BillingError(Exception):
    """A rule forbids the change, or Stripe refused it. ``message`` is translated for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(BillingError):
    """The acting user is not an owner or admin of the organisation (views answer 403)."""


def _require_manager(actor, organisation: Organisation) -> None:
    membership = organisation.membership_for(actor)
    if membership is None or membership.role not in (Membership.Role.OWNER, Membership.Role.ADMIN):
        raise NotAllowed(_("Seuls les propriétaires et administrateurs de l'organisation gèrent son abonnement."))


def _require_configured() -> None:
    if not is_configured():
        raise BillingError(_("La facturation n'est pas configurée."))


def _stripe_failure(error: stripe.StripeError) -> BillingError:
    # Log the request id and class only: Stripe's messages can echo what was sent.
    logger.warning("Stripe call failed: %s (request %s)", type(error).__name__, getattr(error, "request_id", ""))
    if isinstance(error, stripe.CardError):
        return BillingError(_("La carte a été refusée. Essayez une autre carte."))
    return BillingError(_("Le service de paiement est momentanément indisponible. Réessayez dans quelques minutes."))


# --- Look-ups ------------------------------------------------------------------------------------


def subscription_of(organisation: Organisation) -> Subscription | None:
    return Subscription.objects.select_related("plan").filter(organisation=organisation).first()


def may_manage_billing(user, organisation: Organisation | None) -> bool:
    if organisation is None or not (organisation.is_supplier or organisation.is_cluster):
        return False
    membership = organisation.membership_for(user)
    return membership is not None and membership.can_manage_members


@dataclass(frozen=True)
class InvoiceLine:
    id: str
    number: str
    date: datetime | None
    amount_due: Decimal
    amount_paid: Decimal
    currency: str
    status: str
    hosted_invoice_url: str
    invoice_pdf: str


def invoices_of(organisation: Organisation, *, limit: int = 24) -> list[InvoiceLine]:
    """The organisation's invoices as Stripe lists them (newest first); [] without a customer."""
    subscription = subscription_of(organisation)
    if subscription is None or not subscription.stripe_customer_id:
        return []
    listed = as_dict(client().v1.invoices.list(params={"customer": subscription.stripe_customer_id, "limit": limit}))
    lines = []
    for data in listed.get("data") or []:
        if data.get("status") == "draft":
            continue
        lines.append(
            InvoiceLine(
                id=data.get("id") or "",
                number=data.get("number") or "",
                date=sync.timestamp(data.get("created") or data.get("date")),
                amount_due=Decimal(data.get("amount_due") or 0) / 100,
                amount_paid=Decimal(data.get("amount_paid") or 0) / 100,
                currency=(data.get("currency") or "eur").upper(),
                status=data.get("status") or "",
                hosted_invoice_url=data.get("hosted_invoice_url") or "",
                invoice_pdf=data.get("invoice_pdf") or "",
            )
        )
    return lines


def card_of(organisation: Organisation) -> dict | None:
    """Brand, last four digits and expiry of the default card, for display to its owners only."""
    subscription = subscription_of(organisation)
    if subscription is None or not subscription.stripe_customer_id:
        return None
    customer = as_dict(client().v1.customers.retrieve(subscription.stripe_customer_id))
    payment_method = (customer.get("invoice_settings") or {}).get("default_payment_method")
    if not payment_method:
        return None
    if isinstance(payment_method, str):
        payment_method = as_dict(client().v1.payment_methods.retrieve(payment_method))
    card = payment_method.get("card") or {}
    return {key: card.get(key) for key in ("brand", "last4", "exp_month", "exp_year")}


# --- Customer and card ---------------------------------------------------------------------------


def vat_id_for_stripe(vat_number: str) -> str:
    """The organisation's VAT number in Stripe's ``eu_vat`` form (``FR`` + 11 characters), or ""."""
    value = re.sub(r"[\s.-]", "", vat_number or "").upper()
    if re.fullmatch(r"\d{11}", value):
        value = "FR" + value
    return value if re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", value) else ""


def _customer_details(actor, organisation: Organisation) -> dict:
    address = {"line1": organisation.address or "", "postal_code": organisation.postal_code or "", "country": "FR"}
    if organisation.commune_id:
        address["city"] = organisation.commune.name
    return {
        "name": organisation.name,
        "email": actor.email,
        "address": {key: value for key, value in address.items() if value},
        "preferred_locales": ["fr"],
        "metadata": {"organisation_id": str(organisation.pk), "siret": organisation.siret},
    }


def ensure_customer(actor, organisation: Organisation) -> Subscription:
    """The organisation's subscription row, with a Stripe customer holding its billing details."""
    _require_configured()
    _require_manager(actor, organisation)
    with transaction.atomic():
        local, _created = Subscription.objects.get_or_create(organisation=organisation)
    if local.stripe_customer_id:
        return local
    params = _customer_details(actor, organisation)
    vat_id = vat_id_for_stripe(organisation.vat_number)
    if vat_id:
        params["tax_id_data"] = [{"type": "eu_vat", "value": vat_id}]
    try:
        customer = client().v1.customers.create(
            params=params, options={"idempotency_key": f"pef-customer-{organisation.pk}-{local.pk}"}
        )
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    with transaction.atomic():
        local = Subscription.objects.select_for_update().get(pk=local.pk)
        if not local.stripe_customer_id:
            local.stripe_customer_id = customer.id
            local.save(update_fields=["stripe_customer_id", "updated_at"])
            record(actor, "billing.customer_created", local, organisation=organisation, stripe_customer_id=customer.id)
    return local


def _refresh_customer_details(actor, organisation: Organisation, local: Subscription) -> None:
    """Keep Stripe's copy of the address and VAT id equal to the organisation's (they print on invoices)."""
    api = client()
    details = _customer_details(actor, organisation)
    api.v1.customers.update(local.stripe_customer_id, params={"name": details["name"], "address": details["address"]})
    vat_id = vat_id_for_stripe(organisation.vat_number)
    if vat_id:
        existing = as_dict(api.v1.customers.tax_ids.list(local.stripe_customer_id))
        if not any(t.get("value") == vat_id for t in existing.get("data") or []):
            api.v1.customers.tax_ids.create(local.stripe_customer_id, params={"type": "eu_vat", "value": vat_id})


def start_card_setup(actor, organisation: Organisation) -> str:
    """Create a SetupIntent for a new card and return its client secret for Stripe.js."""
    local = ensure_customer(actor, organisation)
    try:
        intent = client().v1.setup_intents.create(
            params={
                "customer": local.stripe_customer_id,
                "usage": "off_session",
                "payment_method_types": ["card"],
                "metadata": {"organisation_id": str(organisation.pk)},
            }
        )
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    with transaction.atomic():
        record(actor, "billing.card_setup_started", local, organisation=organisation, setup_intent=intent.id)
    return intent.client_secret


def _make_default_card(local: Subscription, setup_intent_id: str) -> str:
    """Check the SetupIntent succeeded for this customer; make its card the default. Returns its id."""
    api = client()
    try:
        intent = as_dict(api.v1.setup_intents.retrieve(setup_intent_id))
    except stripe.InvalidRequestError:
        intent = {}
    payment_method = intent.get("payment_method")
    if isinstance(payment_method, dict):
        payment_method = payment_method.get("id")
    if intent.get("customer") != local.stripe_customer_id or intent.get("status") != "succeeded" or not payment_method:
        raise BillingError(_("La carte n'a pas pu être enregistrée. Saisissez-la à nouveau."))
    method = as_dict(api.v1.payment_methods.retrieve(payment_method))
    if method.get("customer") != local.stripe_customer_id:
        api.v1.payment_methods.attach(payment_method, params={"customer": local.stripe_customer_id})
    api.v1.customers.update(
        local.stripe_customer_id, params={"invoice_settings": {"default_payment_method": payment_method}}
    )
    return payment_method


# --- Subscriptions -------------------------------------------------------------------------------


def _check_plan(organisation: Organisation, plan: Plan, interval: str) -> str:
    if interval not in Plan.Interval.values or not Plan.objects.for_organisation(organisation).filter(pk=plan.pk).exists():
        raise BillingError(_("Cette offre n'est pas proposée à votre organisation."))
    stripe_plan_id = plan.stripe_plan_id_for(interval)
    if not stripe_plan_id:
        raise BillingError(_("Cette offre n'est pas encore disponible au paiement en ligne."))
    return stripe_plan_id


def subscribe(actor, organisation: Organisation, plan: Plan, interval: str, setup_intent_id: str) -> Subscription:
    """Subscribe with the card just confirmed by Stripe.js; the subscription is created server-side."""
    _require_configured()
    _require_manager(actor, organisation)
    stripe_plan_id = _check_plan(organisation, plan, interval)
    local = ensure_customer(actor, organisation)
    if local.stripe_subscription_id and local.is_live:
        raise BillingError(_("Votre organisation a déjà un abonnement : changez d'offre plutôt que d'en souscrire un second."))
    try:
        _refresh_customer_details(actor, organisation, local)
        _make_default_card(local, setup_intent_id)
        fetched_at = timezone.now()
        created = client().v1.subscriptions.create(
            params={
                "customer": local.stripe_customer_id,
                "items": [{"plan": stripe_plan_id}],
                "metadata": {"organisation_id": str(organisation.pk), "plan": plan.slug},
            },
            options={"idempotency_key": f"pef-subscribe-{setup_intent_id}"},
        )
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    state = sync.StripeSubscriptionState.parse(as_dict(created))
    local = sync.apply_subscription_state(
        state, fetched_at, local=local, actor=actor, action="billing.subscribed", plan=plan.slug, interval=interval
    )
    if local.status not in (Subscription.Status.ACTIVE, Subscription.Status.TRIALING):
        raise BillingError(
            _("Le premier paiement n'a pas abouti. Mettez à jour votre carte pour activer votre abonnement.")
        )
    return local


def _live_subscription(organisation: Organisation) -> Subscription:
    local = subscription_of(organisation)
    if local is None or not local.stripe_subscription_id or not local.is_live:
        raise BillingError(_("Votre organisation n'a pas d'abonnement en cours."))
    return local


def _update_subscription(actor, local: Subscription, params: dict, action: str, **audit_data) -> Subscription:
    try:
        fetched_at = timezone.now()
        updated = client().v1.subscriptions.update(local.stripe_subscription_id, params=params)
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    state = sync.StripeSubscriptionState.parse(as_dict(updated))
    return sync.apply_subscription_state(state, fetched_at, local=local, actor=actor, action=action, **audit_data)


def change_plan(actor, organisation: Organisation, plan: Plan, interval: str) -> Subscription:
    """Switch plan or periodicity; Stripe prorates by default."""
    _require_configured()
    _require_manager(actor, organisation)
    stripe_plan_id = _check_plan(organisation, plan, interval)
    local = _live_subscription(organisation)
    if local.plan_id == plan.pk and local.interval == interval:
        raise BillingError(_("C'est déjà votre offre actuelle."))
    assigned = local.seat_assignments.count()
    if assigned > (plan.seats if plan.kind == Plan.Kind.CLUSTER_SPONSORSHIP else 0):
        raise BillingError(
            _("Cette offre compte moins de sièges que les %(count)d que vous avez attribués. Libérez-en d'abord.")
            % {"count": assigned}
        )
    try:
        current = as_dict(client().v1.subscriptions.retrieve(local.stripe_subscription_id))
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    item_id = (((current.get("items") or {}).get("data") or [{}])[0]).get("id")
    previous = {"plan": local.plan.slug if local.plan else None, "interval": local.interval}
    return _update_subscription(
        actor,
        local,
        {"items": [{"id": item_id, "plan": stripe_plan_id}]},
        "billing.plan_changed",
        previous=previous,
        plan=plan.slug,
        interval=interval,
    )


def cancel_at_period_end(actor, organisation: Organisation) -> Subscription:
    """Stop renewing: the plan stays until the end of the paid period."""
    _require_configured()
    _require_manager(actor, organisation)
    local = _live_subscription(organisation)
    if local.cancel_at_period_end:
        raise BillingError(_("La résiliation est déjà programmée."))
    return _update_subscription(actor, local, {"cancel_at_period_end": True}, "billing.cancel_scheduled")


def resume(actor, organisation: Organisation) -> Subscription:
    """Undo a scheduled cancellation before the period ends."""
    _require_configured()
    _require_manager(actor, organisation)
    local = _live_subscription(organisation)
    if not local.cancel_at_period_end:
        raise BillingError(_("Aucune résiliation n'est programmée."))
    return _update_subscription(actor, local, {"cancel_at_period_end": False}, "billing.resumed")


def update_card(actor, organisation: Organisation, setup_intent_id: str) -> Subscription:
    """Make a newly confirmed card the default; a past-due subscription's open invoice is retried with it."""
    _require_configured()
    _require_manager(actor, organisation)
    local = ensure_customer(actor, organisation)
    try:
        _make_default_card(local, setup_intent_id)
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    with transaction.atomic():
        record(actor, "billing.card_updated", local, organisation=organisation)
    if local.stripe_subscription_id and local.status == Subscription.Status.PAST_DUE:
        _retry_open_invoice(actor, local)
    return local


def _retry_open_invoice(actor, local: Subscription) -> None:
    api = client()
    try:
        current = as_dict(api.v1.subscriptions.retrieve(local.stripe_subscription_id))
        invoice_id = current.get("latest_invoice")
        if isinstance(invoice_id, dict):
            invoice_id = invoice_id.get("id")
        if invoice_id and as_dict(api.v1.invoices.retrieve(invoice_id)).get("status") == "open":
            api.v1.invoices.pay(invoice_id)
        state, fetched_at = sync.fetch_subscription(local.stripe_subscription_id)
    except stripe.StripeError as error:
        raise _stripe_failure(error) from error
    if state is not None:
        sync.apply_subscription_state(state, fetched_at, local=local, actor=actor, action="billing.invoice_retried")


# --- Sponsored seats -----------------------------------------------------------------------------


def _sponsorship_of(cluster: Organisation) -> Subscription:
    sponsorship = Subscription.objects.select_for_update(of=("self",)).select_related("plan").filter(organisation=cluster).first()
    if (
        sponsorship is None
        or sponsorship.plan is None
        or sponsorship.plan.kind != Plan.Kind.CLUSTER_SPONSORSHIP
        or not sponsorship.grants_plan()
    ):
        raise BillingError(_("Votre cluster n'a pas de parrainage en cours."))
    return sponsorship


def seat_candidates(cluster: Organisation):
    """Active member suppliers of the cluster that hold no sponsored seat yet."""
    from suppliers.models import ClusterMembership

    return Organisation.objects.filter(
        is_supplier=True,
        cluster_memberships__cluster=cluster,
        cluster_memberships__status=ClusterMembership.Status.ACTIVE,
    ).exclude(sponsored_seats__isnull=False).distinct()


def assign_seat(actor, cluster: Organisation, supplier: Organisation) -> SeatAssignment:
    """Give one of the cluster's Pro seats to an active member supplier; never more than it bought."""
    from suppliers.models import ClusterMembership

    _require_manager(actor, cluster)
    with transaction.atomic():
        # The lock on the sponsorship row serialises concurrent assignments, so the count holds.
        sponsorship = _sponsorship_of(cluster)
        if not ClusterMembership.objects.filter(
            cluster=cluster, supplier=supplier, status=ClusterMembership.Status.ACTIVE
        ).exists() or not supplier.is_supplier:
            raise BillingError(_("Seuls les fournisseurs membres actifs de votre cluster peuvent recevoir un siège."))
        used = sponsorship.seat_assignments.count()
        if used >= sponsorship.seats:
            raise BillingError(
                _("Vos %(seats)d sièges sont tous attribués. Libérez-en un avant d'en attribuer un autre.")
                % {"seats": sponsorship.seats}
            )
        try:
            with transaction.atomic():
                seat = SeatAssignment.objects.create(sponsorship=sponsorship, supplier=supplier, assigned_by=actor)
        except IntegrityError:
            raise BillingError(_("« %(name)s » a déjà un siège Pro parrainé.") % {"name": supplier.name}) from None
        record(actor, "billing.seat_assigned", seat, organisation=cluster, supplier_id=supplier.pk, supplier=supplier.name)
    return seat


def unassign_seat(actor, cluster: Organisation, seat_id: int) -> None:
    """Take a seat back: the supplier returns to its own plan and the seat is free again."""
    _require_manager(actor, cluster)
    with transaction.atomic():
        seat = (
            SeatAssignment.objects.select_for_update(of=("self",))
            .select_related("supplier")
            .filter(pk=seat_id, sponsorship__organisation=cluster)
            .first()
        )
        if seat is None:
            raise BillingError(_("Ce siège n'existe pas ou a déjà été libéré."))
        record(actor, "billing.seat_unassigned", seat, organisation=cluster, supplier_id=seat.supplier_id, supplier=seat.supplier.name)
        seat.delete()


__all__ = [
    "BillingError",
    "BillingNotConfigured",
    "NotAllowed",
    "assign_seat",
    "cancel_at_period_end",
    "change_plan",
    "resume",
    "start_card_setup",
    "subscribe",
    "unassign_seat",
    "update_card",
]
