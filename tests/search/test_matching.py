"""RFQ → supplier matching and supplier → RFQ matching, on the search catalogue (tests/search/conftest.py)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.geo.models import Commune
from rfq.models import RFQ, RFQInvitation
from search import sync
from search.matching import match_rfqs_for_supplier, match_suppliers, rfq_text
from tests.rfq.factories import PublishedRFQFactory, RFQFactory

from .conftest import _profile

LYON = "69123"
VILLEURBANNE = "69266"
RENNES = "35238"


def rfq_for(buyer=None, *, title="Axes de précision", summary="", description="", skills=(), materials=(),
            certifications=(), sector=None, commune=VILLEURBANNE, visibility=RFQ.Visibility.PUBLIC, **extra):
    fields = dict(title=title, summary=summary, description=description, sector=sector, visibility=visibility,
                  delivery_commune=Commune.objects.get(insee=commune) if commune else None, **extra)
    if buyer is not None:
        fields["buyer"] = buyer
    rfq = PublishedRFQFactory(**fields)
    rfq.skills.set(skills)
    rfq.materials.set(materials)
    rfq.required_certifications.set(certifications)
    return rfq


@pytest.fixture
def decolletage_rfq_and_buyer(indexed_catalogue):
    cat = indexed_catalogue
    # The buyer also runs a décolletage shop next door: it must never be proposed to itself.
    buyer_profile = _profile("Donneur d'ordre Décolletage", skills=[cat.decolletage], materials=[cat.inox], sites=[LYON])
    # A second bar turner, far away and without inox: a candidate, but behind A.
    far = _profile("Décolletage Breton", skills=[cat.decolletage], sites=[RENNES])
    sync.index_profiles([buyer_profile.pk, far.pk])
    rfq = rfq_for(
        buyer_profile.organisation,
        title="Décolletage d'axes en inox 316L",
        summary="Axes Ø8, séries de 5 000.",
        skills=[cat.decolletage],
        materials=[cat.inox],
        certifications=[cat.iso9001],
    )
    return rfq, buyer_profile, far


def test_decolletage_inox_rfq_ranks_the_lyon_bar_turner_first_and_never_proposes_the_buyer(
    indexed_catalogue, decolletage_rfq_and_buyer
):
    rfq, buyer_profile, far = decolletage_rfq_and_buyer

    matches = match_suppliers(rfq)

    assert matches[0].profile_id == indexed_catalogue.a.pk
    assert matches[0].organisation_id == indexed_catalogue.a.organisation_id
    assert matches[0].slug == indexed_catalogue.a.slug
    assert buyer_profile.organisation_id not in {m.organisation_id for m in matches}
    assert far.pk in [m.profile_id for m in matches]
    assert [m.profile_id for m in matches].index(far.pk) > 0
    # Neither a sheet-metal shop nor a plain milling shop is a bar turner.
    assert indexed_catalogue.b.pk not in {m.profile_id for m in matches}
    assert indexed_catalogue.d.pk not in {m.profile_id for m in matches}


def test_why_names_matched_skill_material_certification_and_distance(indexed_catalogue, decolletage_rfq_and_buyer):
    rfq, _buyer, _far = decolletage_rfq_and_buyer

    best = match_suppliers(rfq)[0]

    assert best.why.startswith("Décolletage · Acier inoxydable · ISO 9001 · ")
    assert best.why.endswith(" km")
    assert best.distance_km is not None and best.distance_km < 10


def test_limit_caps_the_number_of_matches(indexed_catalogue, decolletage_rfq_and_buyer):
    rfq, _buyer, _far = decolletage_rfq_and_buyer
    assert len(match_suppliers(rfq, limit=1)) == 1
    assert match_suppliers(rfq, limit=0) == []


def test_text_no_supplier_mentions_is_relaxed_to_the_taxonomy(indexed_catalogue):
    cat = indexed_catalogue
    rfq = rfq_for(title="Cuves en zirconium pour hydrogène", skills=[cat.soudage], commune=None)

    matches = match_suppliers(rfq)

    assert {m.profile_id for m in matches} == {cat.b.pk, cat.f.pk}
    assert all("Soudage" in m.why for m in matches)


def test_rfq_without_tags_matches_on_taxonomy_terms_of_its_text(indexed_catalogue):
    rfq = rfq_for(title="Pièces tournées en inox", description="<p>Série de 2 000 pièces.</p>")

    matches = match_suppliers(rfq)

    assert matches[0].profile_id == indexed_catalogue.a.pk


def test_confidential_description_does_not_steer_matching(indexed_catalogue):
    # Only the description names the skill; a confidential RFQ keeps it to NDA signatories.
    confidential = rfq_for(title="Pièces de série", description="<p>Tôlerie fine</p>",
                           visibility=RFQ.Visibility.CONFIDENTIAL, commune=None)
    public = rfq_for(title="Pièces de série", description="<p>Tôlerie fine</p>", commune=None)

    assert "Tôlerie" not in rfq_text(confidential)
    assert match_suppliers(public)[0].profile_id == indexed_catalogue.b.pk
    assert all("Tôlerie" not in m.why for m in match_suppliers(confidential))


# --- supplier → RFQs --------------------------------------------------------------------------------


def test_supplier_sees_open_rfqs_on_its_branches_best_first_and_nothing_it_may_not_see(indexed_catalogue):
    cat = indexed_catalogue
    supplier = cat.a.organisation  # décolletage, inox, Lyon, ISO 9001, automobile
    best = rfq_for(title="Axes décolletés", skills=[cat.decolletage], materials=[cat.inox], sector=cat.auto)
    broad = rfq_for(title="Usinage divers", skills=[cat.usinage], commune=RENNES)
    confidential = rfq_for(title="Pièces confidentielles", skills=[cat.tournage], visibility=RFQ.Visibility.CONFIDENTIAL,
                           commune=RENNES)
    unrelated = rfq_for(title="Capots en tôle", skills=[cat.tolerie])
    invited_elsewhere = rfq_for(title="Sur invitation", skills=[cat.decolletage], visibility=RFQ.Visibility.INVITED)
    RFQInvitation.objects.create(rfq=invited_elsewhere, supplier=cat.b.organisation)
    invited_here = rfq_for(title="Invitation directe", skills=[cat.tolerie], visibility=RFQ.Visibility.INVITED)
    RFQInvitation.objects.create(rfq=invited_here, supplier=supplier)
    rfq_for(title="Échue", skills=[cat.decolletage], quote_deadline=timezone.now() - timedelta(hours=1))
    RFQFactory(title="Brouillon").skills.set([cat.decolletage])
    rfq_for(supplier, title="Sa propre consultation", skills=[cat.decolletage])

    rfqs = match_rfqs_for_supplier(supplier)

    assert rfqs[0] == best
    assert set(rfqs) == {best, broad, confidential, invited_here}
    assert unrelated not in rfqs and invited_elsewhere not in rfqs
    assert match_rfqs_for_supplier(supplier, limit=2) == rfqs[:2]


def test_supplier_without_published_profile_only_gets_its_invitations(indexed_catalogue):
    cat = indexed_catalogue
    organisation = cat.e.organisation  # draft profile
    rfq_for(title="Capots", skills=[cat.tolerie])
    invited = rfq_for(title="Invitation", skills=[cat.tolerie], visibility=RFQ.Visibility.INVITED)
    RFQInvitation.objects.create(rfq=invited, supplier=organisation)

    assert match_rfqs_for_supplier(organisation) == [invited]
