"""A migrated SQLite database made once per session; each fault test copies it for its own site."""
import shutil

import pytest

from tests.faults.sites import manage, site_env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults-template")
    database = base / "template.sqlite3"
    manage(site_env(base, f"sqlite:///{database}"), "migrate", "--noinput", "-v0", timeout=600)
    return database


@pytest.fixture
def sqlite_site(tmp_path, migrated_sqlite):
    """Environment of a fresh site on a copy of the migrated database (file outbox in tmp_path/outbox)."""
    database = tmp_path / "site.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    (tmp_path / "outbox").mkdir()
    return site_env(tmp_path, f"sqlite:///{database}")
