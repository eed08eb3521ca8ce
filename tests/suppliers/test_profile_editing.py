"""Editing the profile's sections: savoir-faire, keywords, equipment, references, production sites."""
import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.audit.models import AuditEntry
from suppliers import services
from suppliers.models import ProductionSite
from tests.suppliers.factories import ProductionSiteFactory

pytestmark = pytest.mark.django_db


def test_capabilities_form_saves_skills_materials_sectors_and_lists(owner_client, profile):
    response = owner_client.post(
        reverse("suppliers:profile_capabilities"),
        {
            "skills": ["decolletage", "fraisage-5-axes"],
            "keywords": " horlogerie ,  Horlogerie, pièces  médicales ,,",
            "materials": ["inox-316l", "titane-ta6v"],
            "sectors": ["sante-biotech"],
            "headcount_band": "10-49",
            "batch_sizes": ["small", "prototype"],
            "languages": ["fr", "de"],
        },
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert {s.slug for s in profile.skills.all()} == {"decolletage", "fraisage-5-axes"}
    assert profile.keywords == ["horlogerie", "pièces médicales"]
    assert {m.slug for m in profile.materials.all()} == {"inox-316l", "titane-ta6v"}
    assert [s.slug for s in profile.sectors.all()] == ["sante-biotech"]
    assert profile.batch_sizes == ["prototype", "small"]
    assert profile.languages == ["fr", "de"]
    assert AuditEntry.objects.filter(action="supplier_profile.updated", target_id=str(profile.pk)).exists()


def test_capabilities_form_groups_skills_under_their_family(owner_client):
    page = owner_client.get(reverse("suppliers:profile_capabilities")).content.decode()
    assert "Usinage" in page and "— Décolletage" in page


def test_too_many_keywords_are_refused_with_a_message(owner_client, profile):
    keywords = ", ".join(f"mot{i}" for i in range(31))
    response = owner_client.post(reverse("suppliers:profile_capabilities"), {"keywords": keywords})
    assert response.status_code == 200
    assert "31 mots-clés : 30 au maximum." in response.content.decode()
    profile.refresh_from_db()
    assert profile.keywords == []


def test_a_keyword_longer_than_sixty_characters_is_refused():
    with pytest.raises(services.SupplierProfileError) as error:
        services.normalize_keywords(["x" * 61])
    assert "60 caractères" in error.value.message


def test_unknown_skill_in_the_form_is_a_form_error_not_a_500(owner_client):
    response = owner_client.post(reverse("suppliers:profile_capabilities"), {"skills": ["n-existe-pas"]})
    assert response.status_code == 200
    assert "n-existe-pas" in response.content.decode()


def test_equipment_and_references_are_added_and_removed(owner_client, profile):
    owner_client.post(
        reverse("suppliers:profile_equipment"),
        {"machine_type": "Tour multibroche", "brand_model": "Tornos MultiSwiss", "count": 3, "key_capacity": "Ø 32 mm"},
    )
    owner_client.post(reverse("suppliers:profile_references"), {"customer": "Safran", "description": "Axes", "year": 2024})
    equipment = profile.equipment.get()
    assert (equipment.count, equipment.machine_type) == (3, "Tour multibroche")
    assert profile.references.get().customer == "Safran"

    owner_client.post(reverse("suppliers:profile_equipment_delete", args=[equipment.pk]))
    owner_client.post(reverse("suppliers:profile_reference_delete", args=[profile.references.get().pk]))
    assert not profile.equipment.exists() and not profile.references.exists()


def test_reference_with_an_impossible_year_is_refused(owner_client, profile):
    response = owner_client.post(reverse("suppliers:profile_references"), {"customer": "Airbus", "year": 24})
    assert "Indiquez une année à quatre chiffres." in response.content.decode()
    assert not profile.references.exists()


def test_site_gets_the_communes_coordinates_from_its_postal_code(owner_client, profile):
    response = owner_client.post(
        reverse("suppliers:profile_sites"),
        {"site-name": "Usine de Cluses", "site-postal_code": "74300", "site-commune": "74081", "site-is_head_office": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    site = profile.sites.get()
    assert site.commune.name == "Cluses"
    assert (site.latitude, site.longitude) == (site.commune.latitude, site.commune.longitude)
    assert site.is_head_office


def test_unknown_postal_code_is_reported_on_the_field(owner_client, profile):
    response = owner_client.post(reverse("suppliers:profile_sites"), {"site-name": "X", "site-postal_code": "00000"})
    assert response.status_code == 200
    assert "inconnu" in response.content.decode()
    assert not profile.sites.exists()


def test_a_new_head_office_takes_the_mark_from_the_previous_one(owner, profile):
    first = ProductionSiteFactory(profile=profile, is_head_office=True)
    second = ProductionSiteFactory(profile=profile, name="Second site")
    commune = second.commune
    services.save_site(
        owner, profile, {"name": "Second site", "postal_code": "69007", "commune": commune, "is_head_office": True}, second
    )
    first.refresh_from_db()
    assert not first.is_head_office
    assert list(ProductionSite.objects.filter(profile=profile, is_head_office=True)) == [second]


def test_editing_a_site_changes_it_in_place(owner_client, profile):
    site = ProductionSiteFactory(profile=profile)
    response = owner_client.post(
        reverse("suppliers:profile_site_edit", args=[site.pk]),
        {"site-name": "Atelier Part-Dieu", "site-postal_code": "69003", "site-commune": "69123"},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.postal_code) == ("Atelier Part-Dieu", "69003")


@pytest.mark.parametrize(
    "name",
    [
        "profile_overview", "profile_identity", "profile_capabilities", "profile_certifications",
        "profile_sites", "profile_equipment", "profile_references", "profile_media",
    ],
)
def test_every_editor_page_renders_in_french_and_english(owner_client, name):
    assert owner_client.get(reverse(f"suppliers:{name}")).status_code == 200
    with translation.override("en"):
        url = reverse(f"suppliers:{name}")
    assert url.startswith("/en/")
    # The request activates English in this thread; the override puts French back afterwards.
    with translation.override("fr"):
        response = owner_client.get(url)
    assert response.status_code == 200
    assert "Supplier profile sections" in response.content.decode()
