"""Fixtures shared by the virus-scanning tests: a real clamd (tests/security/clamd_daemon.py)
and the settings that point the platform at it."""
import pytest

from tests.security.clamd_daemon import ClamdDaemon, clamd_binary
from tests.suppliers.fixtures import owner, owner_client, profile  # noqa: F401 (fixtures of the certificate tests)


@pytest.fixture(scope="module")
def clamd():
    """One clamd per test module (starting it takes a second or two); skipped without clamd."""
    if clamd_binary() is None:
        pytest.skip("clamd not installed (apt-get install clamav-daemon)")
    daemon = ClamdDaemon().start()
    yield daemon
    daemon.stop()


@pytest.fixture
def scanning(settings, clamd):
    """Scanning on, against the test's clamd."""
    settings.CLAMD_SOCKET = clamd.socket_path
    settings.CLAMD_HOST = ""
    return clamd
