"""The behaviour every supplier search backend must have, checked on each of them.

``SupplierSearchContract`` holds the cases; each backend subclasses it once and provides the
``backend`` fixture. The database backend runs on the suite's database (SQLite with `make test`,
PostgreSQL in CI stage 2); the Elasticsearch backend runs against a real node and is skipped,
not faked, when ``ELASTICSEARCH_URL`` is unset. Both see the same catalogue (tests/search/conftest.py)
and must give the same answers: same hits, same order where the order is unambiguous, same facets.
"""
import os
import uuid

import pytest

from marketplace.geo.services import haversine_km
from search import sync
from search.backends.base import SearchBackend
from search.backends.database import DatabaseBackend
from search.query import GeoPoint, SupplierQuery


def names(result):
    return [hit.name for hit in result.hits]


class SupplierSearchContract:
    """Cases shared by every backend; subclasses provide a ``backend`` fixture (an empty index)."""

    @pytest.fixture
    def indexed(self, backend, catalogue):
        sync.apply(backend, [p.pk for p in (*catalogue.published, catalogue.e)])
        return catalogue

    def search(self, backend, **kwargs):
        return backend.search(SupplierQuery(**kwargs))

    def test_backend_implements_the_interface_and_reports_health(self, backend):
        assert isinstance(backend, SearchBackend)
        assert backend.health() is True

    def test_text_search_ignores_accents_case_and_plurals(self, backend, indexed):
        expected = ["Tôlerie Savoyarde", "Soudure Martin"]
        assert names(self.search(backend, text="tolerie")) == expected
        assert names(self.search(backend, text="TÔLERIES")) == expected
        assert names(self.search(backend, text="tôlerie")) == expected

    def test_stemming_matches_singular_and_plural_participles(self, backend, indexed):
        assert names(self.search(backend, text="découpes lasers")) == ["Tôlerie Savoyarde"]
        assert names(self.search(backend, text="ateliers")) == ["Usinage Multisite"]

    def test_skill_synonym_in_french_finds_the_skill(self, backend, indexed):
        assert names(self.search(backend, text="pièces tournées")) == ["Décolletage du Rhône"]
        assert names(self.search(backend, text="piece tournee")) == ["Décolletage du Rhône"]

    def test_english_synonym_finds_the_french_skill(self, backend, indexed):
        # Soudure Martin mentions « tôlerie » in its presentation: the synonym reaches it too.
        assert names(self.search(backend, text="sheet metal")) == ["Tôlerie Savoyarde", "Soudure Martin"]

    def test_material_synonym_finds_the_material(self, backend, indexed):
        assert names(self.search(backend, text="stainless")) == ["Décolletage du Rhône"]

    def test_a_typo_finds_the_word_it_misspells_when_the_words_as_typed_find_nothing(self, backend, indexed):
        assert names(self.search(backend, text="tolerei")) == ["Tôlerie Savoyarde", "Soudure Martin"]
        assert names(self.search(backend, text="decoletage")) == ["Décolletage du Rhône"]
        assert self.search(backend, text="xqzwvyk").total == 0

    def test_english_certification_names_are_searched(self, backend, indexed):
        from suppliers.models import CertificationType

        CertificationType.objects.filter(pk__in=[indexed.iso9001.pk, indexed.en9100.pk]).update(name_en="")
        sync.apply(backend, [p.pk for p in indexed.published])
        assert self.search(backend, text="quality management").total == 0
        CertificationType.objects.filter(pk=indexed.iso9001.pk).update(name_en="ISO 9001 — Quality management")
        sync.apply(backend, [p.pk for p in indexed.published])
        # Mécanique Bretonne's ISO 9001 has expired; Tôlerie Savoyarde holds EN 9100 only.
        assert names(self.search(backend, text="quality management", sort="name")) == [
            "Décolletage du Rhône", "Usinage Multisite",
        ]

    def test_draft_profiles_are_never_found(self, backend, indexed):
        assert "Brouillon Industrie" not in names(self.search(backend, text="tôlerie"))
        assert "Brouillon Industrie" not in names(self.search(backend, page_size=100))

    def test_empty_query_without_filters_lists_every_published_supplier(self, backend, indexed):
        result = self.search(backend, sort="name")
        assert result.total == 5
        assert names(result) == [
            "Décolletage du Rhône", "Mécanique Bretonne", "Soudure Martin", "Tôlerie Savoyarde", "Usinage Multisite",
        ]

    def test_empty_query_with_filters_lists_every_match(self, backend, indexed):
        result = self.search(backend, sectors=("automobile",), sort="name")
        assert names(result) == ["Décolletage du Rhône", "Mécanique Bretonne"]

    def test_filters_are_ored_within_a_facet_and_anded_across(self, backend, indexed):
        either = self.search(backend, sectors=("automobile", "medical"), sort="name")
        assert names(either) == ["Décolletage du Rhône", "Mécanique Bretonne", "Usinage Multisite"]
        both = self.search(backend, sectors=("automobile", "medical"), certifications=("iso-9001",), sort="name")
        assert names(both) == ["Décolletage du Rhône", "Usinage Multisite"]

    def test_skill_filter_includes_sub_skills(self, backend, indexed):
        result = self.search(backend, skills=("usinage",), sort="name")
        assert names(result) == ["Décolletage du Rhône", "Mécanique Bretonne", "Usinage Multisite"]
        assert names(self.search(backend, skills=("tournage",), sort="name")) == [
            "Décolletage du Rhône", "Usinage Multisite",
        ]

    def test_expired_certifications_do_not_count(self, backend, indexed):
        result = self.search(backend, certifications=("iso-9001",), sort="name")
        assert names(result) == ["Décolletage du Rhône", "Usinage Multisite"]

    def test_verified_only_keeps_verified_suppliers(self, backend, indexed):
        assert names(self.search(backend, verified_only=True, sort="name")) == ["Décolletage du Rhône", "Usinage Multisite"]

    def test_region_and_departement_filters_use_every_site(self, backend, indexed):
        assert names(self.search(backend, regions=("93",))) == ["Usinage Multisite"]
        assert names(self.search(backend, departements=("35",), sort="name")) == ["Mécanique Bretonne", "Soudure Martin"]

    def test_facets_count_the_suppliers_matching_all_filters(self, backend, indexed):
        result = self.search(backend, sectors=("aeronautique",))
        assert result.total == 2
        assert result.facets["sector"] == {"aeronautique": 2, "medical": 1}
        assert result.facets["skill"] == {"fraisage": 1, "soudage": 1, "tolerie": 1, "tournage": 1, "usinage": 1}
        assert result.facets["certification"] == {"en-9100": 1, "iso-9001": 1}
        assert result.facets["region"] == {"84": 2, "93": 1}

    def test_facets_follow_the_text_query(self, backend, indexed):
        result = self.search(backend, text="tôlerie")
        assert result.facets["region"] == {"53": 1, "84": 1}
        assert result.facets["skill"] == {"soudage": 2, "tolerie": 1}

    def test_radius_boundary_is_inclusive_and_exact(self, backend, indexed):
        lyon = indexed.a.sites.get()
        annecy = indexed.b.sites.get()
        exact = haversine_km(lyon.latitude, lyon.longitude, annecy.latitude, annecy.longitude)
        at_lyon = GeoPoint(lyon.latitude, lyon.longitude)

        inside = self.search(backend, location=at_lyon, radius_km=exact, sort="distance")
        assert names(inside) == ["Décolletage du Rhône", "Usinage Multisite", "Tôlerie Savoyarde"]  # Grenoble is nearer
        assert inside.hits[-1].distance_km == pytest.approx(exact, abs=0.01)

        just_short = self.search(backend, location=at_lyon, radius_km=exact - 0.001, sort="distance")
        assert names(just_short) == ["Décolletage du Rhône", "Usinage Multisite"]

    def test_multi_site_supplier_matches_on_its_nearest_site(self, backend, indexed):
        grenoble, marseille = (indexed.c.sites.get(commune__insee=i) for i in ("38185", "13055"))
        near_marseille = GeoPoint(43.5297, 5.4474)  # Aix-en-Provence
        expected = haversine_km(near_marseille.latitude, near_marseille.longitude, marseille.latitude, marseille.longitude)

        result = self.search(backend, location=near_marseille, radius_km=50)
        assert names(result) == ["Usinage Multisite"]
        assert result.hits[0].distance_km == pytest.approx(expected, abs=0.01)
        assert result.hits[0].commune == "Marseille"
        farther = haversine_km(near_marseille.latitude, near_marseille.longitude, grenoble.latitude, grenoble.longitude)
        assert farther > 50

    def test_sort_by_distance_orders_by_nearest_site(self, backend, indexed):
        at_grenoble = GeoPoint(45.18423, 5.71554)
        result = self.search(backend, location=at_grenoble, sort="distance", page_size=10)
        assert result.total == 5
        assert names(result)[0] == "Usinage Multisite"
        assert result.hits[0].distance_km == 0
        distances = [hit.distance_km for hit in result.hits]
        assert distances == sorted(distances)
        assert names(result)[-2:] == ["Mécanique Bretonne", "Soudure Martin"]  # both in Rennes: by name

    def test_name_match_ranks_above_a_passing_mention(self, backend, indexed):
        result = self.search(backend, text="tôlerie")
        assert result.hits[0].name == "Tôlerie Savoyarde"
        assert result.hits[0].score > result.hits[1].score

    def test_hit_carries_display_fields_and_why(self, backend, indexed):
        hit = self.search(backend, text="pièces tournées", certifications=("iso-9001",)).hits[0]
        assert (hit.id, hit.slug, hit.siret) == (indexed.a.pk, indexed.a.slug, indexed.a.organisation.siret)
        assert hit.commune == "Lyon"
        assert hit.skills == ["Décolletage"]
        assert hit.certifications == ["ISO 9001"]
        assert hit.sectors == ["Automobile"]
        assert hit.verified is True
        assert "Décolletage" in hit.why and "ISO 9001" in hit.why

    def test_highlights_mark_query_words_and_escape_html(self, backend, indexed):
        hit = self.search(backend, text="laser").hits[0]
        assert hit.highlights == ["Tôlerie fine et découpe <mark>laser</mark> pour l&#x27;aéronautique."]

    def test_query_syntax_characters_are_plain_text(self, backend, indexed):
        assert names(self.search(backend, text='"tôlerie" (laser)* -découpe:')) == ["Tôlerie Savoyarde"]
        # OR is not an operator: both words are required, and no supplier has both.
        assert names(self.search(backend, text="tôlerie OR décolletage")) == []
        for text in ['NEAR("', "*", '"', "name:tolerie", "AND (", "^-+~"]:
            self.search(backend, text=text)  # never a syntax error

    def test_delete_removes_from_results_at_once(self, backend, indexed):
        backend.delete([indexed.b.pk])
        assert names(self.search(backend, text="tôlerie")) == ["Soudure Martin"]

    def test_unpublished_profile_is_removed(self, backend, indexed):
        indexed.b.status = indexed.b.Status.DRAFT
        indexed.b.save()
        sync.apply(backend, [indexed.b.pk])
        assert names(self.search(backend, text="tôlerie")) == ["Soudure Martin"]

    def test_reindexing_is_idempotent(self, backend, indexed):
        sync.apply(backend, [p.pk for p in indexed.published])
        assert self.search(backend).total == 5

    def test_pagination_is_stable_and_complete(self, backend, indexed):
        everything = names(self.search(backend, page_size=100))
        pages = [names(self.search(backend, page=page, page_size=2)) for page in (1, 2, 3)]
        assert [len(p) for p in pages] == [2, 2, 1]
        assert sum(pages, []) == everything
        assert sorted(everything) == sorted(set(everything))
        assert self.search(backend, page=4, page_size=2).hits == []
        assert self.search(backend, page=4, page_size=2).total == 5

    def test_rebuild_indexes_published_profiles_only(self, backend, indexed):
        backend.delete([p.pk for p in indexed.published])
        progress = []
        assert backend.rebuild(progress=progress.append) == 5
        assert sum(progress) == 5
        assert self.search(backend).total == 5


class TestDatabaseBackendContract(SupplierSearchContract):
    @pytest.fixture
    def backend(self, db):
        return DatabaseBackend()

    # Typo correction on the database backend names the words it searched (search/spelling.py).
    def test_a_corrected_typo_says_which_words_were_searched(self, backend, indexed):
        result = self.search(backend, text="tolerei")
        assert result.corrected_text == "tôlerie"
        assert result.query.text == "tolerei"
        assert self.search(backend, text="decoletage").corrected_text == "décolletage"
        # Only the unknown word changes; the known one stays as typed.
        assert self.search(backend, text="tolerei fine").corrected_text == "tôlerie fine"

    def test_words_that_find_something_are_never_corrected(self, backend, indexed):
        assert self.search(backend, text="tôlerie").corrected_text == ""
        # No hit because of a filter, not of a typo: nothing to correct, nothing invented.
        result = self.search(backend, text="tôlerie", sectors=("medical",))
        assert (result.total, result.corrected_text) == (0, "")

    def test_a_correction_that_finds_nothing_either_is_not_offered(self, backend, indexed):
        result = self.search(backend, text="decoletage", sectors=("aeronautique",))
        assert (result.total, result.corrected_text) == (0, "")

    def test_corrected_hits_are_highlighted_on_the_corrected_word(self, backend, indexed):
        hit = self.search(backend, text="decoletage").hits[0]
        assert any("<mark>décolletage</mark>" in fragment for fragment in hit.highlights)


@pytest.mark.elasticsearch
class TestElasticsearchBackendContract(SupplierSearchContract):
    @pytest.fixture
    def backend(self, db):
        url = os.environ.get("ELASTICSEARCH_URL")
        if not url:
            pytest.skip("ELASTICSEARCH_URL is not set (start a node with `make es-start`)")
        from search.backends.elasticsearch import ElasticsearchBackend

        # A fresh index each test; a short refresh interval, since every write waits for a refresh.
        backend = ElasticsearchBackend(url=url, index=f"test-suppliers-{uuid.uuid4().hex[:12]}", refresh_interval="50ms")
        backend.create_index()
        yield backend
        backend.drop_index()
