"""The site shell: base template, navigation by role, languages, error pages, assets, catalogs."""
import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import translation

from marketplace import views
from tests.factories import MembershipFactory, OrganisationFactory

STATIC_DIR = Path(settings.BASE_DIR) / "marketplace" / "static"
CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def html(response) -> str:
    return response.content.decode()


def signed_in(client, **organisation_kinds):
    membership = MembershipFactory(organisation=OrganisationFactory(**organisation_kinds))
    client.force_login(membership.user)
    return membership


# --- Languages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_page_is_french_at_the_root(client):
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    assert '<html lang="fr"' in page
    assert "Relocalisez votre production" in page
    assert "Se connecter" in page and "Créer un compte" in page


@pytest.mark.django_db
def test_home_page_is_english_under_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    page = html(response)
    assert '<html lang="en"' in page
    assert "Search suppliers" in page
    assert "Sign in" in page and "Create an account" in page
    assert "Se connecter" not in page


def language_switch_next(page: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', page).group(1)


@pytest.mark.django_db
def test_language_switch_goes_to_english_and_back(client):
    next_url = language_switch_next(html(client.get("/")))
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert '<html lang="en"' in html(client.get("/en/"))

    next_url = language_switch_next(html(client.get("/en/")))
    response = client.post("/i18n/setlang/", {"language": "fr", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert '<html lang="fr"' in html(client.get("/"))


@pytest.mark.django_db
def test_language_switch_keeps_the_current_page_and_query(client):
    next_url = language_switch_next(html(client.get("/en/page-inconnue/?q=usinage")))
    response = client.post("/i18n/setlang/", {"language": "fr", "next": next_url})
    assert response["Location"] == "/page-inconnue/?q=usinage"
    next_url = language_switch_next(html(client.get("/page-inconnue/?q=usinage")))
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response["Location"] == "/en/page-inconnue/?q=usinage"


@pytest.mark.django_db
def test_language_switch_form_names_each_language_in_its_own_language(client):
    page = html(client.get("/en/"))
    assert 'action="/i18n/setlang/"' in page
    assert re.search(r'<option value="fr" lang="fr"[^>]*>Français</option>', page)
    assert re.search(r'<option value="en" lang="en" selected>English</option>', page)
    assert '<label for="language-switch-select">Language</label>' in page


# --- Layout and accessibility ---------------------------------------------------------------


@pytest.mark.django_db
def test_skip_link_and_landmarks_are_present(client):
    page = html(client.get("/"))
    assert re.search(r'<a class="skip-link" href="#main">', page)
    assert '<header role="banner"' in page
    assert '<nav class="main-nav" aria-label="Navigation principale">' in page
    assert '<main id="main"' in page
    assert '<footer role="contentinfo"' in page
    assert 'role="status"' in page
    assert "Données : INSEE (COG 2024, NAF rév. 2), La Poste — Licence Ouverte 2.0" in page


@pytest.mark.django_db
def test_htmx_requests_carry_the_csrf_token(client):
    page = html(client.get("/"))
    assert re.search(r"""<body hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]{32,}"\}'>""", page)


@pytest.mark.django_db
def test_home_page_search_form_is_labelled_and_targets_supplier_search(client):
    page = html(client.get("/"))
    assert 'action="/recherche/"' in page
    for field_id, name in [("search-q", "q"), ("search-postal-code", "postal_code"), ("search-radius", "radius")]:
        assert f'<label for="{field_id}">' in page
        assert f'id="{field_id}"' in page and f'name="{name}"' in page
    for km in (25, 50, 100):
        assert f'<option value="{km}"' in page
    assert "Publier une demande de devis" in page
    assert "Référencer mon entreprise" in page
    assert "Comment ça marche" in page


@pytest.mark.django_db
def test_home_page_shows_the_editors_hero_title_and_intro(client):
    from cms.models import HomePage

    home = HomePage.objects.get()
    home.hero_title = "<p>Fabriquer <b>ici</b></p>"
    home.intro = "<p>Un texte d’introduction.</p>"
    home.save_revision().publish()
    page = html(client.get("/"))
    assert '<h1 id="hero-title">Fabriquer ici</h1>' in page
    assert "Un texte d’introduction." in page


# --- Navigation by role ---------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_see_login_and_signup(client):
    page = html(client.get("/"))
    assert 'href="/accounts/login/"' in page
    assert 'href="/accounts/signup/"' in page
    assert "Tableau de bord" not in page
    assert "Se déconnecter" not in page


@pytest.mark.django_db
def test_signed_in_user_sees_dashboard_organisation_and_logout(client):
    membership = signed_in(client, is_supplier=True, is_buyer=False)
    page = html(client.get("/"))
    assert 'href="/tableau-de-bord/"' in page and "Tableau de bord" in page
    assert membership.organisation.name in page
    assert '<span class="badge">fournisseur</span>' in page
    assert "Mon profil fournisseur" in page
    assert "Mes demandes de devis" not in page
    assert 'href="/compte/"' in page
    assert re.search(r'<form class="logout-form" method="post" action="/accounts/logout/">\s*<input type="hidden" name="csrfmiddlewaretoken"', page)
    assert "Se connecter" not in page
    assert "Administration" not in page


@pytest.mark.django_db
def test_buyer_and_cluster_links_follow_the_active_organisation(client):
    signed_in(client, is_supplier=False, is_buyer=True, is_cluster=True)
    page = html(client.get("/"))
    assert "Mes demandes de devis" in page
    assert "Mes membres" in page
    assert "Mon profil fournisseur" not in page


@pytest.mark.django_db
def test_staff_sees_administration(client):
    membership = signed_in(client, is_supplier=True)
    membership.user.is_staff = True
    membership.user.save(update_fields=["is_staff"])
    page = html(client.get("/"))
    assert '<a href="/cms-admin/">Administration</a>' in page


@pytest.mark.django_db
def test_english_navigation_for_a_signed_in_user(client):
    signed_in(client, is_supplier=True)
    page = html(client.get("/en/"))
    assert 'href="/en/tableau-de-bord/"' in page and "Dashboard" in page
    assert "Sign out" in page and "My account" in page and "My supplier profile" in page


# --- Error pages ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, lang, title, home",
    [
        ("/cette-page-n-existe-pas/", "fr", "Cette page est introuvable", 'href="/" role="button"'),
        ("/en/this-page-does-not-exist/", "en", "This page cannot be found", 'href="/en/" role="button"'),
    ],
)
def test_unknown_path_gets_the_friendly_404_page(client, path, lang, title, home):
    response = client.get(path)
    assert response.status_code == 404
    page = html(response)
    assert f'<html lang="{lang}"' in page
    assert title in page
    assert home in page  # a way back home
    assert "fournisseurs/" in page  # and to the search


@pytest.mark.django_db
def test_403_page_is_friendly():
    request = RequestFactory().get("/quelque-part/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override("fr"):
        response = views.error_403(request)
    assert response.status_code == 403
    assert "Vous n’avez pas accès à cette page" in html(response)


def test_500_handler_renders_the_friendly_page_without_database_or_context():
    # No django_db mark: any database access here would fail the test.
    request = RequestFactory().get("/")
    with translation.override("fr"):
        response = views.error_500(request)
    assert response.status_code == 500
    page = html(response)
    assert '<html lang="fr"' in page
    assert "Une erreur est survenue de notre côté" in page
    assert 'href="/"' in page
    with translation.override("en"):
        page = html(views.error_500(request))
    assert "Something went wrong on our side" in page
    assert 'href="/en/"' in page


@pytest.mark.django_db
def test_healthz_answers_json_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


# --- Static assets --------------------------------------------------------------------------


@pytest.mark.django_db
def test_base_template_assets_are_local_files(client):
    page = html(client.get("/"))
    script_srcs = re.findall(r'<script[^>]*\ssrc="([^"]+)"', page)
    # Resources the browser fetches; canonical/alternate links are addresses, not downloads.
    link_hrefs = [
        href
        for tag in re.findall(r"<link[^>]*>", page)
        if re.search(r'rel="(?:stylesheet|icon|preload|modulepreload|manifest)"', tag)
        for href in re.findall(r'\shref="([^"]+)"', tag)
    ]
    assert script_srcs and link_hrefs
    for url in script_srcs + link_hrefs:
        assert not url.startswith(("http://", "https://", "//")), f"{url} would be fetched from another site"
        assert url.startswith(settings.STATIC_URL)
        assert (STATIC_DIR / url.removeprefix(settings.STATIC_URL)).is_file(), f"{url} is missing"
    assert any("htmx.min.js" in src for src in script_srcs)
    assert re.search(r'<script src="[^"]*htmx\.min\.js" defer>', page)


def test_vendored_leaflet_is_complete():
    leaflet = STATIC_DIR / "vendor" / "leaflet"
    for name in ("leaflet.css", "leaflet.js", "images/marker-icon.png", "images/marker-icon-2x.png",
                 "images/marker-shadow.png", "images/layers.png", "images/layers-2x.png"):
        assert (leaflet / name).is_file(), name


# --- English catalog ------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file as {"flags": set, "msgid": str, "msgstr": [str, ...]} (header included)."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        starts_entry = line.startswith(("#", "msgctxt", "msgid "))
        if entry is None or (starts_entry and entry["msgstr"] and field.startswith("msgstr")):
            entry = {"flags": set(), "msgid": "", "msgstr": [], "obsolete": False}
            entries.append(entry)
            field = ""
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field.startswith("msgstr"):
                entry["msgstr"][-1] += value
            elif field == "msgid":
                entry["msgid"] += value
        else:
            field, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if field.startswith("msgstr"):
                entry["msgstr"].append(value)
            elif field == "msgid":
                entry["msgid"] = value
    return entries


def test_english_catalog_is_complete():
    entries = read_po(CATALOG)
    header, messages = entries[0], [e for e in entries[1:] if not e["obsolete"]]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert len(messages) > 50
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_english_catalog_is_compiled():
    mo = CATALOG.with_suffix(".mo")
    assert mo.is_file()
    if mo.stat().st_mtime >= CATALOG.stat().st_mtime:
        return
    # A checkout may give both files the same age in any order: compare the contents instead.
    from gettext import GNUTranslations

    with mo.open("rb") as handle:
        compiled = GNUTranslations(handle)
    for entry in read_po(CATALOG)[1:]:
        if entry["obsolete"] or len(entry["msgstr"]) != 1:
            continue
        assert compiled.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]
