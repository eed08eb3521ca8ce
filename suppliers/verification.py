"""Supplier verification: the « Vérifié » badge and the decisions behind it.

A profile is verified when its organisation's SIRET is valid (checksum, ``stdnum.fr.siret``)
and a staff member has checked the organisation's data (SIREN/SIRET, NAF code, address) and
recorded a decision. The states move like this::

    unverified ──request──▶ pending ──verify──▶ verified ──revoke──▶ unverified
    rejected ───request──▶    │  └──reject──▶ rejected

- owners and administrators of the supplier organisation request verification;
- staff (``is_staff``) verify, reject (a reason is required) and revoke (a reason is required);
- every decision is kept as a :class:`~suppliers.models.VerificationDecision` (who, when, why),
  written to the audit trail, and mailed to the organisation's owners after commit.
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siret as siret_numbers

from marketplace.accounts.emails import absolute_url
from marketplace.accounts.models import Membership
from marketplace.audit.services import record

from . import selectors
from .models import SupplierProfile, VerificationDecision

Verification = SupplierProfile.Verification
Decision = VerificationDecision.Decision

REASON_MAX_LENGTH = 2000


class VerificationError(Exception):
    """A rule forbids the change. ``message`` is translated and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(VerificationError):
    """The acting user lacks the role the change needs (views answer 403)."""


def siret_is_valid(siret: str) -> bool:
    return bool(siret) and siret_numbers.is_valid(siret)


def can_request(user, profile: SupplierProfile) -> bool:
    """Whether ``user`` manages the profile's organisation (owner or administrator)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, organisation_id=profile.organisation_id, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
    ).exists()


def _locked(profile: SupplierProfile) -> SupplierProfile:
    return SupplierProfile.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=profile.pk)


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise VerificationError(_("Indiquez le motif de la décision : il est communiqué à l'entreprise."))
    if len(reason) > REASON_MAX_LENGTH:
        raise VerificationError(
            _("Le motif ne peut dépasser %(max)s caractères.") % {"max": REASON_MAX_LENGTH}
        )
    return reason


def _require_staff(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.is_staff):
        raise NotAllowed(_("Seule l'équipe de la plateforme peut décider de la vérification d'un fournisseur."))


# --- Supplier side -------------------------------------------------------------------------------


def request_verification(actor, profile: SupplierProfile) -> SupplierProfile:
    """Ask staff to verify the profile; the SIRET must be valid first."""
    with transaction.atomic():
        profile = _locked(profile)
        if not can_request(actor, profile):
            raise NotAllowed(
                _("Seuls les propriétaires et administrateurs de l'organisation peuvent demander sa vérification.")
            )
        organisation = profile.organisation
        if not siret_is_valid(organisation.siret):
            raise VerificationError(
                _(
                    "Le SIRET « %(siret)s » n'est pas valide (14 chiffres avec une clé de contrôle). "
                    "Corrigez-le dans la fiche de l'organisation avant de demander la vérification."
                )
                % {"siret": organisation.siret}
            )
        if profile.verification_status == Verification.PENDING:
            raise VerificationError(_("La vérification est déjà demandée ; l'équipe de la plateforme va l'examiner."))
        if profile.verification_status == Verification.VERIFIED:
            raise VerificationError(_("Ce profil est déjà vérifié."))
        profile.verification_status = Verification.PENDING
        profile.save(update_fields=["verification_status", "updated_at"])
        record(actor, "supplier_profile.verification_requested", profile, organisation=organisation)
    return profile


# --- Staff side ----------------------------------------------------------------------------------


def verify(actor, profile: SupplierProfile, reason: str = "") -> VerificationDecision:
    """Grant the badge to a profile awaiting review; ``reason`` notes what was checked."""
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        _require_staff(actor)
        profile = _locked(profile)
        if profile.verification_status != Verification.PENDING:
            raise VerificationError(_("Seul un profil en attente de vérification peut être vérifié."))
        if not siret_is_valid(profile.organisation.siret):
            raise VerificationError(_("Le SIRET de l'organisation n'est pas valide : le profil ne peut être vérifié."))
        now = timezone.now()
        profile.verification_status = Verification.VERIFIED
        profile.verified_at = now
        profile.save(update_fields=["verification_status", "verified_at", "updated_at"])
        return _decide(actor, profile, Decision.VERIFIED, reason, now)


def reject(actor, profile: SupplierProfile, reason: str) -> VerificationDecision:
    """Refuse a pending request, saying why; the supplier may ask again once fixed."""
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        _require_staff(actor)
        profile = _locked(profile)
        if profile.verification_status != Verification.PENDING:
            raise VerificationError(_("Seul un profil en attente de vérification peut être refusé."))
        profile.verification_status = Verification.REJECTED
        profile.verified_at = None
        profile.save(update_fields=["verification_status", "verified_at", "updated_at"])
        return _decide(actor, profile, Decision.REJECTED, reason, timezone.now())


def revoke(actor, profile: SupplierProfile, reason: str) -> VerificationDecision:
    """Take the badge away from a verified profile, saying why."""
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        _require_staff(actor)
        profile = _locked(profile)
        if profile.verification_status != Verification.VERIFIED:
            raise VerificationError(_("Seul un profil vérifié peut perdre sa vérification."))
        # Back to « non vérifié » rather than « refusé »: the supplier may ask again once fixed.
        profile.verification_status = Verification.UNVERIFIED
        profile.verified_at = None
        profile.save(update_fields=["verification_status", "verified_at", "updated_at"])
        return _decide(actor, profile, Decision.REVOKED, reason, timezone.now())


def _decide(actor, profile: SupplierProfile, decision: str, reason: str, when) -> VerificationDecision:
    row = VerificationDecision.objects.create(
        profile=profile, decision=decision, reason=reason, decided_by=actor, decided_at=when
    )
    record(
        actor,
        f"supplier_profile.verification_{decision}",
        profile,
        organisation=profile.organisation,
        decision_id=row.pk,
        reason=reason,
    )
    transaction.on_commit(lambda: send_decision(row))
    return row


# --- Email ---------------------------------------------------------------------------------------


def send_decision(decision: VerificationDecision) -> None:
    """Tell the organisation's owners; called after commit only."""
    profile = decision.profile
    recipients = selectors.owner_emails(profile.organisation)
    if not recipients:
        return
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "decision": decision,
        "profile": profile,
        "organisation": profile.organisation,
        "verified": decision.decision == Decision.VERIFIED,
        "rejected": decision.decision == Decision.REJECTED,
        "revoked": decision.decision == Decision.REVOKED,
        "profile_url": absolute_url(reverse("suppliers:profile_detail", kwargs={"slug": profile.slug})),
    }
    subject = render_to_string("suppliers/email/verification_decided_subject.txt", context)
    body = render_to_string("suppliers/email/verification_decided_message.txt", context)
    # A newline in a subject would be a header injection; templates end with one.
    subject = " ".join(subject.split())
    send_mail(f"[{settings.WAGTAIL_SITE_NAME}] {subject}", body, None, recipients)
