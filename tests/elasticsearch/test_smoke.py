"""Smoke tests against a real Elasticsearch 8 node (no Django, no database).

Start one with `make es-start` (bash tools/elasticsearch/es.sh start), then run
`ELASTICSEARCH_URL=http://127.0.0.1:9201 pytest -m elasticsearch tests/elasticsearch`.
Skipped when ELASTICSEARCH_URL is not set.
"""

import os
import uuid

import pytest

pytestmark = pytest.mark.elasticsearch

FRENCH_ARTICLES = ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]

FRENCH_ANALYSIS = {
    "filter": {
        "french_elision": {"type": "elision", "articles_case": True, "articles": FRENCH_ARTICLES},
        "french_stop": {"type": "stop", "stopwords": "_french_"},
        "french_stemmer": {"type": "stemmer", "language": "light_french"},
    },
    "analyzer": {
        "french_custom": {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["french_elision", "lowercase", "french_stop", "asciifolding", "french_stemmer"],
        }
    },
}

SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0, "analysis": FRENCH_ANALYSIS}


@pytest.fixture(scope="module")
def es():
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set (start a node with `make es-start`)")
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url, request_timeout=30)
    yield client
    client.close()


@pytest.fixture
def index_name(es):
    name = f"test-smoke-{uuid.uuid4().hex[:12]}"
    yield name
    es.options(ignore_status=404).indices.delete(index=name)


def tokens(es, index, text):
    response = es.indices.analyze(index=index, analyzer="french_custom", text=text)
    return [t["token"] for t in response["tokens"]]


def test_info_reports_elasticsearch_8(es):
    info = es.info()  # the client itself rejects a server that fails the product check
    assert info.meta.headers.get("x-elastic-product") == "Elasticsearch"
    assert info["version"]["number"].startswith("8.")
    assert info["cluster_name"]
    assert es.cluster.health(wait_for_status="yellow", timeout="30s")["status"] in {"yellow", "green"}


def test_custom_french_analyzer(es, index_name):
    es.indices.create(index=index_name, settings=SETTINGS)

    assert tokens(es, index_name, "l'usinage des pièces tournées") == ["usinag", "piec", "tourn"]
    # elision is case-insensitive, accents fold, plural and feminine forms share a stem
    assert tokens(es, index_name, "L'Usinage de la pièce tournée") == ["usinag", "piec", "tourn"]
    assert tokens(es, index_name, "pieces tournees") == ["piec", "tourn"]


def test_geo_distance_and_terms_aggregation(es, index_name):
    es.indices.create(
        index=index_name,
        settings=SETTINGS,
        mappings={
            "properties": {
                "name": {"type": "text", "analyzer": "french_custom"},
                "city": {"type": "keyword"},
                "location": {"type": "geo_point"},
            }
        },
    )
    suppliers = [
        ("paris-1", "Décolletage de Paris", "Paris", {"lat": 48.8566, "lon": 2.3522}),
        ("paris-2", "Usinage Montmartre", "Paris", {"lat": 48.8867, "lon": 2.3431}),
        ("boulogne", "Tournage Boulogne", "Boulogne-Billancourt", {"lat": 48.8397, "lon": 2.2399}),
        ("lyon", "Fraisage Lyonnais", "Lyon", {"lat": 45.7640, "lon": 4.8357}),
    ]
    for doc_id, name, city, location in suppliers:
        es.index(index=index_name, id=doc_id, document={"name": name, "city": city, "location": location})
    es.indices.refresh(index=index_name)

    near_paris = es.search(
        index=index_name,
        query={"geo_distance": {"distance": "20km", "location": {"lat": 48.8566, "lon": 2.3522}}},
        sort=[{"_geo_distance": {"location": {"lat": 48.8566, "lon": 2.3522}, "order": "asc", "unit": "km"}}],
    )
    assert [hit["_id"] for hit in near_paris["hits"]["hits"]] == ["paris-1", "paris-2", "boulogne"]

    by_city = es.search(index=index_name, size=0, aggs={"cities": {"terms": {"field": "city"}}})
    buckets = {b["key"]: b["doc_count"] for b in by_city["aggregations"]["cities"]["buckets"]}
    assert buckets == {"Paris": 2, "Boulogne-Billancourt": 1, "Lyon": 1}


def test_percolator(es, index_name):
    es.indices.create(
        index=index_name,
        settings=SETTINGS,
        mappings={
            "properties": {
                "query": {"type": "percolator"},
                "title": {"type": "text", "analyzer": "french_custom"},
                "quantity": {"type": "integer"},
            }
        },
    )
    es.index(
        index=index_name,
        id="alert-turned-parts",
        document={
            "query": {
                "bool": {
                    "must": [{"match": {"title": {"query": "pièce tournée", "operator": "and"}}}],
                    "filter": [{"range": {"quantity": {"gte": 100}}}],
                }
            }
        },
    )
    es.index(index=index_name, id="alert-milling", document={"query": {"match": {"title": "fraisage"}}})
    es.indices.refresh(index=index_name)

    result = es.search(
        index=index_name,
        query={
            "percolate": {
                "field": "query",
                "document": {"title": "Usinage de pièces tournées en série", "quantity": 500},
            }
        },
    )
    hits = result["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["alert-turned-parts"]
    assert hits[0]["fields"]["_percolator_document_slot"] == [0]

    too_few = es.search(
        index=index_name,
        query={"percolate": {"field": "query", "document": {"title": "pièces tournées", "quantity": 10}}},
    )
    assert too_few["hits"]["hits"] == []
