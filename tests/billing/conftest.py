"""Billing fixtures: a real localstripe (see localstripe.py), plans synced to it, organisations."""
import pytest

from marketplace.accounts.models import Membership
from marketplace.billing.plans import sync_plan_to_stripe
from tests.billing.factories import PlanFactory
from tests.billing.localstripe import localstripe_server, stripe_settings, stripe_webhooks  # noqa: F401
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def pro_plan(db):
    return PlanFactory(slug="pro", name="Pro", kind="pro", monthly_price="49.00", yearly_price="490.00")


@pytest.fixture
def sponsorship_plan(db):
    return PlanFactory(
        slug="parrainage-cluster", name="Parrainage de cluster", kind="cluster_sponsorship",
        monthly_price="390.00", yearly_price="3900.00", seats=3,
    )


@pytest.fixture
def stripe_plans(stripe_settings, pro_plan, sponsorship_plan):
    """The paid plans, with their products and plans created in localstripe."""
    for plan in (pro_plan, sponsorship_plan):
        sync_plan_to_stripe(plan)
    return {"pro": pro_plan, "sponsorship": sponsorship_plan}


@pytest.fixture
def supplier(db):
    return OrganisationFactory(
        is_supplier=True, name="Usinage du Forez", vat_number="FR40303265045", address="12 rue de la Mine", postal_code="42000"
    )


@pytest.fixture
def owner(supplier):
    return MembershipFactory(organisation=supplier, role=Membership.Role.OWNER).user


@pytest.fixture
def cluster(db):
    return OrganisationFactory(is_supplier=False, is_cluster=True, name="Pôle Mécanique Loire")


@pytest.fixture
def cluster_owner(cluster):
    return MembershipFactory(organisation=cluster, role=Membership.Role.OWNER).user


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French; a request to /en/ earlier in the thread must not leak."""
    from django.utils import translation

    with translation.override("fr"):
        yield
