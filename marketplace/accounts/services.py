"""State changes on users and organisations: creation, membership, invitations, join requests.

Every function takes the acting user explicitly, runs in one transaction, records an audit
entry and raises :class:`OrganisationError` (with a translated message) when a rule forbids
the change. Emails leave only after the transaction commits, so nobody is told about a change
that was rolled back.

Membership rules, enforced here and nowhere else:

- owners and admins manage members, invitations and join requests;
- only an owner grants the owner role or takes it away, so an admin can neither remove nor
  demote an owner;
- an organisation always keeps at least one owner: its last owner cannot be removed, demoted
  or leave.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.audit.services import record

from . import emails
from .models import Invitation, JoinRequest, Membership, Organisation, User

Role = Membership.Role

# Fields of Organisation a create or edit form may set; anything else is ignored.
ORGANISATION_FIELDS = (
    "name",
    "siret",
    "vat_number",
    "naf_code",
    "address",
    "postal_code",
    "commune",
    "size_band",
    "website",
    "is_buyer",
    "is_supplier",
    "is_cluster",
)


class OrganisationError(Exception):
    """A rule forbids the requested change. ``message`` is translated and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(OrganisationError):
    """The acting user lacks the role the change needs (views answer 403)."""


class AlreadyRegistered(OrganisationError):
    """The company (same SIREN or SIRET) is already on the marketplace."""

    def __init__(self, message: str, organisation: Organisation):
        super().__init__(message)
        self.organisation = organisation


# --- Look-ups ------------------------------------------------------------------------------------


def existing_organisation_for(siret: str, *, exclude: Organisation | None = None) -> Organisation | None:
    """The organisation already registered with this SIRET or with the same SIREN, if any."""
    queryset = Organisation.objects.all()
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return (
        queryset.filter(siret=siret).first()
        or queryset.filter(siren=siret[:9]).order_by("created_at").first()
    )


def pending_invitations_for(user) -> list[Invitation]:
    """Invitations addressed to one of the user's verified addresses that can still be accepted."""
    emails_ = _verified_emails(user)
    now = timezone.now()
    return list(
        Invitation.objects.filter(
            email__in=emails_, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        )
        .exclude(organisation__memberships__user=user)
        .select_related("organisation", "invited_by")
    )


def _verified_emails(user) -> set[str]:
    from allauth.account.models import EmailAddress

    addresses = {
        e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    }
    return addresses


def _membership_of(user, organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()


def _require_manager(actor, organisation) -> Membership:
    membership = _membership_of(actor, organisation)
    if membership is None or not membership.can_manage_members:
        raise NotAllowed(_("Seuls les propriétaires et administrateurs de l'organisation peuvent faire cela."))
    return membership


def _owner_count(organisation) -> int:
    # Locks the owners' rows so two owners demoting each other at once cannot both succeed.
    return len(Membership.objects.select_for_update().filter(organisation=organisation, role=Role.OWNER))


# Path segments under /organisations/ that are pages, not organisations.
RESERVED_SLUGS = {"nouvelle", "changer", "recherche"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# --- Profile -------------------------------------------------------------------------------------


def update_profile(user: User, *, first_name: str, last_name: str) -> User:
    with transaction.atomic():
        user.first_name = first_name.strip()
        user.last_name = last_name.strip()
        user.save(update_fields=["first_name", "last_name"])
        record(user, "user.profile_updated", user)
    return user


# --- Organisations -------------------------------------------------------------------------------


def _organisation_values(values: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if k in ORGANISATION_FIELDS}
    if not (values.get("is_buyer") or values.get("is_supplier") or values.get("is_cluster")):
        raise OrganisationError(_("Choisissez au moins un type d'organisation."))
    return values


def create_organisation(user: User, values: Mapping[str, Any]) -> Organisation:
    """Register a company; ``user`` becomes its owner and starts working as it.

    ``values`` are validated field values (see ``ORGANISATION_FIELDS``), e.g. a form's
    ``cleaned_data``; the SIREN is derived from the SIRET.
    """
    values = _organisation_values(values)
    siret = values["siret"]
    with transaction.atomic():
        existing = existing_organisation_for(siret)
        if existing is not None:
            raise AlreadyRegistered(_duplicate_message(existing), existing)
        organisation = Organisation(siren=siret[:9], slug=_unique_slug(values["name"]), **values)
        try:
            # A concurrent registration of the same SIRET loses on the unique index.
            with transaction.atomic():
                organisation.save()
        except IntegrityError:
            existing = Organisation.objects.get(siret=siret)
            raise AlreadyRegistered(_duplicate_message(existing), existing) from None
        Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
        user.active_organisation = organisation
        user.save(update_fields=["active_organisation"])
        record(user, "organisation.created", organisation, organisation=organisation, siret=siret)
    return organisation


def _duplicate_message(existing: Organisation) -> str:
    return _(
        "Cette entreprise est déjà inscrite sous le nom « %(name)s ». "
        "Demandez à rejoindre son organisation plutôt que d'en créer une seconde."
    ) % {"name": existing.name}


def update_organisation(actor: User, organisation: Organisation, values: Mapping[str, Any]) -> Organisation:
    values = _organisation_values(values)
    with transaction.atomic():
        _require_manager(actor, organisation)
        siret = values.get("siret", organisation.siret)
        if siret != organisation.siret:
            existing = existing_organisation_for(siret, exclude=organisation)
            if existing is not None:
                raise AlreadyRegistered(_duplicate_message(existing), existing)
        changed = []
        for name, value in values.items():
            if getattr(organisation, name) != value:
                setattr(organisation, name, value)
                changed.append(name)
        organisation.siren = organisation.siret[:9]
        try:
            with transaction.atomic():
                organisation.save()
        except IntegrityError:
            existing = Organisation.objects.get(siret=siret)
            raise AlreadyRegistered(_duplicate_message(existing), existing) from None
        record(actor, "organisation.updated", organisation, organisation=organisation, fields=sorted(changed))
    return organisation


def switch_organisation(user: User, organisation: Organisation) -> None:
    """Make ``organisation`` the one the user works as; only among the user's own memberships."""
    with transaction.atomic():
        if _membership_of(user, organisation) is None:
            raise NotAllowed(_("Vous n'êtes pas membre de cette organisation."))
        user.active_organisation = organisation
        user.save(update_fields=["active_organisation"])
        record(user, "organisation.switched", organisation, organisation=organisation)


# --- Join requests -------------------------------------------------------------------------------


def request_to_join(user: User, organisation: Organisation, message: str = "") -> JoinRequest:
    with transaction.atomic():
        if Membership.objects.filter(user=user, organisation=organisation).exists():
            raise OrganisationError(_("Vous êtes déjà membre de cette organisation."))
        if JoinRequest.objects.filter(user=user, organisation=organisation, status=JoinRequest.Status.PENDING).exists():
            raise OrganisationError(
                _("Vous avez déjà une demande en attente pour cette organisation ; ses administrateurs vont y répondre.")
            )
        join_request = JoinRequest.objects.create(user=user, organisation=organisation, message=message.strip())
        record(user, "organisation.join_requested", join_request, organisation=organisation)
        transaction.on_commit(lambda: emails.send_join_request_received(join_request))
    return join_request


def approve_join_request(actor: User, join_request: JoinRequest) -> Membership:
    with transaction.atomic():
        join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        organisation = join_request.organisation
        _require_manager(actor, organisation)
        _require_pending(join_request)
        membership, _created = Membership.objects.get_or_create(
            user=join_request.user, organisation=organisation, defaults={"role": Role.MEMBER}
        )
        _decide(join_request, actor, JoinRequest.Status.APPROVED)
        record(actor, "organisation.join_approved", join_request, organisation=organisation, user=join_request.user.email)
        transaction.on_commit(lambda: emails.send_join_request_decided(join_request))
    return membership


def reject_join_request(actor: User, join_request: JoinRequest) -> JoinRequest:
    with transaction.atomic():
        join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        organisation = join_request.organisation
        _require_manager(actor, organisation)
        _require_pending(join_request)
        _decide(join_request, actor, JoinRequest.Status.REJECTED)
        record(actor, "organisation.join_rejected", join_request, organisation=organisation, user=join_request.user.email)
        transaction.on_commit(lambda: emails.send_join_request_decided(join_request))
    return join_request


def _require_pending(join_request: JoinRequest) -> None:
    if join_request.status != JoinRequest.Status.PENDING:
        raise OrganisationError(_("Cette demande a déjà reçu une réponse."))


def _decide(join_request: JoinRequest, actor: User, status: str) -> None:
    join_request.status = status
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])


# --- Invitations ---------------------------------------------------------------------------------


def invite_member(actor: User, organisation: Organisation, email: str, role: str = Role.MEMBER) -> Invitation:
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise OrganisationError(_("Rôle inconnu."))
    with transaction.atomic():
        inviter = _require_manager(actor, organisation)
        if role == Role.OWNER and not inviter.is_owner:
            raise NotAllowed(_("Seul un propriétaire peut inviter un autre propriétaire."))
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise OrganisationError(_("%(email)s est déjà membre de l'organisation.") % {"email": email})
        now = timezone.now()
        if Invitation.objects.filter(
            organisation=organisation, email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).exists():
            raise OrganisationError(
                _("Une invitation est déjà en attente pour %(email)s. Révoquez-la pour en envoyer une nouvelle.")
                % {"email": email}
            )
        invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=actor)
        record(actor, "organisation.member_invited", invitation, organisation=organisation, email=email, role=role)
        transaction.on_commit(lambda: emails.send_invitation(invitation))
    return invitation


def revoke_invitation(actor: User, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _require_manager(actor, invitation.organisation)
        if invitation.status != Invitation.Status.PENDING:
            raise OrganisationError(_("Seule une invitation en attente peut être révoquée."))
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record(actor, "organisation.invitation_revoked", invitation, organisation=invitation.organisation, email=invitation.email)
    return invitation


def invitation_problem(user, invitation: Invitation) -> str | None:
    """Why ``user`` cannot accept ``invitation`` (a translated sentence), or None if they can."""
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        return _("Cette invitation a déjà été acceptée.")
    if status == Invitation.Status.REVOKED:
        return _("Cette invitation a été révoquée par l'organisation. Demandez-lui de vous en envoyer une nouvelle.")
    if status == Invitation.Status.EXPIRED:
        return _("Cette invitation a expiré. Demandez à l'organisation de vous en envoyer une nouvelle.")
    if invitation.email.lower() not in _verified_emails(user):
        return _(
            "Cette invitation est adressée à %(email)s, alors que vous êtes connecté avec %(yours)s. "
            "Connectez-vous avec le bon compte ou ajoutez cette adresse à votre compte."
        ) % {"email": invitation.email, "yours": user.email}
    if Membership.objects.filter(user=user, organisation_id=invitation.organisation_id).exists():
        return _("Vous êtes déjà membre de cette organisation.")
    return None


def accept_invitation(user: User, invitation: Invitation) -> Membership:
    """Join the organisation with the invited role; the invitation must be addressed to ``user``."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=invitation.pk)
        problem = invitation_problem(user, invitation)
        if problem:
            raise OrganisationError(problem)
        organisation = invitation.organisation
        membership = Membership.objects.create(user=user, organisation=organisation, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        user.active_organisation = organisation
        user.save(update_fields=["active_organisation"])
        record(user, "organisation.invitation_accepted", invitation, organisation=organisation, role=invitation.role)
    return membership


# --- Roles and departures ------------------------------------------------------------------------


def change_role(actor: User, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise OrganisationError(_("Rôle inconnu."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update(of=("self",)).select_related("organisation", "user").get(pk=membership.pk)
        organisation = membership.organisation
        acting = _require_manager(actor, organisation)
        old_role = membership.role
        if old_role == role:
            return membership
        if role == Role.OWNER and not acting.is_owner:
            raise NotAllowed(_("Seul un propriétaire peut nommer un autre propriétaire."))
        if old_role == Role.OWNER:
            if not acting.is_owner:
                raise NotAllowed(_("Un administrateur ne peut pas modifier le rôle d'un propriétaire."))
            if _owner_count(organisation) <= 1:
                raise OrganisationError(
                    _("L'organisation doit garder au moins un propriétaire. Nommez d'abord un autre propriétaire.")
                )
        membership.role = role
        membership.save(update_fields=["role"])
        record(
            actor, "organisation.role_changed", membership, organisation=organisation,
            user=membership.user.email, old_role=old_role, new_role=role,
        )
    return membership


def transfer_ownership(actor: User, membership: Membership) -> Membership:
    """Make ``membership`` an owner and the acting owner an administrator, in one step."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update(of=("self",)).select_related("organisation", "user").get(pk=membership.pk)
        organisation = membership.organisation
        acting = _membership_of(actor, organisation)
        if acting is None or not acting.is_owner:
            raise NotAllowed(_("Seul un propriétaire peut transférer la propriété de l'organisation."))
        if acting.pk == membership.pk:
            raise OrganisationError(_("Vous êtes déjà propriétaire."))
        membership.role = Role.OWNER
        membership.save(update_fields=["role"])
        acting.role = Role.ADMIN
        acting.save(update_fields=["role"])
        record(actor, "organisation.ownership_transferred", membership, organisation=organisation, to=membership.user.email)
    return membership


def remove_member(actor: User, membership: Membership) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update(of=("self",)).select_related("organisation", "user").get(pk=membership.pk)
        organisation = membership.organisation
        if membership.user_id == actor.pk:
            # Removing oneself is leaving, with the same last-owner rule.
            _leave(actor, membership)
            return
        acting = _require_manager(actor, organisation)
        if membership.is_owner:
            if not acting.is_owner:
                raise NotAllowed(_("Un administrateur ne peut pas retirer un propriétaire."))
            if _owner_count(organisation) <= 1:
                raise OrganisationError(_("Le dernier propriétaire de l'organisation ne peut pas être retiré."))
        removed = membership.user
        membership.delete()
        _forget_active_organisation(removed, organisation)
        record(actor, "organisation.member_removed", organisation, organisation=organisation, user=removed.email, role=membership.role)


def leave_organisation(user: User, organisation: Organisation) -> None:
    with transaction.atomic():
        membership = _membership_of(user, organisation)
        if membership is None:
            raise OrganisationError(_("Vous n'êtes pas membre de cette organisation."))
        _leave(user, membership)


def _leave(user: User, membership: Membership) -> None:
    organisation = membership.organisation
    if membership.is_owner and _owner_count(organisation) <= 1:
        raise OrganisationError(
            _("Vous êtes le dernier propriétaire : nommez un autre propriétaire avant de quitter l'organisation.")
        )
    membership.delete()
    _forget_active_organisation(user, organisation)
    record(user, "organisation.member_left", organisation, organisation=organisation, role=membership.role)


def _forget_active_organisation(user: User, organisation: Organisation) -> None:
    if user.active_organisation_id == organisation.pk:
        user.active_organisation = None
        user.save(update_fields=["active_organisation"])
