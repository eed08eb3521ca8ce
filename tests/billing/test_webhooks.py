"""``POST /stripe/webhook/``: signature, idempotency, read-back, ordering, failures — against localstripe.

Events are either delivered by localstripe itself (signed with the registered secret, to the live
test server) or built here and signed with the same secret, which is what Stripe does.
"""
import json
import logging
import threading
import time

import pytest
import requests
from stripe import WebhookSignature

from marketplace.audit.models import AuditEntry
from marketplace.billing import services
from marketplace.billing.entitlements import entitlements_for
from marketplace.billing.models import StripeEvent, Subscription
from marketplace.billing.stripe_client import as_dict
from marketplace.billing.stripe_client import client as stripe_api
from tests.billing.localstripe import WEBHOOK_SECRET

pytestmark = pytest.mark.stripe

URL = "/stripe/webhook/"


def signed(event: dict, *, timestamp: int | None = None, secret: str = WEBHOOK_SECRET) -> tuple[str, str]:
    payload = json.dumps(event)
    return payload, WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def subscription_event(event_id: str, subscription_id: str, status: str, *, created: int | None = None) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": "customer.subscription.updated",
        "created": created or int(time.time()),
        "api_version": "2017-08-15",
        "data": {"object": {"id": subscription_id, "object": "subscription", "status": status}},
    }


def post(client, payload: str, signature: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature else {}
    return client.post(URL, data=payload, content_type="application/json", **headers)


def subscribe(localstripe, user, organisation, plan, interval="month"):
    setup_intent = localstripe.confirm_card(services.start_card_setup(user, organisation))
    return services.subscribe(user, organisation, plan, interval, setup_intent["id"])


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


# --- Delivered by localstripe ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_subscription_created_in_stripe_reaches_pro_through_the_webhook(stripe_webhooks, stripe_plans, supplier, owner):
    """The request that created the subscription died before saving it: the webhook links it."""
    local = services.ensure_customer(owner, supplier)
    setup_intent = stripe_webhooks.confirm_card(services.start_card_setup(owner, supplier))
    api = stripe_api()
    payment_method = as_dict(api.v1.setup_intents.retrieve(setup_intent["id"]))["payment_method"]
    api.v1.payment_methods.attach(payment_method, params={"customer": local.stripe_customer_id})
    api.v1.customers.update(local.stripe_customer_id, params={"invoice_settings": {"default_payment_method": payment_method}})
    created = api.v1.subscriptions.create(params={
        "customer": local.stripe_customer_id,
        "items": [{"plan": stripe_plans["pro"].stripe_plan_monthly_id}],
        "metadata": {"organisation_id": str(supplier.pk)},
    })
    assert not entitlements_for(supplier).is_pro

    assert wait_for(lambda: StripeEvent.objects.filter(
        type="customer.subscription.created", object_id=created.id, status="processed").exists())
    local.refresh_from_db()
    assert local.stripe_subscription_id == created.id and local.status == "active"
    assert entitlements_for(supplier).is_pro
    assert AuditEntry.objects.filter(action="billing.stripe_event_processed", organisation=supplier).exists()


@pytest.mark.django_db(transaction=True)
def test_duplicate_event_delivered_twice_at_once_has_one_effect(stripe_webhooks, stripe_plans, supplier, owner, live_server):
    subscription = subscribe(stripe_webhooks, owner, supplier, stripe_plans["pro"])
    payload, signature = signed(subscription_event("evt_duplicate_1", subscription.stripe_subscription_id, "active"))
    barrier = threading.Barrier(2)
    responses = []

    def deliver():
        barrier.wait()
        responses.append(requests.post(
            live_server.url + URL, data=payload,
            headers={"Stripe-Signature": signature, "Content-Type": "application/json"}, timeout=30,
        ))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.status_code for r in responses) == [200, 200]
    assert sorted(r.json()["outcome"] for r in responses) == ["duplicate", "processed"]
    assert StripeEvent.objects.filter(stripe_id="evt_duplicate_1").count() == 1
    effects = AuditEntry.objects.filter(action="billing.stripe_event_processed", data__stripe_event_id="evt_duplicate_1")
    assert effects.count() == 1


# --- Signed here ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_forged_signature_is_refused_and_changes_nothing(client, stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    event = subscription_event("evt_forged", subscription.stripe_subscription_id, "canceled")
    payload, signature = signed(event, secret="whsec_not_ours")
    before = AuditEntry.objects.count()
    assert post(client, payload, signature).status_code == 400
    assert post(client, payload, None).status_code == 400
    assert post(client, payload, "t=1,v1=deadbeef").status_code == 400
    # A valid signature over another body does not transfer.
    _, good_signature = signed(subscription_event("evt_other", subscription.stripe_subscription_id, "active"))
    assert post(client, payload, good_signature).status_code == 400
    assert not StripeEvent.objects.exists()
    assert AuditEntry.objects.count() == before
    assert Subscription.objects.get(pk=subscription.pk).status == "active"


@pytest.mark.django_db
def test_replayed_event_older_than_five_minutes_is_refused(client, stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    old = int(time.time()) - 301
    payload, signature = signed(subscription_event("evt_old", subscription.stripe_subscription_id, "active", created=old), timestamp=old)
    assert post(client, payload, signature).status_code == 400
    assert not StripeEvent.objects.exists()
    # The same event signed just now is accepted.
    payload, signature = signed(subscription_event("evt_old", subscription.stripe_subscription_id, "active", created=old))
    assert post(client, payload, signature).status_code == 200


@pytest.mark.django_db
def test_stale_past_due_after_active_leaves_the_state_read_back_from_stripe(client, stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    now = int(time.time())
    sub_id = subscription.stripe_subscription_id
    for event in (subscription_event("evt_active", sub_id, "active", created=now),
                  subscription_event("evt_stale_past_due", sub_id, "past_due", created=now - 120)):
        assert post(client, *signed(event)).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "active" and subscription.past_due_since is None
    assert entitlements_for(supplier).is_pro
    assert set(StripeEvent.objects.values_list("status", flat=True)) == {"processed"}


@pytest.mark.django_db
def test_late_active_event_does_not_undo_a_real_past_due(client, stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    api = stripe_api()
    # Make the renewal fail in Stripe: a card that attaches but is declined when charged, then a
    # change of period, which localstripe invoices at once.
    setup_intent = stripe_settings.confirm_card(services.start_card_setup(owner, supplier), "4000000000000341")
    services.update_card(owner, supplier, setup_intent["id"])
    current = as_dict(api.v1.subscriptions.retrieve(subscription.stripe_subscription_id))
    try:
        api.v1.subscriptions.update(subscription.stripe_subscription_id, params={
            "items": [{"id": current["items"]["data"][0]["id"], "plan": stripe_plans["pro"].stripe_plan_yearly_id}]})
    except Exception:  # localstripe reports the declined charge; the subscription is past due either way
        pass
    assert as_dict(api.v1.subscriptions.retrieve(subscription.stripe_subscription_id))["status"] == "past_due"

    stale = subscription_event("evt_late_active", subscription.stripe_subscription_id, "active", created=int(time.time()) - 600)
    assert post(client, *signed(stale)).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "past_due" and subscription.past_due_since is not None
    # Within the grace period the supplier keeps Pro.
    assert entitlements_for(supplier).is_pro


@pytest.mark.django_db
def test_an_older_read_never_overwrites_a_newer_one(stripe_settings, stripe_plans, supplier, owner):
    from datetime import timedelta

    from marketplace.billing.sync import StripeSubscriptionState, apply_subscription_state

    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    stale = StripeSubscriptionState(
        id=subscription.stripe_subscription_id, customer=subscription.stripe_customer_id, status="past_due",
        stripe_plan_id=stripe_plans["pro"].stripe_plan_monthly_id, stripe_interval="month",
        current_period_end=None, cancel_at_period_end=False, organisation_id=supplier.pk,
    )
    apply_subscription_state(stale, subscription.stripe_updated_at - timedelta(seconds=1))
    assert Subscription.objects.get(pk=subscription.pk).status == "active"


@pytest.mark.django_db
def test_stripe_unreachable_while_processing_answers_5xx_and_stores_nothing(client, stripe_settings, stripe_plans, supplier, owner, settings):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    event = subscription_event("evt_transient", subscription.stripe_subscription_id, "active")
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = post(client, *signed(event))
    assert response.status_code == 503
    assert not StripeEvent.objects.filter(stripe_id="evt_transient").exists()

    # Stripe retries once we are reachable again: the event is processed then.
    settings.STRIPE_API_BASE = stripe_settings.url
    response = post(client, *signed(event))
    assert response.status_code == 200 and response.json()["outcome"] == "processed"
    assert StripeEvent.objects.get(stripe_id="evt_transient").status == "processed"


@pytest.mark.django_db
def test_event_types_billing_does_not_handle_are_stored_and_ignored(client, stripe_settings):
    event = {"id": "evt_customer", "object": "event", "type": "customer.created", "created": int(time.time()),
             "data": {"object": {"id": "cus_x", "object": "customer"}}}
    response = post(client, *signed(event))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored"
    assert StripeEvent.objects.get(stripe_id="evt_customer").status == "ignored"


@pytest.mark.django_db
def test_events_for_unknown_subscriptions_change_nothing(client, stripe_settings):
    event = subscription_event("evt_unknown", "sub_does_not_exist", "active")
    assert post(client, *signed(event)).status_code == 200
    assert StripeEvent.objects.get(stripe_id="evt_unknown").status == "processed"
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_invoice_events_sync_the_invoice_s_subscription(client, stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    Subscription.objects.filter(pk=subscription.pk).update(status="incomplete", stripe_updated_at=None)
    invoice_id = as_dict(stripe_api().v1.subscriptions.retrieve(subscription.stripe_subscription_id))["latest_invoice"]
    event = {"id": "evt_invoice", "object": "event", "type": "invoice.payment_succeeded", "created": int(time.time()),
             "data": {"object": {"id": invoice_id, "object": "invoice"}}}
    assert post(client, *signed(event)).status_code == 200
    assert Subscription.objects.get(pk=subscription.pk).status == "active"


@pytest.mark.django_db
def test_no_card_data_in_logs(client, caplog, stripe_settings, stripe_plans, supplier, owner):
    caplog.set_level(logging.DEBUG)
    # Our loggers do not propagate to the root (settings.LOGGING): listen to them directly.
    for name in ("marketplace", "stripe", "django_tasks"):
        logging.getLogger(name).addHandler(caplog.handler)
    try:
        subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
        services.card_of(supplier)
        post(client, *signed(subscription_event("evt_logs", subscription.stripe_subscription_id, "active")))
        post(client, *signed(subscription_event("evt_logs_forged", subscription.stripe_subscription_id, "active"), secret="whsec_x"))
    finally:
        for name in ("marketplace", "stripe", "django_tasks"):
            logging.getLogger(name).removeHandler(caplog.handler)
    text = caplog.text
    assert "evt_logs" in text  # the log was captured at all
    for secret in ("4242424242424242", "last4", "exp_month", "exp_year", "fingerprint", "cvc", "client_secret", "_secret_"):
        assert secret not in text, secret
