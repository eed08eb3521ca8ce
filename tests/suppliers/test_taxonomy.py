"""The reference lists seeded by the data migration, and their staff editing in the CMS admin."""
import pytest
from django.apps import apps

from suppliers.data import read, seed_reference_lists
from suppliers.models import CertificationType, Material, Sector, Skill

pytestmark = pytest.mark.django_db


def test_at_least_eighty_skills_are_seeded_each_with_french_and_english_names():
    skills = list(Skill.objects.all())
    assert len(skills) >= 80
    assert all(skill.name and skill.name_en for skill in skills)


def test_every_skill_parent_exists_and_the_tree_has_the_expected_branches():
    slugs = {skill.slug: skill for skill in Skill.objects.select_related("parent")}
    for row in read("skills.json"):
        if row["parent"]:
            assert slugs[row["slug"]].parent.slug == row["parent"]
    assert {s.slug for s in slugs["usinage"].children.all()} >= {
        "tournage", "decolletage", "fraisage-3-axes", "fraisage-5-axes", "rectification", "electroerosion",
    }
    assert {s.slug for s in slugs["tolerie"].children.all()} >= {"decoupe-laser", "poinconnage", "pliage", "emboutissage"}
    assert {s.slug for s in slugs["traitement-de-surface"].children.all()} >= {
        "anodisation", "peinture-poudre", "galvanisation", "nickelage", "passivation",
    }


def test_decolletage_has_french_and_english_synonyms():
    synonyms = Skill.objects.get(slug="decolletage").synonym_list
    assert "pièces tournées" in synonyms
    assert "bar turning" in synonyms
    assert "Swiss-type turning" in synonyms


def test_skills_are_linked_to_the_sectors_they_serve():
    assert Skill.objects.get(slug="injection-plastique").sectors.filter(slug="plasturgie-composites").exists()
    assert not Skill.objects.filter(sectors__isnull=True).exists()


def test_sectors_have_stable_slugs_and_bilingual_names_and_descriptions():
    slugs = set(Sector.objects.values_list("slug", flat=True))
    assert {
        "mecanique-metallurgie", "plasturgie-composites", "electronique", "sante-biotech",
        "aeronautique-automobile-ferroviaire-naval", "cosmetique-parfum", "textiles-techniques",
    } <= slugs
    assert len(slugs) >= 23
    for sector in Sector.objects.all():
        assert sector.name and sector.name_en and sector.description and sector.description_en


def test_materials_and_certification_types_are_seeded():
    assert Material.objects.count() >= 30
    assert {"inox-316l", "aluminium-7075", "titane-ta6v", "peek", "aramide"} <= set(Material.objects.values_list("slug", flat=True))
    codes = set(CertificationType.objects.values_list("code", flat=True))
    assert {"ISO 9001", "EN 9100", "ISO 13485", "IATF 16949", "ISO 22716", "NADCAP", "EN 15085", "PART 21G"} <= codes
    assert CertificationType.objects.filter(name="Origine France Garantie").exists()


def test_seeding_again_updates_rows_without_duplicating_them():
    before = (Skill.objects.count(), Sector.objects.count(), Material.objects.count(), CertificationType.objects.count())
    Skill.objects.filter(slug="tournage").update(name="Nom modifié")
    seed_reference_lists(apps)
    after = (Skill.objects.count(), Sector.objects.count(), Material.objects.count(), CertificationType.objects.count())
    assert before == after
    assert Skill.objects.get(slug="tournage").name == "Tournage"


def test_skill_label_follows_the_active_language():
    from django.utils import translation

    skill = Skill.objects.get(slug="decolletage")
    with translation.override("en"):
        assert skill.label == "Bar turning"
    with translation.override("fr"):
        assert skill.label == "Décolletage"


def test_reference_lists_are_registered_as_snippets_under_one_menu():
    from wagtail.snippets.models import get_snippet_models

    assert {Sector, Skill, Material, CertificationType} <= set(get_snippet_models())
