"""Export of supplier profiles in the import format (see ``suppliers/imports.py``).

Same columns as the import, so that an exported file re-imports unchanged: skills, materials and
sectors as slugs (the skills column ends with the profile's free keywords), certifications as
codes, the head office's postal and INSEE codes, the headcount band, the active clusters by name
(by SIRET when two clusters share a name). The description is the stored, sanitised HTML.

Formats: CSV with a comma delimiter, UTF-8 **without** BOM (what scripts and databases expect;
spreadsheets open it through their import dialog), or XLSX with a header row. Every cell that a
spreadsheet would run as a formula (beginning with ``=``, ``+``, ``-``, ``@``) is prefixed with
an apostrophe; the import strips it back.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.audit.services import record
from marketplace.geo.models import Region

from .imports import COLUMNS, LIST_SEPARATOR, neutralise_formula, normalise_term
from .models import ClusterMembership, ProductionSite, Sector, SupplierProfile

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_SIZE = 1000


class ExportError(Exception):
    """A filter names nothing that exists. ``message`` is translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ExportFilters:
    sector: str = ""  # a sector slug
    region: str = ""  # an INSEE région code
    published_only: bool = False


def profiles_to_export(filters: ExportFilters) -> QuerySet[SupplierProfile]:
    """The profiles ``filters`` select, by SIRET; raises ``ExportError`` for an unknown sector or région."""
    profiles = SupplierProfile.objects.all()
    if filters.sector:
        if not Sector.objects.filter(slug=filters.sector).exists():
            raise ExportError(_("Filière inconnue : %(slug)s.") % {"slug": filters.sector})
        profiles = profiles.filter(sectors__slug=filters.sector)
    if filters.region:
        if not Region.objects.filter(code=filters.region).exists():
            raise ExportError(_("Code de région inconnu : %(code)s.") % {"code": filters.region})
        in_region = Q(organisation__commune__region_id=filters.region) | Q(sites__commune__region_id=filters.region)
        profiles = profiles.filter(pk__in=SupplierProfile.objects.filter(in_region).values("pk"))
    if filters.published_only:
        profiles = profiles.published()
    return profiles.order_by("organisation__siret")


def _cluster_labels() -> dict[int, str]:
    """Cluster pk → what the import finds it by: its name, or its SIRET when the name is shared."""
    clusters = list(Organisation.objects.filter(is_cluster=True).values_list("pk", "name", "siret"))
    name_count: dict[str, int] = {}
    for _pk, name, _siret in clusters:
        name_count[normalise_term(name)] = name_count.get(normalise_term(name), 0) + 1
    return {pk: name if name_count[normalise_term(name)] == 1 else siret for pk, name, siret in clusters}


def export_rows(profiles: QuerySet[SupplierProfile]) -> Iterator[list[str]]:
    """The header, then one row of cells per profile (already neutralised against formulas)."""
    yield list(COLUMNS)
    clusters = _cluster_labels()
    queryset = profiles.select_related("organisation").prefetch_related(
        "skills",
        "materials",
        "sectors",
        "certifications__certification_type",
        Prefetch("sites", queryset=ProductionSite.objects.order_by("-is_head_office", "id")),
        Prefetch(
            "organisation__cluster_memberships",
            queryset=ClusterMembership.objects.filter(status=ClusterMembership.Status.ACTIVE).order_by("cluster_id"),
            to_attr="active_cluster_memberships",
        ),
    )
    for profile in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [neutralise_formula(cell) for cell in _cells(profile, clusters)]


def _cells(profile: SupplierProfile, clusters: dict[int, str]) -> list[str]:
    org = profile.organisation
    sites = list(profile.sites.all())
    site = sites[0] if sites else None
    postal_code = site.postal_code if site else org.postal_code
    insee = site.commune_id if site else (org.commune_id or "")
    values = {
        "siret": org.siret,
        "name": org.name,
        "description": profile.presentation,
        "skills": _join(sorted(s.slug for s in profile.skills.all()) + list(profile.keywords or [])),
        "materials": _join(sorted(m.slug for m in profile.materials.all())),
        "certifications": _join(sorted(c.certification_type.code for c in profile.certifications.all())),
        "sectors": _join(sorted(s.slug for s in profile.sectors.all())),
        "postal_code": postal_code or "",
        "insee_code": insee or "",
        "website": profile.website or org.website,
        "employees": profile.headcount_band,
        "cluster": _join(clusters[m.cluster_id] for m in org.active_cluster_memberships if m.cluster_id in clusters),
    }
    return [values[column] for column in COLUMNS]


def _join(values) -> str:
    return LIST_SEPARATOR.join(values)


def write_csv(rows: Iterator[list[str]], stream) -> int:
    """Write ``rows`` to a text stream; returns the number of suppliers written."""
    writer = csv.writer(stream, lineterminator="\n")
    count = -1
    for row in rows:
        writer.writerow(row)
        count += 1
    return max(count, 0)


def csv_chunks(rows: Iterator[list[str]]) -> Iterator[bytes]:
    """``rows`` as UTF-8 CSV bytes, a chunk per row: a web response streams them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def write_xlsx(rows: Iterator[list[str]], stream) -> int:
    """Write ``rows`` as an XLSX workbook to a binary stream; returns the number of suppliers written."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Fournisseurs"))
    count = -1
    for row in rows:
        sheet.append(row)
        count += 1
    workbook.save(stream)
    return max(count, 0)


def record_export(actor, *, file_format: str, filters: ExportFilters, count: int | None = None) -> None:
    """Exports hand out every supplier's data: who took it, and which, is audited."""
    record(
        actor,
        "suppliers.exported",
        None,
        format=file_format,
        sector=filters.sector,
        region=filters.region,
        published_only=filters.published_only,
        count=count,
    )
