"""Journey: a CMS editor signs in with a live TOTP code, changes a filière page in the Wagtail
admin, publishes it, and visitors see the change on the site."""
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Locale, Page, Site

from cms.models import HomePage, SectorIndexPage, SectorPage
from suppliers.models import Sector
from tests.cms.conftest import current_code
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def site_home() -> HomePage:
    """The home page; transactional tests before this one may have flushed the migrated tree."""
    home = HomePage.objects.filter(locale__language_code="fr").first()
    if home is not None:
        return home
    locale, _ = Locale.objects.get_or_create(language_code="fr")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root", locale=locale)
    home = root.add_child(instance=HomePage(title="Production en France", slug="accueil", locale=locale))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Production en France"}
    )
    return home


@pytest.fixture
def sector_page():
    home = site_home()
    sector, _ = Sector.objects.get_or_create(slug="parcours-editeur", defaults={"name": "Filière du parcours"})
    index = home.add_child(instance=SectorIndexPage(title="Filières", slug="filieres"))
    page = index.add_child(instance=SectorPage(title="Filière du parcours", slug="parcours", sector=sector, intro="Ancien chapeau."))
    page.save_revision().publish()
    return page


@pytest.fixture
def editor(sector_page):
    """An editor-in-chief of that filière: may edit and publish its page."""
    user = UserFactory(email="redaction@example.test")
    group = Group.objects.create(name="Rédaction du parcours")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=sector_page, permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        )
    user.groups.add(group)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


def test_editor_publishes_a_sector_page_change_that_visitors_then_see(page, live_server, editor, sector_page):
    assert "Ancien chapeau." in page.goto(f"{live_server.url}/filieres/parcours/").text()

    page.goto(f"/cms-admin/pages/{sector_page.pk}/edit/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=login]").fill(editor.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(current_code(editor.totp_secret))
    page.get_by_role("button", name=re.compile(r"^\s*(Connexion|Sign in)\s*$", re.I)).click()
    page.wait_for_url(re.compile(rf"/cms-admin/pages/{sector_page.pk}/edit/"))

    page.locator("textarea[name=intro]").fill("Nouveau chapeau publié depuis l'administration.")
    page.get_by_role("button", name=re.compile(r"Plus d.actions|More actions", re.I)).click()
    page.get_by_role("button", name=re.compile(r"^\s*(Publier|Publish)\s*$", re.I)).click()
    page.wait_for_url(re.compile(r"/cms-admin/pages/\d+/"))

    assert SectorPage.objects.get(pk=sector_page.pk).intro == "Nouveau chapeau publié depuis l'administration."
    visitor = page.context.browser.new_context(base_url=live_server.url)
    try:
        public = visitor.new_page()
        public.goto("/filieres/parcours/")
        assert "Nouveau chapeau publié depuis l'administration." in public.locator("main").inner_text()
        assert "Ancien chapeau." not in public.locator("main").inner_text()
    finally:
        visitor.close()
