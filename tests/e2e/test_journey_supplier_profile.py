"""Journey: a supplier owner completes the profile (presentation, a skill, a production site found
by postal code), publishes it and reaches its public page."""
import re

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from suppliers.data import seed_reference_lists
from suppliers.models import SupplierProfile
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _public_page_is_routed(profile) -> bool:
    try:
        reverse("suppliers:profile_detail", kwargs={"slug": profile.slug})
    except NoReverseMatch:
        return False
    return True


def test_supplier_owner_completes_and_publishes_the_profile(page, live_server):
    # Earlier transactional tests flush every table, the migration-seeded lists included.
    seed_reference_lists(apps)
    user = UserFactory(email="dirigeante@decolletage-arve.example")
    organisation = OrganisationFactory(name="Décolletage de l'Arve", is_supplier=True)
    MembershipFactory(user=user, organisation=organisation)

    page.goto("/accounts/login/")
    page.get_by_label(re.compile("e-mail", re.I)).fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    page.wait_for_url(re.compile(r"/tableau-de-bord/"))

    page.get_by_role("link", name="Mon profil fournisseur").first.click()
    page.wait_for_url(re.compile(r"/profil-fournisseur/$"))
    assert page.get_by_text("Ajoutez au moins un site de production").first.is_visible()
    assert page.get_by_text("Brouillon").first.is_visible()

    page.get_by_role("link", name="Présentation et contact").click()
    page.get_by_label("Accroche").fill("Décolletage de précision pour l'horlogerie et le médical")
    page.get_by_label("Présentation (français)").fill("Atelier familial de 25 personnes.\nTours multibroches.")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/profil-fournisseur/$"))

    page.get_by_role("link", name="Savoir-faire").click()
    page.locator("input[name=skills][value=decolletage]").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/profil-fournisseur/$"))
    assert page.get_by_text("Décolletage", exact=True).first.is_visible()

    page.get_by_role("link", name="Sites de production").first.click()
    page.get_by_label("Nom du site").fill("Usine de Cluses")
    page.get_by_label("Code postal").fill("74300")
    page.get_by_label("Code postal").blur()
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=\"site-commune\"] option')].some(o => o.textContent.includes('Cluses'))"
    )
    page.locator("select[name='site-commune']").select_option(label="Cluses")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/profil-fournisseur/sites/$"))
    assert page.get_by_text("74300 Cluses").is_visible()

    page.get_by_role("link", name="Vue d'ensemble").click()
    page.get_by_role("button", name="Publier mon profil").click()
    assert page.get_by_text("Votre profil est publié").is_visible()
    assert page.get_by_text("Publié", exact=True).first.is_visible()

    profile = SupplierProfile.objects.get(organisation=organisation)
    assert profile.is_published
    assert profile.sites.get().commune.name == "Cluses"
    public_link = page.locator(f"a[href='/fournisseurs/{profile.slug}/']")
    assert public_link.is_visible()

    if _public_page_is_routed(profile):
        public_link.click()
        page.wait_for_url(re.compile(rf"/fournisseurs/{re.escape(profile.slug)}/$"))
        assert page.get_by_role("heading", name=organisation.name).first.is_visible()
