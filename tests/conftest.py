"""Suite-wide fixtures. Plain and explicit: no runner patching."""
import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def supplier_owner(db):
    """A verified user who owns a supplier organisation."""
    return MembershipFactory(organisation=OrganisationFactory(is_supplier=True)).user


@pytest.fixture
def buyer_owner(db):
    return MembershipFactory(organisation=OrganisationFactory(is_supplier=False, is_buyer=True)).user
