"""The flat search document of a supplier, built from its profile: every backend indexes this.

``build_documents(profile_ids)`` loads the published profiles among ``profile_ids`` with their
sites, skills (plus each skill's ancestors and synonyms), materials, sectors and certifications
(expired ones left out) in a fixed number of queries, as plain rows rather than model instances,
and returns one ``SupplierDocument`` each.

Shape (see docs/SEARCH.md):
* display fields: id, slug, name, siret, commune, postal_code, verified, skills / sectors /
  certifications as ``{"slug", "name", "name_en"}`` lists;
* text fields (raw French text, analysed by each backend): ``name_text``, ``skills_text``
  (skill names, English names, synonyms, then ancestors' names), ``body_text`` (tagline,
  presentation without HTML, free keywords), ``other_text`` (materials with synonyms, sectors,
  certification codes, communes);
* ``terms``: facet name → values used by filters and facets: ``sector``, ``skill`` (direct
  skills *and their ancestors*, hence sub-skill expansion), ``material``, ``certification``,
  ``region``, ``departement``, ``headcount``, ``batch``;
* ``sites``: every production site's point; a profile without sites falls back on its
  organisation's commune so that it still has a place.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils import timezone

from .text import plain_text


@dataclass(frozen=True)
class SiteDocument:
    latitude: float
    longitude: float
    commune: str
    postal_code: str
    departement: str
    region: str


@dataclass
class SupplierDocument:
    id: int
    slug: str
    name: str
    siret: str
    commune: str = ""
    postal_code: str = ""
    verified: bool = False
    headcount_band: str = ""
    skills: list[dict] = field(default_factory=list)
    sectors: list[dict] = field(default_factory=list)
    certifications: list[dict] = field(default_factory=list)
    name_text: str = ""
    skills_text: str = ""
    body_text: str = ""
    other_text: str = ""
    terms: dict[str, list[str]] = field(default_factory=dict)
    sites: list[SiteDocument] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SupplierDocument":
        data = dict(data)
        data["sites"] = [SiteDocument(**site) for site in data.get("sites", [])]
        return cls(**data)


def _label(obj) -> dict:
    return {"slug": obj.slug, "name": obj.name, "name_en": obj.name_en}


class SkillTree:
    """Every skill by id, to walk up from a skill to the root without a query per level."""

    def __init__(self):
        from suppliers.models import Skill

        self.skills = {skill.pk: skill for skill in Skill.objects.all()}

    def ancestors(self, skill) -> list:
        chain, seen = [], {skill.pk}
        parent_id = skill.parent_id
        while parent_id and parent_id not in seen:
            seen.add(parent_id)
            parent = self.skills.get(parent_id)
            if parent is None:
                break
            chain.append(parent)
            parent_id = parent.parent_id
        return chain


class _Taxonomy:
    """The small reference tables (skills, materials, sectors, certification types) by id,
    loaded once per call so that profile rows only carry ids."""

    def __init__(self):
        from suppliers.models import CertificationType, Material, Sector

        self.tree = SkillTree()
        self.materials = {m.pk: m for m in Material.objects.all()}  # Meta ordering: family, name
        self.material_rank = {pk: rank for rank, pk in enumerate(self.materials)}
        self.sectors = {s.pk: s for s in Sector.objects.all()}
        self.certification_types = {c.pk: c for c in CertificationType.objects.all()}


# Profile columns a document needs, read as plain rows: building model instances and running
# five prefetches per batch cost more than writing the index did (0.8 ms per profile).
_PROFILE_FIELDS = (
    "pk", "slug", "tagline", "presentation", "keywords", "headcount_band", "batch_sizes", "verification_status",
    "organisation__name", "organisation__siret", "organisation__postal_code", "organisation__commune__name",
    "organisation__commune__latitude", "organisation__commune__longitude", "organisation__commune__departement",
    "organisation__commune__region",
)


def build_documents(profile_ids) -> list[SupplierDocument]:
    """Documents of the *published* profiles among ``profile_ids`` (others are simply absent).

    Ten queries whatever the number of profiles: the profile rows with their organisation and
    its commune, the three many-to-many link tables, sites, certifications, and the four
    taxonomy tables.
    """
    from suppliers.models import ProductionSite, SupplierCertification, SupplierProfile

    today = timezone.localdate()
    rows = list(
        SupplierProfile.objects.published().filter(pk__in=list(profile_ids)).order_by("pk").values(*_PROFILE_FIELDS)
    )
    if not rows:
        return []
    ids = [row["pk"] for row in rows]
    for row in rows:
        row["verified"] = row["verification_status"] == SupplierProfile.Verification.VERIFIED
    taxonomy = _Taxonomy()
    links = {name: _links(SupplierProfile, name, ids) for name in ("skills", "materials", "sectors")}
    sites: dict[int, list[SiteDocument]] = {}
    for profile_id, *site in (
        ProductionSite.objects.filter(profile_id__in=ids)
        .order_by("profile_id", "-is_head_office", "name")
        .values_list("profile_id", "latitude", "longitude", "commune__name", "postal_code", "commune__departement", "commune__region")
    ):
        sites.setdefault(profile_id, []).append(SiteDocument(*site))
    certifications: dict[int, list] = {}
    for profile_id, type_id, valid_until in SupplierCertification.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "certification_type_id", "valid_until"
    ):
        if valid_until is None or valid_until >= today:
            certifications.setdefault(profile_id, []).append(taxonomy.certification_types[type_id])
    return [
        _document(
            row,
            taxonomy,
            skills=[taxonomy.tree.skills[pk] for pk in links["skills"].get(row["pk"], ())],
            materials=sorted(
                (taxonomy.materials[pk] for pk in links["materials"].get(row["pk"], ())),
                key=lambda m: taxonomy.material_rank[m.pk],
            ),
            sectors=[taxonomy.sectors[pk] for pk in links["sectors"].get(row["pk"], ())],
            certifications=sorted(certifications.get(row["pk"], ()), key=lambda c: c.code),
            sites=sites.get(row["pk"], []),
        )
        for row in rows
    ]


def _links(model, field_name: str, ids: list[int]) -> dict[int, list[int]]:
    """profile id → target ids of the many-to-many ``field_name``, read from its link table."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_column_name(), field.m2m_reverse_name()
    found: dict[int, list[int]] = {}
    for profile_id, target_id in through.objects.filter(**{f"{source}__in": ids}).values_list(source, target):
        found.setdefault(profile_id, []).append(target_id)
    return found


def _document(row: dict, taxonomy: _Taxonomy, *, skills, materials, sectors, certifications, sites) -> SupplierDocument:
    tree = taxonomy.tree
    skills = sorted(skills, key=lambda s: (s.position, s.name))
    ancestors = {a.pk: a for skill in skills for a in tree.ancestors(skill)}
    sectors = sorted(sectors, key=lambda s: (s.position, s.name))
    if not sites and row["organisation__commune__name"] is not None:
        sites = [
            SiteDocument(
                latitude=row["organisation__commune__latitude"],
                longitude=row["organisation__commune__longitude"],
                commune=row["organisation__commune__name"],
                postal_code=row["organisation__postal_code"],
                departement=row["organisation__commune__departement"],
                region=row["organisation__commune__region"],
            )
        ]
    skills_text = [part for s in skills for part in (s.name, s.name_en, *s.synonym_list)]
    skills_text += [part for a in ancestors.values() for part in (a.name, a.name_en)]
    other_text = [part for m in materials for part in (m.name, m.name_en, *_lines(m.synonyms))]
    other_text += [part for s in sectors for part in (s.name, s.name_en)]
    # English names too: "quality management" or "aerospace" finds ISO 9001 / EN 9100 holders.
    other_text += [part for c in certifications for part in (c.code, c.name, c.name_en)]
    other_text += sorted({site.commune for site in sites})
    keywords = row["keywords"] if isinstance(row["keywords"], list) else []
    batch_sizes = row["batch_sizes"] if isinstance(row["batch_sizes"], list) else []
    headcount_band = row["headcount_band"]
    first_site = sites[0] if sites else None
    return SupplierDocument(
        id=row["pk"],
        slug=row["slug"],
        name=row["organisation__name"],
        siret=row["organisation__siret"],
        commune=first_site.commune if first_site else "",
        postal_code=first_site.postal_code if first_site else row["organisation__postal_code"],
        verified=row["verified"],
        headcount_band=headcount_band,
        skills=[{**_label(s), "ancestors": [a.slug for a in tree.ancestors(s)]} for s in skills],
        sectors=[_label(s) for s in sectors],
        certifications=[{**_label(c), "code": c.code} for c in certifications],
        name_text=row["organisation__name"],
        skills_text="\n".join(p for p in skills_text if p),
        body_text="\n".join(
            p for p in (row["tagline"], plain_text(row["presentation"]), *map(str, keywords)) if p
        ),
        other_text="\n".join(p for p in other_text if p),
        terms={
            "sector": [s.slug for s in sectors],
            "skill": sorted({s.slug for s in skills} | {a.slug for a in ancestors.values()}),
            "material": sorted(m.slug for m in materials),
            "certification": sorted({c.slug for c in certifications}),
            "region": sorted({s.region for s in sites}),
            "departement": sorted({s.departement for s in sites}),
            "headcount": [headcount_band] if headcount_band else [],
            "batch": sorted({str(b) for b in batch_sizes if b}),
        },
        sites=sites,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
