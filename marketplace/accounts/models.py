"""Users, organisations (buyers, suppliers, clusters), memberships, invitations, join requests."""
from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INVITATION_VALIDITY = timedelta(days=14)


class UserManager(DjangoUserManager):
    """Users log in by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    active_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation active"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Organisation(models.Model):
    class SizeBand(models.TextChoices):
        MICRO = "micro", _("Micro-entreprise (moins de 10 salariés)")
        SMALL = "small", _("Petite entreprise (10 à 49 salariés)")
        MEDIUM = "medium", _("Entreprise moyenne (50 à 249 salariés)")
        ETI = "eti", _("ETI (250 à 4 999 salariés)")
        LARGE = "large", _("Grande entreprise (5 000 salariés et plus)")

    name = models.CharField(_("raison sociale"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=220, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, db_index=True)
    siret = models.CharField(_("SIRET du siège"), max_length=14, unique=True)
    vat_number = models.CharField(_("numéro de TVA intracommunautaire"), max_length=13, blank=True)
    naf_code = models.ForeignKey(
        "geo.NafCode", verbose_name=_("code NAF"), on_delete=models.PROTECT, null=True, blank=True
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "geo.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True
    )
    size_band = models.CharField(_("taille"), max_length=10, choices=SizeBand.choices, blank=True)
    website = models.URLField(_("site web"), blank=True)
    is_buyer = models.BooleanField(_("donneur d'ordre"), default=False)
    is_supplier = models.BooleanField(_("fournisseur (PME)"), default=False)
    is_cluster = models.BooleanField(_("cluster ou pôle"), default=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_buyer=True) | Q(is_supplier=True) | Q(is_cluster=True),
                name="accounts_organisation_has_a_kind",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organisation_detail", kwargs={"slug": self.slug})

    @property
    def kinds_display(self) -> list[str]:
        labels = []
        if self.is_buyer:
            labels.append(str(_("donneur d'ordre")))
        if self.is_supplier:
            labels.append(str(_("fournisseur")))
        if self.is_cluster:
            labels.append(str(_("cluster")))
        return labels

    def membership_for(self, user) -> Membership | None:
        if not getattr(user, "is_authenticated", False):
            return None
        return self.memberships.filter(user=user).first()


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Propriétaire")
        ADMIN = "admin", _("Administrateur")
        MEMBER = "member", _("Membre")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="accounts_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def can_manage_members(self) -> bool:
        return self.role in {self.Role.OWNER, self.Role.ADMIN}

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + INVITATION_VALIDITY


class Invitation(models.Model):
    """An emailed invitation to join an organisation with a given role."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REVOKED = "revoked", _("Révoquée")
        EXPIRED = "expired", _("Expirée")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"), default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    def get_absolute_url(self):
        return reverse("accounts:invitation_accept", kwargs={"token": self.token})


class JoinRequest(models.Model):
    """A user asks to join an organisation (e.g. after finding its SIRET already registered)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="accounts_joinrequest_one_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.status})"
