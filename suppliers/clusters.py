"""Clusters and pôles de compétitivité: their public profile and their supplier members.

A membership links a cluster organisation to a supplier organisation. Either side opens it —
the cluster invites (``invited``), the supplier asks (``requested``) — and the other side
answers. States only move forward::

    invited   ──accept──▶ active ──end──▶ ended
      │   └──decline──▶ rejected            ▲
    requested ──approve─▶ active            │
      │   └──reject───▶ rejected            │
      └───────── withdraw (either side) ────┘

Rules, enforced here and nowhere else:

- only owners and administrators act for an organisation (:class:`NotAllowed` otherwise);
- only cluster organisations have a cluster profile and invite; only supplier organisations
  are members;
- a pair has at most one open membership (invited, requested or active); the database's
  partial unique constraint settles races, and its ``IntegrityError`` becomes a clear message.

Every change is audited; the other side is mailed after commit.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace.accounts.emails import absolute_url
from marketplace.accounts.models import Membership, Organisation
from marketplace.audit.services import record

from . import selectors
from .models import ClusterMembership, ClusterProfile, Sector

Status = ClusterMembership.Status
OPEN_STATUSES = (Status.INVITED, Status.REQUESTED, Status.ACTIVE)
DESCRIPTION_MAX_LENGTH = 5000
MESSAGE_MAX_LENGTH = 2000


class ClusterError(Exception):
    """A rule forbids the change. ``message`` is translated and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(ClusterError):
    """The acting user lacks the role the change needs (views answer 403)."""


# --- Permissions ---------------------------------------------------------------------------------


def is_manager(user, organisation: Organisation | None) -> bool:
    """Whether ``user`` is an owner or administrator of ``organisation``."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
    ).exists()


def _require_manager(actor, organisation: Organisation) -> None:
    if not is_manager(actor, organisation):
        raise NotAllowed(_("Seuls les propriétaires et administrateurs de l'organisation peuvent faire cela."))


def _require_cluster(organisation: Organisation) -> None:
    if not organisation.is_cluster:
        raise NotAllowed(_("Seule une organisation déclarée comme cluster ou pôle peut faire cela."))


def _require_supplier(organisation: Organisation) -> None:
    if not organisation.is_supplier:
        raise ClusterError(_("Seule une organisation déclarée comme fournisseur peut être membre d'un cluster."))


# --- Cluster profile -----------------------------------------------------------------------------


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "cluster"
    slug, n = base, 2
    others = ClusterProfile.objects.exclude(pk=exclude_pk) if exclude_pk else ClusterProfile.objects.all()
    while others.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _clean_profile_values(values: Mapping[str, Any]) -> dict[str, Any]:
    description = (values.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise ClusterError(
            _("La présentation ne peut dépasser %(max)s caractères.") % {"max": DESCRIPTION_MAX_LENGTH}
        )
    website = (values.get("website") or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise ClusterError(_("L'adresse du site web n'est pas valide (elle commence par https://).")) from None
    sectors = list(values.get("sectors") or [])
    if any(not isinstance(sector, Sector) for sector in sectors):
        raise ClusterError(_("Filière inconnue."))
    return {
        "description": description,
        "website": website,
        "region": values.get("region") or None,
        "sectors": sectors,
    }


def save_cluster_profile(actor, organisation: Organisation, values: Mapping[str, Any]) -> ClusterProfile:
    """Create or edit the public profile of a cluster organisation.

    ``values``: description, sectors (``Sector`` objects), region (``Region`` or None), website.
    The slug comes from the organisation's name when the profile is created and then stays.
    """
    values = _clean_profile_values(values)
    sectors: Iterable[Sector] = values.pop("sectors")
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _require_cluster(organisation)
        _require_manager(actor, organisation)
        profile = ClusterProfile.objects.filter(organisation=organisation).first()
        created = profile is None
        if created:
            profile = ClusterProfile(organisation=organisation, slug=_unique_slug(organisation.name))
        for name, value in values.items():
            setattr(profile, name, value)
        profile.save()
        profile.sectors.set(sectors)
        record(
            actor,
            "cluster_profile.created" if created else "cluster_profile.updated",
            profile,
            organisation=organisation,
            slug=profile.slug,
        )
    return profile


# --- Opening a membership ------------------------------------------------------------------------


def _clean_message(message: str | None) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ClusterError(_("Le message ne peut dépasser %(max)s caractères.") % {"max": MESSAGE_MAX_LENGTH})
    return message


def _open_membership(cluster: Organisation, supplier: Organisation) -> ClusterMembership | None:
    return ClusterMembership.objects.filter(cluster=cluster, supplier=supplier, status__in=OPEN_STATUSES).first()


def _already_open_message(existing: ClusterMembership) -> str:
    if existing.status == Status.ACTIVE:
        return _("%(supplier)s est déjà membre de %(cluster)s.") % {
            "supplier": existing.supplier.name, "cluster": existing.cluster.name,
        }
    if existing.status == Status.INVITED:
        return _("%(supplier)s a déjà une invitation en attente de %(cluster)s.") % {
            "supplier": existing.supplier.name, "cluster": existing.cluster.name,
        }
    return _("Une demande d'adhésion de %(supplier)s à %(cluster)s est déjà en attente.") % {
        "supplier": existing.supplier.name, "cluster": existing.cluster.name,
    }


def _create_membership(cluster, supplier, status, message, actor) -> ClusterMembership:
    existing = _open_membership(cluster, supplier)
    if existing is not None:
        raise ClusterError(_already_open_message(existing))
    try:
        # A concurrent invitation or request for the same pair loses on the partial unique index.
        with transaction.atomic():
            return ClusterMembership.objects.create(
                cluster=cluster, supplier=supplier, status=status, message=message, decided_by=None
            )
    except IntegrityError:
        existing = _open_membership(cluster, supplier)
        if existing is not None:
            raise ClusterError(_already_open_message(existing)) from None
        raise ClusterError(_("Une adhésion est déjà en cours entre ces deux organisations.")) from None


def invite_supplier(actor, cluster: Organisation, supplier: Organisation, message: str = "") -> ClusterMembership:
    """The cluster invites a supplier organisation; its owners and administrators are mailed."""
    message = _clean_message(message)
    with transaction.atomic():
        _require_cluster(cluster)
        _require_manager(actor, cluster)
        _require_supplier(supplier)
        if supplier.pk == cluster.pk:
            raise ClusterError(_("Une organisation ne peut pas être membre d'elle-même."))
        membership = _create_membership(cluster, supplier, Status.INVITED, message, actor)
        record(actor, "cluster_membership.invited", membership, organisation=cluster, supplier=supplier.name)
        transaction.on_commit(lambda: send_invitation(membership))
    return membership


def request_membership(actor, supplier: Organisation, cluster: Organisation, message: str = "") -> ClusterMembership:
    """A supplier asks to join a cluster; the cluster's owners and administrators are mailed."""
    message = _clean_message(message)
    with transaction.atomic():
        _require_supplier(supplier)
        _require_manager(actor, supplier)
        if not cluster.is_cluster:
            raise ClusterError(_("Cette organisation n'est pas un cluster."))
        if supplier.pk == cluster.pk:
            raise ClusterError(_("Une organisation ne peut pas être membre d'elle-même."))
        membership = _create_membership(cluster, supplier, Status.REQUESTED, message, actor)
        record(actor, "cluster_membership.requested", membership, organisation=supplier, cluster=cluster.name)
        transaction.on_commit(lambda: send_request(membership))
    return membership


# --- Answering and ending ------------------------------------------------------------------------


def _locked(membership: ClusterMembership) -> ClusterMembership:
    return ClusterMembership.objects.select_for_update(of=("self",)).select_related("cluster", "supplier").get(pk=membership.pk)


def _move(actor, membership: ClusterMembership, status: str, action: str, *, acting_for: Organisation, notify: Organisation):
    membership.status = status
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_by", "decided_at"])
    record(
        actor,
        f"cluster_membership.{action}",
        membership,
        organisation=acting_for,
        cluster=membership.cluster.name,
        supplier=membership.supplier.name,
    )
    transaction.on_commit(lambda: send_update(membership, action, acting_for=acting_for, recipient=notify))
    return membership


def accept_invitation(actor, membership: ClusterMembership) -> ClusterMembership:
    with transaction.atomic():
        membership = _locked(membership)
        _require_manager(actor, membership.supplier)
        if membership.status != Status.INVITED:
            raise ClusterError(_("Cette invitation n'est plus en attente."))
        return _move(actor, membership, Status.ACTIVE, "accepted", acting_for=membership.supplier, notify=membership.cluster)


def decline_invitation(actor, membership: ClusterMembership) -> ClusterMembership:
    with transaction.atomic():
        membership = _locked(membership)
        _require_manager(actor, membership.supplier)
        if membership.status != Status.INVITED:
            raise ClusterError(_("Cette invitation n'est plus en attente."))
        return _move(actor, membership, Status.REJECTED, "declined", acting_for=membership.supplier, notify=membership.cluster)


def approve_request(actor, membership: ClusterMembership) -> ClusterMembership:
    with transaction.atomic():
        membership = _locked(membership)
        _require_manager(actor, membership.cluster)
        if membership.status != Status.REQUESTED:
            raise ClusterError(_("Cette demande d'adhésion n'est plus en attente."))
        return _move(actor, membership, Status.ACTIVE, "approved", acting_for=membership.cluster, notify=membership.supplier)


def reject_request(actor, membership: ClusterMembership) -> ClusterMembership:
    with transaction.atomic():
        membership = _locked(membership)
        _require_manager(actor, membership.cluster)
        if membership.status != Status.REQUESTED:
            raise ClusterError(_("Cette demande d'adhésion n'est plus en attente."))
        return _move(actor, membership, Status.REJECTED, "rejected", acting_for=membership.cluster, notify=membership.supplier)


def end_membership(actor, membership: ClusterMembership) -> ClusterMembership:
    """Either side ends an active membership or withdraws its own pending invitation / request."""
    with transaction.atomic():
        membership = _locked(membership)
        cluster_side = is_manager(actor, membership.cluster)
        supplier_side = is_manager(actor, membership.supplier)
        if not (cluster_side or supplier_side):
            raise NotAllowed(_("Seuls les propriétaires et administrateurs de l'organisation peuvent faire cela."))
        may_end = (
            membership.status == Status.ACTIVE
            or (membership.status == Status.INVITED and cluster_side)
            or (membership.status == Status.REQUESTED and supplier_side)
        )
        if not may_end:
            raise ClusterError(_("Cette adhésion ne peut plus être terminée ni retirée."))
        acting_for, notify = (
            (membership.cluster, membership.supplier) if cluster_side else (membership.supplier, membership.cluster)
        )
        return _move(actor, membership, Status.ENDED, "ended", acting_for=acting_for, notify=notify)


# --- Emails (sent after commit only) ------------------------------------------------------------


def _send(template: str, recipients: list[str], context: dict) -> None:
    if not recipients:
        return
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"suppliers/email/{template}_subject.txt", context)
    body = render_to_string(f"suppliers/email/{template}_message.txt", context)
    # A newline in a subject would be a header injection; templates end with one.
    subject = " ".join(subject.split())
    send_mail(f"[{settings.WAGTAIL_SITE_NAME}] {subject}", body, None, recipients)


def send_invitation(membership: ClusterMembership) -> None:
    _send(
        "cluster_invitation",
        selectors.manager_emails(membership.supplier),
        {
            "membership": membership,
            "cluster": membership.cluster,
            "supplier": membership.supplier,
            "answer_url": absolute_url(reverse("suppliers:my_clusters")),
        },
    )


def send_request(membership: ClusterMembership) -> None:
    _send(
        "cluster_request",
        selectors.manager_emails(membership.cluster),
        {
            "membership": membership,
            "cluster": membership.cluster,
            "supplier": membership.supplier,
            "answer_url": absolute_url(reverse("suppliers:cluster_members")),
        },
    )


def send_update(membership: ClusterMembership, action: str, *, acting_for: Organisation, recipient: Organisation) -> None:
    page = "suppliers:cluster_members" if recipient.pk == membership.cluster_id else "suppliers:my_clusters"
    _send(
        "cluster_membership_update",
        selectors.manager_emails(recipient),
        {
            "membership": membership,
            "cluster": membership.cluster,
            "supplier": membership.supplier,
            "action": action,
            "acting_for": acting_for,
            "page_url": absolute_url(reverse(page)),
        },
    )
