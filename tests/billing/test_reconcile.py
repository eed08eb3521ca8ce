"""``manage.py stripe_reconcile [--fix]`` against localstripe."""
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.audit.models import AuditEntry
from marketplace.billing import services
from marketplace.billing.models import Subscription

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]


def subscribe(localstripe, user, organisation, plan):
    setup_intent = localstripe.confirm_card(services.start_card_setup(user, organisation))
    return services.subscribe(user, organisation, plan, "month", setup_intent["id"])


def reconcile(*args):
    out = StringIO()
    try:
        call_command("stripe_reconcile", *args, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), exit_.code
    return out.getvalue(), 0


def test_no_difference_when_in_sync(stripe_settings, stripe_plans, supplier, owner):
    subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    output, status = reconcile()
    assert status == 0 and "Aucune différence" in output


def test_differences_are_printed_then_fixed_from_stripe(stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    Subscription.objects.filter(pk=subscription.pk).update(status="canceled", cancel_at_period_end=True, interval="year")

    output, status = reconcile()
    assert status == 1
    assert "status: local='canceled' stripe='active'" in output
    assert "cancel_at_period_end" in output and "interval" in output
    assert Subscription.objects.get(pk=subscription.pk).status == "canceled"  # report only

    output, status = reconcile("--fix")
    assert status == 0 and "corrigée" in output
    subscription.refresh_from_db()
    assert (subscription.status, subscription.cancel_at_period_end, subscription.interval) == ("active", False, "month")
    assert AuditEntry.objects.filter(action="billing.subscription_synced", data__reason="reconcile").exists()
    assert reconcile()[1] == 0


def test_a_subscription_stripe_bills_but_we_never_linked_is_adopted(stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    Subscription.objects.filter(pk=subscription.pk).update(stripe_subscription_id="", status="none")
    output, status = reconcile("--fix")
    assert "linked" in output
    subscription.refresh_from_db()
    assert subscription.status == "active" and subscription.stripe_subscription_id
