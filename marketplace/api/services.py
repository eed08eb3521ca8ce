"""Personal API tokens: create, revoke, and authenticate a request by its token.

Only a SHA-256 of a token is stored (see :mod:`marketplace.api.models`); the raw token
is returned once by :func:`create_token` and cannot be recovered afterwards.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.audit.services import record

from .models import TOKEN_PREFIX, ApiToken, hash_token

# Writing last_used_at on every request would turn each API read into a write;
# a one-minute resolution is enough to tell a live token from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Tokens from ApiToken.generate() are about 47 characters; anything much longer is not
# one of ours and is refused before hashing.
MAX_TOKEN_LENGTH = 128

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length
PREFIX_LENGTH = ApiToken._meta.get_field("key_prefix").max_length


class ApiTokenError(Exception):
    """A token operation was refused; the message is shown to the user."""


def create_token(user, name: str, *, source: str = "web") -> tuple[ApiToken, str]:
    """Create a token for ``user`` (who is also the actor) and return it with the raw secret.

    The raw secret is returned only here: show it once, never store it.
    ``source`` says where the request came from (``web``, ``api``, ``command``) for the audit trail.
    """
    name = (name or "").strip()
    if not name:
        raise ApiTokenError(_("Donnez un nom au jeton pour le reconnaître plus tard."))
    if len(name) > NAME_MAX_LENGTH:
        raise ApiTokenError(
            _("Le nom du jeton ne doit pas dépasser %(max)d caractères.") % {"max": NAME_MAX_LENGTH}
        )
    if not user.is_active:
        raise ApiTokenError(_("Ce compte est désactivé : il ne peut pas recevoir de jeton d'API."))

    raw = ApiToken.generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_hash=hash_token(raw),
            key_prefix=raw[:PREFIX_LENGTH],
        )
        record(user, "api_token.created", token, name=name, key_prefix=token.key_prefix, source=source)
    return token, raw


def revoke_token(actor, token: ApiToken) -> ApiToken:
    """Revoke ``token`` on behalf of ``actor``, who must own it. Returns the revoked token."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.user_id != getattr(actor, "pk", None):
            raise ApiTokenError(_("Vous ne pouvez révoquer que vos propres jetons."))
        if locked.revoked_at is not None:
            raise ApiTokenError(_("Ce jeton est déjà révoqué."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(actor, "api_token.revoked", locked, name=locked.name, key_prefix=locked.key_prefix)
    token.revoked_at = locked.revoked_at
    return locked


def authenticate_token(raw: str | None):
    """Return the active user owning the raw token ``raw``, or None.

    The look-up is by SHA-256 of the token, so comparing secrets never leaks timing about
    the stored value. Revoked tokens and deactivated users are refused.
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    _touch(token)
    return token.user


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    stale_before = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > stale_before:
        return
    # Conditional update: of concurrent requests, at most one writes.
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before)
    ).update(last_used_at=now)
    token.last_used_at = now
