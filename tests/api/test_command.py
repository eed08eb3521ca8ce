from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from marketplace.api.models import ApiToken
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_only_a_working_token(client, user):
    out = StringIO()

    call_command("create_api_token", user.email.upper(), "--name", "Sauvegarde", stdout=out)

    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert client.get("/api/me", headers=bearer(lines[0])).json()["email"] == user.email
    assert ApiToken.objects.get(user=user).name == "Sauvegarde"


def test_create_api_token_for_an_unknown_email_fails_clearly(db):
    with pytest.raises(CommandError, match="inconnu@example.test"):
        call_command("create_api_token", "inconnu@example.test", stdout=StringIO())

    assert not ApiToken.objects.exists()
