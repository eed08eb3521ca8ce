"""docs/SECURITY.md item 7: every URL pattern of the site, POSTed by a logged-in user without a
CSRF token, is refused with a 403 by Django's CSRF check — except the views listed below, which
are exempt by design and are checked for what protects them instead.

The walk covers the whole resolver (our apps, allauth, both admins, Wagtail): a new view is in
it the day it is routed. Sample values fill each pattern's parameters; they need not name real
objects, since the CSRF check runs before the view."""
from __future__ import annotations

import logging
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# Exempt by design (the view is csrf_exempt), with what protects it instead:
# - Stripe's webhook: Stripe's servers call it without a session; each call is authenticated by
#   its Stripe-Signature header (docs/SECURITY.md items 21-22). Without it: 400, nothing done.
# - the django-ninja API operations (namespace "api"; its OpenAPI document and docs page are not
#   exempt and are checked like any view): writes authenticate with an `Authorization: Bearer`
#   token, a header a cross-site form cannot send; the session cookie is accepted for safe
#   methods only (marketplace.api.auth.SessionReadAuth). A session POST without token: 401
#   (404/405 for paths that do not take it), never a change.
EXEMPT_VIEWS = {"stripe_webhook"}
EXEMPT_NAMESPACES = {"api"}
# Wagtail's admin API is Django REST framework: csrf_exempt at the Django level, because DRF's
# SessionAuthentication runs the same CSRF check itself for a session user; it answers 403 too.
DRF_NAMESPACES = {"wagtailadmin_api"}

ROUTE_SAMPLES = {"int": "1", "str": "x1", "slug": "x1", "path": "x1", "uuid": "00000000-0000-0000-0000-000000000001", "": "x1"}
REGEX_SAMPLES = {
    r"^(?P<app_label>billing|wagtaildocs|wagtailimages|taggit|account|mfa|django_tasks_database|auth)/$": "auth/",
    r"(?P<url>.*)$": "x1",
    r"^pages/": "pages/",
    r"^documents/": "documents/",
    r"^images/": "images/",
    r"^(?P<pk>\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$":
        "1/revisions/compare/live...latest/",
    r"^.*/$": "x1/",
    r"^(\d+)/(.*)$": "1/x1",
    r"^confirm-email/(?P<key>[-:\w]+)/$": "confirm-email/abc/",
    r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "password/reset/key/1-abc/",
    r"^((?:[\w\-]+/)*)$": "x1/",
}


def _sample(part) -> str:
    if isinstance(part, LocalePrefixPattern):
        return part.language_prefix
    if isinstance(part, RoutePattern):
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: ROUTE_SAMPLES[m.group(1) or ""], str(part._route))
    if isinstance(part, RegexPattern):
        regex = part._regex
        assert regex in REGEX_SAMPLES, f"add a sample path for the pattern {regex!r}"
        return REGEX_SAMPLES[regex]
    raise AssertionError(f"unknown pattern type {type(part)}")


def _walk(patterns, parts=(), namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, (*parts, pattern.pattern), inner)
        else:
            yield "/" + "".join(_sample(part) for part in (*parts, pattern.pattern)), pattern, namespace


def _urls():
    """(url, view name, namespace, csrf_exempt) of every pattern; a pattern shadowed by an earlier one with
    the same address (a GET and a POST operation of the API on one path) is posted once."""
    seen, rows, unreachable = set(), [], []
    for url, pattern, namespace in _walk(get_resolver().url_patterns):
        if url in seen:
            continue
        seen.add(url)
        match = resolve(url)
        if match.func is not pattern.callback and match.url_name != pattern.name:
            unreachable.append((url, pattern.name, match.view_name))
        exempt = getattr(pattern.callback, "csrf_exempt", False)
        rows.append((url, ":".join(filter(None, [namespace, pattern.name])) or url, namespace, exempt))
    assert not unreachable, f"samples that do not reach their own pattern: {unreachable}"
    return rows


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_every_url_pattern_refuses_a_post_without_csrf_token():
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())  # both admins require MFA before anything else
    MembershipFactory(user=user, organisation=OrganisationFactory(is_supplier=True, is_buyer=True))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    csrf_log = logging.getLogger("django.security.csrf")
    records = _Records()
    csrf_log.addHandler(records)

    rows = _urls()
    assert len(rows) > 400  # the whole resolver, admins included
    failures, exempt_seen = [], set()
    try:
        for url, name, namespace, exempt in rows:
            before = len(records.records)
            response = client.post(url, {"field": "value"})
            top = namespace.split(":")[0]
            if exempt and (name in EXEMPT_VIEWS or top in EXEMPT_NAMESPACES):
                exempt_seen.add(name if name in EXEMPT_VIEWS else top)
                if response.status_code not in (400, 401, 404, 405):
                    failures.append((url, name, response.status_code, "exempt view accepted a session POST"))
            elif exempt and top in DRF_NAMESPACES:
                exempt_seen.add(top)
                if response.status_code != 403 or b"CSRF" not in response.content:
                    failures.append((url, name, response.status_code, "no DRF CSRF refusal"))
            elif exempt:
                failures.append((url, name, response.status_code, "csrf_exempt view missing from the exemptions"))
            elif response.status_code != 403 or len(records.records) != before + 1:
                failures.append((url, name, response.status_code, "no CSRF refusal"))
    finally:
        csrf_log.removeHandler(records)
    assert not failures, "\n".join(map(str, failures))
    assert exempt_seen == EXEMPT_VIEWS | EXEMPT_NAMESPACES | DRF_NAMESPACES, "an exemption listed here no longer exists"
