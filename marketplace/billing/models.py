"""Plans, organisations' subscriptions, sponsored seats and the Stripe events received.

Stripe is the source of truth for paid subscriptions; ``Subscription`` is the local copy the site
reads on every request (entitlements never call Stripe). It is written only by
``marketplace.billing.services`` and ``marketplace.billing.sync``, from state read back from
Stripe. A subscription without a Stripe id is a local grant (offered by staff, demo data).
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CURRENCY = "EUR"
DEFAULT_PAST_DUE_GRACE_DAYS = 7


def past_due_grace() -> timedelta:
    return timedelta(days=getattr(settings, "BILLING_PAST_DUE_GRACE_DAYS", DEFAULT_PAST_DUE_GRACE_DAYS))


class PlanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_organisation(self, organisation):
        """The plans an organisation may subscribe to: Pro for suppliers, sponsorship for clusters."""
        kinds = []
        if organisation.is_supplier:
            kinds.append(Plan.Kind.PRO)
        if organisation.is_cluster:
            kinds.append(Plan.Kind.CLUSTER_SPONSORSHIP)
        return self.active().filter(kind__in=kinds)


class Plan(models.Model):
    """An offer staff manage in the Django admin; paid plans map to one Stripe product and two plans."""

    class Kind(models.TextChoices):
        FREE = "free", _("Gratuit")
        PRO = "pro", _("Pro")
        CLUSTER_SPONSORSHIP = "cluster_sponsorship", _("Parrainage de cluster")

    class Interval(models.TextChoices):
        MONTH = "month", _("mensuel")
        YEAR = "year", _("annuel")

    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    features = models.TextField(_("avantages"), blank=True, help_text=_("Un avantage par ligne, affiché aux clients."))
    monthly_price = models.DecimalField(
        _("prix mensuel HT (EUR)"), max_digits=8, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    yearly_price = models.DecimalField(
        _("prix annuel HT (EUR)"), max_digits=8, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    seats = models.PositiveSmallIntegerField(
        _("sièges Pro"), default=0, help_text=_("Pour un parrainage : nombre de fournisseurs que le cluster peut parrainer.")
    )
    stripe_product_id = models.CharField(_("produit Stripe"), max_length=64, blank=True)
    stripe_plan_monthly_id = models.CharField(_("plan Stripe mensuel"), max_length=64, blank=True)
    stripe_plan_yearly_id = models.CharField(_("plan Stripe annuel"), max_length=64, blank=True)
    active = models.BooleanField(_("proposé"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["position", "monthly_price", "name"]
        verbose_name = _("offre")
        verbose_name_plural = _("offres")

    def __str__(self):
        return self.name

    @property
    def is_paid(self) -> bool:
        return self.kind != self.Kind.FREE

    @property
    def feature_list(self) -> list[str]:
        return [line.strip() for line in self.features.splitlines() if line.strip()]

    def price_for(self, interval: str) -> Decimal:
        return self.yearly_price if interval == self.Interval.YEAR else self.monthly_price

    def stripe_plan_id_for(self, interval: str) -> str:
        return self.stripe_plan_yearly_id if interval == self.Interval.YEAR else self.stripe_plan_monthly_id

    def interval_for_stripe_plan(self, stripe_plan_id: str) -> str | None:
        if stripe_plan_id and stripe_plan_id == self.stripe_plan_monthly_id:
            return self.Interval.MONTH
        if stripe_plan_id and stripe_plan_id == self.stripe_plan_yearly_id:
            return self.Interval.YEAR
        return None


class Subscription(models.Model):
    """An organisation's subscription: at most one row per organisation, reused when it re-subscribes."""

    class Status(models.TextChoices):
        # "none": a Stripe customer exists (card being collected) but no subscription yet.
        NONE = "none", _("Aucun abonnement")
        INCOMPLETE = "incomplete", _("Paiement initial en attente")
        INCOMPLETE_EXPIRED = "incomplete_expired", _("Paiement initial expiré")
        TRIALING = "trialing", _("Période d'essai")
        ACTIVE = "active", _("Actif")
        PAST_DUE = "past_due", _("Paiement en retard")
        UNPAID = "unpaid", _("Impayé")
        CANCELED = "canceled", _("Résilié")
        PAUSED = "paused", _("Suspendu")

    LIVE_STATUSES = (Status.INCOMPLETE, Status.TRIALING, Status.ACTIVE, Status.PAST_DUE, Status.UNPAID, Status.PAUSED)

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("offre"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    interval = models.CharField(_("périodicité"), max_length=5, choices=Plan.Interval.choices, default=Plan.Interval.MONTH)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.NONE, db_index=True)
    stripe_customer_id = models.CharField(_("client Stripe"), max_length=64, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(_("abonnement Stripe"), max_length=64, blank=True, db_index=True)
    current_period_end = models.DateTimeField(_("fin de la période en cours"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("résiliation en fin de période"), default=False)
    past_due_since = models.DateTimeField(_("en retard depuis"), null=True, blank=True)
    # When the state stored here was read from Stripe: a read older than this one is never applied,
    # so events processed out of order cannot move the subscription backwards.
    stripe_updated_at = models.DateTimeField(_("lu chez Stripe le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="billing_subscription_unique_stripe_id",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.plan or '-'} ({self.status})"

    @property
    def is_local_grant(self) -> bool:
        """Offered by staff or created by the demo: no Stripe subscription behind it."""
        return not self.stripe_subscription_id

    @property
    def is_live(self) -> bool:
        """Stripe still bills it: a new subscription must not be created next to it."""
        return self.status in self.LIVE_STATUSES

    @property
    def seats(self) -> int:
        if self.plan is None or self.plan.kind != Plan.Kind.CLUSTER_SPONSORSHIP:
            return 0
        return self.plan.seats

    def grants_plan(self, now=None) -> bool:
        """Whether the organisation gets its plan's benefits now.

        Active and trialing subscriptions do; a past-due one keeps them for the grace period
        (``BILLING_PAST_DUE_GRACE_DAYS``, 7 days by default) so one failed renewal does not cut a
        customer off while Stripe retries the card; every other status falls back to Free.
        """
        if self.plan is None:
            return False
        if self.status in (self.Status.ACTIVE, self.Status.TRIALING):
            return True
        if self.status == self.Status.PAST_DUE:
            since = self.past_due_since or self.stripe_updated_at or self.updated_at
            return since is not None and (now or timezone.now()) < since + past_due_grace()
        return False


class SeatAssignment(models.Model):
    """A Pro seat of a cluster's sponsorship given to one of its member suppliers."""

    sponsorship = models.ForeignKey(
        Subscription, verbose_name=_("parrainage"), on_delete=models.CASCADE, related_name="seat_assignments"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("fournisseur"), on_delete=models.CASCADE, related_name="sponsored_seats"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attribué par"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("attribué le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("siège parrainé")
        verbose_name_plural = _("sièges parrainés")
        constraints = [
            # One sponsored seat per supplier, whichever cluster gives it.
            models.UniqueConstraint(fields=["supplier"], name="billing_one_seat_per_supplier"),
        ]

    def __str__(self):
        return f"{self.supplier} ← {self.sponsorship.organisation}"


class StripeEvent(models.Model):
    """A webhook event received from Stripe, stored once: its id is unique.

    Kept for good: with the audit trail it tells what Stripe announced, when we got it and when
    its effect was applied.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Reçu")
        PROCESSED = "processed", _("Traité")
        IGNORED = "ignored", _("Ignoré")
        FAILED = "failed", _("Échec (nouvel essai prévu)")

    stripe_id = models.CharField(_("identifiant Stripe"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100, db_index=True)
    # Only the id of the object the event is about: its state is read back from Stripe.
    object_id = models.CharField(_("objet"), max_length=255, blank=True)
    created = models.DateTimeField(_("émis le"))
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now, editable=False)
    processed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("événement Stripe")
        verbose_name_plural = _("événements Stripe")

    def __str__(self):
        return f"{self.stripe_id} {self.type} ({self.status})"
