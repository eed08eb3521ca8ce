import pytest
from django.urls import reverse

from marketplace.api.models import ApiToken
from marketplace.api.services import create_token
from tests.api.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/compte/jetons/"


def test_tokens_page_url_is_the_french_one():
    assert reverse("api_tokens:token_list") == LIST_URL


def test_tokens_page_requires_login(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_created_token_is_shown_once_and_works(client, user):
    client.force_login(user)

    response = client.post(LIST_URL, {"name": "Intégration ERP"})

    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    raw = response.context["new_token"]["raw"]
    assert raw in response.content.decode()
    assert "ne sera plus jamais affiché" in response.content.decode()
    assert client.get("/api/me", headers=bearer(raw)).status_code == 200

    again = client.get(LIST_URL).content.decode()
    assert raw not in again
    assert token.key_prefix in again


def test_creating_a_token_without_a_name_shows_the_form_error(client, user):
    client.force_login(user)

    response = client.post(LIST_URL, {"name": ""})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_user_lists_only_their_own_tokens(client, user):
    create_token(user, "Le mien")
    create_token(UserFactory(), "Celui d'un autre")
    client.force_login(user)

    page = client.get(LIST_URL).content.decode()

    assert "Le mien" in page
    assert "Celui d&#x27;un autre" not in page and "Celui d'un autre" not in page


def test_owner_revokes_a_token_from_the_page(client, user):
    token, raw = create_token(user, "ERP")
    client.force_login(user)

    response = client.post(reverse("api_tokens:token_revoke", args=[token.pk]), follow=True)

    assert response.redirect_chain[-1][0] == LIST_URL
    assert "révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/me", headers=bearer(raw)).status_code == 401


def test_revoking_another_users_token_is_404(client, user):
    foreign, raw = create_token(UserFactory(), "ERP")
    client.force_login(user)

    response = client.post(reverse("api_tokens:token_revoke", args=[foreign.pk]))

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_revoke_only_accepts_post(client, user):
    token, _raw = create_token(user, "ERP")
    client.force_login(user)

    assert client.get(reverse("api_tokens:token_revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
