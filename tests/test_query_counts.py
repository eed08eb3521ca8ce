"""No N+1: the pages that list things issue as many SQL queries for a few rows as for many.

Each test renders the same page twice, with a small and a larger data set, and compares the
query counts. Caches are cleared before each measured request, so both renders are uncached and
do the same cache-filling work.
"""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.models import HomePage, SectorIndexPage, SectorPage
from rfq.models import RFQ
from search import sync
from suppliers import services as supplier_services
from suppliers.models import SupplierProfile
from tests.cms.conftest import add_page
from tests.rfq.factories import PublishedRFQFactory, SubmittedQuoteFactory, buyer_with_owner
from tests.search.factories import (
    CertificationTypeFactory,
    ProductionSiteFactory,
    SectorFactory,
    SkillFactory,
    SupplierCertificationFactory,
    SupplierProfileFactory,
)

FEW, MANY = 2, 7
COMMUNES = ["69123", "13055", "75056", "59350", "31555", "44109", "67482"]


def queries_for(client, url, params=None) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return len(captured)


def supplier_in(sector, n: int) -> SupplierProfile:
    profile = SupplierProfileFactory(sectors=[sector], skills=[SkillFactory()])
    ProductionSiteFactory(profile=profile, insee=COMMUNES[n % len(COMMUNES)])
    return profile


def add_suppliers(sector, start: int, stop: int) -> None:
    profiles = [supplier_in(sector, n) for n in range(start, stop)]
    sync.index_profiles([p.pk for p in profiles])


def test_search_page_issues_the_same_queries_for_few_and_many_results(client, db):
    sector = SectorFactory()
    url = reverse("search:suppliers")
    add_suppliers(sector, 0, FEW)
    few = queries_for(client, url, {"sector": sector.slug})
    add_suppliers(sector, FEW, MANY)
    many = queries_for(client, url, {"sector": sector.slug})
    assert few == many


def test_search_api_issues_the_same_queries_for_few_and_many_results(client, db):
    sector = SectorFactory()
    add_suppliers(sector, 0, FEW)
    few = queries_for(client, "/api/suppliers/search", {"sector": sector.slug})
    add_suppliers(sector, FEW, MANY)
    many = queries_for(client, "/api/suppliers/search", {"sector": sector.slug})
    assert few == many


def test_supplier_profile_page_issues_the_same_queries_for_few_and_many_sites_skills_and_certifications(client, db):
    def profile_with(count: int) -> SupplierProfile:
        profile = SupplierProfileFactory(
            sectors=[SectorFactory() for _ in range(count)], skills=[SkillFactory() for _ in range(count)]
        )
        for n in range(count):
            ProductionSiteFactory(profile=profile, insee=COMMUNES[n % len(COMMUNES)])
            SupplierCertificationFactory(profile=profile, certification_type=CertificationTypeFactory())
        return profile

    few = queries_for(client, supplier_services.public_path(profile_with(FEW)))
    many = queries_for(client, supplier_services.public_path(profile_with(MANY)))
    assert few == many


def test_sector_page_issues_the_same_queries_for_few_and_many_suppliers(client, db):
    home = HomePage.objects.get(slug="accueil", locale__language_code="fr")
    index = add_page(home, SectorIndexPage(title="Filières", slug="filieres-essai-requetes"))
    sector = SectorFactory()
    page = add_page(index, SectorPage(sector=sector, title=sector.name, slug=sector.slug))
    add_suppliers(sector, 0, FEW)
    few = queries_for(client, page.url)
    add_suppliers(sector, FEW, MANY)
    many = queries_for(client, page.url)
    assert few == many


def test_rfq_comparison_issues_the_same_queries_for_few_and_many_quotes(client, db):
    def opened_rfq_with(quotes: int):
        buyer, owner = buyer_with_owner()
        rfq = PublishedRFQFactory(buyer=buyer, lots=2)
        for n in range(quotes):
            supplier = supplier_in(SectorFactory(), n).organisation
            SubmittedQuoteFactory(rfq=rfq, supplier=supplier, unit_price=f"{10 + n}.00")
        RFQ.objects.filter(pk=rfq.pk).update(status=RFQ.Status.CLOSED, closed_at=timezone.now(), opened_at=timezone.now())
        return rfq, owner

    rfq, owner = opened_rfq_with(FEW)
    client.force_login(owner)
    few = queries_for(client, reverse("rfq:compare", kwargs={"reference": rfq.reference}))
    rfq, owner = opened_rfq_with(MANY)
    client.force_login(owner)
    many = queries_for(client, reverse("rfq:compare", kwargs={"reference": rfq.reference}))
    assert few == many


@pytest.fixture(autouse=True)
def _no_stale_cache():
    cache.clear()
    yield
    cache.clear()
