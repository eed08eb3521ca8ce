"""A test-only task: the real notification email task, preceded by a long sleep on its first
attempt, so that a test can kill the worker while the job runs (tests/faults/test_worker_killed.py).

Each attempt leaves a file ``attempt-<pid>`` in ``marker_dir``: the test waits for the first one.
"""
import os
import time
from pathlib import Path

from django_tasks import task

from marketplace.notifications.tasks import send_notification_emails


@task()
def slow_notification_emails(notification_ids: list[int], marker_dir: str) -> int:
    markers = Path(marker_dir)
    first_attempt = not any(markers.glob("attempt-*"))
    (markers / f"attempt-{os.getpid()}").touch()
    if first_attempt:
        time.sleep(120)  # killed here
    return send_notification_emails.call(notification_ids)
