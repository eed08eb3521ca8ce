"""Sector pages show live marketplace data: only published, verified suppliers of that sector."""
import pytest

from cms import live
from marketplace.geo.models import Region
from suppliers.models import ClusterProfile
from tests.factories import OrganisationFactory

from .conftest import LILLE

pytestmark = pytest.mark.django_db


def test_sector_page_lists_only_published_verified_suppliers_of_its_sector(
    client, make_sector_page, make_supplier, sector_a, sector_b
):
    make_supplier("Usinage Visible", [sector_a])
    make_supplier("Brouillon Caché", [sector_a], published=False)
    make_supplier("Non Vérifié Caché", [sector_a], verified=False)
    make_supplier("Autre Filière Cachée", [sector_b])
    page = make_sector_page(sector_a)

    html = client.get(page.url).content.decode()

    assert "Usinage Visible" in html
    assert "Brouillon Caché" not in html
    assert "Non Vérifié Caché" not in html
    assert "Autre Filière Cachée" not in html


def test_sector_page_limited_to_a_region_shows_suppliers_with_a_site_there(
    client, make_sector_page, make_supplier, sector_a
):
    make_supplier("Forge Lyonnaise", [sector_a])
    make_supplier("Fonderie du Nord", [sector_a], commune=LILLE)
    page = make_sector_page(sector_a, region=Region.objects.get(pk="32"))

    html = client.get(page.url).content.decode()

    assert "Fonderie du Nord" in html
    assert "Forge Lyonnaise" not in html


def test_key_figures_count_published_and_verified_suppliers_and_clusters(make_supplier, sector_a, sector_b):
    make_supplier("Un", [sector_a])
    make_supplier("Deux", [sector_a], verified=False)
    make_supplier("Trois", [sector_a], published=False)
    make_supplier("Quatre", [sector_b])
    cluster = ClusterProfile.objects.create(organisation=OrganisationFactory(is_cluster=True, is_supplier=False), slug="c1")
    cluster.sectors.add(sector_a)

    assert live.sector_key_figures(sector_a.pk) == {"suppliers": 2, "verified": 1, "clusters": 1}


def test_sector_page_map_lists_the_production_sites_of_published_verified_suppliers(client, make_sector_page, make_supplier, sector_a):
    make_supplier("Atelier Cartographié", [sector_a])
    make_supplier("Atelier Secret", [sector_a], published=False)
    page = make_sector_page(sector_a)

    html = client.get(page.url).content.decode()

    assert 'id="sector-map-points"' in html
    assert "Atelier Cartographié" in html and "Atelier Secret" not in html


def test_open_rfqs_section_shows_an_empty_state_when_nothing_is_open(client, make_sector_page, sector_a):
    page = make_sector_page(sector_a)

    response = client.get(page.url)

    assert live.open_rfqs(sector_a.pk) == []
    assert "Aucune demande de devis ouverte pour le moment." in response.content.decode()


def test_open_rfqs_section_lists_only_open_rfqs_anyone_may_see_in_that_sector(sector_a, sector_b):
    from datetime import timedelta

    from django.utils import timezone

    from rfq.models import RFQ
    from tests.rfq.factories import PublishedRFQFactory, RFQFactory

    PublishedRFQFactory(title="Carters usinés", sector=sector_a, summary="Série de 500")
    PublishedRFQFactory(title="Dossier sous NDA", sector=sector_a, visibility=RFQ.Visibility.CONFIDENTIAL)
    PublishedRFQFactory(title="Réservée aux invités", sector=sector_a, visibility=RFQ.Visibility.INVITED)
    PublishedRFQFactory(title="Autre filière", sector=sector_b)
    PublishedRFQFactory(title="Échue", sector=sector_a, quote_deadline=timezone.now() - timedelta(minutes=1))
    RFQFactory(title="Brouillon", sector=sector_a)

    titles = [row["title"] for row in live.open_rfqs(sector_a.pk)]

    assert sorted(titles) == ["Carters usinés", "Dossier sous NDA"]


def test_a_new_verified_supplier_appears_on_the_cached_sector_page(client, make_sector_page, make_supplier, sector_a):
    page = make_sector_page(sector_a)
    assert "Nouvelle Tôlerie" not in client.get(page.url).content.decode()

    make_supplier("Nouvelle Tôlerie", [sector_a])

    assert "Nouvelle Tôlerie" in client.get(page.url).content.decode()


def test_a_supplier_unpublished_disappears_from_the_cached_sector_page(client, make_sector_page, make_supplier, sector_a):
    profile = make_supplier("Bientôt Retiré", [sector_a])
    page = make_sector_page(sector_a)
    assert "Bientôt Retiré" in client.get(page.url).content.decode()

    profile.status = profile.Status.DRAFT
    profile.save()

    assert "Bientôt Retiré" not in client.get(page.url).content.decode()


def test_sector_page_articles_are_listed_on_it(client, make_sector_page, make_article, sector_a):
    page = make_sector_page(sector_a)
    make_article("Une usine revient dans la vallée", parent=page)

    assert "Une usine revient dans la vallée" in client.get(page.url).content.decode()
