"""factory-boy factories of the billing models."""
import factory

from marketplace.billing.models import Plan, SeatAssignment, Subscription
from tests.factories import OrganisationFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("slug",)

    name = "Pro"
    slug = factory.Sequence(lambda n: f"offre-{n}")
    kind = Plan.Kind.PRO
    features = "Devis illimités\nAlertes instantanées"
    monthly_price = "49.00"
    yearly_price = "490.00"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A local subscription (no Stripe ids unless given): active Pro by default."""

    class Meta:
        model = Subscription

    organisation = factory.SubFactory(OrganisationFactory)
    plan = factory.SubFactory(PlanFactory, slug="pro", kind=Plan.Kind.PRO)
    status = Subscription.Status.ACTIVE


class SeatAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeatAssignment

    sponsorship = factory.SubFactory(SubscriptionFactory)
    supplier = factory.SubFactory(OrganisationFactory)
