"""``manage.py load_demo``: reproducible, valid, realistic demo data and working demo logins."""
import time
from collections import Counter
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.urls import reverse
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number
from stdnum.fr import tva

from marketplace.accounts.models import Membership, Organisation
from rfq.models import RFQ, Award
from marketplace.demo.builders.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET, EDITORS_GROUP
from marketplace.demo.builders.organisations import generate_organisation_specs
from marketplace.demo.builders.places import Places
from marketplace.demo.builders.trades import INDUSTRIAL_REGIONS
from marketplace.geo.models import Commune, NafCode, PostalCode
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SUPPLIERS = 40


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--suppliers", str(SUPPLIERS), *args, "--quiet", stdout=out)
    return out.getvalue()


def organisation_identities() -> list[tuple[str, str, str, str]]:
    return list(
        Organisation.objects.order_by("siret").values_list("name", "siret", "commune_id", "naf_code_id")
    )


def database_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": get_user_model().objects.count(),
        "emails": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
        "authenticators": Authenticator.objects.count(),
    }


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def test_same_seed_gives_the_same_organisations_on_fresh_data():
    load_demo("--seed", "7")
    first = organisation_identities()
    Award.objects.all().delete()  # awards protect quotes, quotes and RFQs their organisations
    RFQ.objects.all().delete()
    Organisation.objects.all().delete()

    load_demo("--seed", "7")

    assert organisation_identities() == first
    assert len(first) == SUPPLIERS + 5 + 8  # suppliers, at least five buyers, eight clusters


def test_written_organisations_are_the_ones_the_pure_generator_computes():
    load_demo("--seed", "7")

    specs = generate_organisation_specs(
        7,
        clusters=8,
        buyers=5,
        suppliers=SUPPLIERS,
        places=Places.from_database(),
        naf_codes=set(NafCode.objects.values_list("code", flat=True)),
    )

    computed = sorted(((spec.name, spec.siret, spec.commune, spec.naf_code) for spec in specs), key=lambda row: row[1])
    assert computed == organisation_identities()
    assert specs[0].name == "Cluster Mécanique Auvergne-Rhône-Alpes (fictif)"


def test_another_seed_gives_other_organisations():
    load_demo("--seed", "7")
    first = {siret for _name, siret, _commune, _naf in organisation_identities()}
    Award.objects.all().delete()  # awards protect quotes, quotes and RFQs their organisations
    RFQ.objects.all().delete()
    Organisation.objects.all().delete()

    load_demo("--seed", "8")

    assert first.isdisjoint(siret for _name, siret, _commune, _naf in organisation_identities())


def test_every_siren_siret_and_vat_number_is_valid_and_unique():
    load_demo()

    rows = list(Organisation.objects.values_list("siren", "siret", "vat_number", "slug"))

    for siren, siret, vat_number, _slug in rows:
        assert siren_number.is_valid(siren), siren
        assert siret_number.is_valid(siret) and siret.startswith(siren), siret
        assert tva.is_valid(vat_number) and tva.to_siren(vat_number) == siren, vat_number
    for column in zip(*rows):
        assert len(set(column)) == len(rows)


def test_suppliers_lie_in_real_communes_mostly_in_industrial_regions():
    load_demo()

    suppliers = list(Organisation.objects.filter(is_supplier=True).select_related("commune", "naf_code"))

    assert len(suppliers) == SUPPLIERS
    for supplier in suppliers:
        assert supplier.commune.kind == Commune.Kind.COMMUNE
        assert PostalCode.objects.filter(code=supplier.postal_code, commune=supplier.commune).exists()
        assert supplier.naf_code.section == "C", supplier.naf_code_id
        assert supplier.size_band and supplier.address
    regions = Counter(supplier.commune.region_id in INDUSTRIAL_REGIONS for supplier in suppliers)
    assert regions[True] > len(suppliers) / 2


def test_demo_accounts_have_a_verified_email_and_the_documented_password():
    load_demo()

    for account in DEMO_ACCOUNTS:
        assert EmailAddress.objects.filter(email=account.email, verified=True, primary=True).exists()
        assert authenticate(email=account.email, password=DEMO_PASSWORD) is not None, account.email


def test_buyer_demo_account_logs_in_through_allauth_and_owns_a_buyer(client):
    load_demo()

    response = client.post(reverse("account_login"), {"login": "acheteur@demo.test", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    membership = Membership.objects.get(user__email="acheteur@demo.test")
    assert membership.role == Membership.Role.OWNER and membership.organisation.is_buyer


@pytest.mark.parametrize(
    ("email", "admin"), [("staff@demo.test", "/django-admin/"), ("editeur@demo.test", "/cms-admin/")]
)
def test_staff_and_editor_reach_their_admin_with_the_documented_totp_secret(client, email, admin):
    load_demo()
    user = get_user_model().objects.get(email=email)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()

    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": current_code(DEMO_TOTP_SECRET)})

    assert client.get(admin).status_code == 200


def test_editor_is_a_wagtail_editor_but_not_staff():
    load_demo()

    editor = get_user_model().objects.get(email="editeur@demo.test")
    staff = get_user_model().objects.get(email="staff@demo.test")

    assert not editor.is_staff
    assert editor.groups.filter(name=EDITORS_GROUP).exists()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert staff.is_staff and staff.is_superuser


def test_running_twice_creates_nothing_the_second_time():
    load_demo()
    first = database_counts()

    load_demo()

    assert database_counts() == first


def test_a_larger_run_tops_up_the_same_suppliers():
    call_command("load_demo", "--suppliers", "20", "--buyers", "5", "--quiet")
    small = set(organisation_identities())

    call_command("load_demo", "--suppliers", str(SUPPLIERS), "--buyers", "5", "--quiet")

    assert small < set(organisation_identities())
    assert Organisation.objects.filter(is_supplier=True).count() == SUPPLIERS


def test_if_empty_does_nothing_when_an_organisation_exists():
    OrganisationFactory()
    out = StringIO()

    call_command("load_demo", "--suppliers", str(SUPPLIERS), "--if-empty", stdout=out)

    assert Organisation.objects.count() == 1
    assert not get_user_model().objects.filter(email__endswith="@demo.test").exists()
    assert out.getvalue().strip()


def test_an_organisation_holding_a_demo_siret_is_left_alone():
    specs = generate_organisation_specs(
        7,
        clusters=8,
        buyers=5,
        suppliers=SUPPLIERS,
        places=Places.from_database(),
        naf_codes=set(NafCode.objects.values_list("code", flat=True)),
    )
    supplier = next(spec for spec in specs if spec.kind == "supplier")
    someone = OrganisationFactory(siret=supplier.siret, siren=supplier.siren, slug="quelqu-un-d-autre")

    load_demo("--seed", "7")
    load_demo("--seed", "7")

    someone.refresh_from_db()
    assert someone.slug == "quelqu-un-d-autre"
    assert Organisation.objects.filter(is_supplier=True).count() == SUPPLIERS + 1
    twin = Organisation.objects.get(name=supplier.name, commune_id=supplier.commune)
    assert twin.siret != supplier.siret and siret_number.is_valid(twin.siret)
