"""Fixtures for the API tests: a user with a token, and a client helper sending it."""
import pytest

from marketplace.api.services import create_token


@pytest.fixture
def token_and_raw(supplier_owner):
    return create_token(supplier_owner, "Intégration ERP")


@pytest.fixture
def raw_token(token_and_raw):
    return token_and_raw[1]


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}
