"""The suppliers API: public fiche of published profiles, and the caller's own profile (GET/PUT)."""
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from marketplace.accounts.models import Membership
from marketplace.api.services import create_token
from suppliers import services
from suppliers.models import SupplierProfile
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.factories import ProductionSiteFactory, SupplierCertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French, whatever language an earlier test's request left active in this thread."""
    with translation.override("fr"):
        yield

ME = "/api/me/supplier-profile"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'tests')[1]}"}


@pytest.fixture
def profile():
    profile = SupplierProfileFactory(
        organisation=OrganisationFactory(name="Mécanique Alpine", is_supplier=True),
        tagline="Usinage 5 axes",
        contact_email="contact@alpine.example",
        phone="0450000000",
        completeness=80,
    )
    owner = MembershipFactory(organisation=profile.organisation).user
    services.update_profile(owner, profile, {"presentation": "<p>Atelier</p>", "skills": ["fraisage-5-axes"]})
    ProductionSiteFactory(profile=profile)
    SupplierCertificationFactory(profile=profile, valid_until=timezone.localdate() - timedelta(days=1))
    services.publish_profile(owner, profile)
    return profile


@pytest.fixture
def owner(profile):
    return profile.organisation.memberships.get().user


def test_published_profile_exposes_public_fields_only(client, profile):
    response = client.get(f"/api/suppliers/{profile.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id", "slug", "name", "siret", "commune", "postal_code", "tagline", "presentation", "skills", "materials",
        "sectors", "certifications", "sites", "headcount_band", "batch_sizes", "verified", "url",
    }
    assert body["name"] == "Mécanique Alpine"
    assert body["skills"] == [{"slug": "fraisage-5-axes", "name": "Fraisage 5 axes"}]
    assert body["certifications"][0]["code"] == "ISO 9001" and body["certifications"][0]["expired"] is True
    assert body["sites"][0]["commune"] == "Lyon" and body["sites"][0]["latitude"]
    assert body["verified"] is False
    assert body["url"].endswith(f"/fournisseurs/{profile.slug}/")
    text = response.content.decode()
    assert "contact@alpine.example" not in text and "0450000000" not in text and "completeness" not in text


def test_draft_profile_is_a_json_404(client, profile, owner):
    services.unpublish_profile(owner, profile)
    response = client.get(f"/api/suppliers/{profile.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ressource introuvable."}


def test_my_profile_needs_authentication(client):
    assert client.get(ME).status_code == 401


def test_my_profile_includes_the_editing_state(client, owner, profile):
    body = client.get(ME, **bearer(owner)).json()
    assert body["id"] == profile.pk
    assert body["status"] == "published"
    assert body["contact_email"] == "contact@alpine.example"
    assert body["missing_for_publication"] == []


def test_my_profile_for_a_buyer_is_a_400_with_a_message(client, buyer_owner):
    response = client.get(ME, **bearer(buyer_owner))
    assert response.status_code == 400
    assert "n'est pas déclarée comme fournisseur" in response.json()["detail"]


def test_put_changes_only_the_fields_sent_through_the_services(client, owner, profile):
    response = client.put(
        ME,
        {
            "tagline": "Nouvelle accroche",
            "presentation": '<p onclick="x()">Texte<script>bad()</script></p>',
            "skills": ["tournage", "decolletage"],
            "keywords": ["horlogerie", " Horlogerie "],
            "materials": ["laiton"],
            "sectors": ["mecanique-metallurgie"],
            "headcount_band": "10-49",
            "batch_sizes": ["mass"],
            "languages": ["en", "fr"],
            "website": "https://alpine.example",
        },
        content_type="application/json",
        **bearer(owner),
    )
    assert response.status_code == 200, response.content
    profile.refresh_from_db()
    assert profile.tagline == "Nouvelle accroche"
    assert profile.presentation == "<p>Texte</p>"
    assert {s.slug for s in profile.skills.all()} == {"tournage", "decolletage"}
    assert profile.keywords == ["horlogerie"]
    assert profile.languages == ["fr", "en"]
    assert profile.contact_email == "contact@alpine.example"  # not sent, not changed


def test_put_with_unknown_slugs_is_a_400_listing_them(client, owner, profile):
    response = client.put(ME, {"skills": ["tournage", "teleportation", "alchimie"]}, content_type="application/json", **bearer(owner))
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["loc"] == ["skills"]
    assert "teleportation, alchimie" in body["errors"][0]["msg"]
    assert {s.slug for s in profile.skills.all()} == {"fraisage-5-axes"}


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"headcount_band": "beaucoup"}, "headcount_band"),
        ({"batch_sizes": ["enorme"]}, "batch_sizes"),
        ({"languages": ["klingon"]}, "languages"),
        ({"keywords": [f"k{i}" for i in range(31)]}, "keywords"),
        ({"tagline": "x" * 201}, "tagline"),
    ],
)
def test_put_with_invalid_values_is_a_400_naming_the_field(client, owner, payload, field):
    response = client.put(ME, payload, content_type="application/json", **bearer(owner))
    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == [field]


def test_put_with_a_wrong_type_is_a_400(client, owner):
    response = client.put(ME, {"skills": "tournage"}, content_type="application/json", **bearer(owner))
    assert response.status_code == 400


def test_put_by_a_plain_member_is_a_403(client, profile):
    member = MembershipFactory(organisation=profile.organisation, role=Membership.Role.MEMBER).user
    response = client.put(ME, {"tagline": "Non"}, content_type="application/json", **bearer(member))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.tagline == "Usinage 5 axes"


def test_put_needs_a_token_not_just_a_session(client, owner):
    client.force_login(owner)
    assert client.put(ME, {"tagline": "x"}, content_type="application/json").status_code == 401


def test_get_my_profile_creates_a_draft_for_a_new_supplier(client, supplier_owner):
    response = client.get(ME, **bearer(supplier_owner))
    assert response.status_code == 200
    assert response.json()["status"] == "draft"
    assert SupplierProfile.objects.filter(organisation__memberships__user=supplier_owner).exists()
