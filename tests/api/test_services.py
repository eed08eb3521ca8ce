from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.api.models import ApiToken, hash_token
from marketplace.api.services import ApiTokenError, authenticate_token, create_token, revoke_token
from marketplace.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_created_token_authenticates_its_owner_and_only_its_hash_is_stored(user):
    token, raw = create_token(user, "Script d'export")

    assert authenticate_token(raw) == user
    token.refresh_from_db()
    assert token.key_hash == hash_token(raw)
    assert raw not in {token.key_hash, token.key_prefix}
    assert raw.startswith(token.key_prefix)


def test_creating_a_token_writes_an_audit_entry_without_the_secret(user):
    token, raw = create_token(user, "Script d'export")

    entry = AuditEntry.objects.for_object(token).get()
    assert entry.action == "api_token.created"
    assert entry.actor == user
    assert raw not in str(entry.data)


def test_token_needs_a_name(user):
    with pytest.raises(ApiTokenError):
        create_token(user, "   ")
    assert not ApiToken.objects.exists()


def test_inactive_user_cannot_receive_a_token():
    with pytest.raises(ApiTokenError):
        create_token(UserFactory(is_active=False), "ERP")


def test_owner_revokes_token_which_then_stops_authenticating(user):
    token, raw = create_token(user, "ERP")

    revoke_token(user, token)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert authenticate_token(raw) is None
    assert AuditEntry.objects.for_object(token).filter(action="api_token.revoked", actor=user).exists()


def test_another_user_cannot_revoke_a_token(user):
    token, raw = create_token(user, "ERP")

    with pytest.raises(ApiTokenError):
        revoke_token(UserFactory(), token)

    assert authenticate_token(raw) == user


def test_revoking_twice_is_refused(user):
    token, _raw = create_token(user, "ERP")
    revoke_token(user, token)

    with pytest.raises(ApiTokenError):
        revoke_token(user, token)


def test_token_of_a_deactivated_user_does_not_authenticate(user):
    _token, raw = create_token(user, "ERP")
    user.is_active = False
    user.save()

    assert authenticate_token(raw) is None


@pytest.mark.parametrize("raw", [None, "", "pef_unknown", "not-one-of-ours", "pef_" + "x" * 500])
def test_unknown_or_malformed_tokens_do_not_authenticate(user, raw):
    create_token(user, "ERP")

    assert authenticate_token(raw) is None


def test_last_used_at_is_written_at_most_once_a_minute(user):
    token, raw = create_token(user, "ERP")

    authenticate_token(raw)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    an_hour_ago = timezone.now() - timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=an_hour_ago)
    authenticate_token(raw)
    token.refresh_from_db()
    assert token.last_used_at > an_hour_ago + timedelta(minutes=59)
