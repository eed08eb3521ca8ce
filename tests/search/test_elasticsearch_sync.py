"""Elasticsearch's guarantees around the sync, on a real node: outages, catch-up, deletes, rebuilds.

"Elasticsearch down" is the real client pointed at a closed loopback port (127.0.0.1:9), then at
the real node again: nothing is patched. Each test has its own index name. Skipped when
``ELASTICSEARCH_URL`` is unset.
"""
import io
import logging
import os
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search import sync
from search.backends import get_backend, search_suppliers
from search.backends.base import SearchBackendUnavailable
from search.backends import es_alerts
from search.backends.elasticsearch import ElasticsearchBackend
from search.models import PendingIndexOperation
from search.query import SupplierQuery

pytestmark = pytest.mark.elasticsearch

CLOSED_PORT = "http://127.0.0.1:9"


@pytest.fixture
def es_url():
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set (start a node with `make es-start`)")
    return url


@pytest.fixture
def es_settings(settings, es_url):
    """The site configured for Elasticsearch, on an index of its own (dropped afterwards)."""
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = es_url
    settings.SEARCH_ELASTICSEARCH_INDEX = f"test-sync-{uuid.uuid4().hex[:12]}"
    settings.SEARCH_ELASTICSEARCH_REFRESH_INTERVAL = "50ms"
    yield settings
    ElasticsearchBackend(url=es_url, index=settings.SEARCH_ELASTICSEARCH_INDEX).drop_index()
    es_alerts.drop_index()  # search_rebuild re-creates the alert percolator next to it


def engine_names(**kwargs):
    """Names found by Elasticsearch itself (no fallback)."""
    result = get_backend().search(SupplierQuery(**kwargs))
    assert result.backend == "elasticsearch"
    return [hit.name for hit in result.hits]


def rebuild():
    out = io.StringIO()
    call_command("search_rebuild", quiet=True, stdout=out)
    return out.getvalue()


def test_outage_saves_succeed_searches_fall_back_and_retry_catches_up(
    catalogue, es_settings, es_url, caplog, django_capture_on_commit_callbacks
):
    es_settings.ELASTICSEARCH_URL = CLOSED_PORT
    assert get_backend().health() is False

    with django_capture_on_commit_callbacks(execute=True):
        catalogue.b.tagline = "Chaudronnerie légère"
        catalogue.b.save()
    catalogue.b.refresh_from_db()
    assert catalogue.b.tagline == "Chaudronnerie légère"
    pending = PendingIndexOperation.objects.get(profile_id=catalogue.b.pk)
    assert (pending.backend, pending.action) == ("elasticsearch", "index")

    with caplog.at_level(logging.WARNING, logger="marketplace.search"):
        result = search_suppliers(SupplierQuery(text="chaudronnerie"))
    assert result.backend == "database"
    assert [hit.name for hit in result.hits] == ["Tôlerie Savoyarde"]
    assert "falling back to the database" in caplog.text

    # Still down: the retry keeps the operation and counts the attempt.
    out = io.StringIO()
    call_command("search_rebuild", pending=True, stdout=out)
    assert "Pending operations left: 1" in out.getvalue()
    assert PendingIndexOperation.objects.get(profile_id=catalogue.b.pk).attempts == 2

    es_settings.ELASTICSEARCH_URL = es_url
    out = io.StringIO()
    call_command("search_rebuild", pending=True, stdout=out)
    assert "Pending operations left: 0" in out.getvalue()
    assert engine_names(text="chaudronnerie") == ["Tôlerie Savoyarde"]
    assert get_backend().health() is True


def test_a_deletion_missed_during_an_outage_is_replayed(catalogue, es_settings, es_url):
    output = rebuild()
    assert "elasticsearch: 5 supplier(s) indexed" in output
    # The percolator is rebuilt too: the five profiles' implicit alerts (no saved search here).
    assert "alerts: 5 alert(s) registered in the percolator" in output
    assert engine_names(text="tôlerie") == ["Tôlerie Savoyarde", "Soudure Martin"]

    es_settings.ELASTICSEARCH_URL = CLOSED_PORT
    deleted = catalogue.b.pk
    catalogue.b.delete()  # succeeds; the engine is told later
    assert PendingIndexOperation.objects.get(profile_id=deleted).action == "delete"

    es_settings.ELASTICSEARCH_URL = es_url
    assert engine_names(text="tôlerie") == ["Tôlerie Savoyarde", "Soudure Martin"]  # stale until replayed
    assert sync.retry_pending() == 0
    assert engine_names(text="tôlerie") == ["Soudure Martin"]


def test_full_rebuild_after_an_outage_catches_up(catalogue, es_settings, es_url, django_capture_on_commit_callbacks):
    es_settings.ELASTICSEARCH_URL = CLOSED_PORT
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.d.organisation.name = "Armor Précision"
        catalogue.d.organisation.save()
    assert PendingIndexOperation.objects.filter(profile_id=catalogue.d.pk).exists()
    with pytest.raises(CommandError, match="Elasticsearch"):
        rebuild()  # the database index is rebuilt; the engine's failure is reported, not hidden

    es_settings.ELASTICSEARCH_URL = es_url
    assert "elasticsearch: 5 supplier(s) indexed" in rebuild()
    assert not PendingIndexOperation.objects.exists()
    assert engine_names(text="armor") == ["Armor Précision"]
    assert len(engine_names(page_size=100)) == 5


def test_deleting_a_profile_removes_it_from_the_engine_at_once(catalogue, es_settings):
    rebuild()
    catalogue.b.delete()
    assert engine_names(text="tôlerie") == ["Soudure Martin"]
    catalogue.c.status = catalogue.c.Status.DRAFT
    catalogue.c.save()
    assert "Usinage Multisite" not in engine_names(page_size=100)


def test_rebuild_keeps_serving_and_swaps_the_alias(catalogue, es_settings):
    backend = get_backend()
    rebuild()
    (old,) = backend.client.indices.get_alias(name=backend.alias).body
    during = {}

    def while_loading(count):
        # The new version is loaded but not yet behind the alias: searches still see the old one.
        during["versions"] = sorted(backend.client.indices.get(index=f"{backend.alias}-v*").body)
        during["total"] = backend.search(SupplierQuery()).total
        during["tolerie"] = [hit.name for hit in backend.search(SupplierQuery(text="tôlerie")).hits]
        # A change made while the rebuild runs reaches the new version too.
        backend.delete([catalogue.f.pk])

    assert backend.rebuild(progress=while_loading) == 5
    assert len(during["versions"]) == 2 and old in during["versions"]
    assert during["total"] == 5
    assert during["tolerie"] == ["Tôlerie Savoyarde", "Soudure Martin"]

    (new,) = backend.client.indices.get_alias(name=backend.alias).body
    assert new != old
    assert not backend.client.indices.exists(index=old)
    assert not backend.client.indices.exists_alias(name=backend.next_alias)
    assert engine_names(text="tôlerie") == ["Tôlerie Savoyarde"]
    assert backend.search(SupplierQuery()).total == 4


def test_health_needs_the_cluster_and_the_alias(es_settings, es_url, db):
    backend = ElasticsearchBackend(url=es_url, index=es_settings.SEARCH_ELASTICSEARCH_INDEX)
    assert backend.health() is False  # reachable, but no index yet
    backend.create_index()
    assert backend.health() is True
    assert ElasticsearchBackend(url=CLOSED_PORT, index=backend.alias).health() is False


def test_engine_errors_are_search_backend_unavailable(es_settings, db):
    down = ElasticsearchBackend(url=CLOSED_PORT, index=es_settings.SEARCH_ELASTICSEARCH_INDEX)
    with pytest.raises(SearchBackendUnavailable):
        down.search(SupplierQuery(text="tôlerie"))
    with pytest.raises(SearchBackendUnavailable):
        down.delete([1])


def test_a_typo_is_forgiven_only_when_the_exact_words_find_nothing(catalogue, es_settings):
    rebuild()
    assert engine_names(text="tolreie") == ["Tôlerie Savoyarde", "Soudure Martin"]  # fuzzy second pass
    # « inox » is one edit from « iso »: with exact hits, typos add nothing.
    assert engine_names(text="inox") == ["Décolletage du Rhône"]
