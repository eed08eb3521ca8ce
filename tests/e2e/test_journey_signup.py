"""Journey (a): a person signs up, verifies the email, creates an organisation, switches language."""
import re

import pytest
from django.core import mail

from marketplace.accounts.models import Organisation
from tests.factories import make_siret

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Un-mot-de-passe-solide-2026"


def _verification_link(email):
    for message in reversed(mail.outbox):
        if email in message.to:
            match = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body)
            if match:
                return match.group(0)
    raise AssertionError(f"no verification email for {email}: {[m.subject for m in mail.outbox]}")


def test_signup_verify_create_organisation_and_switch_language(page, live_server):
    email = "nouvelle.pme@example.test"
    siret = make_siret(987_654)

    page.goto("/accounts/signup/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile(r"Mot de passe \(confirmation\)|Confirmer|à nouveau", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("inscri", re.I)).click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))

    link = _verification_link(email)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name=re.compile("Confirmer", re.I)).click()

    page.wait_for_url(re.compile(r"/organisations/nouvelle/"))
    page.get_by_label("Raison sociale").fill("Tôlerie Fine du Forez")
    page.get_by_label("SIRET du siège").fill(siret)
    page.get_by_label(re.compile(r"^\s*Fournisseur")).check()
    page.get_by_label("Code postal").fill("42000")
    page.get_by_label("Code postal").blur()
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=commune] option')].some(o => /Saint-[ÉE]tienne/.test(o.textContent))"
    )
    page.locator("select[name=commune]").select_option(
        page.locator("select[name=commune] option", has_text="Saint-").first.get_attribute("value")
    )
    page.get_by_role("button", name=re.compile("Créer", re.I)).click()

    page.wait_for_url(re.compile(r"/tableau-de-bord/"))
    assert page.get_by_text("Tôlerie Fine du Forez").first.is_visible()
    organisation = Organisation.objects.get(siret=siret)
    assert organisation.memberships.get().user.email == email

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_url(re.compile(r"/en/tableau-de-bord/"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Dashboard").first.is_visible()

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url(re.compile(r"^" + re.escape(live_server.url) + r"/tableau-de-bord/"))
    assert page.locator("html").get_attribute("lang") == "fr"
