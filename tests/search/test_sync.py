"""The index follows the profiles: saves index after commit, deletions and unpublishing remove at once."""
import io

from django.core.management import call_command

from search.backends import search_suppliers
from search.models import SupplierIndexEntry
from search.query import GeoPoint, SupplierQuery

from .factories import ProductionSiteFactory, SupplierCertificationFactory


def found(**kwargs):
    return [hit.name for hit in search_suppliers(SupplierQuery(**kwargs)).hits]


def test_saving_a_published_profile_indexes_it_after_commit(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        catalogue.b.tagline = "Chaudronnerie légère"
        catalogue.b.save()
    assert not SupplierIndexEntry.objects.filter(pk=catalogue.b.pk).exists()
    assert callbacks, "indexing waits for the commit"
    for callback in callbacks:
        callback()
    assert found(text="chaudronnerie") == ["Tôlerie Savoyarde"]


def test_raw_saves_are_not_indexed(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        catalogue.b.save_base(raw=True)
    assert callbacks == []
    assert not SupplierIndexEntry.objects.filter(pk=catalogue.b.pk).exists()


def test_unpublishing_removes_from_the_index_at_once(indexed_catalogue):
    indexed_catalogue.b.status = indexed_catalogue.b.Status.DRAFT
    indexed_catalogue.b.save()
    assert found(text="tôlerie") == ["Soudure Martin"]


def test_deleting_a_profile_removes_it_at_once(indexed_catalogue):
    indexed_catalogue.b.delete()
    assert found(text="tôlerie") == ["Soudure Martin"]


def test_a_new_site_makes_the_supplier_findable_near_it(indexed_catalogue, django_capture_on_commit_callbacks):
    at_nantes = GeoPoint(47.2184, -1.5536)
    assert found(location=at_nantes, radius_km=30) == []
    with django_capture_on_commit_callbacks(execute=True):
        ProductionSiteFactory(profile=indexed_catalogue.a, insee="44109")  # Nantes
    assert found(location=at_nantes, radius_km=30) == ["Décolletage du Rhône"]


def test_a_new_certification_is_searchable(indexed_catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        SupplierCertificationFactory(profile=indexed_catalogue.d, certification_type=indexed_catalogue.en9100)
    assert found(certifications=("en-9100",), sort="name") == ["Mécanique Bretonne", "Tôlerie Savoyarde"]


def test_english_certification_names_find_their_holders_once_the_type_is_saved(
    indexed_catalogue, django_capture_on_commit_callbacks
):
    cat = indexed_catalogue
    with django_capture_on_commit_callbacks(execute=True):
        for certification in (cat.iso9001, cat.en9100):
            certification.name_en = ""  # the seeded rows have English names already
            certification.save()
    assert found(text="quality management") == []
    with django_capture_on_commit_callbacks(execute=True):
        cat.iso9001.name_en = "ISO 9001 — Quality management"
        cat.iso9001.save()
        cat.en9100.name_en = "EN 9100 — Aerospace quality management"
        cat.en9100.save()
    # Mécanique Bretonne's ISO 9001 has expired: it is not a holder any more.
    assert set(found(text="quality management")) == {"Décolletage du Rhône", "Tôlerie Savoyarde", "Usinage Multisite"}
    assert found(text="aerospace quality", certifications=("en-9100",)) == ["Tôlerie Savoyarde"]


def test_adding_a_skill_reindexes_the_profile(indexed_catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        indexed_catalogue.d.skills.add(indexed_catalogue.tolerie)
    assert found(skills=("tolerie",), sort="name") == ["Mécanique Bretonne", "Tôlerie Savoyarde"]


def test_renaming_a_skill_reindexes_holders_of_it_and_of_its_sub_skills(
    indexed_catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        indexed_catalogue.tournage.name = "Tournage CN"
        indexed_catalogue.tournage.save()
    hits = {hit.name: hit for hit in search_suppliers(SupplierQuery(skills=("tournage",))).hits}
    assert hits["Usinage Multisite"].skills == ["Fraisage", "Tournage CN"]
    # Décolletage sits under tournage: its holder's document names the parent skill.
    assert "Tournage CN" in SupplierIndexEntry.objects.get(pk=indexed_catalogue.a.pk).skills_text


def test_renaming_the_organisation_reindexes_its_profile(indexed_catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        indexed_catalogue.d.organisation.name = "Armor Précision"
        indexed_catalogue.d.organisation.save()
    assert found(text="armor") == ["Armor Précision"]


def test_search_rebuild_indexes_everything_published_and_is_idempotent(catalogue):
    SupplierIndexEntry.objects.all().delete()
    for _ in range(2):
        out = io.StringIO()
        call_command("search_rebuild", quiet=True, stdout=out)
        assert "database: 5 supplier(s) indexed" in out.getvalue()
        assert SupplierIndexEntry.objects.count() == 5
    assert found(text="tôlerie") == ["Tôlerie Savoyarde", "Soudure Martin"]


def test_search_rebuild_drops_entries_of_profiles_no_longer_published(indexed_catalogue):
    type(indexed_catalogue.c).objects.filter(pk=indexed_catalogue.c.pk).update(status="draft")  # no signal
    call_command("search_rebuild", quiet=True, stdout=io.StringIO())
    assert "Usinage Multisite" not in found(page_size=100)


def test_a_draft_profile_is_never_indexed(catalogue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        catalogue.e.tagline = "Toujours en brouillon"
        catalogue.e.save()
    assert not SupplierIndexEntry.objects.filter(pk=catalogue.e.pk).exists()


def test_building_documents_takes_the_same_queries_for_one_profile_or_all(catalogue, django_assert_num_queries):
    from search.documents import build_documents
    from suppliers.models import SupplierProfile

    every = list(SupplierProfile.objects.published().values_list("pk", flat=True))
    assert len(every) > 2
    with django_assert_num_queries(10):
        one = build_documents(every[:1])
    with django_assert_num_queries(10):
        documents = build_documents(every)
    assert [d.id for d in one] == every[:1]
    assert sorted(d.id for d in documents) == sorted(every)
    assert build_documents([]) == []
