"""The billing step of ``manage.py load_demo``: local plans and subscriptions, deterministic, no Stripe."""
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.billing.entitlements import entitlements_for
from marketplace.billing.models import Plan, SeatAssignment, Subscription
from marketplace.demo.builders.billing import build_billing
from marketplace.demo.builders.context import DemoContext
from suppliers.models import ClusterMembership
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def load_demo(*args):
    call_command("load_demo", "--suppliers", "40", "--quiet", *args, stdout=StringIO())


def pro_suppliers():
    return sorted(
        Subscription.objects.filter(plan__kind="pro").values_list("organisation__siret", flat=True)
    )


def test_demo_plans_subscriptions_and_sponsorship_are_local(settings):
    settings.STRIPE_SECRET_KEY = ""
    load_demo()
    plans = {plan.slug: plan for plan in Plan.objects.all()}
    assert plans["pro"].monthly_price == 49 and plans["pro"].yearly_price == 490
    assert plans["parrainage-cluster"].seats == 10 and plans["parrainage-cluster"].monthly_price == 390
    assert plans["gratuit"].kind == "free"
    assert not any(plan.stripe_product_id for plan in plans.values())
    subscriptions = Subscription.objects.all()
    assert subscriptions.filter(plan__kind="pro").exists()
    assert not subscriptions.exclude(stripe_subscription_id="").exists()
    pro = subscriptions.filter(plan__kind="pro").first()
    assert entitlements_for(pro.organisation).is_pro  # a local grant counts without Stripe
    assert subscriptions.filter(plan__kind="cluster_sponsorship").count() == 1


def test_demo_billing_is_deterministic_and_idempotent():
    load_demo("--seed", "11")
    first = pro_suppliers()
    counts = (Plan.objects.count(), Subscription.objects.count(), SeatAssignment.objects.count())
    load_demo("--seed", "11")
    assert pro_suppliers() == first
    assert (Plan.objects.count(), Subscription.objects.count(), SeatAssignment.objects.count()) == counts


def test_demo_cluster_gives_seats_to_its_active_members():
    cluster = OrganisationFactory(is_supplier=False, is_cluster=True)
    members = [OrganisationFactory(is_supplier=True) for _ in range(5)]
    for supplier in members:
        ClusterMembership.objects.create(cluster=cluster, supplier=supplier, status="active")
    ctx = DemoContext(seed=1, suppliers=0, buyers=0, clusters=1, organisations={"cluster": [cluster.pk], "supplier": []})
    build_billing(ctx)
    build_billing(ctx)
    assert SeatAssignment.objects.count() == 3
    assert sum(entitlements_for(s).source == "sponsored" for s in members) == 3
