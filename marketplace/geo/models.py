"""French reference data: régions, départements, communes with postal codes, NAF codes.

Loaded by ``manage.py load_reference_data`` from the files in ``marketplace/geo/data/``.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "COM", _("commune")
        ARRONDISSEMENT = "ARM", _("arrondissement municipal")

    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    kind = models.CharField(_("type"), max_length=3, choices=Kind.choices, default=Kind.COMMUNE)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="arrondissements"
    )
    name = models.CharField(_("nom"), max_length=100, db_index=True)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.departement_id})"


class PostalCode(models.Model):
    """One (postal code, commune) pair: a code may cover several communes and vice versa."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["code", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="geo_postalcode_unique_pair"),
        ]
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")

    def __str__(self):
        return f"{self.code} {self.commune.name}"


class NafCode(models.Model):
    """A NAF rév. 2 sub-class (code APE such as ``25.62B``) with its hierarchy labels."""

    code = models.CharField(_("code NAF"), max_length=6, primary_key=True)
    label = models.CharField(_("libellé"), max_length=255)
    section = models.CharField(_("section"), max_length=1, db_index=True)
    section_label = models.CharField(_("libellé de section"), max_length=255)
    division = models.CharField(_("division"), max_length=2, db_index=True)
    division_label = models.CharField(_("libellé de division"), max_length=255)
    group = models.CharField(_("groupe"), max_length=4)
    group_label = models.CharField(_("libellé de groupe"), max_length=255)

    class Meta:
        ordering = ["code"]
        verbose_name = _("code NAF")
        verbose_name_plural = _("codes NAF")

    def __str__(self):
        return f"{self.code} — {self.label}"
