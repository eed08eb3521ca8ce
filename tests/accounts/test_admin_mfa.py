"""Both admins demand two-factor authentication (allauth's real TOTP) from staff and CMS users."""
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMINS = ["/cms-admin/", "/django-admin/"]


def current_code(secret: str) -> str:
    """The code an authenticator app shows right now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def login_with_password_and_code(client, user, secret):
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # the password alone does not sign in
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("admin", ADMINS)
def test_staff_without_totp_is_sent_to_totp_activation(client, superuser, admin):
    client.force_login(superuser)

    response = client.get(admin)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("admin", ADMINS)
def test_staff_with_totp_reaches_the_admin_after_the_two_factor_step(client, superuser, admin):
    secret = with_totp(superuser)

    login_with_password_and_code(client, superuser, secret)

    assert client.get(admin).status_code == 200


def test_wrong_totp_code_does_not_sign_in(client, superuser):
    secret = with_totp(superuser)
    client.post("/accounts/login/", {"login": superuser.email, "password": DEFAULT_PASSWORD})
    wrong = f"{(int(current_code(secret)) + 1) % 10**6:06d}"

    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get("/cms-admin/").status_code == 302


def test_staff_activating_totp_from_the_redirect_then_reaches_the_admin(client, superuser):
    client.post("/accounts/login/", {"login": superuser.email, "password": DEFAULT_PASSWORD})
    activation_path = client.get("/django-admin/")["Location"]

    # allauth asks for the password again before changing two-factor settings.
    reauthenticate = client.get(activation_path)["Location"]
    assert reauthenticate.startswith("/accounts/reauthenticate/")
    response = client.post(reauthenticate, {"password": DEFAULT_PASSWORD})
    assert response["Location"] == activation_path
    assert client.get(activation_path).status_code == 200
    secret = client.session["mfa.totp.secret"]

    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302

    assert client.get("/django-admin/").status_code == 200


def test_cms_editor_without_staff_flag_also_needs_totp(client):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert client.get("/cms-admin/")["Location"] == "/accounts/2fa/totp/activate/"

    client.logout()
    login_with_password_and_code(client, editor, with_totp(editor))
    assert client.get("/cms-admin/").status_code == 200


@pytest.mark.parametrize("admin", ADMINS)
def test_signed_in_user_without_admin_access_gets_403_not_a_redirect_loop(client, admin):
    client.force_login(UserFactory())

    assert client.get(admin).status_code == 403
