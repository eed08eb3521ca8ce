"""PostgreSQL stopped under a running app (RELIABILITY.md 28): the user gets the friendly error
page, no half-written quote is left, and the same server process serves again once PostgreSQL is
back, without a restart (Django's ``close_old_connections`` with ``CONN_HEALTH_CHECKS``).

The app is gunicorn, not Django's test client: the test client switches off
``close_old_connections`` around its requests, so it would never reconnect. PostgreSQL is a
cluster of this module's own (tests/faults/pgcluster.py), never the shared one; the tests are
skipped when Debian's PostgreSQL binaries are not installed. The second test does it under load:
six clients at once against a worker with four threads, PostgreSQL stopped for three seconds.
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


# --- under load ------------------------------------------------------------------------------

CLIENTS = 6
RESPONSE_BOUND_S = 15  # no request may hang longer than this, outage or not


def quote_rows(database_url, rfq_id):
    """(status, priced lines, versions) of every quote of the RFQ."""
    with psycopg.connect(database_url) as db:
        return sorted(db.execute(
            "SELECT q.status, (SELECT COUNT(*) FROM rfq_quoteline l WHERE l.quote_id = q.id),"
            " (SELECT COUNT(*) FROM rfq_quoteversion v WHERE v.quote_id = q.id)"
            " FROM rfq_quote q WHERE q.rfq_id = %s", [rfq_id]).fetchall())


def classify(method, response):
    """'ok' (page 200, form saved 302), 'error page' (our 500/503 page, no traceback), or what else it was."""
    if (method, response.status_code) in (("GET", 200), ("POST", 302)):
        return "ok"
    body = response.text
    if (response.status_code in (500, 503) and "Une erreur est survenue de notre côté" in body
            and "Traceback" not in body and "OperationalError" not in body):
        return "error page"
    return f"{method} {response.status_code}: {body[:300]!r}"


def test_postgresql_stopped_and_restarted_under_concurrent_clients_gives_error_pages_then_recovers(cluster, tmp_path):
    """Six suppliers' browsers read and save their quote form continuously while PostgreSQL is
    stopped and started again under a gunicorn worker with four threads (each with its own
    persistent connection): every answer is a success or the error page within the bound, no
    quote is left half-written, and every client succeeds again with the same server."""
    import threading
    import time

    # A database of its own on the module's cluster: the factories of a new process start their
    # sequences again, so they would collide with the first test's organisations.
    with psycopg.connect(cluster.url, autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS marketplace_load")
        db.execute("CREATE DATABASE marketplace_load OWNER marketplace")
    database_url = cluster.url.rsplit("/", 1)[0] + "/marketplace_load"
    port = free_port()
    env = site_env(tmp_path, database_url, CONN_MAX_AGE="60", ALLOWED_HOSTS="127.0.0.1",
                   SITE_URL=f"http://127.0.0.1:{port}", FAULT_SUPPLIERS=str(CLIENTS))
    manage(env, "migrate", "--noinput", "-v0", timeout=600)
    world = json.loads(run_module(env, "tests.faults.scenarios.quote_crowd").stdout.strip().splitlines()[-1])

    def browser_for(session):
        browser = requests.Session()
        browser.cookies.set("sessionid", session)
        return browser

    def save(browser, url, token, action):
        data = {"csrfmiddlewaretoken": token, "action": action, "lead_time_days": "30", "valid_until": "",
                "comments": "", **{f"price_{line}": "12,50" for line in world["lines"]}}
        return browser.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=RESPONSE_BOUND_S + 5)

    with Server(env, port, threads=4) as server:
        url = server.url + world["quote_path"]
        browsers = [browser_for(session) for session in world["sessions"]]
        tokens = []
        for browser in browsers:
            form = browser.get(url, timeout=30)
            assert form.status_code == 200
            tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1))

        stop_load = threading.Event()
        restarted_at = [float("inf")]
        results = []  # (started, elapsed, outcome), appended by the client threads
        lock = threading.Lock()

        def client(browser, token):
            turn = 0
            while not stop_load.is_set():
                method = "GET" if turn % 2 == 0 else "POST"
                started = time.monotonic()
                try:
                    response = browser.get(url, timeout=RESPONSE_BOUND_S + 5) if method == "GET" else save(browser, url, token, "draft")
                    outcome = classify(method, response)
                except requests.RequestException as error:
                    outcome = f"{method} {type(error).__name__}: {error}"
                with lock:
                    results.append((started, time.monotonic() - started, outcome))
                turn += 1

        threads = [threading.Thread(target=client, args=pair, daemon=True) for pair in zip(browsers, tokens)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            cluster.stop("fast")
            try:
                time.sleep(3)
            finally:
                cluster.start()
            restarted_at[0] = time.monotonic()
            time.sleep(3)
        finally:
            stop_load.set()
            for thread in threads:
                thread.join(timeout=RESPONSE_BOUND_S + 10)
        after_outage = quote_rows(database_url, world["rfq"])
        submitted = [save(browser, url, token, "submit") for browser, token in zip(browsers, tokens)]
        final = quote_rows(database_url, world["rfq"])
        master_alive = server.process.poll() is None
    log = server.output

    outcomes = [outcome for _, _, outcome in results]
    assert not [o for o in outcomes if o not in ("ok", "error page")], [o for o in outcomes if o not in ("ok", "error page")][:5]
    assert "error page" in outcomes  # the outage was felt
    assert max(elapsed for _, elapsed, _ in results) < RESPONSE_BOUND_S
    after_restart = [outcome for started, _, outcome in results if started > restarted_at[0]]
    assert len(after_restart) >= CLIENTS and set(after_restart) == {"ok"}
    # A draft is saved whole or not at all: never a quote without its priced lines, never a version.
    lines = len(world["lines"])
    assert after_outage and len(after_outage) <= CLIENTS
    assert set(after_outage) == {("draft", lines, 0)}
    assert [response.status_code for response in submitted] == [302] * CLIENTS
    assert final == [("submitted", lines, 1)] * CLIENTS
    assert master_alive and "WORKER TIMEOUT" not in log and "exited with code" not in log
