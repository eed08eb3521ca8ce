"""Every organisation service leaves an audit entry naming its actor and its organisation."""
import pytest

from marketplace.accounts import services
from marketplace.accounts.models import JoinRequest, Membership
from marketplace.audit.models import AuditEntry
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, make_siret

pytestmark = pytest.mark.django_db

Role = Membership.Role


def _create(owner):
    values = {"name": "Nouvelle SAS", "siret": make_siret(7_200_001), "is_buyer": True}
    return owner.user, services.create_organisation(owner.user, values)


def _update(owner):
    org = owner.organisation
    services.update_organisation(owner.user, org, {"name": "Renommée", "siret": org.siret, "is_supplier": True})
    return owner.user, org


def _switch(owner):
    other = MembershipFactory(user=owner.user).organisation
    services.switch_organisation(owner.user, other)
    return owner.user, other


def _request(owner):
    user = UserFactory()
    services.request_to_join(user, owner.organisation)
    return user, owner.organisation


def _approve(owner):
    jr = JoinRequest.objects.create(user=UserFactory(), organisation=owner.organisation)
    services.approve_join_request(owner.user, jr)
    return owner.user, owner.organisation


def _reject(owner):
    jr = JoinRequest.objects.create(user=UserFactory(), organisation=owner.organisation)
    services.reject_join_request(owner.user, jr)
    return owner.user, owner.organisation


def _invite(owner):
    services.invite_member(owner.user, owner.organisation, "nouveau@example.test")
    return owner.user, owner.organisation


def _revoke(owner):
    services.revoke_invitation(owner.user, InvitationFactory(organisation=owner.organisation, invited_by=owner.user))
    return owner.user, owner.organisation


def _accept(owner):
    invitation = InvitationFactory(organisation=owner.organisation, invited_by=owner.user)
    user = UserFactory(email=invitation.email)
    services.accept_invitation(user, invitation)
    return user, owner.organisation


def _change_role(owner):
    services.change_role(owner.user, MembershipFactory(organisation=owner.organisation, role=Role.MEMBER), Role.ADMIN)
    return owner.user, owner.organisation


def _transfer(owner):
    services.transfer_ownership(owner.user, MembershipFactory(organisation=owner.organisation, role=Role.MEMBER))
    return owner.user, owner.organisation


def _remove(owner):
    services.remove_member(owner.user, MembershipFactory(organisation=owner.organisation, role=Role.MEMBER))
    return owner.user, owner.organisation


def _leave(owner):
    member = MembershipFactory(organisation=owner.organisation, role=Role.MEMBER)
    services.leave_organisation(member.user, owner.organisation)
    return member.user, owner.organisation


def _profile(owner):
    services.update_profile(owner.user, first_name="Ada", last_name="Lovelace")
    return owner.user, None


@pytest.mark.parametrize(
    ("change", "action"),
    [
        (_create, "organisation.created"),
        (_update, "organisation.updated"),
        (_switch, "organisation.switched"),
        (_request, "organisation.join_requested"),
        (_approve, "organisation.join_approved"),
        (_reject, "organisation.join_rejected"),
        (_invite, "organisation.member_invited"),
        (_revoke, "organisation.invitation_revoked"),
        (_accept, "organisation.invitation_accepted"),
        (_change_role, "organisation.role_changed"),
        (_transfer, "organisation.ownership_transferred"),
        (_remove, "organisation.member_removed"),
        (_leave, "organisation.member_left"),
        (_profile, "user.profile_updated"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__.strip("_"),
)
def test_every_service_records_an_audit_entry(change, action):
    owner = MembershipFactory(role=Role.OWNER)

    actor, organisation = change(owner)

    entry = AuditEntry.objects.get(action=action)
    assert entry.actor == actor
    assert entry.organisation == organisation


def test_a_refused_change_records_nothing():
    owner = MembershipFactory(role=Role.OWNER)
    with pytest.raises(services.OrganisationError):
        services.leave_organisation(owner.user, owner.organisation)
    assert not AuditEntry.objects.exists()
