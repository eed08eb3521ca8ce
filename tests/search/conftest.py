"""Fixtures of the search tests: a small catalogue of suppliers built with the search factories.

The catalogue (every test gets its own, inside its transaction):

=====  ========================  =====================  ===============  ==========================
name   skills                    sites                  certifications   other
=====  ========================  =====================  ===============  ==========================
A      décolletage               Lyon                   ISO 9001         verified, sector auto
B      tôlerie, soudage          Annecy                 EN 9100          sector aero, « découpe laser »
C      tournage, fraisage        Grenoble, Marseille    ISO 9001         verified, aero + medical
D      fraisage                  Rennes                 ISO 9001 expired sector auto
F      soudage                   Rennes                 —                mentions tôlerie in text only
E      tôlerie                   Lyon                   —                draft: never found
=====  ========================  =====================  ===============  ==========================

Skill tree: usinage → tournage → décolletage; usinage → fraisage; tôlerie; soudage.
The seeded skills and materials are blanked first, so that the synonyms at work are the catalogue's.
"""
import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from suppliers.models import CertificationType, Material, Sector, Skill, SupplierProfile
from tests.factories import OrganisationFactory

from search.synonyms import forget_thesaurus

from .factories import (
    ProductionSiteFactory,
    SupplierCertificationFactory,
    SupplierProfileFactory,
)


@pytest.fixture(autouse=True)
def database_search_backend(settings):
    """Search tests choose their backend explicitly; the API and pages use the database one."""
    settings.SEARCH_BACKEND = "database"


def _profile(name, *, skills=(), sectors=(), materials=(), verified=False, status="published", presentation="", sites=()):
    organisation = OrganisationFactory(name=name)
    profile = SupplierProfileFactory(
        organisation=organisation,
        skills=list(skills),
        sectors=list(sectors),
        materials=list(materials),
        status=status,
        presentation=presentation,
        verification_status=SupplierProfile.Verification.VERIFIED if verified else SupplierProfile.Verification.UNVERIFIED,
    )
    for insee in sites:
        ProductionSiteFactory(profile=profile, insee=insee)
    return profile


def _neutralise_seeded_taxonomy():
    """Blank the names and synonyms of the seeded skills and materials (suppliers/data): the
    catalogue's own terms are then the only synonyms at work, whatever the seed data holds."""
    Skill.objects.update(name="", name_en="", synonyms="")
    Material.objects.update(name="", name_en="", synonyms="")


def _reference(model, key: str, **fields):
    """A reference row of the catalogue, reusing a seeded one with the same key."""
    obj, _ = model.objects.update_or_create(**{key: fields.pop(key)}, defaults=fields)
    return obj


@pytest.fixture
def catalogue(db):
    _neutralise_seeded_taxonomy()
    auto = _reference(Sector, "slug", slug="automobile", name="Automobile", name_en="Automotive")
    aero = _reference(Sector, "slug", slug="aeronautique", name="Aéronautique", name_en="Aerospace")
    medical = _reference(Sector, "slug", slug="medical", name="Dispositifs médicaux", name_en="Medical devices")
    usinage = _reference(Skill, "slug", slug="usinage", name="Usinage", name_en="Machining", parent=None)
    tournage = _reference(Skill, "slug", slug="tournage", name="Tournage", name_en="Turning", parent=usinage, synonyms="turning")
    decolletage = _reference(
        Skill, "slug", slug="decolletage", name="Décolletage", name_en="Bar turning", parent=tournage,
        synonyms="pièces tournées\nbar turning\nswiss turning",
    )
    fraisage = _reference(Skill, "slug", slug="fraisage", name="Fraisage", name_en="Milling", parent=usinage, synonyms="milling")
    tolerie = _reference(
        Skill, "slug", slug="tolerie", name="Tôlerie", name_en="Sheet metal work", parent=None, synonyms="sheet metal\ntôlerie fine"
    )
    soudage = _reference(Skill, "slug", slug="soudage", name="Soudage", name_en="Welding", parent=None, synonyms="welding")
    inox = _reference(Material, "slug", slug="inox", name="Acier inoxydable", name_en="Stainless steel", synonyms="inox\nstainless")
    iso9001 = _reference(CertificationType, "code", code="ISO 9001", slug="iso-9001", name="ISO 9001")
    en9100 = _reference(CertificationType, "code", code="EN 9100", slug="en-9100", name="EN 9100")
    forget_thesaurus()

    a = _profile("Décolletage du Rhône", skills=[decolletage], sectors=[auto], materials=[inox], verified=True,
                 presentation="<p>Spécialiste du <strong>décolletage</strong> de précision.</p>", sites=["69123"])
    b = _profile("Tôlerie Savoyarde", skills=[tolerie, soudage], sectors=[aero],
                 presentation="<p>Tôlerie fine et découpe laser pour l'aéronautique.</p>", sites=["74010"])
    c = _profile("Usinage Multisite", skills=[tournage, fraisage], sectors=[aero, medical], verified=True,
                 presentation="<p>Deux ateliers d'usinage.</p>", sites=["38185", "13055"])
    d = _profile("Mécanique Bretonne", skills=[fraisage], sectors=[auto],
                 presentation="<p>Fraisage 5 axes.</p>", sites=["35238"])
    f = _profile("Soudure Martin", skills=[soudage],
                 presentation="<p>Soudure TIG ; nous sous-traitons parfois la tôlerie.</p>", sites=["35238"])
    e = _profile("Brouillon Industrie", skills=[tolerie], status="draft", sites=["69123"])
    SupplierCertificationFactory(profile=a, certification_type=iso9001)
    SupplierCertificationFactory(profile=b, certification_type=en9100)
    SupplierCertificationFactory(profile=c, certification_type=iso9001)
    SupplierCertificationFactory(
        profile=d, certification_type=iso9001, valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    return SimpleNamespace(
        a=a, b=b, c=c, d=d, e=e, f=f,
        auto=auto, aero=aero, medical=medical, usinage=usinage, tournage=tournage, decolletage=decolletage,
        fraisage=fraisage, tolerie=tolerie, soudage=soudage, inox=inox, iso9001=iso9001, en9100=en9100,
        published=[a, b, c, d, f],
    )


@pytest.fixture
def indexed_catalogue(catalogue):
    """The catalogue, indexed in the configured backend as the sync would after commit."""
    from search import sync

    sync.index_profiles([p.pk for p in (*catalogue.published, catalogue.e)])
    return catalogue
