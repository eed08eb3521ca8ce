"""``POST /stripe/webhook/``: Stripe's events, verified, stored once, applied by a task.

The only view without CSRF protection: Stripe cannot send our token, so the signature on the raw
body (``STRIPE_WEBHOOK_SECRET``, 300 s tolerance) is what authenticates the request.

Answers: 400 for a missing, wrong or too old signature (nothing stored); 200 once the event is
stored with its effect scheduled, or was already stored; 503 when its effect ran at once and
failed, with nothing stored, so Stripe delivers it again. Logs carry event ids and types only.
"""
import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import sync

logger = logging.getLogger(__name__)

SIGNATURE_TOLERANCE_SECONDS = 300


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    signature = request.headers.get("Stripe-Signature")
    if not secret or not signature:
        logger.warning("Stripe webhook refused: %s", "no secret configured" if not secret else "no signature")
        return HttpResponse(status=400)
    try:
        event = stripe.Webhook.construct_event(request.body, signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Stripe webhook refused: %s", type(error).__name__)
        return HttpResponse(status=400)
    event = event.to_dict()
    try:
        outcome = sync.receive_event(event)
    except sync.EventProcessingFailed:
        logger.warning("Stripe event %s (%s) not applied; Stripe will retry", event.get("id"), event.get("type"))
        return HttpResponse(status=503)
    except Exception:
        # Database down, bug…: never 200 for an event whose effect is not safely stored.
        logger.exception("Stripe event %s (%s) could not be stored", event.get("id"), event.get("type"))
        return HttpResponse(status=500)
    logger.info("Stripe event %s (%s): %s", event.get("id"), event.get("type"), outcome)
    return JsonResponse({"received": True, "outcome": outcome})
