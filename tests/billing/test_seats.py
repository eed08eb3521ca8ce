"""A cluster gives its sponsorship's Pro seats to active member suppliers, never more than it bought."""
import pytest
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from marketplace.billing import services
from marketplace.billing.entitlements import entitlements_for
from marketplace.billing.models import SeatAssignment
from marketplace.billing.services import BillingError, NotAllowed
from suppliers.models import ClusterMembership
from tests.billing.factories import SubscriptionFactory
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsorship(cluster, sponsorship_plan):
    return SubscriptionFactory(organisation=cluster, plan=sponsorship_plan)  # 3 seats


def member(cluster, status=ClusterMembership.Status.ACTIVE):
    supplier = OrganisationFactory(is_supplier=True)
    ClusterMembership.objects.create(cluster=cluster, supplier=supplier, status=status)
    return supplier


def test_cluster_assigns_a_seat_and_the_supplier_becomes_pro(cluster, cluster_owner, sponsorship):
    supplier = member(cluster)
    assert not entitlements_for(supplier).is_pro
    seat = services.assign_seat(cluster_owner, cluster, supplier)
    assert entitlements_for(supplier).source == "sponsored"
    assert AuditEntry.objects.for_object(seat).get().action == "billing.seat_assigned"


def test_cluster_cannot_assign_more_seats_than_it_bought(cluster, cluster_owner, sponsorship):
    for _ in range(3):
        services.assign_seat(cluster_owner, cluster, member(cluster))
    extra = member(cluster)
    with pytest.raises(BillingError, match="sièges sont tous attribués"):
        services.assign_seat(cluster_owner, cluster, extra)
    assert SeatAssignment.objects.count() == 3
    assert not entitlements_for(extra).is_pro


def test_unassigning_frees_the_seat(cluster, cluster_owner, sponsorship):
    seats = [services.assign_seat(cluster_owner, cluster, member(cluster)) for _ in range(3)]
    services.unassign_seat(cluster_owner, cluster, seats[0].pk)
    assert not entitlements_for(seats[0].supplier).is_pro
    services.assign_seat(cluster_owner, cluster, member(cluster))
    assert SeatAssignment.objects.count() == 3


@pytest.mark.parametrize("status", [ClusterMembership.Status.INVITED, ClusterMembership.Status.REQUESTED, ClusterMembership.Status.ENDED])
def test_only_active_member_suppliers_get_a_seat(cluster, cluster_owner, sponsorship, status):
    with pytest.raises(BillingError, match="membres actifs"):
        services.assign_seat(cluster_owner, cluster, member(cluster, status))
    with pytest.raises(BillingError, match="membres actifs"):
        services.assign_seat(cluster_owner, cluster, OrganisationFactory(is_supplier=True))


def test_a_supplier_holds_one_sponsored_seat_at_most(cluster, cluster_owner, sponsorship):
    supplier = member(cluster)
    services.assign_seat(cluster_owner, cluster, supplier)
    with pytest.raises(BillingError, match="déjà un siège"):
        services.assign_seat(cluster_owner, cluster, supplier)


def test_no_seat_without_a_paid_sponsorship(cluster, cluster_owner, sponsorship):
    sponsorship.status = "canceled"
    sponsorship.save()
    with pytest.raises(BillingError, match="pas de parrainage"):
        services.assign_seat(cluster_owner, cluster, member(cluster))


def test_a_plain_member_of_the_cluster_cannot_assign_seats(cluster, sponsorship):
    plain = MembershipFactory(organisation=cluster, role="member").user
    with pytest.raises(NotAllowed):
        services.assign_seat(plain, cluster, member(cluster))


def test_seats_page_assigns_and_frees_a_seat(client, cluster, cluster_owner, sponsorship):
    supplier = member(cluster)
    client.force_login(cluster_owner)
    response = client.get(reverse("billing:seats"))
    assert response.status_code == 200
    assert supplier.name in response.content.decode()
    response = client.post(reverse("billing:seats"), {"supplier": supplier.pk}, follow=True)
    assert "Un siège Pro est attribué" in response.content.decode()
    seat = SeatAssignment.objects.get(supplier=supplier)
    response = client.post(reverse("billing:seat_unassign", args=[seat.pk]), follow=True)
    assert "Le siège est libéré" in response.content.decode()
    assert not SeatAssignment.objects.exists()
