"""The supplier side: filières (sectors), the skills taxonomy, materials, certifications, and the
rich profile an SME shows to prime contractors, plus cluster profiles and cluster memberships.

Reference lists (sectors, skills, materials, certification types) are seeded by data migrations
from ``suppliers/data/`` and editable by staff. A ``SupplierProfile`` belongs to one supplier
``Organisation``; its public page lives at ``/fournisseurs/<slug>/``.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.scanning.status import ScannedUpload
from marketplace.storage import private_storage


class BilingualNameMixin(models.Model):
    """French name first (the source), optional English name; ``label`` follows the active language."""

    name = models.CharField(_("nom (français)"), max_length=150)
    name_en = models.CharField(_("nom (anglais)"), max_length=150, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    def __str__(self):
        return self.label


class Sector(BilingualNameMixin):
    """A filière, as French clusters group themselves (« mécanique et métallurgie », …)."""

    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description (français)"), blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("filière")
        verbose_name_plural = _("filières")


class Skill(BilingualNameMixin):
    """A manufacturing capability in a tree (machining → turning → bar turning).

    ``synonyms`` holds one synonym per line, French and English mixed (« pièces tournées »,
    "turning"); search expands queries with them.
    """

    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("compétence parente"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    synonyms = models.TextField(_("synonymes"), blank=True, help_text=_("Un synonyme par ligne, en français ou en anglais."))
    sectors = models.ManyToManyField(Sector, verbose_name=_("filières"), blank=True, related_name="skills")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class Material(BilingualNameMixin):
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    family = models.CharField(_("famille"), max_length=80, blank=True)
    synonyms = models.TextField(_("synonymes"), blank=True, help_text=_("Un synonyme par ligne."))

    class Meta:
        ordering = ["family", "name"]
        verbose_name = _("matériau")
        verbose_name_plural = _("matériaux")


class CertificationType(BilingualNameMixin):
    """A certification standard (ISO 9001, EN 9100, ISO 13485, IATF 16949, ISO 14001, …)."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    code = models.CharField(_("référence"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("type de certification")
        verbose_name_plural = _("types de certification")


class HeadcountBand(models.TextChoices):
    B1_9 = "1-9", _("1 à 9 salariés")
    B10_49 = "10-49", _("10 à 49 salariés")
    B50_249 = "50-249", _("50 à 249 salariés")
    B250_999 = "250-999", _("250 à 999 salariés")
    B1000 = "1000+", _("1 000 salariés et plus")


class BatchSize(models.TextChoices):
    PROTOTYPE = "prototype", _("Prototypes et pièces unitaires")
    SMALL = "small", _("Petites et moyennes séries")
    MASS = "mass", _("Grandes séries")


class SupplierProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=SupplierProfile.Status.PUBLISHED)

    def verified(self):
        return self.filter(verification_status=SupplierProfile.Verification.VERIFIED)


class SupplierProfile(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Non vérifié")
        PENDING = "pending", _("Vérification demandée")
        VERIFIED = "verified", _("Vérifié")
        REJECTED = "rejected", _("Vérification refusée")

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="supplier_profile"
    )
    slug = models.SlugField(_("identifiant d'URL"), max_length=220, unique=True)
    tagline = models.CharField(_("accroche"), max_length=200, blank=True)
    # Rich text is sanitised (nh3) on the way in by the services; templates may render it |safe.
    presentation = models.TextField(_("présentation (français)"), blank=True)
    presentation_en = models.TextField(_("présentation (anglais)"), blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("compétences"), blank=True, related_name="profiles")
    keywords = models.JSONField(_("mots-clés libres"), default=list, blank=True)
    materials = models.ManyToManyField(Material, verbose_name=_("matériaux"), blank=True, related_name="profiles")
    sectors = models.ManyToManyField(Sector, verbose_name=_("filières servies"), blank=True, related_name="profiles")
    headcount_band = models.CharField(_("effectif"), max_length=10, choices=HeadcountBand.choices, blank=True)
    batch_sizes = models.JSONField(_("tailles de série"), default=list, blank=True)
    languages = models.JSONField(_("langues de travail"), default=list, blank=True)
    logo = models.ImageField(_("logo"), upload_to="suppliers/logos/", blank=True)
    website = models.URLField(_("site web"), blank=True)
    contact_email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    verification_status = models.CharField(
        _("vérification"), max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED, db_index=True
    )
    verified_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    completeness = models.PositiveSmallIntegerField(_("complétude (%)"), default=0)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = SupplierProfileQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("profil fournisseur")
        verbose_name_plural = _("profils fournisseurs")

    def __str__(self):
        return self.organisation.name

    def get_absolute_url(self):
        return reverse("suppliers:profile_detail", kwargs={"slug": self.slug})

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED

    @property
    def localized_presentation(self) -> str:
        if (get_language() or "fr").startswith("en") and self.presentation_en:
            return self.presentation_en
        return self.presentation


class SupplierCertification(ScannedUpload):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="certifications")
    certification_type = models.ForeignKey(
        CertificationType, verbose_name=_("certification"), on_delete=models.PROTECT, related_name="holders"
    )
    certificate_number = models.CharField(_("numéro de certificat"), max_length=80, blank=True)
    issuer = models.CharField(_("organisme certificateur"), max_length=120, blank=True)
    valid_from = models.DateField(_("valide depuis"), null=True, blank=True)
    valid_until = models.DateField(_("valide jusqu'au"), null=True, blank=True)
    # Certificates are confidential-ish documents: stored outside MEDIA_ROOT, served by a view.
    certificate_file = models.FileField(
        _("certificat (PDF)"), upload_to="certificates/%Y/", storage=private_storage, blank=True
    )

    class Meta:
        ordering = ["certification_type__code"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(fields=["profile", "certification_type"], name="suppliers_one_certification_per_type"),
        ]

    def __str__(self):
        return f"{self.certification_type.code} — {self.profile}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def download_name(self) -> str:
        """The name the certificate is downloaded under (the uploaded name is not kept)."""
        return f"certificat-{self.certification_type.slug}.pdf"


class Equipment(models.Model):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="equipment")
    machine_type = models.CharField(_("type de machine"), max_length=150)
    brand_model = models.CharField(_("marque / modèle"), max_length=150, blank=True)
    count = models.PositiveSmallIntegerField(_("nombre"), default=1)
    key_capacity = models.CharField(
        _("capacité clé"), max_length=200, blank=True, help_text=_("Ex. : courses 1200 × 600 × 500 mm, 250 t, Ø 32 mm")
    )

    class Meta:
        ordering = ["machine_type"]
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")

    def __str__(self):
        return f"{self.count} × {self.machine_type}"


class ProductionSite(models.Model):
    """A production site; search matches a supplier on its nearest site."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("nom du site"), max_length=150)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5)
    commune = models.ForeignKey("geo.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+")
    latitude = models.FloatField(_("latitude"), db_index=True)
    longitude = models.FloatField(_("longitude"), db_index=True)
    is_head_office = models.BooleanField(_("siège"), default=False)

    class Meta:
        ordering = ["-is_head_office", "name"]
        verbose_name = _("site de production")
        verbose_name_plural = _("sites de production")
        indexes = [models.Index(fields=["latitude", "longitude"], name="suppliers_site_latlng")]

    def __str__(self):
        return f"{self.name} ({self.commune.name})"


class SupplierPhoto(models.Model):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="suppliers/photos/")
    caption = models.CharField(_("légende"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class CustomerReference(models.Model):
    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="references")
    customer = models.CharField(_("client"), max_length=150)
    description = models.CharField(_("réalisation"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "customer"]
        verbose_name = _("référence client")
        verbose_name_plural = _("références clients")


class VerificationDecision(models.Model):
    """Staff's decision on a profile's verification: who, when, why (kept, never edited)."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", _("Vérifié")
        REJECTED = "rejected", _("Refusé")
        REVOKED = "revoked", _("Retiré")

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="verification_decisions")
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("motif"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("décidé le"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("décision de vérification")
        verbose_name_plural = _("décisions de vérification")


class ClusterProfile(models.Model):
    """The public face of a cluster / pôle de compétitivité organisation."""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="cluster_profile"
    )
    slug = models.SlugField(_("identifiant d'URL"), max_length=220, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("filières"), blank=True, related_name="clusters")
    region = models.ForeignKey("geo.Region", verbose_name=_("région"), on_delete=models.PROTECT, null=True, blank=True)
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("profil de cluster")
        verbose_name_plural = _("profils de clusters")

    def __str__(self):
        return self.organisation.name

    def get_absolute_url(self):
        return reverse("suppliers:cluster_detail", kwargs={"slug": self.slug})


class ClusterMembership(models.Model):
    """A supplier organisation's membership of a cluster, invited by it or requested by the SME."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invitée par le cluster")
        REQUESTED = "requested", _("Demandée par l'entreprise")
        ACTIVE = "active", _("Membre")
        REJECTED = "rejected", _("Refusée")
        ENDED = "ended", _("Terminée")

    cluster = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="cluster_members")
    supplier = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="cluster_memberships")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, db_index=True)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adhésion à un cluster")
        verbose_name_plural = _("adhésions à des clusters")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "supplier"],
                condition=Q(status__in=["invited", "requested", "active"]),
                name="suppliers_one_open_cluster_membership",
            ),
        ]

    def __str__(self):
        return f"{self.supplier} ∈ {self.cluster} ({self.status})"
