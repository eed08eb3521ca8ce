"""Identical searches are answered from the cache until the index or the taxonomy changes."""
import pytest
from django.utils import translation

from search.backends import search_suppliers
from search.models import SearchIndexVersion
from search.query import SupplierQuery
from search.result_cache import bump_index_version, index_version

from .factories import ProductionSiteFactory


def names(query):
    return [hit.name for hit in search_suppliers(query).hits]


TOLERIE = SupplierQuery(text="tôlerie")


def test_a_repeated_search_costs_one_query_and_gives_the_same_result(indexed_catalogue, django_assert_num_queries):
    first = search_suppliers(TOLERIE)
    with django_assert_num_queries(1):  # the index version
        again = search_suppliers(TOLERIE)
    assert again == first
    assert [hit.name for hit in again.hits] == ["Tôlerie Savoyarde", "Soudure Martin"]


def test_another_page_or_filter_is_another_entry(indexed_catalogue):
    names(TOLERIE)
    assert names(SupplierQuery(text="tôlerie", sectors=("aeronautique",))) == ["Tôlerie Savoyarde"]
    assert names(SupplierQuery(text="tôlerie", page_size=1, page=2)) == ["Soudure Martin"]


def test_an_indexed_change_is_seen_by_the_next_search(indexed_catalogue, django_capture_on_commit_callbacks):
    assert names(TOLERIE) == ["Tôlerie Savoyarde", "Soudure Martin"]
    with django_capture_on_commit_callbacks(execute=True):
        indexed_catalogue.d.presentation = "<p>Tôlerie et fraisage 5 axes.</p>"
        indexed_catalogue.d.save()
    assert "Mécanique Bretonne" in names(TOLERIE)


def test_unpublished_and_deleted_suppliers_leave_cached_results_at_once(indexed_catalogue):
    assert names(TOLERIE) == ["Tôlerie Savoyarde", "Soudure Martin"]
    indexed_catalogue.f.status = indexed_catalogue.f.Status.DRAFT
    indexed_catalogue.f.save()
    assert names(TOLERIE) == ["Tôlerie Savoyarde"]
    indexed_catalogue.b.delete()
    assert names(TOLERIE) == []


def test_a_new_synonym_changes_cached_expansions(indexed_catalogue, django_capture_on_commit_callbacks):
    query = SupplierQuery(text="chaudronnerie")
    assert names(query) == []
    with django_capture_on_commit_callbacks(execute=True):
        indexed_catalogue.tolerie.synonyms += "\nchaudronnerie"
        indexed_catalogue.tolerie.save()
    assert names(query)[0] == "Tôlerie Savoyarde"


def test_results_are_cached_per_language(indexed_catalogue):
    query = SupplierQuery(text="décolletage")
    with translation.override("fr"):
        french = search_suppliers(query).hits[0].skills
    with translation.override("en"):
        english = search_suppliers(query).hits[0].skills
    assert "Décolletage" in french and "Bar turning" in english


def test_a_zero_timeout_turns_the_cache_off(indexed_catalogue, settings):
    settings.SEARCH_RESULT_CACHE_SECONDS = 0
    search_suppliers(TOLERIE)
    version = index_version()
    # Written behind the backend's back (no bump): only an uncached search can see it.
    from search.models import SupplierIndexEntry

    SupplierIndexEntry.objects.filter(pk=indexed_catalogue.f.pk).delete()
    assert names(TOLERIE) == ["Tôlerie Savoyarde"]
    assert index_version() == version


def test_the_version_row_is_recreated_when_missing(db):
    SearchIndexVersion.objects.all().delete()
    assert index_version() == 0
    bump_index_version()
    bump_index_version()
    assert index_version() == 2


@pytest.mark.parametrize("write", ["index", "delete"])
def test_every_index_write_moves_the_version(indexed_catalogue, write):
    from search.backends import database_backend
    from search.documents import build_documents

    before = index_version()
    backend = database_backend()
    if write == "index":
        backend.index(build_documents([indexed_catalogue.a.pk]))
    else:
        backend.delete([indexed_catalogue.a.pk])
    assert index_version() > before


def test_a_new_site_is_seen_by_a_cached_radius_search(indexed_catalogue, django_capture_on_commit_callbacks):
    from search.query import GeoPoint

    at_nantes = SupplierQuery(location=GeoPoint(47.2184, -1.5536), radius_km=30)
    assert names(at_nantes) == []
    with django_capture_on_commit_callbacks(execute=True):
        ProductionSiteFactory(profile=indexed_catalogue.a, insee="44109")
    assert names(at_nantes) == ["Décolletage du Rhône"]


def test_the_api_serves_its_rendered_body_again_until_the_index_changes(
    client, indexed_catalogue, django_assert_num_queries
):
    url = "/api/suppliers/search?q=t%C3%B4lerie"
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"].startswith("application/json")
    assert [hit["name"] for hit in first.json()["results"]] == ["Tôlerie Savoyarde", "Soudure Martin"]
    with django_assert_num_queries(1):  # the index version
        again = client.get(url)
    assert again.content == first.content
    indexed_catalogue.f.status = indexed_catalogue.f.Status.DRAFT
    indexed_catalogue.f.save()
    assert [hit["name"] for hit in client.get(url).json()["results"]] == ["Tôlerie Savoyarde"]


def test_a_search_near_a_postal_code_reads_the_commune_once(client, indexed_catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/api/suppliers/search?postal_code=69001&radius_km=50")
    assert any("geo_commune" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as second:
        response = client.get("/api/suppliers/search?postal_code=69001&radius_km=30")  # another search, same place
    assert response.status_code == 200 and response.json()["total"] >= 1
    assert not any("geo_" in q["sql"] for q in second.captured_queries)
    assert client.get("/api/suppliers/search?postal_code=99999&radius_km=30").status_code == 400  # errors are not cached
    assert client.get("/api/suppliers/search?postal_code=99999&radius_km=30").status_code == 400
