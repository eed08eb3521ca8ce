"""SMTP unreachable (RELIABILITY.md 31): the page that notifies still works, the email stays
unsent (``emailed_at`` empty) and a later run of ``manage.py retry_unsent_emails`` sends it once
the server is back. The app runs under gunicorn with the database task queue, as in production;
"unreachable" is a closed loopback port."""
import json
import re

import pytest
import requests

from tests.faults.pgcluster import free_port
from tests.faults.sites import Server, fault_run, manage, run_module

pytestmark = [pytest.mark.faults, fault_run]

STATE = """
from django_tasks_db.models import DBTaskResult
from marketplace.notifications.models import Notification
print(json.dumps({"tasks": sorted(r.status for r in DBTaskResult.objects.all()),
                  "unsent": Notification.objects.filter(emailed_at__isnull=True).count(),
                  "sent": Notification.objects.filter(emailed_at__isnull=False).count()}))
"""


def state(env):
    return json.loads(manage(env, "shell", "--no-imports", "-c", "import json\n" + STATE).stdout)


def test_quote_submitted_while_smtp_is_down_is_accepted_and_its_emails_are_sent_later(sqlite_site, tmp_path):
    port = free_port()
    down = dict(sqlite_site, EMAIL_URL=f"smtp://127.0.0.1:{free_port()}?timeout=2", ALLOWED_HOSTS="127.0.0.1",
                SITE_URL=f"http://127.0.0.1:{port}")
    world = json.loads(run_module(down, "tests.faults.scenarios.quote_world").stdout.strip().splitlines()[-1])
    manage(down, "db_worker", "--batch", "--no-reload", "--no-startup-delay")  # emails of the RFQ's publication

    with Server(down, port) as server:
        browser = requests.Session()
        browser.cookies.set("sessionid", world["session"])
        url = server.url + world["quote_path"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(url, timeout=30).text).group(1)
        data = {"csrfmiddlewaretoken": token, "action": "submit", "lead_time_days": "30", "valid_until": "",
                "comments": "", **{f"price_{line}": "12,50" for line in world["lines"]}}
        submitted = browser.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30)
        followed = browser.get(server.url + submitted.headers["Location"], timeout=30)
    manage(down, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    while_down = state(down)

    back = sqlite_site  # SMTP "back": the file outbox
    manage(back, "retry_unsent_emails", "--older-than", "0")
    manage(back, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    after = state(back)

    assert submitted.status_code == 302 and followed.status_code == 200
    assert while_down["unsent"] >= 1 and while_down["sent"] == 0
    assert "FAILED" in while_down["tasks"]
    assert after["unsent"] == 0 and after["sent"] == while_down["unsent"]
    # The file backend appends the messages of one connection to one file: count the messages.
    messages = sum(f.read_text().count("\nMessage-ID: ") for f in (tmp_path / "outbox").iterdir())
    assert messages == after["sent"]
