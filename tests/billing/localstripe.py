"""A real localstripe on loopback for the billing tests, and the helpers that talk to it.

``localstripe_server`` (session) starts ``python -m localstripe`` on a free port and waits until it
answers; ``stripe_settings`` (function) empties it and points the settings at it. Webhooks are
off unless a test asks for ``stripe_webhooks``, which registers the live test server's
``/stripe/webhook/`` so events signed by localstripe reach it. Imported by tests/billing/conftest.py
and by the browser journey.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from marketplace.billing.sync import HANDLED_EVENT_TYPES

SECRET_KEY = "sk_test_localstripe"
PUBLISHABLE_KEY = "pk_test_localstripe"
WEBHOOK_SECRET = "whsec_test_localstripe"
WEBHOOK_ID = "marketplace-tests"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStripe:
    url: str
    process: subprocess.Popen

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                text = response.read().decode() or "{}"
                return response.status, json.loads(text) if text.strip().startswith("{") else {}
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "{}")

    def reset(self) -> None:
        self.request("DELETE", "/_config/data")
        # localstripe keeps registered webhooks across resets: point ours at nothing.
        self.register_webhook("http://127.0.0.1:9/", events=["billing.tests.disabled"])

    def register_webhook(self, url: str, *, events: list[str] | None = None) -> None:
        body = {"url": url, "secret": WEBHOOK_SECRET}
        if events is not None:
            body["events"] = events
        status, _ = self.request("POST", f"/_config/webhooks/{WEBHOOK_ID}", body)
        assert status == 200, status

    def confirm_card(self, client_secret: str, number: str = "4242424242424242") -> dict:
        """What Stripe.js does in the browser: confirm the SetupIntent with a card."""
        setup_intent = client_secret.split("_secret_")[0]
        status, body = self.request(
            "POST",
            f"/v1/setup_intents/{setup_intent}/confirm",
            {
                "key": PUBLISHABLE_KEY,
                "client_secret": client_secret,
                "payment_method_data": {
                    "type": "card",
                    "card": {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"},
                },
            },
        )
        assert status == 200, body
        return body


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/js.stripe.com/v3/", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("localstripe did not answer in time")


@pytest.fixture(scope="session")
def localstripe_server():
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="pef-localstripe-"))
    log = open(workdir / "localstripe.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield LocalStripe(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def stripe_settings(localstripe_server, settings):
    """Billing configured against an empty localstripe."""
    localstripe_server.reset()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_server.url
    settings.STRIPE_JS_URL = f"{localstripe_server.url}/js.stripe.com/v3/"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    yield localstripe_server
    localstripe_server.reset()


@pytest.fixture
def stripe_webhooks(stripe_settings, live_server):
    """localstripe delivers the events billing handles to the live test server."""
    # localstripe sends each event one second after it happens, to the webhooks registered at
    # that moment: let the previous test's last events go to the disabled address first.
    time.sleep(1.5)
    stripe_settings.register_webhook(f"{live_server.url}/stripe/webhook/", events=sorted(HANDLED_EVENT_TYPES))
    return stripe_settings
