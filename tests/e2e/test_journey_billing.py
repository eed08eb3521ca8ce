"""Journey: a supplier's owner subscribes to Pro with a test card, sees the Pro badge and the invoice.

Runs against a real localstripe (tests/billing/localstripe.py): the page loads localstripe's fake
Stripe.js from ``STRIPE_JS_URL``, the browser confirms the SetupIntent with localstripe directly,
and localstripe's webhooks reach the live server.
"""
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from marketplace.accounts.models import Membership
from marketplace.billing.entitlements import entitlements_for
from marketplace.billing.models import StripeEvent, Subscription
from tests.billing.factories import PlanFactory
from tests.billing.localstripe import localstripe_server, stripe_settings, stripe_webhooks  # noqa: F401
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.stripe]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": django_settings.SESSION_COOKIE_NAME,
        "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


def test_supplier_owner_subscribes_to_pro_with_a_test_card(page, live_server, reference_data, stripe_webhooks):
    from marketplace.billing.plans import sync_plan_to_stripe

    plan = PlanFactory(slug="pro", name="Pro", kind="pro", monthly_price="49.00", yearly_price="490.00",
                       features="Devis illimités\nAlertes instantanées")
    sync_plan_to_stripe(plan)
    supplier = OrganisationFactory(is_supplier=True, name="Décolletage des Aravis", vat_number="FR40303265045",
                                   address="3 route du Reposoir", postal_code="74300")
    owner = MembershipFactory(organisation=supplier, role=Membership.Role.OWNER).user
    sign_in(page, live_server, owner)

    page.goto("/abonnement/")
    assert page.locator("[data-plan=free]").is_visible()
    page.get_by_label(re.compile(r"^\s*Mensuel", re.I)).check()
    card = page.locator("[data-card-element]")
    card.get_by_placeholder("number").fill("4242424242424242")
    card.get_by_placeholder("exp_month").fill("12")
    card.get_by_placeholder("exp_year").fill("30")
    card.get_by_placeholder("cvc").fill("123")
    card.get_by_placeholder("postal_code").fill("74300")
    page.get_by_role("button", name="S'abonner").click()

    page.get_by_text(re.compile("Votre abonnement « Pro » est actif")).wait_for()
    assert page.locator("[data-plan=pro]").is_visible()
    assert page.locator("[data-subscription-status=active]").is_visible()
    invoice = page.locator("tr[data-invoice]")
    assert invoice.count() == 1
    assert "49,00 €" in invoice.inner_text() and "Payée" in invoice.inner_text()

    subscription = Subscription.objects.get(organisation=supplier)
    assert subscription.status == "active" and subscription.plan == plan
    assert entitlements_for(supplier).is_pro
    # localstripe's webhook for the new subscription reaches the live server and changes nothing.
    page.wait_for_timeout(2500)
    assert StripeEvent.objects.filter(object_id=subscription.stripe_subscription_id, status="processed").exists()
    assert Subscription.objects.get(pk=subscription.pk).status == "active"
