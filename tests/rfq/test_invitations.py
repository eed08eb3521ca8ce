"""Inviting suppliers to an RFQ, and what an invited supplier can do with the invitation."""
from __future__ import annotations

import pytest
from django.core import mail

from marketplace.audit.models import AuditEntry
from marketplace.notifications.models import Notification
from rfq import participation, services
from rfq.exceptions import RFQError
from rfq.models import RFQ, RFQInvitation
from tests.factories import OrganisationFactory
from tests.rfq.conftest import make_buyer, make_supplier

pytestmark = pytest.mark.django_db


def test_inviting_to_a_draft_waits_for_publication_to_notify(draft_rfq, buyer, supplier, django_capture_on_commit_callbacks):
    [invitation] = participation.invite_suppliers(buyer.user, draft_rfq, [supplier.organisation])
    assert invitation.status == RFQInvitation.Status.PENDING
    assert invitation.invited_by == buyer.user
    assert not Notification.objects.filter(kind="rfq.published_invited").exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_rfq(buyer.user, draft_rfq)

    notification = Notification.objects.get(kind="rfq.published_invited")
    assert (notification.recipient, notification.organisation) == (supplier.user, supplier.organisation)
    assert notification.params["buyer"] == buyer.organisation.name
    assert [m.to for m in mail.outbox] == [[supplier.user.email]]


def test_inviting_to_a_published_rfq_notifies_at_once_and_never_twice(published_rfq, buyer, supplier, other_supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    invitations = participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation, other_supplier.organisation])

    assert [i.supplier for i in invitations] == [supplier.organisation, other_supplier.organisation]
    assert RFQInvitation.objects.filter(rfq=published_rfq).count() == 2
    per_organisation = Notification.objects.filter(kind="rfq.published_invited").values_list("organisation", flat=True)
    assert sorted(per_organisation) == sorted([supplier.organisation.pk, other_supplier.organisation.pk])
    assert AuditEntry.objects.filter(action="rfq.suppliers_invited").count() == 2


def test_existing_invitation_keeps_its_status_when_invited_again(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    participation.mark_invitation_viewed(supplier.user, published_rfq, supplier.organisation)
    [again] = participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    assert again.status == RFQInvitation.Status.VIEWED


def test_buyer_cannot_invite_itself(published_rfq, buyer):
    with pytest.raises(RFQError) as error:
        participation.invite_suppliers(buyer.user, published_rfq, [buyer.organisation])
    assert error.value.code == "own_organisation"


def test_only_supplier_organisations_can_be_invited(published_rfq, buyer):
    not_a_supplier = OrganisationFactory(is_supplier=False, is_buyer=True, name="Grand Groupe")
    with pytest.raises(RFQError) as error:
        participation.invite_suppliers(buyer.user, published_rfq, [make_supplier().organisation, not_a_supplier])
    assert error.value.code == "not_supplier"
    assert "Grand Groupe" in error.value.message
    assert not RFQInvitation.objects.exists()  # all or nothing


def test_supplier_cannot_invite_to_someone_elses_rfq(published_rfq, supplier, other_supplier):
    with pytest.raises(RFQError) as error:
        participation.invite_suppliers(supplier.user, published_rfq, [other_supplier.organisation])
    assert error.value.code == "not_buyer"


def test_cannot_invite_once_the_rfq_is_closed(published_rfq, buyer, supplier):
    RFQ.objects.filter(pk=published_rfq.pk).update(status=RFQ.Status.CLOSED)
    with pytest.raises(RFQError) as error:
        participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    assert error.value.code == "not_editable"


def test_viewing_marks_a_pending_invitation_viewed_once(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    participation.mark_invitation_viewed(supplier.user, published_rfq, supplier.organisation)
    invitation = RFQInvitation.objects.get()
    first_viewed_at = invitation.viewed_at
    assert invitation.status == RFQInvitation.Status.VIEWED

    participation.mark_invitation_viewed(supplier.user, published_rfq, supplier.organisation)
    invitation.refresh_from_db()
    assert invitation.viewed_at == first_viewed_at


def test_viewing_by_someone_outside_the_supplier_changes_nothing(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    participation.mark_invitation_viewed(buyer.user, published_rfq, supplier.organisation)
    assert RFQInvitation.objects.get().status == RFQInvitation.Status.PENDING


def test_declining_needs_a_reason(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    with pytest.raises(RFQError) as error:
        participation.decline_invitation(supplier.user, published_rfq, supplier.organisation, "")
    assert error.value.code == "reason_required"
    assert RFQInvitation.objects.get().status == RFQInvitation.Status.PENDING


def test_declining_records_the_reason_and_tells_the_buyer(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    invitation = participation.decline_invitation(supplier.user, published_rfq, supplier.organisation, "Pas de capacité en mars")

    assert invitation.status == RFQInvitation.Status.DECLINED
    assert invitation.decline_reason == "Pas de capacité en mars"
    notification = Notification.objects.get(kind="rfq.invitation_declined")
    assert notification.recipient == buyer.user
    assert notification.params["supplier"] == supplier.organisation.name
    assert AuditEntry.objects.filter(action="rfq.invitation_declined").exists()


def test_declining_twice_is_refused(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    participation.decline_invitation(supplier.user, published_rfq, supplier.organisation, "Non")
    with pytest.raises(RFQError) as error:
        participation.decline_invitation(supplier.user, published_rfq, supplier.organisation, "Toujours non")
    assert error.value.code == "already_declined"


def test_an_uninvited_supplier_cannot_decline(published_rfq, supplier):
    with pytest.raises(RFQError) as error:
        participation.decline_invitation(supplier.user, published_rfq, supplier.organisation, "Non")
    assert error.value.code == "not_invited"


def test_declining_for_another_organisation_is_refused(published_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, published_rfq, [supplier.organisation])
    intruder = make_buyer()
    with pytest.raises(RFQError) as error:
        participation.decline_invitation(intruder.user, published_rfq, supplier.organisation, "Non")
    assert error.value.code == "not_member"
