"""Security headers on pages and downloads (docs/SECURITY.md items 6, 16, 20): Django's own
(Referrer-Policy, nosniff, COOP, X-Frame-Options) and marketplace.security's CSP and
Permissions-Policy — report-only by default, enforced when CSP_REPORT_ONLY is False."""
import base64
import hashlib
import re
from html import unescape

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_home_page_carries_the_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_csp_is_report_only_by_default_and_strict_on_scripts(client):
    response = client.get("/")

    assert "Content-Security-Policy" not in response
    policy = _directives(response["Content-Security-Policy-Report-Only"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


@override_settings(CSP_REPORT_ONLY=False)
def test_csp_is_enforced_when_report_only_is_off(client):
    response = client.get("/")

    assert "Content-Security-Policy-Report-Only" not in response
    assert "script-src 'self'" in response["Content-Security-Policy"]


@override_settings(CSP_REPORT_ONLY=False, STRIPE_JS_URL="https://js.stripe.com/v3/",
                   MAP_TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
def test_csp_allows_the_configured_stripe_and_tile_origins_only(client):
    policy = _directives(client.get("/")["Content-Security-Policy"])

    assert "https://js.stripe.com" in policy["script-src"]
    assert "https://tile.openstreetmap.org" in policy["img-src"]
    assert not any("openstreetmap" in source for source in policy["script-src"])


def _inline_handler_hashes(html: str) -> set[str]:
    values = re.findall(r'\son[a-z]+="([^"]*)"', html)
    return {"sha256-" + base64.b64encode(hashlib.sha256(unescape(v).encode()).digest()).decode() for v in values}


def test_every_inline_event_handler_of_the_search_page_is_allowed_by_the_policy(client):
    """Under the enforced policy an inline handler runs only if its hash is listed: a handler
    added or changed in a template without updating CSP_SCRIPT_HASHES fails here."""
    client.force_login(UserFactory())
    response = client.get(reverse("search:suppliers"))

    handlers = _inline_handler_hashes(response.content.decode())
    assert handlers, "the save-search form's onsubmit handler is expected on this page"
    script_src = _directives(response["Content-Security-Policy-Report-Only"])["script-src"]
    assert "'unsafe-hashes'" in script_src
    assert {f"'{h}'" for h in handlers} <= set(script_src)


def test_no_inline_script_runs_on_the_home_and_search_pages(client):
    for url in ("/", reverse("search:suppliers")):
        html = client.get(url).content.decode()
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
            assert "src=" in attributes or "application/ld+json" in attributes or "application/json" in attributes, (
                url, body[:80])


def test_a_download_is_sandboxed_by_an_enforced_policy(client):
    from tests.rfq.factories import PublishedRFQFactory, supplier_with_owner
    from tests.rfq.test_downloads import attachment_url, rfq_file

    attachment = rfq_file(PublishedRFQFactory())
    client.force_login(supplier_with_owner()[1])
    response = client.get(attachment_url(attachment))

    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert "sandbox" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
