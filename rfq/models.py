"""Requests for quotes and the quotes that answer them.

The shape follows public-procurement practice (OpenProcurement/ProZorro tenders, ERPNext RFQs):
an RFQ has lots, each lot has lines; a supplier answers with one live quote whose lines price
the lot lines it wants; submitted versions are frozen and hashed so the buyer can check, when
opening, that nothing changed after submission. State changes happen only in
``rfq.services`` — models hold data and the checks that read one object.
"""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.scanning.status import ScannedUpload
from marketplace.storage import private_storage

EUR = "EUR"


class RFQQuerySet(models.QuerySet):
    def published_or_later(self):
        return self.exclude(status=RFQ.Status.DRAFT)

    def open(self, now=None):
        """Published and still accepting quotes."""
        now = now or timezone.now()
        return self.filter(status=RFQ.Status.PUBLISHED, quote_deadline__gt=now)

    def public_open(self, now=None):
        """Open RFQs whose summary anyone may see: public and confidential ones (the latter show
        only their summary until the NDA is accepted); invitation-only RFQs are never listed."""
        return self.open(now).exclude(visibility=RFQ.Visibility.INVITED)

    def for_sector(self, sector_id):
        return self.filter(sector_id=sector_id)

    def due_for_closing(self, now=None):
        now = now or timezone.now()
        return self.filter(status=RFQ.Status.PUBLISHED, quote_deadline__lte=now)


def _new_reference() -> str:
    # Short, unguessable enough to print on a drawing; uniqueness is enforced by the database.
    return "AO-" + uuid.uuid4().hex[:10].upper()


class RFQ(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        PUBLISHED = "published", _("publiée")
        CLOSED = "closed", _("clôturée")
        AWARDED = "awarded", _("attribuée")
        CANCELLED = "cancelled", _("annulée")
        UNSUCCESSFUL = "unsuccessful", _("infructueuse")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("publique")
        INVITED = "invited", _("sur invitation")
        CONFIDENTIAL = "confidential", _("confidentielle (accord de confidentialité)")

    reference = models.CharField(_("référence"), max_length=16, unique=True, default=_new_reference, editable=False)
    buyer = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="rfqs", verbose_name=_("donneur d'ordre")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(
        _("résumé public"),
        max_length=500,
        blank=True,
        help_text=_("Visible de tous, même pour une consultation confidentielle."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Texte enrichi, nettoyé à l'enregistrement."))
    sector = models.ForeignKey(
        "suppliers.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="rfqs", verbose_name=_("filière")
    )
    skills = models.ManyToManyField("suppliers.Skill", blank=True, related_name="rfqs", verbose_name=_("savoir-faire"))
    materials = models.ManyToManyField("suppliers.Material", blank=True, related_name="rfqs", verbose_name=_("matériaux"))
    required_certifications = models.ManyToManyField(
        "suppliers.CertificationType", blank=True, related_name="rfqs", verbose_name=_("certifications exigées")
    )
    delivery_commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune de livraison")
    )
    quote_deadline = models.DateTimeField(_("date limite de remise des offres"), null=True, blank=True)
    questions_deadline = models.DateTimeField(_("date limite des questions"), null=True, blank=True)
    budget_min = models.DecimalField(
        _("budget minimum (€ HT)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_max = models.DecimalField(
        _("budget maximum (€ HT)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, default=EUR, editable=False)
    visibility = models.CharField(_("visibilité"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC)
    nda_text = models.TextField(
        _("accord de confidentialité"), blank=True, help_text=_("Texte que le fournisseur accepte avant de voir le dossier.")
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Bumped by every material change; quotes remember the revision they answered.
    revision = models.PositiveIntegerField(_("révision"), default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(_("offres ouvertes le"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    awarded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("motif d'annulation"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RFQQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "quote_deadline"], name="rfq_status_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True) | Q(budget_max__isnull=True) | Q(budget_min__lte=models.F("budget_max")),
                name="rfq_budget_range_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rfq:detail", kwargs={"reference": self.reference})

    # --- checks on one RFQ ---------------------------------------------------------------------

    @property
    def is_sealed(self) -> bool:
        """Quotes stay sealed until the RFQ is closed and its buyer opened them."""
        return self.opened_at is None

    def accepts_quotes(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and self.quote_deadline is not None and self.quote_deadline > now

    def accepts_questions(self, now=None) -> bool:
        now = now or timezone.now()
        deadline = self.questions_deadline or self.quote_deadline
        return self.status == self.Status.PUBLISHED and deadline is not None and deadline > now

    def can_be_edited(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PUBLISHED)

    def can_be_opened(self) -> bool:
        return self.status == self.Status.CLOSED and self.opened_at is None

    def can_be_awarded(self) -> bool:
        return self.status == self.Status.CLOSED and self.opened_at is not None

    @property
    def is_confidential(self) -> bool:
        return self.visibility == self.Visibility.CONFIDENTIAL


class Lot(models.Model):
    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé du lot"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["rfq", "number"]
        constraints = [models.UniqueConstraint(fields=["rfq", "number"], name="rfq_lot_number_unique")]

    def __str__(self):
        return _("Lot %(number)s — %(title)s") % {"number": self.number, "title": self.title}


class Unit(models.TextChoices):
    PIECE = "piece", _("pièce(s)")
    KG = "kg", _("kg")
    TONNE = "t", _("tonne(s)")
    METRE = "m", _("mètre(s)")
    SQUARE_METRE = "m2", _("m²")
    LITRE = "l", _("litre(s)")
    HOUR = "h", _("heure(s)")
    SET = "set", _("ensemble(s)")


class LotLine(models.Model):
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveSmallIntegerField(_("numéro"))
    part = models.CharField(_("pièce ou prestation"), max_length=200)
    reference = models.CharField(_("référence plan"), max_length=100, blank=True)
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unité"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    target_date = models.DateField(_("date de livraison souhaitée"), null=True, blank=True)

    class Meta:
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        ordering = ["lot", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "number"], name="rfq_line_number_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rfq_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.part} × {self.quantity} {self.get_unit_display()}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    IMAGE = "image", _("image")
    DXF = "dxf", "DXF"
    DWG = "dwg", "DWG"
    STEP = "step", "STEP"
    IGES = "iges", "IGES"
    ZIP = "zip", "ZIP"


def _rfq_upload_to(instance, filename):
    # Never the user's name on disk: the original name is kept in a column for display only.
    return f"rfq/{instance.rfq_id}/{uuid.uuid4().hex}"


class RFQAttachment(ScannedUpload):
    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="attachments")
    lot = models.ForeignKey(Lot, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_rfq_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["rfq", "uploaded_at"]

    def __str__(self):
        return self.original_name


class RFQInvitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        VIEWED = "viewed", _("consultée")
        DECLINED = "declined", _("déclinée")
        QUOTED = "quoted", _("offre remise")

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="rfq_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(_("motif du refus"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    viewed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à consulter")
        verbose_name_plural = _("invitations à consulter")
        ordering = ["rfq", "created_at"]
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="rfq_invitation_unique")]

    def __str__(self):
        return f"{self.rfq.reference} → {self.supplier}"


class NDAAcceptance(models.Model):
    """A supplier organisation accepted a confidential RFQ's NDA; the text accepted is kept verbatim."""

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="nda_acceptances")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    nda_text = models.TextField()
    accepted_at = models.DateTimeField(default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rfq", "organisation"], name="rfq_nda_once_per_org")]


class FileDownload(models.Model):
    """Every download of a confidential file (RFQ, quote or message attachment)."""

    class Source(models.TextChoices):
        RFQ = "rfq", _("dossier de consultation")
        QUOTE = "quote", _("offre")
        MESSAGE = "message", _("message")

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="downloads")
    source = models.CharField(max_length=8, choices=Source.choices)
    file_id = models.PositiveBigIntegerField()
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+")
    downloaded_at = models.DateTimeField(default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-downloaded_at"]


class Question(models.Model):
    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="questions")
    lot = models.ForeignKey(Lot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Who asked is known to the buyer and staff only; other suppliers never see it.
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_by_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("question"), max_length=4000)
    asked_at = models.DateTimeField(default=timezone.now, editable=False)
    answer = models.TextField(_("réponse"), blank=True, max_length=8000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["rfq", "asked_at"]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Quote(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("remise")
        REVISED = "revised", _("révisée")
        WITHDRAWN = "withdrawn", _("retirée")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("en attente")
        AWARDED = "awarded", _("retenue")
        PARTLY_AWARDED = "partly_awarded", _("retenue pour certains lots")
        UNSUCCESSFUL = "unsuccessful", _("non retenue")

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="quotes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    outcome = models.CharField(_("résultat"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    currency = models.CharField(max_length=3, default=EUR, editable=False)
    total = models.DecimalField(_("total (€ HT)"), max_digits=16, decimal_places=2, default=Decimal("0.00"))
    lead_time_days = models.PositiveIntegerField(_("délai (jours)"), null=True, blank=True)
    valid_until = models.DateField(_("offre valable jusqu'au"), null=True, blank=True)
    comments = models.TextField(_("commentaires"), blank=True, max_length=8000)
    # Number of the last submitted version (0 while a draft never submitted).
    version = models.PositiveIntegerField(default=0)
    rfq_revision = models.PositiveIntegerField(default=0, help_text="RFQ.revision this quote answered")
    needs_reconfirmation = models.BooleanField(_("à reconfirmer"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Filled when the buyer opens the quotes: did the stored hash still match?
    integrity_checked_at = models.DateTimeField(null=True, blank=True)
    integrity_ok = models.BooleanField(null=True, blank=True)
    debrief = models.JSONField(null=True, blank=True, help_text="rank and gap sent to an unsuccessful supplier")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["rfq", "total"]
        constraints = [
            models.UniqueConstraint(
                fields=["rfq", "supplier"],
                condition=~Q(status="withdrawn"),
                name="rfq_one_live_quote_per_supplier",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="rfq_quote_total_not_negative"),
        ]

    def __str__(self):
        return f"{self.rfq.reference} — {self.supplier}"

    @property
    def is_live(self) -> bool:
        return self.status != self.Status.WITHDRAWN

    @property
    def is_submitted(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.REVISED)

    def can_be_withdrawn(self) -> bool:
        return self.is_submitted and self.rfq.accepts_quotes()

    def can_be_edited(self) -> bool:
        return self.is_live and self.rfq.accepts_quotes()


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    lot_line = models.ForeignKey(LotLine, on_delete=models.CASCADE, related_name="quote_lines")
    unit_price = models.DecimalField(_("prix unitaire (€ HT)"), max_digits=14, decimal_places=4)
    line_total = models.DecimalField(_("total ligne (€ HT)"), max_digits=16, decimal_places=2)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        ordering = ["quote", "lot_line__lot__number", "lot_line__number"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "lot_line"], name="rfq_quote_line_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="rfq_quote_unit_price_not_negative"),
        ]


class QuoteVersion(models.Model):
    """A frozen submitted version: canonical JSON of the content and its SHA-256."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    total = models.DecimalField(max_digits=16, decimal_places=2)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["quote", "number"]
        constraints = [models.UniqueConstraint(fields=["quote", "number"], name="rfq_quote_version_unique")]


def _quote_upload_to(instance, filename):
    return f"quotes/{instance.quote_id}/{uuid.uuid4().hex}"


class QuoteAttachment(ScannedUpload):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to=_quote_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["quote", "uploaded_at"]


class Award(models.Model):
    """The buyer's decision: one quote wins a lot, or the whole RFQ when ``lot`` is empty."""

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="awards")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="awards")
    quote = models.ForeignKey(Quote, on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(_("montant attribué (€ HT)"), max_digits=16, decimal_places=2)
    note = models.TextField(_("motif"), blank=True, max_length=4000)
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    awarded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        constraints = [
            models.UniqueConstraint(fields=["rfq", "lot"], name="rfq_award_once_per_lot"),
            models.UniqueConstraint(fields=["rfq"], condition=Q(lot__isnull=True), name="rfq_award_whole_once"),
        ]


class MessageThread(models.Model):
    """The private conversation between an RFQ's buyer and one supplier."""

    rfq = models.ForeignKey(RFQ, on_delete=models.CASCADE, related_name="threads")
    supplier = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="rfq_threads")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    buyer_read_at = models.DateTimeField(null=True, blank=True)
    supplier_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rfq", "created_at"]
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="rfq_thread_unique")]


def _message_upload_to(instance, filename):
    return f"messages/{instance.thread_id}/{uuid.uuid4().hex}"


class Message(ScannedUpload):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=8000)
    attachment = models.FileField(storage=private_storage, upload_to=_message_upload_to, max_length=255, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_kind = models.CharField(max_length=8, choices=AttachmentKind.choices, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    attachment_size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["thread", "created_at"]
