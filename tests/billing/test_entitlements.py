"""Entitlements from local subscription records, and the monthly quote quota (no Stripe needed)."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.billing.entitlements import (
    FREE_MONTHLY_QUOTE_LIMIT,
    QuotaExceeded,
    check_quote_quota,
    entitlements_for,
)
from marketplace.billing.models import Plan, Subscription
from tests.billing.factories import PlanFactory, SeatAssignmentFactory, SubscriptionFactory
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_without_subscription_is_free():
    entitlements = entitlements_for(OrganisationFactory())
    assert entitlements.plan_kind == "free"
    assert not entitlements.is_pro
    assert entitlements.monthly_quote_limit == FREE_MONTHLY_QUOTE_LIMIT == 3
    assert not entitlements.instant_alerts and not entitlements.analytics
    assert entitlements.search_boost == 1.0
    assert entitlements.source == "free"


def test_an_active_local_pro_subscription_gives_pro():
    subscription = SubscriptionFactory()
    entitlements = entitlements_for(subscription.organisation)
    assert entitlements.is_pro and entitlements.source == "subscription"
    assert entitlements.monthly_quote_limit is None
    assert entitlements.instant_alerts and entitlements.analytics
    assert entitlements.search_boost > 1.0


@pytest.mark.parametrize("status", ["canceled", "incomplete", "incomplete_expired", "unpaid", "none", "paused"])
def test_a_subscription_that_is_not_paid_for_gives_free(status):
    subscription = SubscriptionFactory(status=status)
    assert entitlements_for(subscription.organisation).source == "free"


def test_trialing_gives_the_plan():
    assert entitlements_for(SubscriptionFactory(status="trialing").organisation).is_pro


def test_past_due_keeps_pro_during_the_grace_period_then_falls_back_to_free(settings):
    settings.BILLING_PAST_DUE_GRACE_DAYS = 7
    subscription = SubscriptionFactory(status="past_due", past_due_since=timezone.now() - timedelta(days=6))
    assert entitlements_for(subscription.organisation).is_pro
    subscription.past_due_since = timezone.now() - timedelta(days=8)
    subscription.save()
    assert not entitlements_for(subscription.organisation).is_pro
    settings.BILLING_PAST_DUE_GRACE_DAYS = 10
    assert entitlements_for(subscription.organisation).is_pro


def test_a_stripe_backed_subscription_counts_only_while_billing_is_configured(settings):
    subscription = SubscriptionFactory(stripe_subscription_id="sub_123", stripe_customer_id="cus_123")
    settings.STRIPE_SECRET_KEY = ""
    assert entitlements_for(subscription.organisation).source == "free"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert entitlements_for(subscription.organisation).is_pro


def test_a_seat_sponsored_by_a_cluster_gives_pro_while_the_sponsorship_is_paid():
    plan = PlanFactory(slug="parrainage", kind=Plan.Kind.CLUSTER_SPONSORSHIP, seats=10)
    cluster = OrganisationFactory(is_supplier=False, is_cluster=True)
    sponsorship = SubscriptionFactory(organisation=cluster, plan=plan)
    seat = SeatAssignmentFactory(sponsorship=sponsorship)
    entitlements = entitlements_for(seat.supplier)
    assert entitlements.is_pro and entitlements.source == "sponsored"
    # The cluster itself gets seats to give, not supplier benefits.
    assert entitlements_for(cluster).plan_kind == "cluster_sponsorship"
    assert not entitlements_for(cluster).is_pro

    Subscription.objects.filter(pk=sponsorship.pk).update(status="canceled")
    assert entitlements_for(seat.supplier).source == "free"


def test_entitlements_take_at_most_two_queries():
    seat = SeatAssignmentFactory(sponsorship=SubscriptionFactory(plan=PlanFactory(slug="p", kind="cluster_sponsorship", seats=2)))
    with CaptureQueriesContext(connection) as queries:
        entitlements_for(seat.supplier)
    assert len(queries) <= 2


def test_a_free_supplier_over_three_quotes_a_month_gets_quota_exceeded_with_an_upgrade_link():
    organisation = OrganisationFactory()
    for already in range(3):
        check_quote_quota(organisation, submitted_this_month=already)
    with pytest.raises(QuotaExceeded) as raised:
        check_quote_quota(organisation, submitted_this_month=3)
    assert raised.value.limit == 3
    assert raised.value.upgrade_url == "/abonnement/"
    assert "3 devis par mois" in raised.value.message
    assert "/abonnement/" in raised.value.message


def test_quota_message_is_translated_in_english():
    from django.utils import translation

    with translation.override("en"), pytest.raises(QuotaExceeded) as raised:
        check_quote_quota(OrganisationFactory(), submitted_this_month=5)
    assert "/en/abonnement/" in raised.value.message
    assert "devis par mois" not in raised.value.message


def test_a_pro_supplier_has_no_quote_limit():
    subscription = SubscriptionFactory()
    assert check_quote_quota(subscription.organisation, submitted_this_month=500).is_pro
