"""Builders of supplier import files (CSV and XLSX generated in memory) and of the reference rows
the import tests match against.

Taxonomy rows are fetched or created by slug, so the tests run whether or not the data migration
has seeded the lists.
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from marketplace.accounts.models import Organisation
from suppliers.imports import COLUMNS
from suppliers.models import CertificationType, Material, Sector, Skill
from tests.factories import OrganisationFactory, make_siret

# Real places of the reference data: one commune per postal code, and one code serving seven.
GRENOBLE = ("38000", "38185")
BESANCON = ("25000", "25056")
TOULOUSE = ("31000", "31555")
OYONNAX = ("01100", "01283")  # 01100 also serves Arbent, Bellignat, … : ambiguous on its own


def taxonomy() -> dict:
    """The skills, materials, sectors and certification types the tests name."""
    mecanique, _ = Sector.objects.get_or_create(
        slug="mecanique-metallurgie",
        defaults={"name": "Mécatronique, robotique, mécanique, métallurgie", "name_en": "Mechanics"},
    )
    plasturgie, _ = Sector.objects.get_or_create(
        slug="plasturgie-composites", defaults={"name": "Plasturgie et composites", "name_en": "Plastics"}
    )
    usinage, _ = Skill.objects.get_or_create(slug="usinage", defaults={"name": "Usinage", "name_en": "Machining"})
    decolletage, _ = Skill.objects.get_or_create(
        slug="decolletage",
        defaults={"name": "Décolletage", "name_en": "Bar turning", "parent": usinage,
                  "synonyms": "pièces décolletées\nSwiss-type turning"},
    )
    tournage, _ = Skill.objects.get_or_create(
        slug="tournage", defaults={"name": "Tournage", "name_en": "Turning", "parent": usinage}
    )
    injection, _ = Skill.objects.get_or_create(
        slug="injection-plastique", defaults={"name": "Injection plastique", "name_en": "Plastic injection moulding"}
    )
    inox, _ = Material.objects.get_or_create(
        slug="inox-316l", defaults={"name": "Acier inoxydable 316L", "name_en": "Stainless steel 316L",
                                    "synonyms": "inox 316\nAISI 316L"}
    )
    laiton, _ = Material.objects.get_or_create(slug="laiton", defaults={"name": "Laiton", "name_en": "Brass"})
    iso9001, _ = CertificationType.objects.get_or_create(
        slug="iso-9001", defaults={"code": "ISO 9001", "name": "ISO 9001 — Management de la qualité"}
    )
    en9100, _ = CertificationType.objects.get_or_create(
        slug="en-9100", defaults={"code": "EN 9100", "name": "EN 9100 — Qualité aéronautique"}
    )
    return {
        "mecanique": mecanique, "plasturgie": plasturgie, "usinage": usinage, "decolletage": decolletage,
        "tournage": tournage, "injection": injection, "inox": inox, "laiton": laiton,
        "iso9001": iso9001, "en9100": en9100,
    }


def cluster(name: str = "Pôle Décolletage Test") -> Organisation:
    return OrganisationFactory(name=name, is_cluster=True, is_supplier=False)


def supplier_row(n: int = 1, **cells: str) -> dict[str, str]:
    """A valid row for the n-th test supplier; ``cells`` override or add columns."""
    postal_code, insee = GRENOBLE
    row = {
        "siret": make_siret(900 + n),
        "name": f"Décolletage Test {n}",
        "description": "Pièces de précision pour l'horlogerie et le médical.",
        "skills": "Décolletage;tournage",
        "materials": "inox-316l;Laiton",
        "certifications": "ISO 9001",
        "sectors": "mecanique-metallurgie",
        "postal_code": postal_code,
        "insee_code": insee,
        "website": "www.decolletage-test.example",
        "employees": "35",
        "cluster": "",
    }
    row.update(cells)
    return row


def table(rows: list[dict[str, str]], columns=None) -> list[list[str]]:
    columns = list(columns or COLUMNS)
    return [columns] + [[row.get(column, "") for column in columns] for row in rows]


def csv_bytes(rows: list[dict[str, str]], *, delimiter: str = ",", bom: bool = False, columns=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(table(rows, columns))
    return ("\ufeff" if bom else "").encode("utf-8") + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    """An XLSX workbook whose first sheet holds ``rows`` (cells may be numbers, as typed in Excel)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
