"""Task worker killed mid-job (RELIABILITY.md 30): the job runs again and its effect — one email —
happens once.

What django-tasks-db does by itself: a worker claims a job by marking it RUNNING; killed with
SIGKILL, it never marks it finished, and no other worker takes a RUNNING job, so the job would
never run again. ``manage.py requeue_stale_tasks`` (marketplace/ops/recovery.py, run from cron)
puts such jobs back to READY; ``Notification.emailed_at`` makes the rerun send nothing twice.
"""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.faults.sites import ROOT, fault_run, manage

pytestmark = [pytest.mark.faults, fault_run]

ENQUEUE = """
from marketplace.accounts.models import User
from marketplace.notifications.models import Notification
from tests.faults.slow_tasks import slow_notification_emails
user = User.objects.create_user(email="acheteuse@example.test", password="x-x-x-x-x-x")
notification = Notification.objects.create(recipient=user, kind="rfq.changed", params={"title": "Axes inox", "reference": "RFQ-1", "revision": 2}, url="/")
slow_notification_emails.enqueue([notification.pk], "%s")
"""
STATE = """
from django_tasks_db.models import DBTaskResult
from marketplace.notifications.models import Notification
print(",".join(sorted(r.status for r in DBTaskResult.objects.all())), Notification.objects.filter(emailed_at__isnull=False).count())
for failed in DBTaskResult.objects.filter(status="FAILED"):
    print(failed.traceback)
"""


def worker(env, *args):
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                             "--interval", "0.2", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def state(env):
    """[task statuses, emailed notification count] (and the traceback of a failed task, if any)."""
    out = manage(env, "shell", "--no-imports", "-c", STATE).stdout
    head, _, tracebacks = out.partition("\n")
    return head.split() + ([tracebacks] if tracebacks.strip() else [])


def test_job_of_a_killed_worker_runs_again_and_sends_one_email(sqlite_site, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    outbox = tmp_path / "outbox"
    manage(sqlite_site, "shell", "--no-imports", "-c", ENQUEUE % markers)

    first = worker(sqlite_site)
    deadline = time.monotonic() + 90
    while not any(markers.glob("attempt-*")) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    killed = state(sqlite_site)

    manage(sqlite_site, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    untouched = state(sqlite_site)  # django-tasks-db alone leaves the job RUNNING for ever

    requeued = manage(sqlite_site, "requeue_stale_tasks", "--older-than", "0")
    manage(sqlite_site, "db_worker", "--batch", "--no-reload", "--no-startup-delay")
    after_rerun = state(sqlite_site)

    # A later retry of unsent emails finds nothing to send twice.
    manage(sqlite_site, "retry_unsent_emails", "--older-than", "0")
    manage(sqlite_site, "db_worker", "--batch", "--no-reload", "--no-startup-delay")

    assert killed == ["RUNNING", "0"]
    assert untouched == ["RUNNING", "0"]
    assert requeued.stdout.startswith("1 ")
    assert after_rerun == ["SUCCESSFUL", "1"]
    assert len(list(markers.glob("attempt-*"))) == 2
    emails = [f.read_text() for f in outbox.iterdir()]
    assert len(emails) == 1 and emails[0].count("\nMessage-ID: ") == 1
    assert "acheteuse@example.test" in emails[0]
