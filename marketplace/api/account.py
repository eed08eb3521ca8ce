"""Endpoints about the calling account: who am I (``/me``) and my personal tokens (``/tokens``)."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError
from ninja.responses import Status

from . import services
from .auth import token_auth, token_or_session_auth
from .models import ApiToken
from .schemas import ErrorOut, MeOut, TokenCreatedOut, TokenIn, TokenOut, ValidationErrorOut

router = Router(tags=["compte"])


def _kinds(organisation) -> list[str]:
    kinds = []
    if organisation.is_buyer:
        kinds.append("buyer")
    if organisation.is_supplier:
        kinds.append("supplier")
    if organisation.is_cluster:
        kinds.append("cluster")
    return kinds


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=token_or_session_auth, summary="Mon compte")
def me(request):
    """The authenticated user and the organisations they belong to, with their role in each."""
    user = request.auth
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    return {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisations": [
            {
                "id": m.organisation.pk,
                "name": m.organisation.name,
                "slug": m.organisation.slug,
                "siren": m.organisation.siren,
                "siret": m.organisation.siret,
                "kinds": _kinds(m.organisation),
                "role": m.role,
                "active": m.organisation_id == user.active_organisation_id,
            }
            for m in memberships
        ],
    }


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut}, auth=token_or_session_auth, summary="Mes jetons")
def list_tokens(request):
    """The caller's personal API tokens (the secrets themselves are never returned)."""
    return request.auth.personal_api_tokens.all()


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, 400: ValidationErrorOut, 401: ErrorOut},
    auth=token_auth,
    summary="Créer un jeton",
)
def create_token(request, payload: TokenIn):
    """Create a token for the caller. The full token is in the response, and only there."""
    try:
        token, raw = services.create_token(request.auth, payload.name, source="api")
    except services.ApiTokenError as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "token": raw})


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    auth=token_auth,
    summary="Révoquer un jeton",
)
def revoke_token(request, token_id: int):
    """Revoke one of the caller's tokens (possibly the one used for this request)."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    try:
        return services.revoke_token(request.auth, token)
    except services.ApiTokenError as exc:
        raise HttpError(400, str(exc)) from exc
