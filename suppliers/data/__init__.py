"""The reference lists staff start from: filières, skills, materials and certification types.

The JSON files next to this module are the source; ``seed_reference_lists`` writes them into the
database. The data migration calls it with the historical app registry, and tests whose
database was flushed (``transactional_db``, ``live_server``) call it with the real one, so both
go through the same code. Rows are matched on their slug: a re-run updates names, descriptions
and synonyms from the files and creates what is missing, and never deletes what staff added.
"""
from __future__ import annotations

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent


def read(name: str) -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def seed_reference_lists(apps) -> None:
    """Create or update every row of the four lists. ``apps`` is an app registry."""
    Sector = apps.get_model("suppliers", "Sector")
    Skill = apps.get_model("suppliers", "Skill")
    Material = apps.get_model("suppliers", "Material")
    CertificationType = apps.get_model("suppliers", "CertificationType")

    sectors = {}
    for position, row in enumerate(read("sectors.json")):
        sectors[row["slug"]], _ = Sector.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "description": row.get("description", ""),
                "description_en": row.get("description_en", ""),
                "position": position,
            },
        )

    # Two passes, so that a child may come before its parent in the file.
    rows = read("skills.json")
    skills = {}
    for position, row in enumerate(rows):
        skills[row["slug"]], _ = Skill.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "synonyms": "\n".join(row.get("synonyms", [])),
                "position": position,
            },
        )
    for row in rows:
        skill = skills[row["slug"]]
        parent = skills[row["parent"]] if row.get("parent") else None
        if skill.parent_id != (parent.pk if parent else None):
            skill.parent = parent
            skill.save(update_fields=["parent"])
        skill.sectors.add(*(sectors[slug] for slug in row.get("sectors", [])))

    for row in read("materials.json"):
        Material.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "family": row.get("family", ""),
                "synonyms": "\n".join(row.get("synonyms", [])),
            },
        )

    for row in read("certifications.json"):
        CertificationType.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "code": row["code"],
                "name": row["name"],
                "name_en": row["name_en"],
                "description": row.get("description", ""),
            },
        )
