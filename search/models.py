"""Tables of the database search backend, and the queue of index operations to retry.

``SupplierIndexEntry`` is one row per *published* supplier profile, denormalised from the
``SupplierDocument`` (see :mod:`search.documents`): display fields, raw text for PostgreSQL,
analysed text for SQLite, and the whole document as JSON for rendering hits. Beside it:

* ``SupplierIndexTerm``: one row per (facet, value) of an entry, for filters and facet counts;
* ``SupplierIndexSite``: one row per production site, with indexed latitude/longitude for the
  bounding-box prefilter of radius searches;
* full text, created by migration 0002 for the database in use: on SQLite the FTS5 table
  ``search_supplierfts`` (kept in step by triggers); on PostgreSQL the generated ``tsvector``
  column ``search_vector`` (``french_unaccent`` configuration) with a GIN index.

The rows are written only by :class:`search.backends.database.DatabaseBackend`.

Saved searches and alerts (see :mod:`search.alerts`): ``SavedSearch`` (a user's saved supplier
search or RFQ alert) with ``SavedSearchTerm`` rows, its RFQ-alert filters denormalised so that
publication evaluates every alert in SQL; ``AlertDigestItem``, one row per user alerted about
an RFQ (instant ones recorded as sent, digest ones waiting for ``send_alert_digests``).
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupplierIndexEntry(models.Model):
    profile = models.OneToOneField(
        "suppliers.SupplierProfile", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    slug = models.CharField(max_length=220)
    name = models.CharField(max_length=200)
    sort_name = models.CharField(max_length=200, db_index=True)
    siret = models.CharField(max_length=14)
    verified = models.BooleanField(default=False)
    certification_count = models.PositiveSmallIntegerField(default=0)
    # Raw text: PostgreSQL's generated search_vector is computed from these.
    name_text = models.TextField(blank=True)
    skills_text = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    other_text = models.TextField(blank=True)
    # The same text as search.text.analyze() stems it: SQLite's FTS5 table indexes these.
    name_terms = models.TextField(blank=True)
    skills_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    other_terms = models.TextField(blank=True)
    document = models.JSONField(default=dict)
    # The facet terms again, one "facet:value" per line, small enough to stay in the row: the
    # PostgreSQL search counts facets from it over its matches (no join, no large document read).
    facet_terms = models.TextField(blank=True, default="")
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("entrée de l'index de recherche")
        verbose_name_plural = _("entrées de l'index de recherche")

    def __str__(self):
        return self.name


class SearchIndexVersion(models.Model):
    """One row whose number moves with every write to a supplier index and every taxonomy change:
    cached search results are keyed on it (:mod:`search.result_cache`)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("version de l'index de recherche")
        verbose_name_plural = _("versions de l'index de recherche")

    def __str__(self):
        return str(self.version)


class SupplierIndexTerm(models.Model):
    entry = models.ForeignKey(SupplierIndexEntry, on_delete=models.CASCADE, related_name="terms")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "facet", "value"], name="search_term_unique"),
        ]
        indexes = [models.Index(fields=["facet", "value"], name="search_term_facet_value")]


class SupplierIndexSite(models.Model):
    entry = models.ForeignKey(SupplierIndexEntry, on_delete=models.CASCADE, related_name="sites")
    latitude = models.FloatField(db_index=True)
    longitude = models.FloatField(db_index=True)
    commune = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)


class PendingIndexOperation(models.Model):
    """A change an external engine could not take; retried by ``search_rebuild --pending``."""

    class Action(models.TextChoices):
        INDEX = "index", _("indexer")
        DELETE = "delete", _("supprimer")

    backend = models.CharField(_("moteur"), max_length=30)
    profile_id = models.BigIntegerField(_("profil"), db_index=True)
    action = models.CharField(_("opération"), max_length=10, choices=Action.choices)
    attempts = models.PositiveIntegerField(_("tentatives"), default=1)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["backend", "profile_id"], name="search_one_pending_operation_per_profile"),
        ]
        verbose_name = _("opération d'indexation en attente")
        verbose_name_plural = _("opérations d'indexation en attente")

    def __str__(self):
        return f"{self.backend} {self.action} {self.profile_id}"


class SavedSearch(models.Model):
    """A search a user saved: a supplier search (``query`` holds the search page's parameters) or
    an RFQ alert (``query`` holds ``q``, ``sector``, ``skill``, ``material``, ``department``,
    ``postal_code``/``insee`` and ``radius_km``).

    For RFQ alerts the filters are also stored as ``SavedSearchTerm`` rows and the centre as
    ``latitude``/``longitude`` (+ ``radius_km``), written by :func:`search.alerts.save_search`,
    so that publishing an RFQ finds the matching alerts with indexed SQL.
    """

    class Kind(models.TextChoices):
        SUPPLIERS = "suppliers", _("recherche de fournisseurs")
        RFQS = "rfqs", _("alerte consultations")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="saved_searches"
    )
    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SUPPLIERS)
    query = models.JSONField(_("critères"), default=dict, blank=True)
    alerts_enabled = models.BooleanField(_("alertes activées"), default=True)
    text = models.CharField(max_length=500, blank=True)
    latitude = models.FloatField(null=True, blank=True, db_index=True)
    longitude = models.FloatField(null=True, blank=True, db_index=True)
    radius_km = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    last_notified_at = models.DateTimeField(_("dernière alerte le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        indexes = [models.Index(fields=["kind", "alerts_enabled"], name="search_saved_kind_alerts")]

    def __str__(self):
        return self.name


class SavedSearchTerm(models.Model):
    """One filter value of an RFQ alert: ``facet`` is ``sector``, ``skill``, ``material`` or ``departement``."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="terms")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "facet", "value"], name="search_saved_term_unique"),
        ]
        indexes = [models.Index(fields=["facet", "value"], name="search_saved_term_value")]


class AlertDigestItem(models.Model):
    """One user alerted about one RFQ. Instant alerts are recorded already sent, so that a
    repeated evaluation never alerts twice; daily-digest ones wait (``sent_at`` empty) for
    ``manage.py send_alert_digests``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    rfq = models.ForeignKey("rfq.RFQ", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    instant = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "rfq"], name="search_alert_once_per_user_rfq")]
        verbose_name = _("alerte consultation")
        verbose_name_plural = _("alertes consultations")
