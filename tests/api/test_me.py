import pytest

from marketplace.api.services import create_token, revoke_token
from tests.api.conftest import bearer
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def assert_json_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_answers_the_token_owner(client, supplier_owner, raw_token):
    response = client.get("/api/me", headers=bearer(raw_token))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == supplier_owner.pk
    assert body["email"] == supplier_owner.email
    assert body["first_name"] == supplier_owner.first_name
    assert body["last_name"] == supplier_owner.last_name


def test_me_without_token_is_401_json_asking_for_a_token(client):
    response = client.get("/api/me")

    assert_json_401(response)
    assert "jeton" in response.json()["detail"]


def test_me_with_a_wrong_token_is_401_json(client, raw_token):
    response = client.get("/api/me", headers=bearer(raw_token[:-2] + "zz"))

    assert_json_401(response)
    assert response.json()["detail"] == "Jeton d'API invalide ou révoqué."


def test_me_with_a_revoked_token_is_401_json(client, supplier_owner, token_and_raw):
    token, raw = token_and_raw
    revoke_token(supplier_owner, token)

    assert_json_401(client.get("/api/me", headers=bearer(raw)))


def test_a_wrong_token_is_refused_even_with_a_logged_in_session(client, supplier_owner):
    client.force_login(supplier_owner)

    assert_json_401(client.get("/api/me", headers=bearer("pef_wrong")))


def test_logged_in_browser_session_can_read_me(client, supplier_owner):
    client.force_login(supplier_owner)

    response = client.get("/api/me")

    assert response.status_code == 200
    assert response.json()["email"] == supplier_owner.email


def test_logged_in_browser_session_cannot_write_without_a_token(client, supplier_owner):
    client.force_login(supplier_owner)

    response = client.post("/api/tokens", {"name": "ERP"}, content_type="application/json")

    assert_json_401(response)
    assert not supplier_owner.personal_api_tokens.exists()


def test_me_lists_organisations_with_kinds_role_and_active_flag(client, user):
    buyer = OrganisationFactory(name="A Donneur", is_buyer=True, is_supplier=False)
    cluster = OrganisationFactory(name="B Pôle", is_cluster=True, is_supplier=True)
    MembershipFactory(user=user, organisation=buyer, role="admin")
    MembershipFactory(user=user, organisation=cluster, role="member")
    user.active_organisation = cluster
    user.save()
    _token, raw = create_token(user, "ERP")

    organisations = client.get("/api/me", headers=bearer(raw)).json()["organisations"]

    assert organisations == [
        {
            "id": buyer.pk,
            "name": "A Donneur",
            "slug": buyer.slug,
            "siren": buyer.siren,
            "siret": buyer.siret,
            "kinds": ["buyer"],
            "role": "admin",
            "active": False,
        },
        {
            "id": cluster.pk,
            "name": "B Pôle",
            "slug": cluster.slug,
            "siren": cluster.siren,
            "siret": cluster.siret,
            "kinds": ["supplier", "cluster"],
            "role": "member",
            "active": True,
        },
    ]


def test_user_without_organisation_has_an_empty_list(client, user):
    _token, raw = create_token(user, "ERP")

    assert client.get("/api/me", headers=bearer(raw)).json()["organisations"] == []
