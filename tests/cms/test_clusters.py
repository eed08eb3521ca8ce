"""The cluster directory: filterable by région and filière, members read live."""
import pytest

from cms.models import ClusterIndexPage, ClusterPage
from marketplace.geo.models import Region
from suppliers.models import ClusterMembership, ClusterProfile
from tests.factories import OrganisationFactory

from .conftest import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(home):
    return add_page(home, ClusterIndexPage(title="Clusters", slug="clusters-et-poles"))


@pytest.fixture
def make_cluster_page(directory):
    def make(name, region_code, sectors):
        organisation = OrganisationFactory(name=name, is_cluster=True, is_supplier=False)
        profile = ClusterProfile.objects.create(
            organisation=organisation, slug=organisation.slug, region=Region.objects.get(pk=region_code)
        )
        profile.sectors.set(sectors)
        return add_page(directory, ClusterPage(title=name, slug=organisation.slug, cluster=profile))

    return make


def test_cluster_directory_filters_by_region_and_sector(client, directory, make_cluster_page, sector_a, sector_b):
    make_cluster_page("Cluster Rhône", "84", [sector_a])
    make_cluster_page("Cluster Nord", "32", [sector_a])
    make_cluster_page("Pôle Plastique Rhône", "84", [sector_b])

    html = client.get(directory.url, {"region": "84", "filiere": sector_a.slug}).content.decode()

    listing = html.split('class="cluster-cards"')[1]
    assert "Cluster Rhône" in listing
    assert "Cluster Nord" not in listing and "Pôle Plastique Rhône" not in listing


def test_cluster_directory_ignores_unknown_filters_with_a_message(client, directory, make_cluster_page, sector_a):
    make_cluster_page("Cluster Rhône", "84", [sector_a])

    response = client.get(directory.url, {"region": "ZZZ'--", "filiere": "n-existe-pas"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Région inconnue : filtre ignoré." in html and "Filière inconnue : filtre ignoré." in html
    assert "Cluster Rhône" in html.split('class="cluster-cards"')[1]


def test_cluster_page_shows_member_count_and_published_member_suppliers(client, make_cluster_page, make_supplier, sector_a):
    page = make_cluster_page("Cluster Rhône", "84", [sector_a])
    visible = make_supplier("Membre Publié", [sector_a])
    hidden = make_supplier("Membre Brouillon", [sector_a], published=False)
    former = make_supplier("Ancien Membre", [sector_a])
    for profile, status in ((visible, "active"), (hidden, "active"), (former, "ended")):
        ClusterMembership.objects.create(cluster=page.cluster.organisation, supplier=profile.organisation, status=status)

    html = client.get(page.url).content.decode()

    assert "Membre Publié" in html
    assert "Membre Brouillon" not in html and "Ancien Membre" not in html
    assert "<dt>Membres</dt><dd>2</dd>" in html
    assert "Auvergne-Rhône-Alpes" in html and sector_a.name in html.replace("&#x27;", "'")
