"""Demo plans and subscriptions: Free, Pro, cluster sponsorship; some Pro suppliers; one sponsoring cluster.

Everything is local: no Stripe call is made, and the demo subscriptions have no Stripe ids, so
they count as grants whether or not billing is configured (see marketplace/billing/entitlements.py).
Run ``manage.py billing_sync_plans`` afterwards to give the paid plans their Stripe ids.

Randomness comes from ``ctx.stream("billing")`` only, one draw per supplier in generation order,
so a larger ``--suppliers`` keeps the same Pro suppliers among the first ones.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.billing.models import Plan, SeatAssignment, Subscription

from .context import DemoContext, bulk_create_in_batches

PRO_SHARE_PERCENT = 12  # about one supplier in eight pays for Pro
SPONSORED_SEATS = 3  # seats the demo cluster has already given out

DEMO_PLANS = (
    {
        "slug": "gratuit",
        "name": "Gratuit",
        "kind": Plan.Kind.FREE,
        "monthly_price": Decimal("0"),
        "yearly_price": Decimal("0"),
        "seats": 0,
        "position": 0,
        "features": "Profil fournisseur complet\n3 devis soumis par mois\nRécapitulatif quotidien des demandes",
    },
    {
        "slug": "pro",
        "name": "Pro",
        "kind": Plan.Kind.PRO,
        "monthly_price": Decimal("49.00"),
        "yearly_price": Decimal("490.00"),
        "seats": 0,
        "position": 1,
        "features": "Devis illimités\nAlertes instantanées\nMeilleure visibilité dans la recherche\nStatistiques sur vos devis",
    },
    {
        "slug": "parrainage-cluster",
        "name": "Parrainage de cluster",
        "kind": Plan.Kind.CLUSTER_SPONSORSHIP,
        "monthly_price": Decimal("390.00"),
        "yearly_price": Decimal("3900.00"),
        "seats": 10,
        "position": 2,
        "features": "10 sièges Pro à offrir à vos entreprises membres\nAttribution et retrait à tout moment",
    },
)


def build_billing(ctx: DemoContext) -> None:
    """Create the missing demo plans, Pro subscriptions and the demo cluster's sponsorship."""
    rng = ctx.stream("billing")
    with transaction.atomic():
        plans = {}
        for spec in DEMO_PLANS:
            plans[spec["slug"]], _created = Plan.objects.get_or_create(slug=spec["slug"], defaults=spec)

    suppliers = ctx.organisations.get("supplier", [])
    # Index 0 belongs to the demo supplier account: it stays on Free to show the upgrade path.
    chosen = [pk for index, pk in enumerate(suppliers) if rng.randrange(100) < PRO_SHARE_PERCENT and index > 0]
    existing = set(Subscription.objects.filter(organisation_id__in=chosen).values_list("organisation_id", flat=True))
    missing = [
        Subscription(organisation_id=pk, plan=plans["pro"], interval=Plan.Interval.MONTH, status=Subscription.Status.ACTIVE)
        for pk in chosen
        if pk not in existing
    ]
    bulk_create_in_batches(Subscription, missing, ctx, _("Abonnements Pro"))

    clusters = ctx.organisations.get("cluster", [])
    if clusters:
        _build_sponsorship(clusters[0], plans["parrainage-cluster"])
    ctx.write(_("Abonnements : %(pro)d fournisseurs Pro.") % {"pro": len(chosen)})


def _build_sponsorship(cluster_pk: int, plan: Plan) -> None:
    from suppliers.models import ClusterMembership

    with transaction.atomic():
        sponsorship, _created = Subscription.objects.get_or_create(
            organisation_id=cluster_pk,
            defaults={"plan": plan, "interval": Plan.Interval.MONTH, "status": Subscription.Status.ACTIVE},
        )
        if sponsorship.plan_id != plan.pk:
            return  # the cluster chose another plan since: leave it
        missing = SPONSORED_SEATS - sponsorship.seat_assignments.count()
        if missing <= 0:
            return
        members = (
            ClusterMembership.objects.filter(cluster_id=cluster_pk, status=ClusterMembership.Status.ACTIVE)
            .exclude(supplier__sponsored_seats__isnull=False)
            .exclude(supplier__subscription__status=Subscription.Status.ACTIVE)
            .order_by("supplier_id")
            .values_list("supplier_id", flat=True)[:missing]
        )
        SeatAssignment.objects.bulk_create(
            [SeatAssignment(sponsorship=sponsorship, supplier_id=supplier_pk) for supplier_pk in members]
        )
