"""PostgreSQL stopped under a running app (RELIABILITY.md 28): the user gets the friendly error
page, no half-written quote is left, and the same server process serves again once PostgreSQL is
back, without a restart (Django's ``close_old_connections`` with ``CONN_HEALTH_CHECKS``).

The app is gunicorn, not Django's test client: the test client switches off
``close_old_connections`` around its requests, so it would never reconnect. PostgreSQL is a
cluster of this module's own (tests/faults/pgcluster.py), never the shared one; the test is
skipped when Debian's PostgreSQL binaries are not installed.
"""
import json
import re

import psycopg
import pytest
import requests

from tests.faults.pgcluster import PgCluster, free_port, pg_bin_dir
from tests.faults.sites import Server, fault_run, manage, run_module, site_env

pytestmark = [
    pytest.mark.faults,
    fault_run,
    pytest.mark.skipif(pg_bin_dir() is None, reason="PostgreSQL binaries not installed (bash tools/postgres.sh start installs them)"),
]


@pytest.fixture(scope="module")
def cluster():
    cluster = PgCluster.create()
    yield cluster
    cluster.destroy()


def quotes_of(cluster, rfq_id):
    """(statuses, version count) of the RFQ's quotes, read over a connection of the test's own."""
    with psycopg.connect(cluster.url) as db:
        statuses = [row[0] for row in db.execute("SELECT status FROM rfq_quote WHERE rfq_id = %s", [rfq_id])]
        versions = db.execute("SELECT COUNT(*) FROM rfq_quoteversion v JOIN rfq_quote q ON q.id = v.quote_id "
                              "WHERE q.rfq_id = %s", [rfq_id]).fetchone()[0]
    return statuses, versions


def test_submitting_while_postgresql_is_down_shows_the_error_page_and_recovers_without_restart(cluster, tmp_path):
    port = free_port()
    env = site_env(tmp_path, cluster.url, CONN_MAX_AGE="60", ALLOWED_HOSTS="127.0.0.1",
                   SITE_URL=f"http://127.0.0.1:{port}")
    manage(env, "migrate", "--noinput", "-v0", timeout=600)
    world = json.loads(run_module(env, "tests.faults.scenarios.quote_world").stdout.strip().splitlines()[-1])

    with Server(env, port) as server:
        browser = requests.Session()
        browser.cookies.set("sessionid", world["session"])
        url = server.url + world["quote_path"]
        form = browser.get(url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

        def post(action):
            data = {"csrfmiddlewaretoken": token, "action": action, "lead_time_days": "30", "valid_until": "",
                    "comments": "", **{f"price_{line}": "12,50" for line in world["lines"]}}
            return browser.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30)

        draft = post("draft")
        cluster.stop("fast")
        try:
            down = post("submit")
        finally:
            cluster.start()
        after_restart = quotes_of(cluster, world["rfq"])
        again = post("submit")
        final = quotes_of(cluster, world["rfq"])

    assert form.status_code == 200 and draft.status_code == 302
    assert down.status_code in (500, 503)
    assert "Une erreur est survenue de notre côté" in down.text
    assert "Traceback" not in down.text and "OperationalError" not in down.text
    assert after_restart == (["draft"], 0)  # nothing half-written
    assert again.status_code == 302, again.text[:500]
    assert final == (["submitted"], 1)
