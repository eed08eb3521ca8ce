"""Subscribing and managing a subscription through the services, against a real localstripe."""
import pytest
from django.core.management import call_command
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from marketplace.billing import services
from marketplace.billing.entitlements import entitlements_for
from marketplace.billing.models import Plan, Subscription
from marketplace.billing.services import BillingError, NotAllowed
from marketplace.billing.stripe_client import as_dict
from marketplace.billing.stripe_client import client as stripe_api
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.stripe]


def subscribe(localstripe, user, organisation, plan, interval="month", card="4242424242424242"):
    client_secret = services.start_card_setup(user, organisation)
    setup_intent = localstripe.confirm_card(client_secret, card)
    return services.subscribe(user, organisation, plan, interval, setup_intent["id"])


def test_billing_sync_plans_creates_products_and_plans_once(stripe_settings, pro_plan):
    call_command("billing_sync_plans", stdout=None)
    pro_plan.refresh_from_db()
    assert pro_plan.stripe_product_id and pro_plan.stripe_plan_monthly_id and pro_plan.stripe_plan_yearly_id
    stripe_plan = as_dict(stripe_api().v1.plans.retrieve(pro_plan.stripe_plan_yearly_id))
    assert stripe_plan["amount"] == 49000 and stripe_plan["interval"] == "year" and stripe_plan["currency"] == "eur"
    ids = (pro_plan.stripe_product_id, pro_plan.stripe_plan_monthly_id, pro_plan.stripe_plan_yearly_id)
    # A second run, or one that lost the saved ids, creates nothing new.
    call_command("billing_sync_plans")
    Plan.objects.filter(pk=pro_plan.pk).update(stripe_plan_monthly_id="")
    call_command("billing_sync_plans")
    pro_plan.refresh_from_db()
    assert (pro_plan.stripe_product_id, pro_plan.stripe_plan_monthly_id, pro_plan.stripe_plan_yearly_id) == ids
    assert len(as_dict(stripe_api().v1.plans.list())["data"]) == 2


def test_subscribe_with_a_card_gives_pro_and_records_billing_details(stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.plan == stripe_plans["pro"] and subscription.interval == "month"
    assert entitlements_for(supplier).is_pro
    customer = as_dict(stripe_api().v1.customers.retrieve(subscription.stripe_customer_id))
    assert customer["address"]["postal_code"] == "42000" and customer["address"]["country"] == "FR"
    assert customer["invoice_settings"]["default_payment_method"].startswith("pm_")
    tax_ids = as_dict(stripe_api().v1.customers.tax_ids.list(subscription.stripe_customer_id))["data"]
    assert [(t["type"], t["value"]) for t in tax_ids] == [("eu_vat", "FR40303265045")]
    invoices = services.invoices_of(supplier)
    assert [(i.amount_due, i.status) for i in invoices] == [(49, "paid")]
    assert AuditEntry.objects.filter(action="billing.subscribed", organisation=supplier).count() == 1


def test_subscribing_twice_is_refused(stripe_settings, stripe_plans, supplier, owner):
    subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    with pytest.raises(BillingError, match="déjà un abonnement"):
        subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])


def test_a_supplier_cannot_buy_the_cluster_sponsorship(stripe_settings, stripe_plans, supplier, owner):
    with pytest.raises(BillingError, match="pas proposée"):
        subscribe(stripe_settings, owner, supplier, stripe_plans["sponsorship"])


def test_a_plain_member_cannot_manage_the_subscription(stripe_settings, stripe_plans, supplier):
    member = MembershipFactory(organisation=supplier, role="member").user
    with pytest.raises(NotAllowed):
        services.start_card_setup(member, supplier)


def test_a_setup_intent_of_another_customer_is_refused(stripe_settings, stripe_plans, supplier, owner):
    other = MembershipFactory(organisation__is_supplier=True).user
    other_secret = services.start_card_setup(other, other.memberships.get().organisation)
    setup_intent = stripe_settings.confirm_card(other_secret)
    services.start_card_setup(owner, supplier)
    with pytest.raises(BillingError, match="carte n'a pas pu être enregistrée"):
        services.subscribe(owner, supplier, stripe_plans["pro"], "month", setup_intent["id"])


def test_cancel_at_period_end_keeps_pro_until_then_and_resume_undoes_it(stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    subscription = services.cancel_at_period_end(owner, supplier)
    assert subscription.cancel_at_period_end and subscription.status == "active"
    assert as_dict(stripe_api().v1.subscriptions.retrieve(subscription.stripe_subscription_id))["cancel_at_period_end"] is True
    assert entitlements_for(supplier).is_pro
    with pytest.raises(BillingError, match="déjà programmée"):
        services.cancel_at_period_end(owner, supplier)

    subscription = services.resume(owner, supplier)
    assert not subscription.cancel_at_period_end
    assert as_dict(stripe_api().v1.subscriptions.retrieve(subscription.stripe_subscription_id))["cancel_at_period_end"] is False
    assert [e.action for e in AuditEntry.objects.filter(organisation=supplier, action__in=["billing.cancel_scheduled", "billing.resumed"]).order_by("id")] == [
        "billing.cancel_scheduled", "billing.resumed"
    ]


def test_switching_from_monthly_to_yearly_changes_the_stripe_plan(stripe_settings, stripe_plans, supplier, owner):
    subscribe(stripe_settings, owner, supplier, stripe_plans["pro"], "month")
    subscription = services.change_plan(owner, supplier, stripe_plans["pro"], "year")
    assert subscription.interval == "year" and subscription.status == "active"
    stripe_sub = as_dict(stripe_api().v1.subscriptions.retrieve(subscription.stripe_subscription_id))
    assert stripe_sub["items"]["data"][0]["plan"]["id"] == stripe_plans["pro"].stripe_plan_yearly_id
    with pytest.raises(BillingError, match="déjà votre offre"):
        services.change_plan(owner, supplier, stripe_plans["pro"], "year")
    entry = AuditEntry.objects.get(action="billing.plan_changed")
    assert entry.data["previous"] == {"plan": "pro", "interval": "month"} and entry.data["interval"] == "year"


def test_a_declined_card_is_refused_without_a_subscription(stripe_settings, stripe_plans, supplier, owner):
    client_secret = services.start_card_setup(owner, supplier)
    status, body = stripe_settings.request(
        "POST",
        f"/v1/setup_intents/{client_secret.split('_secret_')[0]}/confirm",
        {"key": "pk_test_localstripe", "client_secret": client_secret, "payment_method_data": {
            "type": "card", "card": {"number": "4000000000000002", "exp_month": "12", "exp_year": "2030", "cvc": "123"}}},
    )
    assert status == 402
    with pytest.raises(BillingError):
        services.subscribe(owner, supplier, stripe_plans["pro"], "month", client_secret.split("_secret_")[0])
    assert not entitlements_for(supplier).is_pro


def test_a_new_card_replaces_the_default_one(stripe_settings, stripe_plans, supplier, owner):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    old = as_dict(stripe_api().v1.customers.retrieve(subscription.stripe_customer_id))["invoice_settings"]["default_payment_method"]
    setup_intent = stripe_settings.confirm_card(services.start_card_setup(owner, supplier), "5555555555554444")
    services.update_card(owner, supplier, setup_intent["id"])
    new = as_dict(stripe_api().v1.customers.retrieve(subscription.stripe_customer_id))["invoice_settings"]["default_payment_method"]
    assert new != old and services.card_of(supplier)["last4"] == "4444"


def test_overview_page_shows_plan_status_and_invoices(client, stripe_settings, stripe_plans, supplier, owner):
    client.force_login(owner)
    page = client.get(reverse("billing:overview")).content.decode()
    assert "S&#x27;abonner" in page or "S'abonner" in page
    assert stripe_settings.url + "/js.stripe.com/v3/" in page
    subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    page = client.get(reverse("billing:overview")).content.decode()
    assert 'data-plan="pro"' in page
    assert 'data-subscription-status="active"' in page
    assert "49,00 €" in page
    assert "Résilier à la fin de la période" in page


def test_card_setup_endpoint_returns_a_client_secret(client, stripe_settings, stripe_plans, supplier, owner):
    client.force_login(owner)
    response = client.post(reverse("billing:card_setup_intent"))
    assert response.status_code == 200
    assert response.json()["client_secret"].startswith("seti_")


def test_billing_pages_are_for_owners_and_admins(client, stripe_settings, supplier):
    member = MembershipFactory(organisation=supplier, role="member").user
    client.force_login(member)
    assert client.get(reverse("billing:overview")).status_code == 403
    assert client.post(reverse("billing:card_setup_intent")).status_code == 403


def test_stripe_down_while_rendering_keeps_the_page_up(client, stripe_settings, stripe_plans, supplier, owner, settings):
    subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    client.force_login(owner)
    response = client.get(reverse("billing:overview"))
    assert response.status_code == 200
    assert "ne répond pas pour le moment" in response.content.decode()


def test_stripe_errors_become_a_translated_message(stripe_settings, stripe_plans, supplier, owner, settings):
    subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(BillingError, match="momentanément indisponible"):
        services.cancel_at_period_end(owner, supplier)
    assert not Subscription.objects.get(organisation=supplier).cancel_at_period_end
