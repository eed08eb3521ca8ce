"""Who may see and change a supplier profile in the editor at /profil-fournisseur/."""
import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.accounts.models import Membership
from marketplace.audit.models import AuditEntry
from suppliers import services
from suppliers.models import SupplierProfile
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.factories import (
    ProductionSiteFactory,
    SupplierCertificationFactory,
    SupplierProfileFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def french():
    """Messages are asserted in French, whatever language an earlier test's request left active in this thread."""
    with translation.override("fr"):
        yield

Role = Membership.Role


@pytest.fixture
def profile():
    return SupplierProfileFactory(organisation=OrganisationFactory(name="Décolletage du Mont-Blanc", is_supplier=True))


def member(profile, role):
    return MembershipFactory(organisation=profile.organisation, role=role).user


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("suppliers:profile_overview"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_first_visit_creates_a_draft_profile_with_a_slug_from_the_organisation_name(client):
    organisation = OrganisationFactory(name="Tôlerie Fine du Forez", is_supplier=True)
    owner = MembershipFactory(organisation=organisation, role=Role.OWNER).user
    client.force_login(owner)

    response = client.get(reverse("suppliers:profile_overview"))

    assert response.status_code == 200
    profile = SupplierProfile.objects.get(organisation=organisation)
    assert profile.slug == "tolerie-fine-du-forez"
    assert profile.status == SupplierProfile.Status.DRAFT
    assert AuditEntry.objects.filter(action="supplier_profile.created", target_id=str(profile.pk)).exists()
    assert "Ajoutez au moins un site de production" in response.content.decode()


def test_two_organisations_with_the_same_name_get_distinct_profile_slugs(user):
    first = OrganisationFactory(name="Usinage Martin", is_supplier=True)
    second = OrganisationFactory(name="Usinage Martin", is_supplier=True)
    MembershipFactory(organisation=first, user=user)
    MembershipFactory(organisation=second, user=user)
    assert services.get_or_create_profile(user, first).slug == "usinage-martin"
    assert services.get_or_create_profile(user, second).slug == "usinage-martin-2"


def test_buyer_organisation_is_redirected_with_an_explanation(client, buyer_owner):
    client.force_login(buyer_owner)
    response = client.get(reverse("suppliers:profile_overview"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:dashboard")
    assert "organisations déclarées comme fournisseurs" in response.content.decode()
    assert not SupplierProfile.objects.exists()


def test_plain_member_reads_the_profile_but_cannot_change_it(client, profile):
    client.force_login(member(profile, Role.MEMBER))

    page = client.get(reverse("suppliers:profile_identity"))
    assert page.status_code == 200
    assert "lecture seule" in page.content.decode()

    response = client.post(reverse("suppliers:profile_identity"), {"tagline": "Piratée"})
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.tagline == ""
    assert client.post(reverse("suppliers:profile_publish")).status_code == 403


def test_plain_member_cannot_change_through_the_service_either(profile):
    with pytest.raises(services.NotAllowed):
        services.update_profile(member(profile, Role.MEMBER), profile, {"tagline": "Non"})


def test_admin_edits_the_profile(client, profile):
    client.force_login(member(profile, Role.ADMIN))
    response = client.post(
        reverse("suppliers:profile_identity"),
        {"tagline": "Pièces de précision en petites séries", "presentation": "Atelier de 20 personnes."},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.tagline == "Pièces de précision en petites séries"
    assert profile.presentation == "<p>Atelier de 20 personnes.</p>"


def test_member_of_another_organisation_gets_403_on_this_profiles_objects(client, profile):
    site = ProductionSiteFactory(profile=profile)
    certification = SupplierCertificationFactory(profile=profile)
    certification.certificate_file.save("x.pdf", pdf_upload())
    outsider = MembershipFactory(organisation=OrganisationFactory(is_supplier=True), role=Role.OWNER).user
    client.force_login(outsider)

    assert client.get(reverse("suppliers:profile_site_edit", args=[site.pk])).status_code == 403
    assert client.post(reverse("suppliers:profile_site_delete", args=[site.pk])).status_code == 403
    assert client.post(reverse("suppliers:profile_certification_delete", args=[certification.pk])).status_code == 403
    assert client.get(reverse("suppliers:profile_certificate_download", args=[certification.pk])).status_code == 403
    assert profile.sites.filter(pk=site.pk).exists()


def test_outsider_cannot_create_or_read_another_organisations_profile_through_the_service(user, profile):
    with pytest.raises(services.NotAllowed):
        services.get_or_create_profile(user, profile.organisation)


def test_plain_member_downloads_the_certificate_as_an_attachment(client, profile):
    certification = SupplierCertificationFactory(profile=profile, scan_status="clean")  # as if scanned (marketplace.scanning)
    certification.certificate_file.save("x.pdf", pdf_upload())
    client.force_login(member(profile, Role.MEMBER))

    response = client.get(reverse("suppliers:profile_certificate_download", args=[certification.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_unknown_object_is_a_404_not_a_500(client, profile):
    client.force_login(member(profile, Role.OWNER))
    assert client.get(reverse("suppliers:profile_site_edit", args=[999999])).status_code == 404
    assert client.get(reverse("suppliers:profile_certificate_download", args=[999999])).status_code == 404
