"""Regenerate docs/screenshots/*.png for the README with Debian's Chromium (Playwright).

Usage: ``make screenshots`` (after ``make demo``), or
``.venv/bin/python tools/screenshots.py [--base-url URL] [--only NAME ...]``.

Without ``--base-url`` it starts the dev server on a free loopback port against the dev
database (var/db.sqlite3) and stops it afterwards. Each shot names a page found from the demo
data; shots whose page does not exist yet (a feature still to come) are skipped and listed.
Pages that need a signed-in user get a session cookie made directly in the session store for
a demo account, so no password or TOTP has to be typed.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")


def _first(model_label: str, **filters):
    from django.apps import apps
    from django.db import DatabaseError

    try:
        model = apps.get_model(model_label)
    except LookupError:
        return None
    try:
        return model.objects.filter(**filters).order_by("pk").first()
    except DatabaseError:  # the feature's tables are not migrated in this database yet
        return None


def supplier_profile_path():
    profile = _first("suppliers.SupplierProfile", status="published")
    return profile.get_absolute_url() if profile else None


def sector_page_path():
    page = _first("cms.SectorPage", live=True)
    return page.url if page else None


DEMO_BUYER = "acheteur@demo.test"


def _demo_buyer_rfq(status: str):
    """An RFQ of the demo buyer's organisation in ``status`` (the page the buyer account may see)."""
    return _first("rfq.RFQ", status=status, buyer__memberships__user__email=DEMO_BUYER)


def rfq_path():
    rfq = _demo_buyer_rfq("published")
    return rfq.get_absolute_url() if rfq else None


def comparison_path():
    from django.urls import reverse

    rfq = _demo_buyer_rfq("awarded")
    return reverse("rfq:compare", kwargs={"reference": rfq.reference}) if rfq else None


# (file name, path or callable returning a path or None, demo account to sign in as or None)
SHOTS = [
    ("home", "/", None),
    ("search", "/recherche/?q=usinage&postal_code=42000&radius=50", None),
    ("supplier-profile", supplier_profile_path, None),
    ("rfq", rfq_path, DEMO_BUYER),
    ("comparison", comparison_path, DEMO_BUYER),
    ("sector-page", sector_page_path, None),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer at {url}")


def _session_cookie(email: str) -> str | None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.filter(email=email).first()
    if user is None:
        return None
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    taken, skipped, plan = [], [], []
    # Database look-ups happen before Playwright starts its event loop (the ORM is sync-only).
    for name, target, account in SHOTS:
        if args.only and name not in args.only:
            continue
        path = target() if callable(target) else target
        if not path:
            skipped.append(f"{name} (no such page in the demo data yet)")
            continue
        cookie = _session_cookie(account) if account else None
        if account and cookie is None:
            skipped.append(f"{name} (no demo account {account})")
            continue
        plan.append((name, path, cookie))

    server = None
    base_url = args.base_url
    if not base_url:
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    try:
        _wait_for(base_url + "/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for name, path, cookie in plan:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
                if cookie:
                    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
                page = context.new_page()
                response = page.goto(base_url + path, wait_until="networkidle")
                if response is None or response.status >= 400:
                    skipped.append(f"{name} ({path} answered {response.status if response else 'nothing'})")
                else:
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                    taken.append(name)
                context.close()
            browser.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    print(f"Screenshots written to {OUT}: {', '.join(taken) or 'none'}")
    for line in skipped:
        print(f"  skipped: {line}")
    return 0 if taken else 1


if __name__ == "__main__":
    sys.exit(main())
