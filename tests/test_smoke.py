"""The skeleton answers on its main entry points."""
import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/docs", "/healthz"])
def test_entry_points_answer_200(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_cms_admin_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/cms-admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
