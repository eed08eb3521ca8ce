"""Demo supplier profiles: what each demo supplier organisation makes, with what, where, proven how.

For every supplier organisation of the run that has no profile yet: skills, materials and sectors
consistent with its NAF code (25.62A décolletage → décolletage and turning, stainless steel and
brass, mechanics), a French presentation built from the templates below (written for this
project), 0–3 certifications with validity dates (some expired), 1–3 equipment lines, a head-office
production site at the organisation's commune and sometimes a second one in the same département,
batch sizes, a headcount band matching the size band. Most profiles are published and about 40 %
of those are verified by the demo staff account; suppliers join the demo clusters of their région.

Like the organisations, in two stages: ``generate_profile_specs`` is pure (seed + organisations →
specs, supplier n drawing from the ``supplier-profiles`` stream right after supplier n − 1), then
``build_supplier_profiles`` writes the missing ones with bulk inserts (M2M links through the
``through`` models), so a top-up run adds profiles for the new suppliers only.
"""
from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.accounts.models import Organisation
from marketplace.geo.models import Commune
from suppliers.imports import refresh_completeness
from suppliers.models import (
    BatchSize,
    CertificationType,
    ClusterMembership,
    Equipment,
    HeadcountBand,
    Material,
    ProductionSite,
    Sector,
    Skill,
    SupplierCertification,
    SupplierProfile,
    VerificationDecision,
)

from .accounts import DEMO_ACCOUNTS
from .context import DemoContext, WeightedChoice, bulk_create_in_batches, stream
from .places import Places

STREAM = "supplier-profiles"
VERIFICATION_REASON = "Données vérifiées lors de la démo"
PUBLISHED_PERCENT = 85
VERIFIED_PERCENT_OF_PUBLISHED = 47  # ≈ 40 % of all profiles
SECOND_SITE_PERCENT = 25
CLUSTER_JOIN_PERCENT = 45
CERTIFICATION_YEARS = 3


@dataclasses.dataclass(frozen=True)
class TradeProfile:
    """What a trade does: skills (the first ones always), materials and sectors (the first one
    always), usual certifications,
    machines (type, brand/model, key capacity) and a phrase for the presentation."""

    skills: tuple[str, ...]
    optional_skills: tuple[str, ...]
    materials: tuple[str, ...]
    sectors: tuple[str, ...]
    certifications: tuple[str, ...]
    equipment: tuple[tuple[str, str, str], ...]
    activity: str
    batch_sizes: tuple[str, ...] = ("small",)


_MECA = "mecanique-metallurgie"
_TRANSPORT = "aeronautique-automobile-ferroviaire-naval"
_PLAST = "plasturgie-composites"
_CNC = ("Centre d'usinage 3 axes", "DMG Mori CMX 1100 V", "courses 1100 × 560 × 510 mm")
_CNC5 = ("Centre d'usinage 5 axes", "Hermle C 42 U", "Ø 800 mm, 1 400 kg")
_LATHE = ("Tour CN", "Mazak QT-250", "Ø 350 × 600 mm")
_SWISS = ("Décolleteuse à poupée mobile", "Tornos SwissNano", "Ø 4 à 32 mm")
_CAM = ("Décolleteuse à cames", "Tornos MS-7", "Ø 2 à 20 mm")
_CMM = ("Machine à mesurer tridimensionnelle", "Zeiss Contura", "1 000 × 1 200 × 600 mm")
_LASER = ("Découpe laser fibre", "Trumpf TruLaser 3030", "tôles 3 000 × 1 500 mm, 25 mm acier")
_PRESS_BRAKE = ("Presse plieuse", "Amada HFE 100-3", "100 t, 3 m")
_WELD = ("Poste de soudage TIG", "Fronius MagicWave", "courant 230 A")
_ROBOT_WELD = ("Cellule de soudage robotisée", "Yaskawa Motoman", "2 positionneurs")
_PRESS = ("Presse mécanique", "Bruderer BSTA 510", "50 t, 1 000 coups/min")
_INJECTION = ("Presse à injecter", "Arburg Allrounder 470", "100 à 250 t")
_INJECTION_BIG = ("Presse à injecter", "Engel Victory", "350 t")
_EXTRUDER = ("Ligne d'extrusion", "KraussMaffei KME", "Ø vis 60 mm")
_SMT = ("Ligne CMS", "Fuji NXT III", "35 000 composants/h")
_REFLOW = ("Four de refusion", "Rehm VisionXP+", "9 zones, sous azote")
_AOI = ("Contrôle optique automatique", "Omron VT-S730", "3D")
_LOOM = ("Métier à tisser", "Dornier P2", "laize 2,8 m")
_COATING = ("Ligne d'enduction", "Santex", "laize 2 m")
_MIXER = ("Turbo-émulseur", "Olsa", "500 L")
_FILLING = ("Remplisseuse", "IMA", "60 flacons/min")
_FURNACE = ("Four de traitement thermique", "Bmi", "charge 600 kg, 1 300 °C")
_ANODIZING = ("Ligne d'anodisation", "Atelier interne", "bains 3 000 × 1 200 mm")
_POWDER = ("Cabine de poudrage", "Gema", "pièces jusqu'à 6 m")
_FOUNDRY = ("Chantier de moulage sable", "Künkel-Wagner", "pièces jusqu'à 2 t")
_DIE_CASTING = ("Presse à injecter l'aluminium", "Bühler Carat", "840 t")
_FORGE_PRESS = ("Presse à forger", "Lasco", "1 600 t")
_EDM = ("Électroérosion à fil", "GF AgieCharmilles CUT 200", "course 350 × 250 × 256 mm")
_PRINTER = ("Imprimante 3D métal", "EOS M 290", "250 × 250 × 325 mm")
_WINDING = ("Bobineuse", "Marsilli", "fil Ø 0,05 à 2 mm")
_WOOD_CNC = ("Centre d'usinage bois", "Biesse Rover", "5 axes, 6 m")
_LAB = ("Banc d'essais", "Instron 5985", "250 kN")

TRADE_PROFILES: dict[str, TradeProfile] = {
    "25.62A": TradeProfile(
        ("decolletage", "tournage"), ("fraisage-3-axes", "rectification", "taillage-engrenages", "controle-tridimensionnel"),
        ("inox-316l", "inox-304l", "laiton", "acier-c45", "titane-ta6v", "aluminium-2017"),
        (_MECA, _TRANSPORT, "sante-biotech"), ("iso-9001", "iatf-16949", "iso-13485", "en-9100", "iso-14001"),
        (_SWISS, _CAM, _LATHE, _CMM), "des pièces décolletées de précision", ("small", "mass"),
    ),
    "25.62B": TradeProfile(
        ("usinage", "fraisage-3-axes"), ("tournage", "fraisage-5-axes", "rectification", "electroerosion-fil",
                                          "usinage-grandes-dimensions", "assemblage-mecanique"),
        ("aluminium-7075", "aluminium-6061", "acier-42crmo4", "inox-316l", "titane-ta6v", "acier-c45"),
        (_MECA, _TRANSPORT, "energie", "defense-securite"), ("iso-9001", "en-9100", "iso-14001", "iso-45001"),
        (_CNC, _CNC5, _LATHE, _CMM, _EDM), "des pièces mécaniques usinées à la demande", ("prototype", "small"),
    ),
    "25.11Z": TradeProfile(
        ("chaudronnerie", "soudure"), ("mecano-soudure", "charpente-metallique", "soudure-tig", "soudure-mig-mag",
                                       "tuyauterie", "cintrage"),
        ("acier-s235", "acier-s355", "inox-304l", "aluminium-5083"),
        (_MECA, "energie", "eco-technologies-eco-construction"), ("iso-9001", "en-1090", "iso-3834", "mase"),
        (_LASER, _PRESS_BRAKE, _WELD, _ROBOT_WELD), "des ensembles chaudronnés et mécano-soudés", ("prototype", "small"),
    ),
    "25.99B": TradeProfile(
        ("tolerie", "decoupe-laser", "pliage"), ("poinconnage", "soudure-par-points", "peinture-poudre", "soudure-mig-mag"),
        ("acier-s235", "inox-304l", "aluminium-5083"), (_MECA, "biens-de-consommation"), ("iso-9001", "iso-14001"),
        (_LASER, _PRESS_BRAKE, _ROBOT_WELD), "des pièces de tôlerie fine et des capotages", ("small", "mass"),
    ),
    "25.50A": TradeProfile(
        ("forge", "estampage-matricage"), ("forge-libre", "traitement-thermique", "usinage"),
        ("acier-42crmo4", "acier-c45", "inox-316l", "titane-ta6v", "inconel"), (_MECA, _TRANSPORT, "energie"),
        ("iso-9001", "en-9100", "iatf-16949", "nadcap"), (_FORGE_PRESS, _FURNACE, _CNC),
        "des pièces forgées et matricées", ("small", "mass"),
    ),
    "25.50B": TradeProfile(
        ("emboutissage", "decoupage-fin"), ("outils-de-presse", "tolerie", "soudure-par-points"),
        ("acier-s235", "inox-304l", "laiton", "cuivre", "aluminium-5083"), (_MECA, _TRANSPORT),
        ("iso-9001", "iatf-16949", "iso-14001"), (_PRESS, _PRESS_BRAKE, _CMM), "des pièces découpées et embouties",
        ("mass",),
    ),
    "25.61Z": TradeProfile(
        ("traitement-de-surface",), ("anodisation", "peinture-poudre", "nickelage", "passivation", "sablage-grenaillage",
                                     "traitement-thermique", "trempe", "cementation"),
        ("aluminium-6061", "acier-c45", "inox-316l", "acier-42crmo4"), (_MECA, _TRANSPORT, "sante-biotech"),
        ("iso-9001", "nadcap", "iso-14001", "en-9100"), (_ANODIZING, _POWDER, _FURNACE),
        "des traitements de surface et des traitements thermiques", ("small", "mass"),
    ),
    "25.73A": TradeProfile(
        ("outillage", "moules"), ("electroerosion-enfoncage", "fraisage-5-axes", "conception-mecanique"),
        ("acier-outil", "aluminium-7075", "cuivre"), (_PLAST, _MECA), ("iso-9001",), (_CNC5, _EDM, _CMM),
        "des moules d'injection et des outillages", ("prototype",),
    ),
    "25.73B": TradeProfile(
        ("outillage", "outils-de-presse"), ("electroerosion-fil", "rectification", "fraisage-3-axes"),
        ("acier-outil", "acier-42crmo4"), (_MECA,), ("iso-9001",), (_EDM, _CNC, _CMM),
        "des outillages de presse et de découpe", ("prototype", "small"),
    ),
    "22.29A": TradeProfile(
        ("plasturgie", "injection-plastique"), ("surmoulage", "moules", "assemblage-mecanique", "marquage-laser"),
        ("pa66", "pa6", "pom", "pp", "abs", "pc", "peek"), (_PLAST, _TRANSPORT, "sante-biotech", "biens-de-consommation"),
        ("iso-9001", "iatf-16949", "iso-13485", "iso-14001"), (_INJECTION, _INJECTION_BIG, _CMM),
        "des pièces plastiques injectées techniques", ("small", "mass"),
    ),
    "22.21Z": TradeProfile(
        ("plasturgie", "extrusion"), ("thermoformage", "soufflage"), ("pvc", "pe", "pp", "pmma"),
        (_PLAST, "eco-technologies-eco-construction"), ("iso-9001", "iso-14001"), (_EXTRUDER,),
        "des profilés et des tubes extrudés", ("mass",),
    ),
    "22.22Z": TradeProfile(
        ("plasturgie", "thermoformage"), ("soufflage", "emballage", "conditionnement-a-facon"), ("pe", "pp", "pc"),
        (_PLAST, "agroalimentaire", "cosmetique-parfum"), ("iso-9001", "brcgs", "iso-22000"), (_EXTRUDER, _INJECTION),
        "des emballages plastiques", ("mass",),
    ),
    "22.19Z": TradeProfile(
        ("plasturgie", "moulage-elastomeres"), ("surmoulage", "extrusion"), ("silicone", "epdm"),
        (_PLAST, _TRANSPORT), ("iso-9001", "iatf-16949"), (_INJECTION,), "des pièces techniques en élastomère",
        ("small", "mass"),
    ),
    "26.12Z": TradeProfile(
        ("electronique-fabrication", "assemblage-cartes-cms"), ("cablage-filaire", "faisceaux", "conception-electronique",
                                                                "integration-electromecanique"),
        ("cuivre",), ("electronique", _TRANSPORT, "defense-securite", "sante-biotech"),
        ("iso-9001", "ipc-a-610", "en-9100", "iso-13485"), (_SMT, _REFLOW, _AOI),
        "des cartes électroniques assemblées et testées", ("prototype", "small"),
    ),
    "26.11Z": TradeProfile(
        ("electronique-fabrication",), ("conception-electronique", "assemblage-cartes-cms"), ("cuivre", "ceramique-technique"),
        ("electronique",), ("iso-9001", "iso-14001"), (_SMT, _AOI), "des composants électroniques", ("mass",),
    ),
    "26.51B": TradeProfile(
        ("metrologie-controle",), ("controle-tridimensionnel", "conception-electronique", "essais-laboratoire"),
        ("aluminium-6061", "inox-316l"), ("electronique", "ingenierie-services"), ("iso-9001", "iso-17025"),
        (_CMM, _LAB), "des instruments de mesure et de contrôle", ("small",),
    ),
    "26.52Z": TradeProfile(
        ("micro-usinage", "decolletage"), ("polissage", "assemblage-mecanique", "traitement-de-surface"),
        ("laiton", "inox-316l", "titane-t40"), (_MECA, "sante-biotech"), ("iso-9001", "iso-13485"), (_SWISS, _CMM),
        "des composants microtechniques et horlogers", ("small",),
    ),
    "27.11Z": TradeProfile(
        ("bobinage",), ("cablage-armoires", "maintenance-industrielle"), ("cuivre",), ("electronique", "energie"),
        ("iso-9001",), (_WINDING,), "des moteurs électriques et des bobinages", ("small",),
    ),
    "27.12Z": TradeProfile(
        ("cablage-armoires",), ("programmation-automates", "integration-electromecanique"), ("cuivre", "acier-s235"),
        ("electronique", "energie"), ("iso-9001", "mase"), (_WINDING,), "des armoires et tableaux électriques", ("small",),
    ),
    "27.32Z": TradeProfile(
        ("faisceaux", "cablage-filaire"), ("assemblage-cartes-cms",), ("cuivre",), ("electronique", _TRANSPORT),
        ("iso-9001", "iatf-16949", "en-9100"), (_WINDING,), "des câbles et des faisceaux électriques", ("small", "mass"),
    ),
    "28.29B": TradeProfile(
        ("robotique-automatisme", "machines-speciales"), ("programmation-automates", "conception-mecanique",
                                                          "assemblage-mecanique", "industrialisation"),
        ("aluminium-6061", "acier-s235", "inox-304l"), (_MECA, "ingenierie-services"), ("iso-9001",), (_CNC, _WELD),
        "des machines spéciales et des lignes automatisées", ("prototype",),
    ),
    "28.99B": TradeProfile(
        ("robotique-automatisme",), ("machines-speciales", "conception-mecanique", "assemblage-mecanique"),
        ("acier-s355", "aluminium-6061"), (_MECA, "ingenierie-services"), ("iso-9001",), (_CNC, _ROBOT_WELD),
        "des équipements industriels sur mesure", ("prototype", "small"),
    ),
    "29.32Z": TradeProfile(
        ("assemblage-mecanique", "emboutissage"), ("injection-plastique", "soudure-robotisee", "usinage", "faisceaux"),
        ("acier-s355", "aluminium-6061", "pa66", "pp"), (_TRANSPORT, _MECA), ("iatf-16949", "iso-9001", "iso-14001"),
        (_PRESS, _ROBOT_WELD, _INJECTION), "des sous-ensembles pour l'automobile", ("mass",),
    ),
    "30.30Z": TradeProfile(
        ("usinage", "composites"), ("fraisage-5-axes", "drapage", "rtm", "assemblage-mecanique", "controle-non-destructif"),
        ("aluminium-7075", "titane-ta6v", "composite-carbone", "inconel"), (_TRANSPORT, "defense-securite"),
        ("en-9100", "part-21g", "nadcap", "iso-9001"), (_CNC5, _CMM, _PRINTER), "des pièces et sous-ensembles aéronautiques",
        ("prototype", "small"),
    ),
    "33.12Z": TradeProfile(
        ("maintenance-industrielle",), ("usinage", "soudure", "mecano-soudure"), ("acier-c45", "acier-s235"),
        (_MECA, "ingenierie-services"), ("mase", "iso-9001"), (_LATHE, _WELD), "la maintenance et la réparation d'équipements",
        ("prototype",),
    ),
    "13.96Z": TradeProfile(
        ("textiles-techniques-fabrication", "tissage"), ("enduction", "non-tisses", "confection-technique", "tricotage"),
        ("aramide", "polyester-textile", "composite-verre"), ("textiles-techniques", _TRANSPORT, "sante-biotech"),
        ("iso-9001", "oeko-tex", "en-9100"), (_LOOM, _COATING), "des textiles techniques", ("small", "mass"),
    ),
    "13.20Z": TradeProfile(
        ("tissage",), ("enduction", "textiles-techniques-fabrication"), ("polyester-textile", "aramide"),
        ("textiles-techniques",), ("oeko-tex", "iso-9001"), (_LOOM,), "des tissus techniques", ("mass",),
    ),
    "20.42Z": TradeProfile(
        ("cosmetique-fabrication", "formulation-cosmetique"), ("remplissage-cosmetique", "conditionnement-a-facon"),
        ("verre", "pp", "pe"), ("cosmetique-parfum", "chimie-biologie"), ("iso-22716", "cosmos", "iso-9001"),
        (_MIXER, _FILLING), "des produits cosmétiques formulés et conditionnés à façon", ("small", "mass"),
    ),
    "10.85Z": TradeProfile(
        ("agroalimentaire-fabrication", "transformation-alimentaire"), ("conditionnement-alimentaire",), ("inox-304l",),
        ("agroalimentaire",), ("ifs-food", "brcgs", "iso-22000"), (_FILLING,), "des plats cuisinés en marque de distributeur",
        ("mass",),
    ),
    "16.23Z": TradeProfile(
        ("bois", "menuiserie-industrielle"), ("usinage-bois-cnc", "construction-bois"), ("bois-massif", "panneaux-bois"),
        ("bois-materiaux-innovants", "eco-technologies-eco-construction"), ("pefc", "fsc"), (_WOOD_CNC,),
        "des menuiseries et des ouvrages bois", ("small",),
    ),
    "32.50A": TradeProfile(
        ("usinage", "micro-usinage"), ("decolletage", "polissage", "marquage-laser", "passivation", "injection-plastique"),
        ("inox-316l", "titane-ta6v", "titane-t40", "peek"), ("sante-biotech", _MECA), ("iso-13485", "iso-9001"),
        (_SWISS, _CNC5, _CMM), "des implants et des instruments chirurgicaux", ("small",),
    ),
}
# Trades of the same NAF family share a profile (24.51Z foundry → 24.5x, …).
TRADE_PROFILES["24.51Z"] = TRADE_PROFILES["24.53Z"] = TradeProfile(
    ("fonderie",), ("fonderie-sable", "fonderie-sous-pression", "fonderie-coquille", "fonderie-cire-perdue", "usinage"),
    ("fonte", "aluminium-6061", "bronze"), (_MECA, _TRANSPORT, "energie"), ("iso-9001", "iatf-16949", "iso-14001"),
    (_FOUNDRY, _DIE_CASTING, _CNC), "des pièces de fonderie", ("small", "mass"),
)
for _code, _same in (("25.93Z", "25.50B"), ("25.94Z", "25.62A"), ("25.71Z", "25.50A"), ("24.33Z", "25.99B"),
                     ("28.15Z", "25.62B"), ("28.12Z", "28.99B"), ("28.22Z", "28.99B"), ("28.41Z", "28.29B"),
                     ("28.93Z", "28.29B"), ("30.20Z", "25.11Z"), ("30.11Z", "25.11Z"), ("33.16Z", "30.30Z"),
                     ("33.20A", "25.11Z"), ("13.30Z", "13.96Z"), ("13.92Z", "13.96Z"), ("16.10A", "16.23Z"),
                     ("16.24Z", "16.23Z"), ("10.13B", "10.85Z"), ("10.51C", "10.85Z"), ("10.82Z", "10.85Z"),
                     ("10.72Z", "10.85Z"), ("11.01Z", "10.85Z"), ("21.20Z", "20.42Z"), ("20.59Z", "20.42Z"),
                     ("20.30Z", "25.61Z"), ("20.52Z", "22.29A"), ("17.21A", "22.22Z"), ("23.19Z", "26.51B")):
    TRADE_PROFILES.setdefault(_code, TRADE_PROFILES[_same])
DEFAULT_TRADE = TRADE_PROFILES["25.62B"]

HEADCOUNT_FOR_SIZE = {
    "micro": (HeadcountBand.B1_9,),
    "small": (HeadcountBand.B10_49,),
    "medium": (HeadcountBand.B50_249,),
    "eti": (HeadcountBand.B250_999, HeadcountBand.B250_999, HeadcountBand.B1000),
    "large": (HeadcountBand.B1000,),
}
# Founding years, one decade a weight: much of French subcontracting dates from the 1960s-1990s.
FOUNDING_DECADES = WeightedChoice(((1920, 1), (1950, 3), (1960, 4), (1970, 5), (1980, 5), (1990, 4), (2000, 3), (2010, 2)))
CERTIFIERS = ("Bureau Veritas", "AFNOR Certification", "SGS", "DEKRA", "LRQA", "TÜV SÜD", "Apave")

OPENINGS = (
    "Fondée en {year} {place}, {name} conçoit et fabrique {activity} pour l'industrie.",
    "Depuis {year}, {name} produit {activity} dans ses ateliers {place}.",
    "{name} est une entreprise familiale {place} spécialisée dans {activity_short} depuis {year}.",
    "Implantée {place} depuis {year}, {name} réalise {activity} pour des donneurs d'ordre exigeants.",
)
SKILL_SENTENCES = (
    "Nos savoir-faire : {skills}.",
    "Nous maîtrisons {skills}.",
    "L'atelier couvre {skills}, du prototype à la série.",
)
MATERIAL_SENTENCES = (
    "Matières travaillées : {materials}.",
    "Matières courantes : {materials}.",
)
CLOSINGS = (
    "Notre bureau des méthodes accompagne vos projets dès la conception.",
    "Chaque lot est contrôlé avant expédition et livré avec son rapport de contrôle.",
    "Nous livrons dans toute la France et en Europe.",
    "Réactivité, traçabilité et respect des délais sont nos engagements.",
    "Nous investissons chaque année dans notre parc machines.",
)
TAGLINES = (
    "{activity_cap}, du prototype à la série",
    "{activity_cap} au service de l'industrie",
    "Votre partenaire pour {activity}",
)


@dataclasses.dataclass(frozen=True)
class ProfileSpec:
    organisation_id: int
    presentation: str
    tagline: str
    skills: tuple[str, ...]
    materials: tuple[str, ...]
    sectors: tuple[str, ...]
    certifications: tuple[tuple[str, date, date, str], ...]  # slug, valid from, valid until, issuer
    equipment: tuple[tuple[str, str, int, str], ...]
    second_site: str | None  # INSEE code of a commune of the same département
    batch_sizes: tuple[str, ...]
    headcount_band: str
    published: bool
    verified: bool
    joins_cluster: bool


@dataclasses.dataclass(frozen=True)
class SupplierFacts:
    """What the generator needs to know of a supplier organisation."""

    pk: int
    name: str
    naf_code: str | None
    commune: str | None
    size_band: str


def _sample(rng: random.Random, items: tuple, low: int, high: int) -> list:
    count = min(len(items), rng.randint(low, high))
    return rng.sample(list(items), count) if count else []


def _enumeration(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " et " + words[-1]


def generate_profile_specs(
    seed: int, suppliers: list[SupplierFacts], places: Places, today: date, names: dict[str, str]
) -> list[ProfileSpec]:
    """One spec per supplier, in generation order; pure (``names`` maps slugs to French names)."""
    rng = stream(seed, STREAM)
    by_departement: dict[str, list[str]] = {}
    for place in places.places:
        by_departement.setdefault(place.departement, []).append(place.insee)
    return [_spec(rng, facts, places, by_departement, today, names) for facts in suppliers]


def _spec(rng, facts: SupplierFacts, places: Places, by_departement, today: date, names) -> ProfileSpec:
    trade = TRADE_PROFILES.get(facts.naf_code or "", DEFAULT_TRADE)
    skills = list(trade.skills) + _sample(rng, trade.optional_skills, 1, 3)
    materials = [trade.materials[0]] + _sample(rng, trade.materials[1:], 0, 2)
    sectors = [trade.sectors[0]] + _sample(rng, trade.sectors[1:], 0, 2)
    certifications = []
    for slug in _sample(rng, trade.certifications, 0, 3):
        # Issued up to four years ago for three years: about a quarter have lapsed.
        valid_from = today - timedelta(days=rng.randrange(30, 4 * 365))
        valid_until = valid_from + timedelta(days=CERTIFICATION_YEARS * 365)
        certifications.append((slug, valid_from, valid_until, CERTIFIERS[rng.randrange(len(CERTIFIERS))]))
    equipment = [
        (machine, brand, rng.randint(1, 6), capacity) for machine, brand, capacity in _sample(rng, trade.equipment, 1, 3)
    ]
    second_site = None
    place = places.by_insee.get(facts.commune or "")
    if place is not None and rng.randrange(100) < SECOND_SITE_PERCENT:
        neighbours = [insee for insee in by_departement.get(place.departement, ()) if insee != place.insee]
        if neighbours:
            second_site = neighbours[rng.randrange(len(neighbours))]
    bands = HEADCOUNT_FOR_SIZE.get(facts.size_band, (HeadcountBand.B10_49,))
    published = rng.randrange(100) < PUBLISHED_PERCENT
    verified = published and rng.randrange(100) < VERIFIED_PERCENT_OF_PUBLISHED
    year = FOUNDING_DECADES(rng) + rng.randrange(10)
    where = _at(place.name) if place is not None else "en France"
    skill_names = [_lower_first(names.get(slug, slug)) for slug in skills]
    material_names = [_lower_first(names.get(slug, slug)) for slug in materials]
    activity = trade.activity
    paragraphs = [
        OPENINGS[rng.randrange(len(OPENINGS))].format(
            year=year, place=where, name=facts.name, activity=activity, activity_short=_short(activity)
        ),
        SKILL_SENTENCES[rng.randrange(len(SKILL_SENTENCES))].format(skills=_enumeration(skill_names)),
        MATERIAL_SENTENCES[rng.randrange(len(MATERIAL_SENTENCES))].format(materials=", ".join(material_names)),
        CLOSINGS[rng.randrange(len(CLOSINGS))],
    ]
    tagline = TAGLINES[rng.randrange(len(TAGLINES))].format(activity=activity, activity_cap=_capitalised(_short(activity)))
    return ProfileSpec(
        organisation_id=facts.pk,
        presentation="<p>" + " ".join(paragraphs[:2]) + "</p><p>" + " ".join(paragraphs[2:]) + "</p>",
        tagline=tagline[:200],
        skills=tuple(dict.fromkeys(skills)),
        materials=tuple(materials),
        sectors=tuple(sectors),
        certifications=tuple(certifications),
        equipment=tuple(equipment),
        second_site=second_site,
        batch_sizes=tuple(v for v in BatchSize.values if v in trade.batch_sizes or (v == "prototype" and rng.randrange(4) == 0)),
        headcount_band=bands[rng.randrange(len(bands))],
        published=published,
        verified=verified,
        joins_cluster=rng.randrange(100) < CLUSTER_JOIN_PERCENT,
    )


def _at(town: str) -> str:
    """« à » with French contraction: au Creusot, aux Houches, à La Ferté."""
    if town.startswith("Le "):
        return "au " + town[3:]
    if town.startswith("Les "):
        return "aux " + town[4:]
    return "à " + town


def _short(activity: str) -> str:
    """« des pièces décolletées » → « les pièces décolletées » (after « spécialisée dans »)."""
    for article, replacement in (("des ", "les "), ("la ", "la "), ("les ", "les ")):
        if activity.startswith(article):
            return replacement + activity[len(article):]
    return activity


def _capitalised(text: str) -> str:
    text = text.removeprefix("les ").removeprefix("la ")
    return text[:1].upper() + text[1:]


def _lower_first(name: str) -> str:
    """« Décolletage » → « décolletage », but « PEEK » and « RTM (…) » keep their capitals."""
    first_word = name.split(" ", 1)[0]
    return name if first_word.isupper() else name[:1].lower() + name[1:]


# --- Writing ------------------------------------------------------------------------------


def build_supplier_profiles(ctx: DemoContext) -> None:
    """Create the profiles of the demo suppliers that have none; idempotent."""
    if not Skill.objects.exists():
        ctx.write(_("Attention : aucune compétence en base (référentiels non chargés) ; profils fournisseurs non créés."))
        return
    supplier_ids = ctx.organisations.get("supplier", [])
    facts = _supplier_facts(supplier_ids)
    places = Places.from_database()
    today = timezone.localdate()
    names = {**dict(Skill.objects.values_list("slug", "name")), **dict(Material.objects.values_list("slug", "name"))}
    specs = generate_profile_specs(ctx.seed, facts, places, today, names)
    with_profile = set(SupplierProfile.objects.filter(organisation_id__in=supplier_ids).values_list("organisation_id", flat=True))
    missing = [spec for spec in specs if spec.organisation_id not in with_profile]
    if missing:
        _write(ctx, missing, {f.pk: f for f in facts}, places)
    ctx.write(
        _("Profils fournisseurs : %(created)d créés, %(present)d déjà présents.")
        % {"created": len(missing), "present": len(specs) - len(missing)}
    )


def _supplier_facts(supplier_ids: list[int]) -> list[SupplierFacts]:
    rows = {}
    for start in range(0, len(supplier_ids), 5000):
        for pk, name, naf, commune, size in Organisation.objects.filter(pk__in=supplier_ids[start:start + 5000]).values_list(
            "pk", "name", "naf_code_id", "commune_id", "size_band"
        ):
            rows[pk] = SupplierFacts(pk, name, naf, commune, size)
    return [rows[pk] for pk in supplier_ids if pk in rows]


def _write(ctx: DemoContext, specs: list[ProfileSpec], facts: dict[int, SupplierFacts], places: Places) -> None:
    now = timezone.now()
    ids = {
        "skills": dict(Skill.objects.values_list("slug", "pk")),
        "materials": dict(Material.objects.values_list("slug", "pk")),
        "sectors": dict(Sector.objects.values_list("slug", "pk")),
        "certifications": dict(CertificationType.objects.values_list("slug", "pk")),
    }
    communes = {
        insee: (lat, lng)
        for insee, lat, lng in Commune.objects.filter(insee__in=_communes_needed(specs, facts)).values_list(
            "insee", "latitude", "longitude"
        )
    }
    org_rows = dict(
        Organisation.objects.filter(pk__in=[s.organisation_id for s in specs]).values_list("pk", "slug")
    )
    postal_codes = dict(
        Organisation.objects.filter(pk__in=[s.organisation_id for s in specs]).values_list("pk", "postal_code")
    )
    taken = set(SupplierProfile.objects.values_list("slug", flat=True))
    profiles = []
    for spec in specs:
        slug = base = org_rows[spec.organisation_id]
        number = 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        profiles.append(
            SupplierProfile(
                organisation_id=spec.organisation_id,
                slug=slug,
                tagline=spec.tagline,
                presentation=spec.presentation,
                headcount_band=spec.headcount_band,
                batch_sizes=list(spec.batch_sizes),
                languages=["fr", "en"] if spec.verified else ["fr"],
                status=SupplierProfile.Status.PUBLISHED if spec.published else SupplierProfile.Status.DRAFT,
                published_at=now if spec.published else None,
                verification_status=(
                    SupplierProfile.Verification.VERIFIED if spec.verified else SupplierProfile.Verification.UNVERIFIED
                ),
                verified_at=now if spec.verified else None,
            )
        )
    bulk_create_in_batches(SupplierProfile, profiles, ctx, _("Profils fournisseurs"))
    pairs = list(zip(specs, profiles, strict=True))

    for name, attribute in (("skills", "skill_id"), ("materials", "material_id"), ("sectors", "sector_id")):
        through = getattr(SupplierProfile, name).through
        links = [
            through(supplierprofile_id=profile.pk, **{attribute: ids[name][slug]})
            for spec, profile in pairs
            for slug in getattr(spec, name)
            if slug in ids[name]  # a taxonomy without this entry: the link is left out
        ]
        bulk_create_in_batches(through, links, ctx, str(SupplierProfile._meta.get_field(name).verbose_name))

    certifications, equipment, sites = [], [], []
    for spec, profile in pairs:
        for slug, valid_from, valid_until, issuer in spec.certifications:
            if slug in ids["certifications"]:
                certifications.append(
                    SupplierCertification(
                        profile_id=profile.pk,
                        certification_type_id=ids["certifications"][slug],
                        certificate_number=f"DEMO-{profile.pk:06d}-{slug.upper()}",
                        issuer=issuer,
                        valid_from=valid_from,
                        valid_until=valid_until,
                    )
                )
        equipment.extend(
            Equipment(profile_id=profile.pk, machine_type=machine, brand_model=brand, count=count, key_capacity=capacity)
            for machine, brand, count, capacity in spec.equipment
        )
        head_office = facts[spec.organisation_id].commune
        if head_office in communes:
            sites.append(_site(profile, head_office, postal_codes[spec.organisation_id], communes, places, True))
        if spec.second_site in communes:
            place = places.by_insee[spec.second_site]
            sites.append(_site(profile, spec.second_site, place.postal_codes[0], communes, places, False))
    bulk_create_in_batches(SupplierCertification, certifications, ctx, _("Certifications"))
    bulk_create_in_batches(Equipment, equipment, ctx, _("Équipements"))
    bulk_create_in_batches(ProductionSite, sites, ctx, _("Sites de production"))
    _verify(ctx, pairs, now)
    _join_clusters(ctx, pairs, facts, places, now)
    with transaction.atomic():
        refresh_completeness(profile.pk for profile in profiles)


def _communes_needed(specs, facts) -> set[str]:
    needed = {facts[s.organisation_id].commune for s in specs} | {s.second_site for s in specs}
    return {insee for insee in needed if insee}


def _site(profile, insee: str, postal_code: str, communes, places: Places, head_office: bool) -> ProductionSite:
    latitude, longitude = communes[insee]
    place = places.by_insee.get(insee)
    town = place.name if place else insee
    return ProductionSite(
        profile_id=profile.pk,
        name="Siège social" if head_office else f"Atelier de {town}",
        postal_code=postal_code or (place.postal_codes[0] if place else ""),
        commune_id=insee,
        latitude=latitude,
        longitude=longitude,
        is_head_office=head_office,
    )


def _verify(ctx: DemoContext, pairs, now) -> None:
    staff_email = next(account.email for account in DEMO_ACCOUNTS if account.is_staff)
    staff = get_user_model().objects.filter(email=staff_email).first()
    if staff is None:
        return
    decisions = [
        VerificationDecision(
            profile_id=profile.pk,
            decision=VerificationDecision.Decision.VERIFIED,
            reason=VERIFICATION_REASON,
            decided_by=staff,
            decided_at=now,
        )
        for spec, profile in pairs
        if spec.verified
    ]
    bulk_create_in_batches(VerificationDecision, decisions, ctx, _("Vérifications"))


def _join_clusters(ctx: DemoContext, pairs, facts, places: Places, now) -> None:
    """Suppliers drawn to join a cluster join every demo cluster of their région."""
    cluster_ids = ctx.organisations.get("cluster", [])
    clusters_by_region: dict[str, list[int]] = {}
    for pk, commune in Organisation.objects.filter(pk__in=cluster_ids).values_list("pk", "commune_id"):
        place = places.by_insee.get(commune or "")
        if place is not None:
            clusters_by_region.setdefault(place.region, []).append(pk)
    if not clusters_by_region:
        return
    open_pairs = set(
        ClusterMembership.objects.filter(
            cluster_id__in=cluster_ids,
            status__in=[ClusterMembership.Status.INVITED, ClusterMembership.Status.REQUESTED, ClusterMembership.Status.ACTIVE],
        ).values_list("cluster_id", "supplier_id")
    )
    memberships = []
    for spec, _profile in pairs:
        place = places.by_insee.get(facts[spec.organisation_id].commune or "")
        if not spec.joins_cluster or place is None:
            continue
        for cluster_id in sorted(clusters_by_region.get(place.region, ())):
            if (cluster_id, spec.organisation_id) not in open_pairs:
                memberships.append(
                    ClusterMembership(
                        cluster_id=cluster_id,
                        supplier_id=spec.organisation_id,
                        status=ClusterMembership.Status.ACTIVE,
                        created_at=now,
                        decided_at=now,
                    )
                )
    bulk_create_in_batches(ClusterMembership, memberships, ctx, _("Adhésions aux clusters"))
