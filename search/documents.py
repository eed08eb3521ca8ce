"""The flat search document of a supplier, built from its profile: every backend indexes this.

``build_documents(profile_ids)`` loads the published profiles among ``profile_ids`` with their
sites, skills (plus each skill's ancestors and synonyms), materials, sectors and certifications
(expired ones left out) in a fixed number of queries, and returns one ``SupplierDocument`` each.

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

from django.db.models import Prefetch
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


def build_documents(profile_ids) -> list[SupplierDocument]:
    """Documents of the *published* profiles among ``profile_ids`` (others are simply absent)."""
    from suppliers.models import ProductionSite, SupplierCertification, SupplierProfile

    today = timezone.localdate()
    profiles = (
        SupplierProfile.objects.published()
        .filter(pk__in=list(profile_ids))
        .select_related("organisation__commune__departement", "organisation__commune__region")
        .prefetch_related(
            "skills",
            "materials",
            "sectors",
            Prefetch("sites", queryset=ProductionSite.objects.select_related("commune")),
            Prefetch(
                "certifications",
                queryset=SupplierCertification.objects.select_related("certification_type").order_by("certification_type__code"),
            ),
        )
        .order_by("pk")
    )
    tree = SkillTree()
    return [_document(profile, tree, today) for profile in profiles]


def _document(profile, tree: SkillTree, today) -> SupplierDocument:
    organisation = profile.organisation
    skills = sorted(profile.skills.all(), key=lambda s: (s.position, s.name))
    ancestors = {a.pk: a for skill in skills for a in tree.ancestors(skill)}
    materials = list(profile.materials.all())
    sectors = sorted(profile.sectors.all(), key=lambda s: (s.position, s.name))
    certifications = [
        c.certification_type for c in profile.certifications.all() if c.valid_until is None or c.valid_until >= today
    ]
    sites = [
        SiteDocument(
            latitude=site.latitude,
            longitude=site.longitude,
            commune=site.commune.name,
            postal_code=site.postal_code,
            departement=site.commune.departement_id,
            region=site.commune.region_id,
        )
        for site in profile.sites.all()
    ]
    if not sites and organisation.commune is not None:
        commune = organisation.commune
        sites = [
            SiteDocument(
                latitude=commune.latitude,
                longitude=commune.longitude,
                commune=commune.name,
                postal_code=organisation.postal_code,
                departement=commune.departement_id,
                region=commune.region_id,
            )
        ]
    skills_text = [part for s in skills for part in (s.name, s.name_en, *s.synonym_list)]
    skills_text += [part for a in ancestors.values() for part in (a.name, a.name_en)]
    other_text = [part for m in materials for part in (m.name, m.name_en, *_lines(m.synonyms))]
    other_text += [part for s in sectors for part in (s.name, s.name_en)]
    # English names too: "quality management" or "aerospace" finds ISO 9001 / EN 9100 holders.
    other_text += [part for c in certifications for part in (c.code, c.name, c.name_en)]
    other_text += sorted({site.commune for site in sites})
    keywords = profile.keywords if isinstance(profile.keywords, list) else []
    first_site = sites[0] if sites else None
    return SupplierDocument(
        id=profile.pk,
        slug=profile.slug,
        name=organisation.name,
        siret=organisation.siret,
        commune=first_site.commune if first_site else "",
        postal_code=first_site.postal_code if first_site else organisation.postal_code,
        verified=profile.is_verified,
        headcount_band=profile.headcount_band,
        skills=[{**_label(s), "ancestors": [a.slug for a in tree.ancestors(s)]} for s in skills],
        sectors=[_label(s) for s in sectors],
        certifications=[{**_label(c), "code": c.code} for c in certifications],
        name_text=organisation.name,
        skills_text="\n".join(p for p in skills_text if p),
        body_text="\n".join(p for p in (profile.tagline, plain_text(profile.presentation), *map(str, keywords)) if p),
        other_text="\n".join(p for p in other_text if p),
        terms={
            "sector": [s.slug for s in sectors],
            "skill": sorted({s.slug for s in skills} | {a.slug for a in ancestors.values()}),
            "material": sorted(m.slug for m in materials),
            "certification": sorted({c.slug for c in certifications}),
            "region": sorted({s.region for s in sites}),
            "departement": sorted({s.departement for s in sites}),
            "headcount": [profile.headcount_band] if profile.headcount_band else [],
            "batch": sorted({str(b) for b in profile.batch_sizes if b}) if isinstance(profile.batch_sizes, list) else [],
        },
        sites=sites,
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
