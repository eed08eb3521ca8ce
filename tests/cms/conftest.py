"""Fixtures of the editorial site tests: a page tree under the migrated home page, sectors of
their own (the seeded ones may change), suppliers built from real communes."""
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.models import ArticleIndexPage, ArticlePage, HomePage, SectorIndexPage, SectorPage
from marketplace.geo.models import Commune
from suppliers.models import ProductionSite, Sector, SupplierProfile
from tests.factories import DEFAULT_PASSWORD, OrganisationFactory

LYON = "69123"  # Auvergne-Rhône-Alpes (84)
LILLE = "59350"  # Hauts-de-France (32)


@pytest.fixture
def home(db):
    return HomePage.objects.get(slug="accueil", locale__language_code="fr")


@pytest.fixture
def english(db):
    locale, _created = Locale.objects.get_or_create(language_code="en")
    return locale


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add_page(parent: Page, page: Page, *, live=True) -> Page:
    page.live = live
    parent.add_child(instance=page)
    if live:
        publish(page)
    else:
        page.save_revision()
    return page


@pytest.fixture
def make_sector(db):
    counter = iter(range(1, 1000))

    def make(name=None):
        n = next(counter)
        name = name or f"Filière d'essai {n}"
        return Sector.objects.create(slug=f"essai-{n}-{int(time.time() * 1000) % 100000}", name=name, name_en=f"Test sector {n}")

    return make


@pytest.fixture
def sector_a(make_sector):
    return make_sector("Mécanique d'essai")


@pytest.fixture
def sector_b(make_sector):
    return make_sector("Plasturgie d'essai")


@pytest.fixture
def sector_index(home):
    return add_page(home, SectorIndexPage(title="Filières", slug="filieres"))


@pytest.fixture
def make_sector_page(sector_index):
    def make(sector, *, live=True, **fields):
        fields.setdefault("title", sector.name)
        fields.setdefault("slug", sector.slug)
        return add_page(sector_index, SectorPage(sector=sector, **fields), live=live)

    return make


@pytest.fixture
def article_index(home):
    return add_page(home, ArticleIndexPage(title="Actualités", slug="actualites"))


@pytest.fixture
def make_article(article_index):
    def make(title, *, parent=None, live=True, **fields):
        fields.setdefault("intro", f"Chapeau de « {title} ».")
        fields.setdefault("date", timezone.localdate())
        return add_page(parent or article_index, ArticlePage(title=title, **fields), live=live)

    return make


@pytest.fixture
def make_supplier(db):
    def make(name, sectors=(), *, published=True, verified=True, commune=LYON, tagline=""):
        organisation = OrganisationFactory(name=name, is_supplier=True)
        profile = SupplierProfile.objects.create(
            organisation=organisation,
            slug=organisation.slug,
            tagline=tagline,
            status=SupplierProfile.Status.PUBLISHED if published else SupplierProfile.Status.DRAFT,
            verification_status=(
                SupplierProfile.Verification.VERIFIED if verified else SupplierProfile.Verification.UNVERIFIED
            ),
        )
        profile.sectors.set(sectors)
        place = Commune.objects.get(insee=commune)
        ProductionSite.objects.create(
            profile=profile,
            name="Atelier",
            postal_code="00000",
            commune=place,
            latitude=place.latitude or 45.76,
            longitude=place.longitude or 4.83,
            is_head_office=True,
        )
        return profile

    return make


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def login_to_admin(client, user):
    """Sign in through allauth with the password then a live TOTP code, as a person would."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)
