"""Background work of billing: applying Stripe webhook events.

``process_stripe_event(stripe_event_id)``
    Enqueued by ``sync.receive_event`` in the transaction that stores the event, so it exists if
    and only if the event row does. It reads the event's subscription back from Stripe and
    writes that state locally (``sync.process_event``); running it twice has one effect.

    On a transient failure (Stripe unreachable, rate limited, 5xx) the event is marked failed
    and, when the backend can defer work (the database backend), the task enqueues itself again
    with an exponential backoff, up to ``MAX_ATTEMPTS``; then it raises so the result records
    the failure. With a backend that runs tasks at once (tests), the failure reaches the webhook
    view, which rolls the event back and answers 503 so Stripe retries.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import sync
from .models import StripeEvent
from .stripe_client import is_transient

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
FIRST_RETRY_DELAY = timedelta(seconds=30)
MAX_RETRY_DELAY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY_DELAY * (2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


@task()
def process_stripe_event(stripe_event_id: str) -> str:
    try:
        return sync.process_event(stripe_event_id)
    except Exception as error:
        attempts = StripeEvent.objects.filter(stripe_id=stripe_event_id).values_list("attempts", flat=True).first() or 0
        backend = process_stripe_event.get_backend()
        if is_transient(error) and backend.supports_defer and attempts < MAX_ATTEMPTS:
            process_stripe_event.using(run_after=timezone.now() + retry_delay(attempts)).enqueue(stripe_event_id)
            logger.info("Stripe event %s will be retried (attempt %d)", stripe_event_id, attempts + 1)
        raise
