"""Suite-wide fixtures. Plain and explicit: no runner patching."""
import pytest
from django.core.management import call_command

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated and filled once per session with the real reference data.

    Every test that touches the database sees all régions, départements, communes, postal
    codes and NAF codes, so factories and tests use real places (``Commune.objects.get(insee=
    "69123")``) instead of inventing them.
    """
    with django_db_blocker.unblock():
        call_command("load_reference_data", quiet=True)


@pytest.fixture
def reference_data(django_db_blocker):
    """Reload the reference data for a test whose database was flushed.

    ``transactional_db`` and ``live_server`` tests empty every table when they finish, and
    pytest-django runs them after the ordinary ``db`` tests, so the second such test onwards
    starts without communes. Request this fixture (next to ``transactional_db`` or
    ``live_server``) to load them again; it costs a few seconds, so only where needed.
    """
    from django.apps import apps

    from suppliers.data import seed_reference_lists

    with django_db_blocker.unblock():
        call_command("load_reference_data", quiet=True)
        # The seeded filières, skills, materials and certification types are migration data:
        # a flush removes them too.
        seed_reference_lists(apps)


@pytest.fixture(autouse=True)
def french_by_default():
    """Every test starts in French: a request to /en/… leaves English active in the thread."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps rate-limit counters and used TOTP codes in the cache, which outlives a test;
    every test starts with an empty one so earlier logins do not count against it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
