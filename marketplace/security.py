"""Security headers Django does not set itself, and idle/absolute session timeouts.

Django's SecurityMiddleware already sends Referrer-Policy, X-Content-Type-Options,
Cross-Origin-Opener-Policy and HSTS, and XFrameOptionsMiddleware sends X-Frame-Options; this
module adds Content-Security-Policy and Permissions-Policy (docs/SECURITY.md, items 6, 16, 20).

The policy allows scripts and styles from our own origin only, plus the origins the settings
name (Stripe.js, the map tile server). Inline event handlers are allowed one by one through
``'unsafe-hashes'`` (``CSP_SCRIPT_HASHES``); inline ``style`` attributes stay allowed because
Leaflet and htmx write them. ``CSP_REPORT_ONLY`` (default True, False in production) sends the
policy as ``Content-Security-Policy-Report-Only`` so a new page can be checked in a browser's
console before the policy is enforced. Downloads (``Content-Disposition: attachment``) always get
an enforced sandbox policy: a served file must never run as a page of ours.

:class:`SingleLineFormatter` keeps one log record on one line (item 19): a company name, a path
or a file name with a line break cannot forge a log line.

:func:`log_denial` writes every refused access to a private object (an RFQ, its files, a quote,
a message thread…) to the dedicated ``marketplace.security`` log (item 1), with the user id,
the path and the kind of object. It is called by the site's 403/404 handlers
(:mod:`marketplace.views`) and by the API's error handlers (:mod:`marketplace.api.errors`), the
two places every refusal ends in, so no view has to remember it.
"""
from __future__ import annotations

import logging
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout

# sha256 of each inline event handler the templates carry, as the browser hashes it (the
# attribute's value). search/templates/search/supplier_search.html: the save-search form copies
# the current query string at submit time.
CSP_SCRIPT_HASHES = ("sha256-woF/8y5+DbqrU6KjL4OSRvPjEYx57T0hFtTgUMaAhlY=",)

DOWNLOAD_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(self), usb=()"
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(frame_ancestors: str = "'none'") -> str:
    """The site's policy, built from settings (Stripe and map tile origins)."""
    stripe_js = _origin(getattr(settings, "STRIPE_JS_URL", ""))
    stripe_api = _origin(getattr(settings, "STRIPE_API_BASE", ""))
    tiles = _origin((getattr(settings, "MAP_TILE_URL", "") or "").replace("{s}", "a"))
    hashes = " ".join(f"'{h}'" for h in getattr(settings, "CSP_SCRIPT_HASHES", CSP_SCRIPT_HASHES))
    scripts = ["'self'", *([f"'unsafe-hashes' {hashes}"] if hashes else []), *filter(None, [stripe_js])]
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *filter(None, [tiles])],
        "font-src": ["'self'"],
        "connect-src": ["'self'", *filter(None, [stripe_api])],
        "frame-src": ["'self'", *filter(None, [stripe_js, "https://hooks.stripe.com" if stripe_js else None])],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": [frame_ancestors],
    }
    report_uri = getattr(settings, "CSP_REPORT_URI", "")
    if report_uri:
        directives["report-uri"] = [report_uri]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy (report-only unless ``CSP_REPORT_ONLY`` is False) and
    Permissions-Policy on every response. Listed right after SecurityMiddleware, so it sees the
    X-Frame-Options the inner middleware set (Wagtail's preview frames its own pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if response.get("Content-Disposition", "").startswith("attachment"):
            response["Content-Security-Policy"] = DOWNLOAD_POLICY
            return response
        if "Content-Security-Policy" in response or "Content-Security-Policy-Report-Only" in response:
            return response
        same_origin = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        policy = content_security_policy("'self'" if same_origin else "'none'")
        header = "Content-Security-Policy-Report-Only" if getattr(settings, "CSP_REPORT_ONLY", True) else "Content-Security-Policy"
        response[header] = policy
        return response


# Everything a log reader or str.splitlines() takes as the end of a line.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with every line break written as its escape (``\\n``, ``\\r``, ``\\u2028``…)."""
    return _LINE_BREAKS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class SingleLineFormatter(logging.Formatter):
    """A formatter whose record line never breaks: values a user chose (names, paths, e-mail
    subjects) are logged as they are, and a line break among them is escaped rather than
    starting a forged record. A traceback still follows on its own lines: it is ours."""

    def formatMessage(self, record):
        return one_line(super().formatMessage(record))


security_log = logging.getLogger("marketplace.security")

# Routes that address a private object, by view name → the kind of object. A 404 on these is a
# refusal as often as a missing object (refusals are 404s so as not to reveal that the object
# exists), so it is logged; a 404 elsewhere (a mistyped public address) is not.
PRIVATE_OBJECT_KINDS = {
    "rfq:detail": "rfq", "rfq:edit": "rfq", "rfq:manage": "rfq", "rfq:publish": "rfq", "rfq:cancel": "rfq",
    "rfq:accept_nda": "rfq", "rfq:decline": "rfq", "rfq:ask": "rfq", "rfq:invite": "rfq",
    "rfq:declare_unsuccessful": "rfq", "rfq:send_debriefs": "rfq",
    "rfq:attachment": "rfq_file", "rfq:attachment_add": "rfq_file", "rfq:attachment_remove": "rfq_file",
    "rfq:answer": "question",
    "rfq:quote": "quote", "rfq:quote_preview": "quote", "rfq:withdraw_quote": "quote",
    "rfq:open_quotes": "quote", "rfq:compare": "quote", "rfq:compare_export": "quote", "rfq:award": "quote",
    "rfq:quote_attachment": "quote_file",
    "rfq:thread": "message", "rfq:message_attachment": "message_file",
    "api:rfq_detail": "rfq", "api:update_rfq": "rfq", "api:publish_rfq": "rfq", "api:matches": "rfq",
    "api:ask_question": "rfq", "api:add_attachment": "rfq_file",
    "api:list_quotes": "quote", "api:save_quote": "quote", "api:open_quotes": "quote", "api:award": "quote",
    "api:revoke_token": "api_token", "api_tokens:token_revoke": "api_token",
    "suppliers:profile_certificate_download": "certificate",
    "notifications:open": "notification",
}


def log_denial(request, status: int) -> None:
    """Write a refused access to the security log. Every 403 is a refusal; a 404 counts only on
    a route of :data:`PRIVATE_OBJECT_KINDS`. Values are logged as given (the path is the
    visitor's): :class:`SingleLineFormatter` keeps them on one line."""
    match = getattr(request, "resolver_match", None)
    view_name = getattr(match, "view_name", "") or ""
    kind = PRIVATE_OBJECT_KINDS.get(view_name)
    if kind is None and status != 403:
        return
    user = getattr(request, "user", None)
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    security_log.warning(
        "access denied: status=%s kind=%s user=%s method=%s path=%s view=%s",
        status, kind or "other", user_id if user_id is not None else "anonymous", request.method, request.path,
        view_name or "-",
        extra={"status": status, "object_kind": kind or "other", "user_id": user_id, "path": request.path,
               "view_name": view_name},
    )


SESSION_STARTED_KEY = "_security_started_at"
SESSION_SEEN_KEY = "_security_seen_at"
# Last-activity time is written at most this often, so a page view does not always save the session.
SEEN_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """Signs a user out after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and after
    ``SESSION_ABSOLUTE_TIMEOUT`` seconds since login whatever the activity. Listed after
    AuthenticationMiddleware. (``SESSION_COOKIE_AGE`` bounds the cookie and the stored session.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            seen = session.get(SESSION_SEEN_KEY, now)
            idle = getattr(settings, "SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
            absolute = getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", settings.SESSION_COOKIE_AGE)
            if now - seen > idle or now - started > absolute:
                logout(request)  # flushes the server-side session and rotates the key
            elif now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN_KEY not in session:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)
