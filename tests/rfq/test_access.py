"""Who sees what of an RFQ: listing, summary, details (NDA gate), quoting rights, NDA and downloads."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from marketplace.audit.models import AuditEntry
from rfq import access, participation
from rfq.exceptions import RFQError
from rfq.models import RFQ, FileDownload, NDAAcceptance
from tests.factories import UserFactory
from tests.rfq.conftest import draft_rfq_for, make_buyer, make_supplier, published_rfq_for

pytestmark = pytest.mark.django_db

NDA = "Le fournisseur s'engage à ne divulguer aucune information du dossier pendant cinq ans."


@pytest.fixture
def confidential_rfq(buyer):
    return published_rfq_for(buyer, visibility=RFQ.Visibility.CONFIDENTIAL, nda_text=NDA)


@pytest.fixture
def invited_rfq(buyer):
    return published_rfq_for(buyer, visibility=RFQ.Visibility.INVITED)


def test_listing_shows_public_and_confidential_rfqs_invited_ones_only_to_invitees_and_own_drafts(buyer, supplier, other_supplier):
    public = published_rfq_for(buyer)
    confidential = published_rfq_for(buyer, visibility=RFQ.Visibility.CONFIDENTIAL, nda_text=NDA)
    invited = published_rfq_for(buyer, visibility=RFQ.Visibility.INVITED)
    participation.invite_suppliers(buyer.user, invited, [supplier.organisation])
    draft = draft_rfq_for(buyer)

    assert set(access.rfqs_visible_to(supplier.organisation)) == {public, confidential, invited}
    assert set(access.rfqs_visible_to(other_supplier.organisation)) == {public, confidential}
    assert set(access.rfqs_visible_to(buyer.organisation)) == {public, confidential, invited, draft}
    assert set(access.rfqs_visible_to(None)) == {public, confidential}


def test_anonymous_listing_shows_only_open_rfqs(buyer):
    open_rfq = published_rfq_for(buyer)
    closed = published_rfq_for(buyer)
    RFQ.objects.filter(pk=closed.pk).update(status=RFQ.Status.CLOSED, quote_deadline=timezone.now() - timedelta(hours=1))
    assert list(access.rfqs_visible_to(None)) == [open_rfq]


def test_drafts_are_seen_only_by_buyer_members_and_staff(draft_rfq, buyer, supplier):
    staff = UserFactory(is_staff=True)
    assert access.can_see_rfq(buyer.user, buyer.organisation, draft_rfq)
    assert access.can_see_rfq(staff, None, draft_rfq)
    assert not access.can_see_rfq(supplier.user, supplier.organisation, draft_rfq)
    assert not access.can_see_details(supplier.user, supplier.organisation, draft_rfq)
    assert not access.can_see_rfq(AnonymousUser(), None, draft_rfq)


def test_invited_rfq_is_visible_only_to_invited_suppliers(invited_rfq, buyer, supplier, other_supplier):
    participation.invite_suppliers(buyer.user, invited_rfq, [supplier.organisation])

    assert access.can_see_rfq(supplier.user, supplier.organisation, invited_rfq)
    assert access.can_see_details(supplier.user, supplier.organisation, invited_rfq)
    assert not access.can_see_rfq(other_supplier.user, other_supplier.organisation, invited_rfq)
    assert not access.can_see_details(other_supplier.user, other_supplier.organisation, invited_rfq)
    assert not access.can_see_rfq(AnonymousUser(), None, invited_rfq)


def test_user_cannot_borrow_an_invited_organisation_they_do_not_belong_to(invited_rfq, buyer, supplier, other_supplier):
    participation.invite_suppliers(buyer.user, invited_rfq, [supplier.organisation])
    assert not access.can_see_rfq(other_supplier.user, supplier.organisation, invited_rfq)
    assert not access.can_see_details(other_supplier.user, supplier.organisation, invited_rfq)


def test_public_details_need_a_verified_email_in_a_supplier_organisation(published_rfq):
    verified = make_supplier()
    unverified = make_supplier(verified=False)
    other_buyer = make_buyer()

    assert access.can_see_rfq(AnonymousUser(), None, published_rfq)
    assert not access.can_see_details(AnonymousUser(), None, published_rfq)
    assert access.can_see_details(verified.user, verified.organisation, published_rfq)
    assert not access.can_see_details(unverified.user, unverified.organisation, published_rfq)
    assert not access.can_see_details(other_buyer.user, other_buyer.organisation, published_rfq)


def test_confidential_details_open_only_after_the_organisation_accepts_the_nda(confidential_rfq, supplier, buyer):
    colleague = make_supplier()
    assert access.can_see_rfq(supplier.user, supplier.organisation, confidential_rfq)
    assert not access.can_see_details(supplier.user, supplier.organisation, confidential_rfq)
    assert access.can_see_details(buyer.user, buyer.organisation, confidential_rfq)

    participation.accept_nda(supplier.user, confidential_rfq, supplier.organisation, ip_address="192.0.2.4")

    assert access.can_see_details(supplier.user, supplier.organisation, confidential_rfq)
    assert not access.can_see_details(colleague.user, colleague.organisation, confidential_rfq)


def test_nda_acceptance_keeps_the_text_verbatim_is_audited_and_idempotent(confidential_rfq, supplier):
    first = participation.accept_nda(supplier.user, confidential_rfq, supplier.organisation, ip_address="192.0.2.4")
    RFQ.objects.filter(pk=confidential_rfq.pk).update(nda_text="Texte modifié ensuite")
    confidential_rfq.refresh_from_db()
    again = participation.accept_nda(supplier.user, confidential_rfq, supplier.organisation)

    assert again.pk == first.pk
    assert NDAAcceptance.objects.get().nda_text == NDA
    assert first.ip_address == "192.0.2.4" and first.user == supplier.user
    assert AuditEntry.objects.filter(action="rfq.nda_accepted").count() == 1


def test_nda_cannot_be_accepted_on_a_public_rfq(published_rfq, supplier):
    with pytest.raises(RFQError) as error:
        participation.accept_nda(supplier.user, published_rfq, supplier.organisation)
    assert error.value.code == "not_confidential"


def test_nda_cannot_be_accepted_for_someone_elses_organisation(confidential_rfq, supplier, other_supplier):
    with pytest.raises(RFQError) as error:
        participation.accept_nda(other_supplier.user, confidential_rfq, supplier.organisation)
    assert error.value.code == "not_member"
    assert not NDAAcceptance.objects.exists()


def test_staff_see_every_rfq_and_its_details(invited_rfq):
    staff = UserFactory(is_staff=True)
    assert access.can_see_rfq(staff, None, invited_rfq)
    assert access.can_see_details(staff, None, invited_rfq)
    assert not access.supplier_can_quote(staff, None, invited_rfq)


def test_buyer_members_are_recognised(published_rfq, buyer, supplier):
    assert access.is_buyer_member(buyer.user, published_rfq)
    assert not access.is_buyer_member(supplier.user, published_rfq)
    assert not access.is_buyer_member(AnonymousUser(), published_rfq)


def test_supplier_can_quote_an_open_public_rfq(published_rfq, supplier):
    assert access.supplier_can_quote(supplier.user, supplier.organisation, published_rfq)


def test_supplier_cannot_quote_after_the_deadline(published_rfq, supplier):
    RFQ.objects.filter(pk=published_rfq.pk).update(quote_deadline=timezone.now() - timedelta(seconds=1), questions_deadline=None)
    published_rfq.refresh_from_db()
    assert not access.supplier_can_quote(supplier.user, supplier.organisation, published_rfq)


def test_buyer_cannot_quote_its_own_rfq_even_if_also_a_supplier(buyer):
    buyer.organisation.is_supplier = True
    buyer.organisation.save()
    rfq = published_rfq_for(buyer)
    assert not access.supplier_can_quote(buyer.user, buyer.organisation, rfq)


def test_confidential_rfq_needs_the_nda_before_quoting(confidential_rfq, supplier):
    assert not access.supplier_can_quote(supplier.user, supplier.organisation, confidential_rfq)
    participation.accept_nda(supplier.user, confidential_rfq, supplier.organisation)
    assert access.supplier_can_quote(supplier.user, supplier.organisation, confidential_rfq)


def test_supplier_who_declined_its_invitation_cannot_quote(invited_rfq, buyer, supplier):
    participation.invite_suppliers(buyer.user, invited_rfq, [supplier.organisation])
    assert access.supplier_can_quote(supplier.user, supplier.organisation, invited_rfq)
    participation.decline_invitation(supplier.user, invited_rfq, supplier.organisation, "Carnet de commandes plein")
    assert not access.supplier_can_quote(supplier.user, supplier.organisation, invited_rfq)


def test_every_download_is_logged(confidential_rfq, supplier):
    download = participation.record_download(
        supplier.user, supplier.organisation, confidential_rfq, source=FileDownload.Source.RFQ, file_id=7,
        filename="plan.pdf", sha256="a" * 64, ip_address="192.0.2.9",
    )
    assert FileDownload.objects.get() == download
    assert (download.user, download.organisation, download.ip_address) == (supplier.user, supplier.organisation, "192.0.2.9")
