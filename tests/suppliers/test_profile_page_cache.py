"""Supplier profile pages are cached whole for anonymous visitors (cms.page_cache.directory_page_cache):
served without a query, refreshed at once by any change of supplier data, never for signed-in people."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suppliers.models import SupplierProfile
from tests.factories import OrganisationFactory
from tests.suppliers.factories_directory import (
    CertificationFactory,
    CertificationTypeFactory,
    PublishedProfileFactory,
    SiteFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    organisation = OrganisationFactory(name="Tôlerie du Jura", is_supplier=True)
    return PublishedProfileFactory(organisation=organisation, tagline="Découpe laser et pliage")


def page_of(profile):
    return reverse("suppliers:profile_detail", kwargs={"slug": profile.slug})


def test_an_anonymous_visitor_gets_the_cached_page_without_any_query(client, profile):
    first = client.get(page_of(profile))
    with CaptureQueriesContext(connection) as captured:
        second = client.get(page_of(profile))
    assert first.status_code == second.status_code == 200
    assert len(captured) == 0
    html = second.content.decode()
    assert "Découpe laser et pliage" in html and "__cms_page_cache_csrf_token__" not in html


def test_a_change_of_the_profile_shows_at_once(client, profile):
    client.get(page_of(profile))
    profile.tagline = "Nouvelle accroche"
    profile.save()
    assert "Nouvelle accroche" in client.get(page_of(profile)).content.decode()


def test_a_new_certification_or_site_shows_at_once(client, profile):
    client.get(page_of(profile))
    CertificationFactory(profile=profile, certification_type=CertificationTypeFactory(name="ISO 3834"))
    assert "ISO 3834" in client.get(page_of(profile)).content.decode()
    SiteFactory(profile=profile, name="Atelier de Morez")
    assert "Atelier de Morez" in client.get(page_of(profile)).content.decode()


def test_renaming_the_organisation_shows_at_once(client, profile):
    client.get(page_of(profile))
    organisation = profile.organisation
    organisation.name = "Tôlerie Jurassienne"
    organisation.save()
    assert "Tôlerie Jurassienne" in client.get(page_of(profile)).content.decode()


def test_unpublishing_makes_the_page_a_404_at_once(client, profile):
    client.get(page_of(profile))
    profile.status = SupplierProfile.Status.DRAFT
    profile.save()
    assert client.get(page_of(profile)).status_code == 404


def test_a_member_never_gets_nor_fills_the_anonymous_cache(client, profile):
    member = manager_of(profile.organisation)
    client.get(page_of(profile))  # cached for anonymous visitors
    SupplierProfile.objects.filter(pk=profile.pk).update(tagline="Sans signal")  # no save signal: cache kept
    assert "Sans signal" not in client.get(page_of(profile)).content.decode()

    client.force_login(member)
    assert "Sans signal" in client.get(page_of(profile)).content.decode()
    client.logout()
    assert "Sans signal" not in client.get(page_of(profile)).content.decode()
