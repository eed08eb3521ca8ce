"""The API's error contract: JSON {"detail": ...} with a 4xx status, never HTML or a traceback."""
import json

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.test import RequestFactory

from marketplace.api.api import api
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def assert_json(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["detail"]
    return body


def test_invalid_body_is_400_json_with_a_message_and_field_errors(client, raw_token):
    response = client.post("/api/tokens", {"name": ""}, content_type="application/json", headers=bearer(raw_token))

    body = assert_json(response, 400)
    assert body["detail"] == "Les données envoyées sont invalides."
    assert body["errors"][0]["loc"][-1] == "name"
    assert body["errors"][0]["msg"]


def test_missing_body_field_is_400_not_422(client, raw_token):
    response = client.post("/api/tokens", {}, content_type="application/json", headers=bearer(raw_token))

    assert_json(response, 400)


def test_invalid_path_parameter_is_400_json_locating_the_parameter(client, raw_token):
    response = client.delete("/api/tokens/pas-un-nombre", headers=bearer(raw_token))

    body = assert_json(response, 400)
    assert body["errors"][0]["loc"] == ["path", "token_id"]


def test_errors_raised_by_mounted_routers_follow_the_contract(client):
    response = client.get("/api/geo/communes", {"postal_code": "abc"})

    assert "code postal" in assert_json(response, 400)["detail"]


def test_unparsable_json_body_is_400_json(client, raw_token):
    response = client.post("/api/tokens", "{not json", content_type="application/json", headers=bearer(raw_token))

    body = assert_json(response, 400)
    assert body["detail"] == "Le corps de la requête n'est pas un JSON valide."


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_path_is_404_json(client, method):
    response = getattr(client, method)("/api/cette/adresse/nexiste/pas")

    body = assert_json(response, 404)
    assert "/api/docs" in body["detail"]


def test_api_root_is_404_json_pointing_to_the_docs(client):
    assert "/api/docs" in assert_json(client.get("/api/"), 404)["detail"]


def test_wrong_method_on_a_known_path_is_405_json_with_allow_header(client):
    response = client.put("/api/me")

    assert_json(response, 405)
    assert "GET" in response["Allow"]


def test_unexpected_exception_is_500_json_without_traceback():
    request = RequestFactory().get("/api/me")

    response = api.on_exception(request, RuntimeError("secret internal detail"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content
    assert json.loads(response.content) == {"detail": "Erreur interne"}


def test_permission_denied_is_403_json():
    response = api.on_exception(RequestFactory().get("/api/x"), PermissionDenied())

    assert_json(response, 403)


def test_object_does_not_exist_is_404_json():
    response = api.on_exception(RequestFactory().get("/api/x"), ObjectDoesNotExist())

    assert_json(response, 404)


def test_docs_page_is_served(client):
    assert client.get("/api/docs").status_code == 200


def test_openapi_schema_lists_me_with_bearer_auth(client):
    schema = client.get("/api/openapi.json").json()

    assert "/api/me" in schema["paths"]
    assert any(s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values())


def test_openapi_schema_lists_the_geo_router(client):
    assert "/api/geo/communes" in client.get("/api/openapi.json").json()["paths"]
