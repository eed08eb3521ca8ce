"""The completeness score, its hints, and the minimum a profile needs before it is published."""
import pytest
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from suppliers import completeness, services
from suppliers.models import SupplierProfile
from tests.suppliers.factories import ProductionSiteFactory

pytestmark = pytest.mark.django_db


def test_weights_add_up_to_one_hundred():
    assert sum(c.weight for c in completeness.CRITERIA) == 100


def test_empty_profile_scores_zero_and_gets_hints(profile):
    result = completeness.evaluate(profile)
    assert result.score == 0
    assert "Ajoutez au moins un site de production" in result.hints


def test_score_is_recomputed_and_stored_after_each_change(owner, profile):
    services.update_profile(owner, profile, {"presentation": "Nous usinons.", "skills": ["tournage"]})
    profile.refresh_from_db()
    assert profile.completeness == 30
    services.update_profile(owner, profile, {"tagline": "Tournage de précision"})
    profile.refresh_from_db()
    assert profile.completeness == 35


def test_publishing_without_the_minimum_lists_what_is_missing(owner, profile):
    services.update_profile(owner, profile, {"skills": ["tournage"]})
    with pytest.raises(services.SupplierProfileError) as error:
        services.publish_profile(owner, profile)
    assert "rédigez la présentation de votre entreprise" in error.value.message
    assert "ajoutez au moins un site de production" in error.value.message
    assert "compétence" not in error.value.message
    profile.refresh_from_db()
    assert profile.status == SupplierProfile.Status.DRAFT


def test_an_empty_paragraph_is_not_a_presentation(owner, profile):
    services.update_profile(owner, profile, {"presentation": "<p> </p>", "skills": ["tournage"]})
    ProductionSiteFactory(profile=profile)
    with pytest.raises(services.SupplierProfileError):
        services.publish_profile(owner, profile)


def test_publish_then_unpublish(client, owner, profile):
    services.update_profile(owner, profile, {"presentation": "Nous usinons.", "skills": ["tournage"]})
    ProductionSiteFactory(profile=profile)
    client.force_login(owner)

    response = client.post(reverse("suppliers:profile_publish"), follow=True)
    profile.refresh_from_db()
    assert profile.is_published and profile.published_at
    assert "Votre profil est publié" in response.content.decode()
    assert f"/fournisseurs/{profile.slug}/" in response.content.decode()

    client.post(reverse("suppliers:profile_unpublish"))
    profile.refresh_from_db()
    assert profile.status == SupplierProfile.Status.DRAFT
    actions = list(AuditEntry.objects.filter(target_id=str(profile.pk)).values_list("action", flat=True))
    assert "supplier_profile.published" in actions and "supplier_profile.unpublished" in actions


def test_publish_button_shows_the_missing_items_as_a_message(client, owner, profile):
    client.force_login(owner)
    response = client.post(reverse("suppliers:profile_publish"), follow=True)
    assert "Le profil ne peut pas encore être publié" in response.content.decode()
