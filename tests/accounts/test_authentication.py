"""Sign-up with a verified email, login, password reset and the account page, through allauth."""
import re
from urllib.parse import urlparse

import pytest
from django.test import override_settings
from django.urls import reverse

from marketplace.audit.models import AuditEntry
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "un-autre-mot-de-passe-97"


def _link_in(message, path_fragment: str) -> str:
    """The path of the first link in ``message`` that contains ``path_fragment``."""
    urls = [u for u in re.findall(r"https?://\S+", message.body) if path_fragment in u]
    assert urls, message.body
    return urlparse(urls[0]).path


def _sign_up(client, email="nouvelle@example.test"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD}
    )


def test_sign_up_emails_a_verification_link_and_confirming_it_signs_the_user_in(client, mailoutbox):
    response = _sign_up(client)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nouvelle@example.test"]

    confirm_path = _link_in(mailoutbox[0], "/accounts/confirm-email/")
    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_start")
    assert client.session.get("_auth_user_id")


def test_login_is_refused_until_the_email_is_verified(client, mailoutbox):
    _sign_up(client)
    client.logout()

    response = client.post("/accounts/login/", {"login": "nouvelle@example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm-email/")
    assert "_auth_user_id" not in client.session


def test_verified_user_without_organisation_lands_on_the_organisation_start_page(client, mailoutbox):
    _sign_up(client)
    confirm_path = _link_in(mailoutbox[0], "/accounts/confirm-email/")
    client.post(confirm_path)
    client.logout()

    response = client.post("/accounts/login/", {"login": "nouvelle@example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_start")


def test_user_with_an_organisation_lands_on_the_dashboard_after_login(client):
    user = MembershipFactory().user

    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})

    assert response["Location"] == reverse("accounts:dashboard")
    assert client.get(response["Location"]).status_code == 200


def test_password_reset_emails_a_link_that_sets_a_new_password(client, mailoutbox):
    user = UserFactory()

    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    reset_path = _link_in(mailoutbox[0], "/accounts/password/reset/key/")

    # allauth moves the key into the session and redirects to a key-less form URL.
    response = client.get(reset_path, follow=True)
    assert response.status_code == 200
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    client.logout()
    client.post("/accounts/login/", {"login": user.email, "password": NEW_PASSWORD})
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_allauth_pages_render_inside_the_site_layout(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert 'id="main"' in html


def test_account_page_edits_the_name_and_links_to_security_settings(client):
    membership = MembershipFactory()
    client.force_login(membership.user)

    page = client.get("/compte/")
    html = page.content.decode()
    assert page.status_code == 200
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/compte/jetons/"):
        assert path in html
    assert membership.organisation.name in html

    response = client.post("/compte/", {"first_name": "Léa", "last_name": "Martin"})
    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.get_full_name() == "Léa Martin"
    assert AuditEntry.objects.filter(action="user.profile_updated", actor=membership.user).exists()


def test_account_page_requires_login(client):
    response = client.get("/compte/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@override_settings(ACCOUNT_FORMS={"signup": "marketplace.accounts.forms.SignupForm"})
def test_sign_up_form_uses_the_site_wording(client):
    html = client.get("/accounts/signup/").content.decode()
    assert ">Adresse e-mail</label>" in html
    assert ">Mot de passe</label>" in html
    assert ">Mot de passe (confirmation)</label>" in html
