"""The one Stripe client of the project, configured from settings.

``STRIPE_SECRET_KEY`` and ``STRIPE_API_BASE`` come from the environment (tests point the base at
a localstripe on loopback). Everything in ``marketplace.billing`` talks to Stripe through
:func:`client`; answers are turned into plain dicts with :func:`as_dict` so no SDK object leaks
into models, templates or logs.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import stripe
from django.conf import settings

# The SDK logs request and response bodies at DEBUG level, and a response may describe a card
# (brand, last digits, expiry). Billing never wants those in a log, whatever the root level is;
# request lines (INFO) stay out too, as they did before billing existed.
logging.getLogger("stripe").setLevel(logging.WARNING)

# Calls made while serving a page must fail fast; the webhook task and Stripe retry on their own.
TIMEOUT_SECONDS = 20

_lock = threading.Lock()
_cached: tuple[tuple[str, str, int], stripe.StripeClient] | None = None


class BillingNotConfigured(Exception):
    """``STRIPE_SECRET_KEY`` is empty: billing pages say so and everyone is on the Free plan."""


def is_configured() -> bool:
    return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))


def client() -> stripe.StripeClient:
    """The shared client for the current settings (rebuilt only when they change, e.g. in tests)."""
    global _cached
    if not is_configured():
        raise BillingNotConfigured
    key = (
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        getattr(settings, "STRIPE_MAX_NETWORK_RETRIES", 1),
    )
    with _lock:
        if _cached is None or _cached[0] != key:
            _cached = (
                key,
                stripe.StripeClient(
                    key[0],
                    base_addresses={"api": key[1]},
                    max_network_retries=key[2],
                    http_client=stripe.RequestsClient(timeout=TIMEOUT_SECONDS),
                ),
            )
        return _cached[1]


def as_dict(obj: Any) -> dict:
    """A Stripe answer as plain nested dicts and lists."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    return obj.to_dict()


def is_transient(error: Exception) -> bool:
    """Whether trying again later may succeed (network, rate limit, Stripe-side error)."""
    if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)):
        return True
    if isinstance(error, stripe.APIError):
        return True
    status = getattr(error, "http_status", None)
    return isinstance(error, stripe.StripeError) and (status is None or status >= 500)
