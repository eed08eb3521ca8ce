"""The public supplier directory: profile pages, the index, and lists by filière and by région."""
import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.accounts.models import Membership
from marketplace.geo.models import Region
from suppliers.models import ClusterMembership, CustomerReference, Equipment, SupplierProfile
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.factories_directory import (
    CertificationFactory,
    CertificationTypeFactory,
    ClusterMembershipFactory,
    ClusterProfileFactory,
    PublishedProfileFactory,
    SectorFactory,
    SiteFactory,
    SkillFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db


def page_of(profile):
    return reverse("suppliers:profile_detail", kwargs={"slug": profile.slug})


def json_ld_of(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


@pytest.fixture
def profile():
    organisation = OrganisationFactory(name="Décolletage du Mont-Blanc", is_supplier=True)
    return PublishedProfileFactory(organisation=organisation, tagline="Pièces tournées de précision")


# --- Profile page --------------------------------------------------------------------------------


def test_published_profile_page_shows_the_supplier_to_anonymous_visitors(client, profile):
    response = client.get(page_of(profile))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Décolletage du Mont-Blanc" in content
    assert "Pièces tournées de précision" in content
    assert "Brouillon" not in content


def test_draft_profile_is_a_404_for_anonymous_visitors_and_strangers(client, profile, buyer_owner):
    profile.status = SupplierProfile.Status.DRAFT
    profile.save()

    assert client.get(page_of(profile)).status_code == 404
    client.force_login(buyer_owner)
    assert client.get(page_of(profile)).status_code == 404


def test_unknown_slug_is_a_404(client):
    assert client.get(reverse("suppliers:profile_detail", kwargs={"slug": "inconnu"})).status_code == 404


def test_owner_sees_the_draft_profile_with_a_draft_banner(client, profile):
    profile.status = SupplierProfile.Status.DRAFT
    profile.save()
    client.force_login(manager_of(profile.organisation))

    response = client.get(page_of(profile))

    assert response.status_code == 200
    assert "draft-banner" in response.content.decode()
    assert "Brouillon" in response.content.decode()
    assert 'name="robots" content="noindex"' in response.content.decode()


def test_json_ld_describes_the_organisation_with_its_siret_address_skills_and_credentials(client, profile):
    organisation = profile.organisation
    skill = SkillFactory(name="Décolletage")
    profile.skills.add(skill)
    SiteFactory(profile=profile, postal_code="69007")
    CertificationFactory(
        profile=profile,
        certification_type=CertificationTypeFactory(name="ISO 9001", code="ISO 9001 (test)"),
        issuer="Bureau Veritas",
        valid_until=timezone.localdate() + timedelta(days=300),
    )

    data = json_ld_of(client.get(page_of(profile)))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == organisation.name
    assert data["url"].endswith(page_of(profile))
    assert data["identifier"] == {"@type": "PropertyValue", "propertyID": "SIRET", "value": organisation.siret}
    assert data["address"]["postalCode"] == "69007"
    assert data["address"]["addressLocality"] == "Lyon"
    assert data["address"]["addressCountry"] == "FR"
    assert data["knowsAbout"] == ["Décolletage"]
    assert data["hasCredential"][0]["name"] == "ISO 9001"
    assert data["hasCredential"][0]["recognizedBy"]["name"] == "Bureau Veritas"


def test_json_ld_cannot_close_its_script_element(client):
    organisation = OrganisationFactory(name="Acme </script><script>alert(1)</script>", is_supplier=True)
    profile = PublishedProfileFactory(organisation=organisation, tagline="a & b <i>")

    response = client.get(page_of(profile))

    content = response.content.decode()
    assert "</script><script>alert(1)" not in content
    assert json_ld_of(response)["name"] == organisation.name


def test_production_sites_are_on_the_map_data_and_in_the_list(client, profile):
    SiteFactory(profile=profile, name="Usine de Lyon", postal_code="69007")
    SiteFactory(profile=profile, name="Atelier de Cluses", insee="74081", postal_code="74300", is_head_office=False)

    response = client.get(page_of(profile))

    content = response.content.decode()
    match = re.search(r'<script id="supplier-map-points" type="application/json">(.*?)</script>', content, re.S)
    points = json.loads(match.group(1))
    assert {p["name"] for p in points} == {"Usine de Lyon", "Atelier de Cluses"}
    assert all(isinstance(p["lat"], float) and isinstance(p["lng"], float) for p in points)
    assert "74300 Cluses" in content
    assert "vendor/leaflet/leaflet.js" in content
    assert "suppliers/map.js" in content


def test_map_has_no_tile_server_unless_one_is_configured(client, profile, settings):
    SiteFactory(profile=profile)
    settings.MAP_TILE_URL = ""
    assert 'data-tile-url=""' in client.get(page_of(profile)).content.decode()

    settings.MAP_TILE_URL = "https://tiles.example.test/{z}/{x}/{y}.png"
    assert 'data-tile-url="https://tiles.example.test/{z}/{x}/{y}.png"' in client.get(page_of(profile)).content.decode()


def test_expired_certification_is_shown_as_expired_and_left_out_of_credentials(client, profile):
    CertificationFactory(
        profile=profile,
        certification_type=CertificationTypeFactory(name="EN 9100"),
        valid_until=date(2020, 3, 31),
    )

    response = client.get(page_of(profile))

    assert "expirée le 31 mars 2020" in response.content.decode()
    assert "hasCredential" not in json_ld_of(response)


def test_profile_page_shows_skills_by_parent_materials_sectors_equipment_and_references(client, profile):
    machining = SkillFactory(name="Usinage")
    turning = SkillFactory(name="Tournage", parent=machining)
    profile.skills.add(turning)
    sector = SectorFactory(name="Aéronautique")
    profile.sectors.add(sector)
    Equipment.objects.create(profile=profile, machine_type="Tour multibroche", count=3)
    CustomerReference.objects.create(profile=profile, customer="Safran", year=2023)
    profile.headcount_band = "10-49"
    profile.batch_sizes = ["small"]
    profile.presentation = "<p>Atelier <strong>familial</strong></p>"
    profile.save()

    content = client.get(page_of(profile)).content.decode()

    assert "<strong>Usinage</strong>" in content and "Tournage" in content
    assert "Aéronautique" in content
    assert "Tour multibroche" in content
    assert "Safran" in content
    assert "10 à 49 salariés" in content
    assert "Petites et moyennes séries" in content
    assert "Atelier <strong>familial</strong>" in content


def test_presentation_follows_the_active_language(client, profile):
    profile.presentation = "<p>Présentation française</p>"
    profile.presentation_en = "<p>English presentation</p>"
    profile.save()

    french_url = page_of(profile)

    assert "Présentation française" in client.get(french_url).content.decode()
    try:
        assert "English presentation" in client.get("/en" + french_url).content.decode()
    finally:
        # The request leaves English active in this thread; later reverse() calls must be French.
        translation.activate("fr")


def test_profile_page_lists_the_clusters_of_active_memberships_only(client, profile):
    active = ClusterProfileFactory(organisation__name="Pôle Mont-Blanc Industries")
    ended = ClusterProfileFactory(organisation__name="Cluster Terminé")
    ClusterMembershipFactory(cluster=active.organisation, supplier=profile.organisation)
    ClusterMembershipFactory(cluster=ended.organisation, supplier=profile.organisation, status=ClusterMembership.Status.ENDED)

    content = client.get(page_of(profile)).content.decode()

    assert "Pôle Mont-Blanc Industries" in content
    assert active.get_absolute_url() in content
    assert "Cluster Terminé" not in content


def test_verified_profile_shows_the_badge_with_its_date(client, profile):
    profile.verification_status = SupplierProfile.Verification.VERIFIED
    profile.verified_at = timezone.make_aware(timezone.datetime(2025, 2, 3, 10, 0))
    profile.save()

    content = client.get(page_of(profile)).content.decode()

    assert "Vérifié" in content
    assert "le 3 février 2025" in content


def test_buyer_gets_a_link_to_invite_the_supplier_to_an_rfq(client, profile, buyer_owner):
    client.force_login(buyer_owner)
    content = client.get(page_of(profile)).content.decode()
    assert f"/demandes/nouvelle/?fournisseur={profile.slug}" in content


def test_anonymous_visitor_gets_a_login_link_to_contact_the_supplier(client, profile):
    content = client.get(page_of(profile)).content.decode()
    assert f"/accounts/login/?next={page_of(profile)}" in content.replace("%2F", "/")
    assert "/demandes/nouvelle/" not in content


# --- Listing pages -------------------------------------------------------------------------------


def make_listed_profiles(n, *, sector, insee="69123"):
    profiles = []
    certification_type = CertificationTypeFactory()
    skills = [SkillFactory(), SkillFactory()]
    for _ in range(n):
        profile = PublishedProfileFactory()
        profile.sectors.add(sector)
        profile.skills.add(*skills)
        SiteFactory(profile=profile, insee=insee)
        CertificationFactory(profile=profile, certification_type=certification_type)
        profiles.append(profile)
    return profiles


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_sector_list_costs_the_same_number_of_queries_for_2_or_20_suppliers(client):
    small, large = SectorFactory(), SectorFactory()
    make_listed_profiles(2, sector=small)
    make_listed_profiles(20, sector=large)

    few = count_queries(client, reverse("suppliers:directory_sector", args=[small.slug]))
    many = count_queries(client, reverse("suppliers:directory_sector", args=[large.slug]))

    assert few == many


def test_region_list_costs_the_same_number_of_queries_for_2_or_20_suppliers(client):
    sector = SectorFactory()
    make_listed_profiles(2, sector=sector, insee="74081")  # Auvergne-Rhône-Alpes (84)
    make_listed_profiles(20, sector=sector, insee="35238")  # Bretagne (53)

    few = count_queries(client, reverse("suppliers:directory_region", args=["84"]))
    many = count_queries(client, reverse("suppliers:directory_region", args=["53"]))

    assert few == many


def test_sector_list_shows_published_profiles_only_with_their_card_details(client):
    sector = SectorFactory(name="Mécanique")
    listed = PublishedProfileFactory(organisation__name="Usinage Listé")
    listed.sectors.add(sector)
    listed.skills.add(SkillFactory(name="Fraisage 5 axes"))
    SiteFactory(profile=listed, insee="74081", postal_code="74300")
    CertificationFactory(profile=listed, certification_type=CertificationTypeFactory(code="ISO 9001 (liste)"))
    draft = PublishedProfileFactory(organisation__name="Atelier Brouillon", status=SupplierProfile.Status.DRAFT)
    draft.sectors.add(sector)

    content = client.get(reverse("suppliers:directory_sector", args=[sector.slug])).content.decode()

    assert "Usinage Listé" in content
    assert "Fraisage 5 axes" in content
    assert "74300 Cluses" in content
    assert "ISO 9001 (liste)" in content
    assert "Atelier Brouillon" not in content


def test_region_list_includes_a_supplier_once_even_with_two_sites_there(client):
    profile = PublishedProfileFactory(organisation__name="Deux Sites SARL")
    SiteFactory(profile=profile)
    SiteFactory(profile=profile, insee="74081", postal_code="74300", is_head_office=False)

    response = client.get(reverse("suppliers:directory_region", args=["84"]))

    assert response.content.decode().count("Deux Sites SARL") == 1
    assert response.context["page"].paginator.count == 1


def test_lists_are_paginated_by_24(client):
    sector = SectorFactory()
    make_listed_profiles(25, sector=sector)
    url = reverse("suppliers:directory_sector", args=[sector.slug])

    assert len(client.get(url).context["page"].object_list) == 24
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 1
    assert client.get(url, {"page": "pas-un-nombre"}).status_code == 200
    assert client.get(url, {"page": 999}).status_code == 200


def test_unknown_sector_or_region_is_a_404(client):
    assert client.get(reverse("suppliers:directory_sector", args=["inconnue"])).status_code == 404
    assert client.get(reverse("suppliers:directory_region", args=["99"])).status_code == 404
    assert client.get(reverse("suppliers:directory_region", args=["x" * 300])).status_code == 404


def test_directory_index_counts_published_suppliers_by_sector_and_region(client):
    sector = SectorFactory(name="Plasturgie")
    make_listed_profiles(3, sector=sector)
    draft = PublishedProfileFactory(status=SupplierProfile.Status.DRAFT)
    draft.sectors.add(sector)
    SiteFactory(profile=draft)

    response = client.get(reverse("suppliers:directory"))

    assert response.status_code == 200
    counts = {s.slug: s.supplier_count for s in response.context["sectors"]}
    assert counts[sector.slug] == 3
    regions = {row.region.code: row.count for row in response.context["regions"]}
    assert regions["84"] == 3
    assert len(regions) == Region.objects.count()


def test_directory_index_lists_recently_verified_suppliers(client):
    verified = PublishedProfileFactory(
        organisation__name="Forge Vérifiée",
        verification_status=SupplierProfile.Verification.VERIFIED,
        verified_at=timezone.now(),
    )
    PublishedProfileFactory(organisation__name="Forge Pas Vérifiée")

    response = client.get(reverse("suppliers:directory"))

    assert [p.pk for p in response.context["recently_verified"]] == [verified.pk]


def test_member_who_is_not_a_manager_sees_no_verification_request_button(client, profile):
    member = MembershipFactory(organisation=profile.organisation, role=Membership.Role.MEMBER).user
    client.force_login(member)

    content = client.get(page_of(profile)).content.decode()

    assert "Demander la vérification" not in content
