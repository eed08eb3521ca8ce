"""The reference data loader: complete, idempotent, Paris/Lyon/Marseille handled."""
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.geo.models import Commune, Departement, NafCode, PostalCode, Region

pytestmark = pytest.mark.django_db


def table_counts():
    return {model.__name__: model.objects.count() for model in (Region, Departement, Commune, PostalCode, NafCode)}


def load(**options):
    out = StringIO()
    call_command("load_reference_data", stdout=out, **options)
    return out.getvalue()


def test_session_database_holds_every_reference_table():
    assert table_counts() == {
        "Region": 18,
        "Departement": 101,
        "Commune": 34976,
        "PostalCode": 35458,
        "NafCode": 732,
    }


def test_running_the_loader_again_changes_nothing():
    before = table_counts()

    output = load()

    assert table_counts() == before
    assert "Communes : 34976 (0 créés, 0 mis à jour, 34976 inchangés, 0 supprimés)" in output


def test_loader_restores_a_commune_name_changed_in_the_database():
    Commune.objects.filter(insee="01308").update(name="Pougny-le-Vieux")

    output = load()

    assert Commune.objects.get(insee="01308").name == "Pougny"
    assert "Communes : 34976 (0 créés, 1 mis à jour, 34975 inchangés, 0 supprimés)" in output


def test_loader_recreates_deleted_rows_without_duplicating_others():
    NafCode.objects.filter(code="25.62B").delete()
    PostalCode.objects.filter(code="69100").delete()

    load(quiet=True)

    assert NafCode.objects.get(code="25.62B").label
    assert list(PostalCode.objects.filter(code="69100").values_list("commune_id", flat=True)) == ["69266"]
    assert PostalCode.objects.count() == 35458


def test_rows_missing_from_the_files_are_kept_unless_pruning():
    NafCode.objects.create(
        code="99.99Z",
        label="Activité retirée",
        section="U",
        section_label="X",
        division="99",
        division_label="X",
        group="99.9",
        group_label="X",
    )
    Commune.objects.create(
        insee="01999", name="Commune fusionnée", departement_id="01", region_id="84", latitude=46.0, longitude=5.0
    )

    load(quiet=True)
    assert NafCode.objects.filter(code="99.99Z").exists()
    assert Commune.objects.filter(insee="01999").exists()

    output = load(prune=True)
    assert not NafCode.objects.filter(code="99.99Z").exists()
    assert not Commune.objects.filter(insee="01999").exists()
    assert "Codes NAF : 732 (0 créés, 0 mis à jour, 732 inchangés, 1 supprimés)" in output


def test_quiet_loader_prints_nothing():
    assert load(quiet=True) == ""


def test_paris_is_one_commune_with_its_arrondissements_and_postal_codes():
    paris = Commune.objects.get(insee="75056")

    assert paris.kind == Commune.Kind.COMMUNE
    assert paris.departement_id == "75" and paris.region_id == "11"
    assert paris.arrondissements.count() == 20
    assert paris.arrondissements.filter(kind=Commune.Kind.ARRONDISSEMENT).count() == 20
    codes = set(paris.postal_codes.values_list("code", flat=True))
    assert len(codes) == 21  # 75001…75020 and 75116
    assert {"75001", "75020", "75116"} <= codes


def test_an_arrondissement_points_at_its_city_and_keeps_all_its_postal_codes():
    sixteenth = Commune.objects.get(insee="75116")

    assert sixteenth.parent_id == "75056"
    assert sorted(sixteenth.postal_codes.values_list("code", flat=True)) == ["75016", "75116"]


def test_lyon_and_marseille_have_their_arrondissements():
    assert Commune.objects.get(insee="69123").arrondissements.count() == 9
    assert Commune.objects.get(insee="13055").arrondissements.count() == 16


def test_corsican_communes_keep_their_2a_2b_codes():
    ajaccio = Commune.objects.get(insee="2A004")

    assert ajaccio.name == "Ajaccio"
    assert ajaccio.departement_id == "2A"
    assert ajaccio.region.name == "Corse"
    assert ajaccio.postal_codes.filter(code="20000").exists()
