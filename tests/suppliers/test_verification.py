"""Supplier verification: the supplier asks, staff verify, reject or revoke, and the badge follows."""
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.accounts.models import Membership
from marketplace.audit.models import AuditEntry
from suppliers import verification
from suppliers.models import SupplierProfile, VerificationDecision
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.suppliers.factories_directory import PublishedProfileFactory, manager_of

pytestmark = pytest.mark.django_db

Verification = SupplierProfile.Verification


@pytest.fixture
def profile():
    return PublishedProfileFactory(organisation=OrganisationFactory(name="Tôlerie du Forez", is_supplier=True))


@pytest.fixture
def owner(profile):
    return manager_of(profile.organisation)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, email="moderation@example.test")


@pytest.fixture
def pending(profile, owner):
    return verification.request_verification(owner, profile)


def decide_url(profile):
    return reverse("suppliers:staff_verification_decide", args=[profile.pk])


# --- Asking --------------------------------------------------------------------------------------


def test_owner_requests_verification_and_the_profile_becomes_pending(profile, owner):
    verification.request_verification(owner, profile)

    profile.refresh_from_db()
    assert profile.verification_status == Verification.PENDING
    assert AuditEntry.objects.filter(action="supplier_profile.verification_requested", target_id=str(profile.pk)).exists()


def test_request_is_refused_with_a_clear_message_when_the_siret_is_invalid(profile, owner):
    Organisation = type(profile.organisation)
    Organisation.objects.filter(pk=profile.organisation.pk).update(siret="12345678900000")
    profile.refresh_from_db()

    with pytest.raises(verification.VerificationError) as error:
        verification.request_verification(owner, profile)

    assert "n'est pas valide" in error.value.message
    profile.refresh_from_db()
    assert profile.verification_status == Verification.UNVERIFIED


def test_request_through_the_page_with_an_invalid_siret_shows_the_message(client, profile, owner):
    type(profile.organisation).objects.filter(pk=profile.organisation.pk).update(siret="00000000000001")
    client.force_login(owner)

    response = client.post(reverse("suppliers:profile_request_verification", args=[profile.slug]), follow=True)

    assert response.status_code == 200
    assert "n&#x27;est pas valide" in response.content.decode() or "n'est pas valide" in response.content.decode()


def test_owner_requests_verification_from_the_public_page(client, profile, owner):
    client.force_login(owner)
    assert "Demander la vérification" in client.get(profile.get_absolute_url()).content.decode()

    response = client.post(reverse("suppliers:profile_request_verification", args=[profile.slug]))

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.verification_status == Verification.PENDING


def test_plain_member_or_stranger_cannot_request_verification(client, profile, buyer_owner):
    member = MembershipFactory(organisation=profile.organisation, role=Membership.Role.MEMBER).user
    url = reverse("suppliers:profile_request_verification", args=[profile.slug])

    for user in (member, buyer_owner):
        client.force_login(user)
        assert client.post(url).status_code == 403
    profile.refresh_from_db()
    assert profile.verification_status == Verification.UNVERIFIED


def test_a_second_request_while_pending_is_refused(pending, owner):
    with pytest.raises(verification.VerificationError):
        verification.request_verification(owner, pending)


# --- Staff queue ---------------------------------------------------------------------------------


def test_queue_is_forbidden_to_non_staff_users(client, owner):
    client.force_login(owner)
    assert client.get(reverse("suppliers:staff_verifications")).status_code == 403


def test_decisions_are_forbidden_to_non_staff_users(client, pending, owner):
    client.force_login(owner)
    response = client.post(decide_url(pending), {"action": "verify"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.verification_status == Verification.PENDING


def test_anonymous_visitor_is_sent_to_login_from_the_queue(client):
    response = client.get(reverse("suppliers:staff_verifications"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queue_lists_pending_profiles_with_the_organisation_identifiers(client, pending, staff):
    PublishedProfileFactory(organisation__name="Pas Demandé")
    client.force_login(staff)

    response = client.get(reverse("suppliers:staff_verifications"))

    content = response.content.decode()
    organisation = pending.organisation
    assert "Tôlerie du Forez" in content
    assert organisation.siret in content and organisation.siren in content
    assert pending.get_absolute_url() in content
    assert "Pas Demandé" not in content


def test_queue_with_an_unknown_list_name_falls_back_to_pending(client, pending, staff):
    client.force_login(staff)
    response = client.get(reverse("suppliers:staff_verifications"), {"statut": "<n'importe quoi>"})
    assert response.status_code == 200
    assert "Tôlerie du Forez" in response.content.decode()


def test_queue_costs_the_same_number_of_queries_for_1_or_10_pending_profiles(client, staff, django_assert_max_num_queries):
    def pending_profile():
        profile = PublishedProfileFactory()
        verification.request_verification(manager_of(profile.organisation), profile)

    pending_profile()
    client.force_login(staff)

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("suppliers:staff_verifications"))
    for _ in range(9):
        pending_profile()
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("suppliers:staff_verifications"))
    assert len(response.context["rows"]) == 10


# --- Decisions -----------------------------------------------------------------------------------


def test_staff_verify_records_who_when_why_audits_mails_the_owners_and_shows_the_badge(
    client, pending, owner, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(pending), {"action": "verify", "reason": "Kbis et SIRET contrôlés"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == Verification.VERIFIED
    assert pending.verified_at is not None
    decision = VerificationDecision.objects.get(profile=pending)
    assert decision.decision == VerificationDecision.Decision.VERIFIED
    assert decision.decided_by == staff
    assert decision.reason == "Kbis et SIRET contrôlés"
    assert decision.decided_at == pending.verified_at
    entry = AuditEntry.objects.get(action="supplier_profile.verification_verified")
    assert entry.actor == staff and entry.target_id == str(pending.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert "vérifié" in mail.outbox[0].subject
    assert pending.get_absolute_url() in mail.outbox[0].body

    client.logout()
    page = client.get(pending.get_absolute_url()).content.decode()
    assert "badge--verified" in page


def test_reject_requires_a_reason(pending, staff):
    with pytest.raises(verification.VerificationError) as error:
        verification.reject(staff, pending, "   ")

    assert "motif" in error.value.message
    pending.refresh_from_db()
    assert pending.verification_status == Verification.PENDING
    assert not VerificationDecision.objects.exists()


def test_reject_without_a_reason_through_the_queue_shows_a_message(client, pending, staff):
    client.force_login(staff)
    response = client.post(decide_url(pending), {"action": "reject", "reason": ""}, follow=True)
    assert response.status_code == 200
    assert "Indiquez le motif" in response.content.decode()


def test_reject_with_a_reason_is_recorded_and_mailed_and_the_supplier_may_ask_again(
    client, pending, owner, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(pending), {"action": "reject", "reason": "Adresse différente du Kbis"})

    pending.refresh_from_db()
    assert pending.verification_status == Verification.REJECTED
    assert pending.verified_at is None
    assert VerificationDecision.objects.get(profile=pending).reason == "Adresse différente du Kbis"
    assert "Adresse différente du Kbis" in mail.outbox[0].body
    verification.request_verification(owner, pending)
    pending.refresh_from_db()
    assert pending.verification_status == Verification.PENDING


def test_revoke_requires_a_reason_and_clears_the_badge(pending, staff, owner):
    verification.verify(staff, pending)
    with pytest.raises(verification.VerificationError):
        verification.revoke(staff, pending, "")

    verification.revoke(staff, pending, "Entreprise radiée")

    pending.refresh_from_db()
    assert pending.verification_status == Verification.UNVERIFIED
    assert pending.verified_at is None
    decisions = list(VerificationDecision.objects.filter(profile=pending).values_list("decision", flat=True))
    assert sorted(decisions) == ["revoked", "verified"]
    assert AuditEntry.objects.filter(action="supplier_profile.verification_revoked").exists()


def test_only_a_pending_profile_can_be_verified(profile, staff):
    with pytest.raises(verification.VerificationError):
        verification.verify(staff, profile)


def test_non_staff_cannot_verify_through_the_service(pending, owner):
    with pytest.raises(verification.NotAllowed):
        verification.verify(owner, pending)


def test_unknown_action_or_profile_gives_a_message_or_404_never_a_500(client, pending, staff):
    client.force_login(staff)
    assert client.post(decide_url(pending), {"action": "supprimer"}, follow=True).status_code == 200
    assert client.post(reverse("suppliers:staff_verification_decide", args=[999999]), {"action": "verify"}).status_code == 404
    assert client.get(decide_url(pending)).status_code == 405


def test_verified_list_offers_revocation_with_a_required_reason(client, pending, staff):
    verification.verify(staff, pending, "SIRET contrôlé")
    client.force_login(staff)

    response = client.get(reverse("suppliers:staff_verifications"), {"statut": "verified"})

    content = response.content.decode()
    assert "Tôlerie du Forez" in content
    assert 'value="revoke"' in content
    assert "SIRET contrôlé" in content
