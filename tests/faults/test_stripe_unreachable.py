"""Stripe unreachable while the worker applies a webhook event: the delivery is retried.

In production the webhook only stores the event and enqueues ``process_stripe_event`` (database
task backend); the worker reads the subscription back from Stripe. With Stripe unreachable the
task marks the event failed and re-enqueues itself with a backoff (marketplace/billing/tasks.py);
once Stripe answers again the next run applies it, once. A real localstripe on loopback
(tests/billing/localstripe.py) and the real django-tasks-db worker (``db_worker --batch``, in
this process: the test is transactional because the worker closes connections between tasks).

The billing page with Stripe down (a translated notice, the page still 200) is
``tests/billing/test_subscriptions.py::test_stripe_down_while_rendering_keeps_the_page_up``; a
webhook processed at once while Stripe is down answers 503 so Stripe retries:
``tests/billing/test_webhooks.py::test_stripe_unreachable_while_processing_answers_5xx_and_stores_nothing``.
"""
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from marketplace.billing.models import StripeEvent, Subscription
from tests.billing.conftest import owner, pro_plan, sponsorship_plan, stripe_plans, supplier  # noqa: F401
from tests.billing.localstripe import localstripe_server, stripe_settings  # noqa: F401
from tests.billing.test_webhooks import post, signed, subscribe, subscription_event
from tests.faults.sites import fault_run

pytestmark = [pytest.mark.faults, fault_run, pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASK = "marketplace.billing.tasks.process_stripe_event"


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "default", verbosity=0)


def test_a_webhook_received_while_stripe_is_unreachable_is_retried_by_the_worker_and_applied_once(
    client, settings, stripe_settings, stripe_plans, supplier, owner  # noqa: F811
):
    subscription = subscribe(stripe_settings, owner, supplier, stripe_plans["pro"])
    Subscription.objects.filter(pk=subscription.pk).update(status="incomplete", stripe_updated_at=None)
    event = subscription_event("evt_stripe_down", subscription.stripe_subscription_id, "active")

    with override_settings(TASKS=DATABASE_TASKS):
        response = post(client, *signed(event))
        assert response.status_code == 200 and response.json()["outcome"] == "queued"

        settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable for the worker
        client.force_login(owner)
        page = client.get(reverse("billing:overview"))
        assert page.status_code == 200 and "ne répond pas pour le moment" in page.content.decode()
        run_worker()

        stored = StripeEvent.objects.get(stripe_id="evt_stripe_down")
        assert stored.status == "failed" and stored.last_error
        assert Subscription.objects.get(pk=subscription.pk).status == "incomplete"
        results = DBTaskResult.objects.filter(task_path=TASK).order_by("enqueued_at")
        assert [r.status for r in results] == [TaskResultStatus.FAILED, TaskResultStatus.READY]
        retry = results.last()
        assert retry.run_after > timezone.now()  # backed off, not hammering Stripe

        settings.STRIPE_API_BASE = stripe_settings.url  # Stripe is back; the backoff has elapsed
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        run_worker()
        run_worker()  # nothing left: a second pass changes nothing

    stored.refresh_from_db()
    assert stored.status == "processed"
    assert Subscription.objects.get(pk=subscription.pk).status == "active"
    assert DBTaskResult.objects.filter(task_path=TASK, status=TaskResultStatus.SUCCESSFUL).count() == 1
