"""The API's error contract: every failure is JSON ``{"detail": "<message>", ...}``.

* invalid input (ninja's ValidationError, Django's ValidationError) → 400, with ``errors``:
  ``[{"loc": [...], "msg": "..."}]`` (ninja answers 422 by default; the product wants one
  4xx code for "your request is wrong", so 400 everywhere);
* missing, invalid or revoked credentials → 401 with ``WWW-Authenticate: Bearer``;
* PermissionDenied → 403; Http404 and ObjectDoesNotExist → 404;
* ninja's HttpError → its own status; a method the path does not accept → 405;
* an unknown path under /api/ → 404 (see :func:`unknown_path`);
* anything else is logged with its traceback and answered 500 ``{"detail": "Erreur interne"}``,
  never with the traceback itself.

ninja's own fixed English messages are replaced by translated ones.
"""
from __future__ import annotations

import functools
import logging

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from marketplace.security import log_denial

logger = logging.getLogger(__name__)


def _ninja_default_messages() -> dict[str, str]:
    """ninja's hard-coded English messages, mapped to our French msgids (translated per request)."""
    return {
        AuthenticationError().message: _("Authentification requise : fournissez un jeton d'API (Authorization: Bearer …)."),
        AuthorizationError().message: _("Vous n'avez pas accès à cette ressource."),
        Throttled(None).message: _("Trop de requêtes : réessayez dans quelques instants."),
        "CSRF check Failed": _("Vérification CSRF échouée."),
        "Cannot parse request body": _("Le corps de la requête n'est pas un JSON valide."),
    }


def install(api) -> None:
    """Register the handlers on ``api`` (a NinjaAPI). Later registrations would override these."""

    def respond(request, status: int, detail, **extra):
        response = api.create_response(request, {"detail": str(detail), **extra}, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def validation_error(request, exc: NinjaValidationError):
        errors = [
            {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}
            for error in exc.errors
        ]
        return respond(request, 400, _("Les données envoyées sont invalides."), errors=errors)

    def django_validation_error(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": [field], "msg": message, "type": "invalid"}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"loc": [], "msg": message, "type": "invalid"} for message in exc.messages]
        return respond(request, 400, _("Les données envoyées sont invalides."), errors=errors)

    def http_error(request, exc: HttpError):
        message = str(exc)
        detail = _ninja_default_messages().get(message, message)
        return respond(request, exc.status_code, detail)

    def not_found(request, exc):
        log_denial(request, 404)
        return respond(request, 404, _("Ressource introuvable."))

    def permission_denied(request, exc):
        log_denial(request, 403)
        return respond(request, 403, _("Vous n'avez pas accès à cette ressource."))

    def unexpected(request, exc):
        logger.error("Unhandled exception in API %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500, _("Erreur interne"))

    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(DjangoValidationError, django_validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(Exception, unexpected)


def json_method_not_allowed(api, view):
    """Wrap a ninja view so that its bare-text 405 becomes JSON (the Allow header is kept)."""

    def to_json(request, response):
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        json_response = api.create_response(request, {"detail": _("Méthode HTTP non autorisée ici.")}, status=405)
        json_response["Allow"] = response["Allow"]
        return json_response

    if iscoroutinefunction(view):

        @functools.wraps(view)
        async def wrapped_async(request, *args, **kwargs):
            return to_json(request, await view(request, *args, **kwargs))

        return wrapped_async

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return to_json(request, view(request, *args, **kwargs))

    return wrapped


def unknown_path_view(api):
    """A Django view answering 404 JSON for any /api/ path no operation matches."""

    @csrf_exempt
    def unknown_path(request, rest: str = ""):
        docs_url = reverse(f"{api.urls_namespace}:openapi-view")
        return api.create_response(
            request,
            {"detail": _("Adresse d'API inconnue. Documentation : %(url)s") % {"url": docs_url}},
            status=404,
        )

    return unknown_path
