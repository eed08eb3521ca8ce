"""Without STRIPE_SECRET_KEY: the billing pages say so, everyone is Free, the webhook refuses."""
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from marketplace.billing import services
from marketplace.billing.entitlements import entitlements_for
from marketplace.billing.services import BillingError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unconfigured(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""


def test_billing_page_says_billing_is_not_configured(client, supplier, owner):
    client.force_login(owner)
    response = client.get(reverse("billing:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "La facturation n&#x27;est pas configurée" in page or "La facturation n'est pas configurée" in page
    assert 'data-plan="free"' in page
    assert "js.stripe.com" not in page


def test_billing_page_is_translated(client, supplier, owner):
    client.force_login(owner)
    page = client.get("/en/abonnement/").content.decode()
    assert "Billing is not configured" in page


def test_everyone_is_on_the_free_plan(supplier):
    entitlements = entitlements_for(supplier)
    assert entitlements.source == "free" and entitlements.monthly_quote_limit == 3


def test_services_refuse_with_a_message(supplier, owner):
    with pytest.raises(BillingError, match="pas configurée"):
        services.start_card_setup(owner, supplier)


def test_the_rest_of_the_site_works(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_webhook_without_a_secret_refuses_everything(client):
    response = client.post("/stripe/webhook/", data="{}", content_type="application/json", HTTP_STRIPE_SIGNATURE="t=1,v1=x")
    assert response.status_code == 400


def test_commands_explain_that_billing_is_not_configured():
    with pytest.raises(CommandError, match="pas configurée"):
        call_command("stripe_reconcile")
    with pytest.raises(CommandError, match="pas configurée"):
        call_command("billing_sync_plans")
