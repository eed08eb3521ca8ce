"""Members page: invitations, roles, removals, leaving, and switching the active organisation."""
import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts import services
from marketplace.accounts.models import Invitation, Membership
from marketplace.accounts.services import NotAllowed, OrganisationError
from tests.factories import (
    DEFAULT_PASSWORD,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def owner():
    return MembershipFactory(role=Role.OWNER)


@pytest.fixture
def organisation(owner):
    return owner.organisation


def member_of(organisation, role=Role.MEMBER) -> Membership:
    return MembershipFactory(organisation=organisation, role=role)


def members_url(organisation, name="accounts:members", **kwargs):
    return reverse(name, kwargs={"slug": organisation.slug, **kwargs})


# --- Invitations -------------------------------------------------------------------------------


def test_admin_invites_by_email_and_the_invitee_accepts_from_the_emailed_link(
    client, owner, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(organisation, "accounts:member_invite"), {"email": "Recrue@Example.test", "role": "admin"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "recrue@example.test"
    assert invitation.expires_at - timezone.now() > timedelta(days=13, hours=23)
    assert mailoutbox[-1].to == ["recrue@example.test"]
    path = urlparse(re.search(r"https?://\S+/invitations/\S+", mailoutbox[-1].body).group(0)).path
    assert path == invitation.get_absolute_url()

    invitee = UserFactory(email="recrue@example.test")
    client.force_login(invitee)
    assert client.get(path).status_code == 200
    response = client.post(path)

    assert response.status_code == 302
    assert Membership.objects.get(user=invitee, organisation=organisation).role == Role.ADMIN
    invitee.refresh_from_db()
    assert invitee.active_organisation == organisation


def test_invitation_sent_to_someone_else_is_refused_with_a_clear_error(client):
    invitation = InvitationFactory(email="destinataire@example.test")
    intruder = UserFactory(email="autre@example.test")
    client.force_login(intruder)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 200
    assert "destinataire@example.test" in response.context["problem"]
    assert not Membership.objects.filter(user=intruder).exists()


def test_expired_invitation_is_refused_with_a_clear_error(client):
    invitation = InvitationFactory(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory(email=invitation.email))

    response = client.post(invitation.get_absolute_url())

    assert "expiré" in response.context["problem"]
    assert not Membership.objects.filter(organisation=invitation.organisation, user__email=invitation.email).exists()


def test_revoked_invitation_is_refused_with_a_clear_error(client, owner, organisation):
    invitation = InvitationFactory(organisation=organisation, invited_by=owner.user)
    client.force_login(owner.user)
    client.post(members_url(organisation, "accounts:invitation_revoke", pk=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None

    client.force_login(UserFactory(email=invitation.email))
    response = client.post(invitation.get_absolute_url())

    assert "révoquée" in response.context["problem"]


def test_invitation_cannot_be_accepted_twice(client):
    invitation = InvitationFactory()
    invitee = UserFactory(email=invitation.email)
    services.accept_invitation(invitee, invitation)

    client.force_login(invitee)
    response = client.post(invitation.get_absolute_url())

    assert "déjà été acceptée" in response.context["problem"]
    assert Membership.objects.filter(user=invitee).count() == 1


def test_anonymous_visitor_is_sent_to_login_and_brought_back_to_the_invitation(client):
    invitation = InvitationFactory()
    invitee = UserFactory(email=invitation.email)

    response = client.get(invitation.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")

    response = client.post(response["Location"], {"login": invitee.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == invitation.get_absolute_url()


def test_unknown_invitation_token_is_404(client, user):
    client.force_login(user)
    assert client.get("/invitations/nimporte-quoi/").status_code == 404


def test_admin_cannot_invite_an_owner_but_an_owner_can(owner, organisation):
    admin = member_of(organisation, Role.ADMIN)
    with pytest.raises(NotAllowed):
        services.invite_member(admin.user, organisation, "futur@example.test", Role.OWNER)
    assert services.invite_member(owner.user, organisation, "futur@example.test", Role.OWNER).role == Role.OWNER


def test_plain_member_cannot_invite(client, organisation):
    member = member_of(organisation)
    client.force_login(member.user)

    response = client.post(members_url(organisation, "accounts:member_invite"), {"email": "x@example.test", "role": "member"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_or_a_pending_address_is_explained(client, owner, organisation):
    member = member_of(organisation)
    InvitationFactory(organisation=organisation, email="attente@example.test", invited_by=owner.user)
    client.force_login(owner.user)

    for email, expected in [(member.user.email, "déjà membre"), ("attente@example.test", "déjà en attente")]:
        response = client.post(members_url(organisation, "accounts:member_invite"), {"email": email, "role": "member"})
        assert response.status_code == 200
        assert expected in response.content.decode()
        assert response.context["invitation_form"]["email"].value() == email


# --- Roles -------------------------------------------------------------------------------------


def test_admin_cannot_demote_or_remove_an_owner(client, owner, organisation):
    admin = member_of(organisation, Role.ADMIN)
    client.force_login(admin.user)

    client.post(members_url(organisation, "accounts:member_role", pk=owner.pk), {"role": "member"})
    client.post(members_url(organisation, "accounts:member_remove", pk=owner.pk))

    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_admin_cannot_grant_the_owner_role(owner, organisation):
    admin = member_of(organisation, Role.ADMIN)
    member = member_of(organisation)
    with pytest.raises(NotAllowed):
        services.change_role(admin.user, member, Role.OWNER)


def test_admin_manages_plain_members(client, organisation):
    admin = member_of(organisation, Role.ADMIN)
    member = member_of(organisation)
    client.force_login(admin.user)

    client.post(members_url(organisation, "accounts:member_role", pk=member.pk), {"role": "admin"})
    member.refresh_from_db()
    assert member.role == Role.ADMIN

    client.post(members_url(organisation, "accounts:member_remove", pk=member.pk))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_last_owner_cannot_be_demoted_removed_or_leave(client, owner, organisation):
    with pytest.raises(OrganisationError, match="au moins un propriétaire"):
        services.change_role(owner.user, owner, Role.ADMIN)
    with pytest.raises(OrganisationError, match="dernier propriétaire"):
        services.leave_organisation(owner.user, organisation)
    with pytest.raises(OrganisationError, match="dernier propriétaire"):
        services.remove_member(owner.user, owner)

    client.force_login(owner.user)
    response = client.post(members_url(organisation, "accounts:organisation_leave"), follow=True)
    assert "dernier propriétaire" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_owner_transfers_ownership_then_can_leave(client, owner, organisation):
    member = member_of(organisation)
    client.force_login(owner.user)

    client.post(members_url(organisation, "accounts:ownership_transfer", pk=member.pk))

    member.refresh_from_db()
    owner.refresh_from_db()
    assert member.role == Role.OWNER
    assert owner.role == Role.ADMIN
    client.post(members_url(organisation, "accounts:organisation_leave"))
    assert not Membership.objects.filter(pk=owner.pk).exists()


def test_owner_can_name_a_second_owner_then_step_down(owner, organisation):
    other = member_of(organisation)
    services.change_role(owner.user, other, Role.OWNER)
    services.change_role(owner.user, owner, Role.MEMBER)
    owner.refresh_from_db()
    assert owner.role == Role.MEMBER


def test_owner_can_remove_another_owner(owner, organisation):
    other = member_of(organisation, Role.OWNER)
    services.remove_member(owner.user, other)
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_member_can_leave_and_stops_working_as_the_organisation(client, organisation):
    member = member_of(organisation)
    member.user.active_organisation = organisation
    member.user.save()
    client.force_login(member.user)

    response = client.post(members_url(organisation, "accounts:organisation_leave"))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    member.user.refresh_from_db()
    assert member.user.active_organisation is None


def test_members_page_is_forbidden_to_outsiders(client, organisation, user):
    client.force_login(user)
    assert client.get(members_url(organisation)).status_code == 403


def test_plain_member_sees_the_members_but_not_the_invitations(client, owner, organisation):
    InvitationFactory(organisation=organisation, email="secret@example.test", invited_by=owner.user)
    member = member_of(organisation)
    client.force_login(member.user)

    html = client.get(members_url(organisation)).content.decode()

    assert owner.user.email in html or owner.user.display_name in html
    assert "secret@example.test" not in html


# --- Active organisation -----------------------------------------------------------------------


def test_user_switches_between_their_organisations(client, owner):
    second = MembershipFactory(user=owner.user, role=Role.MEMBER).organisation
    client.force_login(owner.user)

    response = client.post(reverse("accounts:organisation_switch", kwargs={"slug": second.slug}))

    assert response.status_code == 302
    owner.user.refresh_from_db()
    assert owner.user.active_organisation == second
    assert client.get(reverse("accounts:dashboard")).context["organisation"] == second


def test_user_cannot_switch_to_an_organisation_they_do_not_belong_to(client, owner):
    foreign = OrganisationFactory()
    client.force_login(owner.user)

    response = client.post(reverse("accounts:organisation_switch", kwargs={"slug": foreign.slug}))

    assert response.status_code == 403
    owner.user.refresh_from_db()
    assert owner.user.active_organisation != foreign


def test_switch_only_accepts_post(client, owner):
    client.force_login(owner.user)
    assert client.get(reverse("accounts:organisation_switch", kwargs={"slug": owner.organisation.slug})).status_code == 405


def test_dashboard_lists_pending_invitations_for_me(client, user):
    invitation = InvitationFactory(email=user.email)
    client.force_login(user)

    html = client.get(reverse("accounts:dashboard")).content.decode()

    assert invitation.organisation.name in html
    assert invitation.get_absolute_url() in html
