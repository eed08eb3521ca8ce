"""Supplier profiles in the JSON API (mounted by ``marketplace.api.api``).

- ``GET /api/suppliers/{id}``: the public face of a *published* profile, for anyone; a draft
  or unknown id is a 404, so the API never reveals that a draft exists.
- ``GET /api/me/supplier-profile`` and ``PUT /api/me/supplier-profile``: the profile of the
  caller's active organisation, with its editing state (completeness, what is missing). PUT
  changes only the fields sent, through the same service as the web editor.
"""
from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from marketplace.accounts.middleware import get_active_membership
from marketplace.api.auth import token_auth, token_or_session_auth
from marketplace.api.schemas import ErrorOut, ValidationErrorOut

from . import completeness, services
from .models import SupplierProfile

router = Router(tags=["fournisseurs"])


class NamedOut(Schema):
    slug: str
    name: str


class CertificationOut(Schema):
    code: str
    name: str
    valid_until: date | None
    expired: bool


class SiteOut(Schema):
    name: str
    commune: str
    postal_code: str
    latitude: float
    longitude: float


class SupplierOut(Schema):
    id: int
    slug: str
    name: str
    siret: str
    commune: str | None
    postal_code: str
    tagline: str
    presentation: str
    skills: list[NamedOut]
    materials: list[NamedOut]
    sectors: list[NamedOut]
    certifications: list[CertificationOut]
    sites: list[SiteOut]
    headcount_band: str
    batch_sizes: list[str]
    verified: bool
    url: str


class MySupplierProfileOut(SupplierOut):
    status: str
    presentation_en: str
    keywords: list[str]
    languages: list[str]
    website: str
    contact_email: str
    phone: str
    completeness: int
    missing_for_publication: list[str]


class SupplierProfileIn(Schema):
    """Every field is optional: only those sent are changed. Lists replace the stored lists."""

    tagline: str | None = None
    presentation: str | None = None
    presentation_en: str | None = None
    skills: list[str] | None = None
    keywords: list[str] | None = None
    materials: list[str] | None = None
    sectors: list[str] | None = None
    headcount_band: str | None = None
    batch_sizes: list[str] | None = None
    languages: list[str] | None = None
    website: str | None = None


def _named(queryset) -> list[dict]:
    return [{"slug": obj.slug, "name": obj.label} for obj in queryset]


def _public(request, profile: SupplierProfile) -> dict:
    organisation = profile.organisation
    return {
        "id": profile.pk,
        "slug": profile.slug,
        "name": organisation.name,
        "siret": organisation.siret,
        "commune": organisation.commune.name if organisation.commune_id else None,
        "postal_code": organisation.postal_code,
        "tagline": profile.tagline,
        "presentation": profile.localized_presentation,
        "skills": _named(profile.skills.all()),
        "materials": _named(profile.materials.all()),
        "sectors": _named(profile.sectors.all()),
        "certifications": [
            {
                "code": c.certification_type.code,
                "name": c.certification_type.label,
                "valid_until": c.valid_until,
                "expired": c.is_expired,
            }
            for c in profile.certifications.select_related("certification_type")
        ],
        "sites": [
            {
                "name": s.name,
                "commune": s.commune.name,
                "postal_code": s.postal_code,
                "latitude": s.latitude,
                "longitude": s.longitude,
            }
            for s in profile.sites.select_related("commune")
        ],
        "headcount_band": profile.headcount_band,
        "batch_sizes": profile.batch_sizes,
        "verified": profile.is_verified,
        "url": request.build_absolute_uri(services.public_path(profile)),
    }


def _mine(request, profile: SupplierProfile) -> dict:
    return {
        **_public(request, profile),
        "presentation": profile.presentation,
        "status": profile.status,
        "presentation_en": profile.presentation_en,
        "keywords": profile.keywords,
        "languages": profile.languages,
        "website": profile.website,
        "contact_email": profile.contact_email,
        "phone": profile.phone,
        "completeness": profile.completeness,
        "missing_for_publication": completeness.missing_for_publication(profile),
    }


@router.get("/suppliers/{supplier_id}", response={200: SupplierOut, 404: ErrorOut}, summary="Fiche publique d'un fournisseur")
def supplier_detail(request, supplier_id: int):
    """A published supplier profile: public fields only (no contact, completeness or verification details)."""
    profile = get_object_or_404(
        SupplierProfile.objects.published().select_related("organisation__commune"), pk=supplier_id
    )
    return _public(request, profile)


def _my_profile(request) -> SupplierProfile:
    membership = get_active_membership(request.auth)
    if membership is None:
        raise HttpError(
            400, _("Votre compte n'appartient à aucune organisation : créez ou rejoignez une organisation fournisseur.")
        )
    organisation = membership.organisation
    if not organisation.is_supplier:
        raise HttpError(
            400,
            _("Votre organisation active, « %(name)s », n'est pas déclarée comme fournisseur.")
            % {"name": organisation.name},
        )
    try:
        return services.get_or_create_profile(request.auth, organisation)
    except services.NotAllowed:
        raise PermissionDenied from None
    except services.SupplierProfileError as error:
        raise HttpError(400, error.message) from None


@router.get(
    "/me/supplier-profile",
    response={200: MySupplierProfileOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=token_or_session_auth,
    summary="Mon profil fournisseur",
)
def my_supplier_profile(request):
    """The profile of your active organisation (created as a draft if it has none yet)."""
    return _mine(request, _my_profile(request))


@router.put(
    "/me/supplier-profile",
    response={200: MySupplierProfileOut, 400: ValidationErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=token_auth,
    summary="Modifier mon profil fournisseur",
)
def update_my_supplier_profile(request, payload: SupplierProfileIn):
    """Change the fields sent. ``skills``, ``materials`` and ``sectors`` are lists of slugs
    (``GET /api/suppliers/{id}`` shows them); an unknown slug is a 400 that lists it. Only owners
    and administrators of the organisation may change it (403 otherwise)."""
    profile = _my_profile(request)
    # Only the fields present in the body; an explicit null empties the field.
    values = payload.model_dump(exclude_unset=True)
    try:
        profile = services.update_profile(request.auth, profile, values)
    except services.NotAllowed:
        raise PermissionDenied from None
    except services.SupplierProfileError as error:
        if error.field:
            raise DjangoValidationError({error.field: [error.message]}) from None
        raise DjangoValidationError(error.message) from None
    return _mine(request, profile)
