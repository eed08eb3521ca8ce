"""How API callers authenticate.

``token_auth``: ``Authorization: Bearer <token>`` with a personal API token, any method.
``token_or_session_auth``: the same, or the logged-in browser session for safe methods
(GET, HEAD, OPTIONS) only — so that pages can call read endpoints without a token, while
every write needs a token and never depends on a cookie (hence no CSRF exposure).

Pass either as ``auth=`` on a router or an operation. A bearer token that is present but
wrong is refused outright (401) rather than falling back to the session.
"""
from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from . import services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class InvalidApiToken(AuthenticationError):
    def __init__(self):
        super().__init__(message=_("Jeton d'API invalide ou révoqué."))


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = services.authenticate_token(token)
        if user is None:
            raise InvalidApiToken()
        # Code below the API reads the acting user from request.user, however it was authenticated.
        request.user = user
        return user


class SessionReadAuth(APIKeyCookie):
    """The Django session of a logged-in user, for safe methods only."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        # Unsafe methods are refused below, and CSRF only concerns unsafe methods.
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        if request.method not in SAFE_METHODS:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


token_auth = ApiTokenAuth()
token_or_session_auth = [token_auth, SessionReadAuth()]
