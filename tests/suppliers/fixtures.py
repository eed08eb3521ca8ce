"""Fixtures of the tests that edit a supplier profile: a draft profile and a member of its
organisation, logged in. ``tests/suppliers/conftest.py`` makes them available there; other
packages import them (``from tests.suppliers.fixtures import owner_client, profile``)."""
import pytest

from tests.factories import MembershipFactory
from tests.suppliers.factories import SupplierProfileFactory


@pytest.fixture
def profile():
    return SupplierProfileFactory()


@pytest.fixture
def owner(profile):
    return MembershipFactory(organisation=profile.organisation).user


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
