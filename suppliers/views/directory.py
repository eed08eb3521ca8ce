"""The public supplier directory: profile pages, the index, and lists by filière and by région.

Only published profiles are public. Members of the supplier organisation also see their draft,
under a « brouillon » banner, and its owners and administrators ask for verification from it.
Search and facets live in the ``search`` app; these pages are plain, crawlable lists.
"""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.accounts.models import Membership
from cms.page_cache import directory_page_cache
from marketplace.geo.models import Region

from .. import selectors, verification
from ..models import BatchSize, Sector, SupplierProfile

# The same escapes as django.utils.html.json_script: the JSON cannot close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _script_json(data) -> str:
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


def _viewer_role(user, profile: SupplierProfile) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.filter(user=user, organisation_id=profile.organisation_id)
        .values_list("role", flat=True)
        .first()
    )


def organisation_json_ld(request, profile: SupplierProfile, skills, certifications, sites) -> dict:
    """schema.org ``Organization`` for search engines: identity, address, SIRET, skills, certificates."""
    organisation = profile.organisation
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(profile.get_absolute_url()),
        "identifier": {"@type": "PropertyValue", "propertyID": "SIRET", "value": organisation.siret},
    }
    if profile.tagline:
        data["description"] = profile.tagline
    if profile.logo:
        data["logo"] = request.build_absolute_uri(profile.logo.url)
    if profile.website or organisation.website:
        data["sameAs"] = [profile.website or organisation.website]
    # The registered address when the organisation has one, else the first (head-office) site.
    if organisation.postal_code and organisation.commune_id:
        street, postal_code, locality = organisation.address, organisation.postal_code, organisation.commune.name
    elif sites:
        street, postal_code, locality = sites[0].address, sites[0].postal_code, sites[0].commune.name
    else:
        street = postal_code = locality = ""
    if postal_code:
        address = {"@type": "PostalAddress", "postalCode": postal_code, "addressLocality": locality, "addressCountry": "FR"}
        if street:
            address["streetAddress"] = street
        data["address"] = address
    if skills:
        data["knowsAbout"] = [skill.label for skill in skills]
    credentials = []
    for certification in certifications:
        if certification.is_expired:
            continue
        credential = {
            "@type": "EducationalOccupationalCredential",
            "name": certification.certification_type.label,
            "credentialCategory": "certification",
        }
        if certification.valid_until:
            credential["validUntil"] = certification.valid_until.isoformat()
        if certification.issuer:
            credential["recognizedBy"] = {"@type": "Organization", "name": certification.issuer}
        credentials.append(credential)
    if credentials:
        data["hasCredential"] = credentials
    return data


@directory_page_cache
def profile_detail(request, slug):
    """A supplier's public page; cached whole for anonymous visitors (cms.page_cache)."""
    profile = selectors.profile_for_page(slug)
    if profile is None:
        raise Http404
    role = _viewer_role(request.user, profile)
    if not profile.is_published and role is None:
        raise Http404
    skills = list(profile.skills.all())
    certifications = list(profile.certifications.all())
    sites = list(profile.sites.all())
    organisation = request.organisation if request.user.is_authenticated else None
    map_points = [
        {
            "name": site.name,
            "commune": site.commune.name,
            "postal_code": site.postal_code,
            "lat": site.latitude,
            "lng": site.longitude,
        }
        for site in sites
    ]
    can_manage = role in (Membership.Role.OWNER, Membership.Role.ADMIN)
    context = {
        "profile": profile,
        "organisation": profile.organisation,
        "is_member": role is not None,
        "can_manage": can_manage,
        "skill_groups": selectors.group_skills(skills),
        "materials": list(profile.materials.all()),
        "sectors": list(profile.sectors.all()),
        "certifications": certifications,
        "equipment": list(profile.equipment.all()),
        "sites": sites,
        "references": list(profile.references.all()),
        "photos": list(profile.photos.all()),
        "batch_sizes": _batch_size_labels(profile.batch_sizes),
        "cluster_memberships": selectors.active_cluster_memberships(profile.organisation),
        "map_points": map_points,
        "map_tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "map_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "json_ld": _script_json(organisation_json_ld(request, profile, skills, certifications, sites)),
        "viewer_is_buyer": bool(organisation and organisation.is_buyer),
    }
    if can_manage:
        context["siret_is_valid"] = verification.siret_is_valid(profile.organisation.siret)
        context["last_decision"] = profile.verification_decisions.select_related("decided_by").first()
    return TemplateResponse(request, "suppliers/directory/profile_detail.html", context)


def _batch_size_labels(values) -> list[str]:
    labels = dict(BatchSize.choices)
    return [str(labels[value]) for value in values or [] if value in labels]


@login_required
@require_POST
def request_verification(request, slug):
    profile = get_object_or_404(SupplierProfile.objects.select_related("organisation"), slug=slug)
    try:
        verification.request_verification(request.user, profile)
    except verification.NotAllowed:
        raise PermissionDenied from None
    except verification.VerificationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Demande de vérification envoyée : l'équipe de la plateforme va contrôler les données de votre entreprise."),
        )
    return redirect(profile.get_absolute_url())


# --- Listing pages -------------------------------------------------------------------------------


def directory(request):
    return render(
        request,
        "suppliers/directory/index.html",
        {
            "sectors": selectors.sectors_with_counts(),
            "regions": selectors.regions_with_counts(),
            "recently_verified": selectors.recently_verified_profiles(),
        },
    )


def _paginated(request, queryset):
    paginator = Paginator(queryset, selectors.DIRECTORY_PAGE_SIZE)
    # get_page() falls back to the first or last page on garbage or out-of-range numbers.
    return paginator.get_page(request.GET.get("page"))


def sector_list(request, sector_slug):
    sector = get_object_or_404(Sector, slug=sector_slug)
    page = _paginated(request, selectors.profiles_in_sector(sector))
    return render(
        request,
        "suppliers/directory/list.html",
        {"heading": sector.label, "kind": "sector", "sector": sector, "page": page},
    )


def region_list(request, region_code):
    region = get_object_or_404(Region, code=region_code[:2])
    page = _paginated(request, selectors.profiles_in_region(region))
    return render(
        request,
        "suppliers/directory/list.html",
        {"heading": region.name, "kind": "region", "region": region, "page": page},
    )
