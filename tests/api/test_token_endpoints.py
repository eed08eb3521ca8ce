import pytest

from marketplace.api.models import ApiToken
from marketplace.api.services import create_token
from tests.api.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_creating_a_token_through_the_api_returns_it_once(client, supplier_owner, raw_token):
    response = client.post(
        "/api/tokens", {"name": "Script"}, content_type="application/json", headers=bearer(raw_token)
    )

    assert response.status_code == 201
    new_raw = response.json()["token"]
    assert client.get("/api/me", headers=bearer(new_raw)).json()["email"] == supplier_owner.email
    listed = client.get("/api/tokens", headers=bearer(new_raw)).json()
    assert {t["name"] for t in listed} == {"Intégration ERP", "Script"}
    assert new_raw not in str(listed)


def test_revoking_through_the_api(client, supplier_owner, raw_token):
    other, other_raw = create_token(supplier_owner, "Autre")

    response = client.delete(f"/api/tokens/{other.pk}", headers=bearer(raw_token))

    assert response.status_code == 200
    assert response.json()["revoked_at"]
    assert client.get("/api/me", headers=bearer(other_raw)).status_code == 401


def test_revoking_another_users_token_through_the_api_is_404(client, raw_token):
    foreign, _raw = create_token(UserFactory(), "Autre")

    response = client.delete(f"/api/tokens/{foreign.pk}", headers=bearer(raw_token))

    assert response.status_code == 404
    assert response.json()["detail"]
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None
