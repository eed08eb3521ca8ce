"""Shared by the supplier tests; a module that needs another profile defines its own ``profile``."""
from tests.suppliers.fixtures import owner, owner_client, profile  # noqa: F401 (fixtures)
